//! Saving text the API answered as a file of the user's: a Blob link clicked, as a
//! download the browser names after `name`. The API's downloads need the bearer token,
//! which a plain link cannot send.

use crate::api::Problem;
use leptos::prelude::set_timeout;
use wasm_bindgen::JsCast;

/// Hands `text` to the browser as a CSV download named `name`.
pub fn save_csv(text: &str, name: &str) -> Result<(), Problem> {
    let fail = |e: wasm_bindgen::JsValue| Problem::decode(format!("the file could not be saved: {e:?}"));
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("text/csv;charset=utf-8");
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
