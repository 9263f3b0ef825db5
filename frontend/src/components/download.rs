//! Saving text or bytes the API answered as a file of the user's: a Blob link clicked,
//! as a download the browser names after `name`. The API's downloads need the bearer
//! token, which a plain link cannot send. And the "Export CSV" of the lists the API exports.

use super::FormError;
use crate::api::{self, Problem};
use chrono::NaiveDate;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// "Export CSV" under a list the API exports (`?format=csv`): `export` gives the API
/// path of the download (its filters and `format=csv`) and the file's name, or `None`
/// while the filters cannot be sent; `note` says what the file holds.
#[component]
pub fn ExportCsv(export: Callback<(), Option<(String, String)>>, #[prop(into)] note: String) -> impl IntoView {
    let pending = RwSignal::new(false);
    let problem = RwSignal::new(None::<Problem>);
    let download = move |_| {
        if pending.get_untracked() {
            return;
        }
        let Some((path, name)) = export.run(()) else { return };
        pending.set(true);
        problem.set(None);
        leptos::task::spawn_local(async move {
            let r = api::csv(&path).await;
            let _ = pending.try_set(false);
            if let Err(p) = r.and_then(|csv| save_csv(&csv, &name)) {
                let _ = problem.try_set(Some(p));
            }
        });
    };
    view! {
        <div class="export">
            <button type="button" on:click=download disabled=move || pending.get() data-testid="export-csv">
                {move || if pending.get() { "Preparing the CSV…" } else { "Export CSV" }}
            </button>
            <span class="muted">{note}</span>
            <FormError problem=problem />
        </div>
    }
}

/// `{stem}.csv`, with the period when one is chosen (`payments-2026-11-01-to-now.csv`).
pub fn csv_name(stem: &str, from: Option<NaiveDate>, to: Option<NaiveDate>) -> String {
    match (from, to) {
        (None, None) => format!("{stem}.csv"),
        (from, to) => format!(
            "{stem}-{}-to-{}.csv",
            from.map_or_else(|| "start".into(), |d| d.to_string()),
            to.map_or_else(|| "now".into(), |d| d.to_string())
        ),
    }
}

/// Hands `text` to the browser as a CSV download named `name`.
pub fn save_csv(text: &str, name: &str) -> Result<(), Problem> {
    save(&wasm_bindgen::JsValue::from_str(text), "text/csv;charset=utf-8", name)
}

/// Hands `bytes` (a PDF the API answered: `application/pdf`) to the browser as a
/// download named `name`.
pub fn save_bytes(bytes: &[u8], mime: &str, name: &str) -> Result<(), Problem> {
    save(&js_sys::Uint8Array::from(bytes), mime, name)
}

/// A Blob of `part` (a string or bytes) of type `mime`, saved through a clicked link.
fn save(part: &wasm_bindgen::JsValue, mime: &str, name: &str) -> Result<(), Problem> {
    let fail = |e: wasm_bindgen::JsValue| Problem::decode(format!("the file could not be saved: {e:?}"));
    let parts = js_sys::Array::of1(part);
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options).map_err(fail)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(fail)?;
    let document = web_sys::window().and_then(|w| w.document()).ok_or_else(|| Problem::decode("no document"))?;
    let a: web_sys::HtmlAnchorElement = document.create_element("a").map_err(fail)?.unchecked_into();
    a.set_href(&url);
    a.set_download(name);
    a.click();
    // Released once the browser has taken it.
    set_timeout(move || drop(web_sys::Url::revoke_object_url(&url)), std::time::Duration::from_secs(30));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_carry_the_period_chosen() {
        assert_eq!(csv_name("audit-log", None, None), "audit-log.csv");
        let day = crate::format::date("2026-11-01");
        assert_eq!(csv_name("audit-log", day, None), "audit-log-2026-11-01-to-now.csv");
        assert_eq!(csv_name("payments", None, day), "payments-start-to-2026-11-01.csv");
    }
}
