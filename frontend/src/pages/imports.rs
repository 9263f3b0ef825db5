//! Imports (`/imports`): upload a placement CSV (dropped on the zone or chosen with
//! the file button), read with one of the agency's column mappings or none; a file
//! imported before is refused until the user says to import it again. Then its
//! progress, live from the stream's `import_progress` (polled every second while the
//! stream is down): rows done of total, rows per second, time left; once finished, the
//! counts, the row errors with their CSV download, and a link to the new accounts.
//! Below, the history of the agency's imports.

use crate::{
    api::{
        self,
        imports::{Import, ImportError, Upload},
        Problem,
    },
    components::{save_csv, Cursors, Empty, ErrorBox, FormError, Loading, PageHeading, Pager},
    format,
    live::{sleep, use_live},
    session::use_session,
};
use debtflow_domain::{import::ImportStatus, permission::Operation};
use leptos::{
    either::{EitherOf3, EitherOf4},
    ev::DragEvent,
    prelude::*,
};
use leptos_router::components::A;
use std::sync::{
    atomic::{AtomicBool, Ordering},
    Arc,
};
use wasm_bindgen::JsCast;

const HISTORY_PAGE: u32 = 10;
/// Row errors listed on the page (all of them are in the CSV).
const ERRORS_SHOWN: u32 = 50;

/// `12345` → `12.0 KB` (integer arithmetic: float formatting would add to the wasm).
pub fn size(bytes: i64) -> String {
    let tenths = |unit: i64| format!("{}.{}", bytes / unit, (bytes % unit) * 10 / unit);
    match bytes {
        b if b < 1024 => format!("{b} B"),
        b if b < 1024 * 1024 => format!("{} KB", tenths(1024)),
        _ => format!("{} MB", tenths(1024 * 1024)),
    }
}

/// Rows per second between the first and the last `(milliseconds, rows done)` sample.
pub fn rate(samples: &[(f64, i64)]) -> Option<i64> {
    let (&(t0, r0), &(t1, r1)) = (samples.first()?, samples.last()?);
    (t1 > t0 && r1 > r0).then(|| ((r1 - r0) as f64 * 1000.0 / (t1 - t0)).round() as i64)
}

/// Whole percent done (0 while the rows are not counted yet).
pub fn percent(processed: i64, total: Option<i64>) -> i64 {
    match total {
        Some(t) if t > 0 => (processed.clamp(0, t) * 100) / t,
        Some(_) => 100,
        None => 0,
    }
}

/// `75` s → `1 min 15 s`.
pub fn duration(seconds: i64) -> String {
    let s = seconds.max(0);
    if s < 60 {
        format!("{s} s")
    } else {
        format!("{} min {} s", s / 60, s % 60)
    }
}

/// The progress in words: "120 of 301 rows (39 %) · 60 rows/s · about 3 s left"; a
/// finished import says how long it took (`elapsed_ms`, start to finish).
pub fn progress_text(import: &Import, rate: Option<i64>, elapsed_ms: Option<i64>) -> String {
    let Some(total) = import.total_rows else {
        return match import.status {
            ImportStatus::Queued => "Waiting to start…".into(),
            _ => "Counting the rows…".into(),
        };
    };
    let mut text = format!("{} of {} rows ({} %)", import.processed, total, percent(import.processed, Some(total)));
    if import.status.is_finished() {
        if let Some(ms) = elapsed_ms.filter(|ms| *ms >= 0) {
            match ms {
                0..500 => text.push_str(" in under a second"),
                _ => text.push_str(&format!(" in {}", duration((ms + 500) / 1000))),
            }
            if ms > 0 && import.processed > 0 {
                text.push_str(&format!(" · {} rows/s", (import.processed * 1000 + ms / 2) / ms));
            }
        }
        return text;
    }
    if let Some(r) = rate.filter(|r| *r > 0) {
        let left = ((total - import.processed).max(0) + r - 1) / r;
        text.push_str(&format!(" · {r} rows/s · about {} left", duration(left)));
    }
    text
}

/// Milliseconds from start to finish of a finished import (the browser reads the
/// timestamps).
fn elapsed_ms(import: &Import) -> Option<i64> {
    let ms = |s: &Option<String>| Some(js_sys::Date::parse(s.as_deref()?)).filter(|v| v.is_finite());
    Some((ms(&import.finished_at)? - ms(&import.started_at)?) as i64)
}

/// What a finished import came to, in a sentence.
pub fn outcome(import: &Import) -> String {
    match import.status {
        ImportStatus::Failed => {
            format!("The file could not be imported: {}", import.error.as_deref().unwrap_or("no reason given"))
        }
        ImportStatus::Queued | ImportStatus::Running => "Importing…".into(),
        _ => {
            let mut text = format!(
                "{} new account(s), {} updated, {} unchanged, {} row(s) refused.",
                import.created, import.updated, import.skipped, import.failed
            );
            if import.failed == 0 {
                text.insert_str(0, "Imported: ");
            } else {
                text.insert_str(0, "Imported with errors: ");
            }
            text
        }
    }
}

/// An import's rows in a line: "301: 300 new, 0 updated, 0 unchanged, 1 refused".
pub fn counts(i: &Import) -> String {
    match i.total_rows {
        None => "not counted yet".into(),
        Some(t) => {
            format!("{t}: {} new, {} updated, {} unchanged, {} refused", i.created, i.updated, i.skipped, i.failed)
        }
    }
}

/// `accounts.csv` → `accounts-errors.csv`.
pub fn errors_file_name(file_name: &str) -> String {
    format!("{}-errors.csv", file_name.trim_end_matches(".csv").trim_end_matches(".CSV"))
}

#[component]
pub fn ImportsPage() -> impl IntoView {
    let session = use_session();
    if !session.can(Operation::ReadImports) {
        return view! {
            <section class="not-found" data-testid="forbidden">
                <PageHeading text="Imports are for managers" />
                <A href="/accounts">"Back to the worklist"</A>
            </section>
        }
        .into_any();
    }
    // The import followed on the page (just uploaded, or picked in the history).
    let followed = RwSignal::new(None::<Import>);
    let history_version = RwSignal::new(0u32);
    let on_started = Callback::new(move |import: Import| {
        followed.set(Some(import));
        history_version.update(|v| *v += 1);
    });
    let on_finished = Callback::new(move |()| history_version.update(|v| *v += 1));
    view! {
        <section class="imports">
            <PageHeading text="Imports" />
            {session.can(Operation::ImportAccounts).then(|| view! { <UploadForm on_started=on_started /> })}
            {move || {
                followed
                    .get()
                    .map(|import| {
                        view! { <Progress initial=import on_finished=on_finished /> }
                    })
            }}
            <History version=history_version on_pick=Callback::new(move |i| followed.set(Some(i))) />
        </section>
    }
    .into_any()
}

/// The upload: a drop zone around the file button, the mapping, and the offer to
/// import again a file seen before.
#[component]
fn UploadForm(on_started: Callback<Import>) -> impl IntoView {
    let file = StoredValue::new_local(None::<web_sys::File>);
    let chosen = RwSignal::new(None::<String>);
    let mapping = RwSignal::new(String::new());
    let mappings = RwSignal::new(Vec::<api::imports::Mapping>::new());
    leptos::task::spawn_local(async move {
        if let Ok(list) = api::imports::mappings().await {
            let _ = mappings.try_set(list);
        }
    });
    let dragging = RwSignal::new(false);
    let pending = RwSignal::new(false);
    let problem = RwSignal::new(None::<Problem>);
    // The 409 for a file imported before, until the user decides.
    let duplicate = RwSignal::new(None::<String>);
    let input = NodeRef::<leptos::html::Input>::new();

    let take = move |f: Option<web_sys::File>| {
        problem.set(None);
        duplicate.set(None);
        chosen.set(f.as_ref().map(|f| format!("{} ({})", f.name(), size(f.size() as i64))));
        file.set_value(f);
    };
    let send = move |force: bool| {
        if pending.get_untracked() {
            return;
        }
        let Some(f) = file.get_value() else {
            problem.set(Some(Problem::invalid("file", "Choose a CSV file first (or drop one here).")));
            return;
        };
        pending.set(true);
        problem.set(None);
        duplicate.set(None);
        let mapping = mapping.get_untracked();
        leptos::task::spawn_local(async move {
            let r = api::imports::upload(&f, &mapping, force).await;
            let _ = pending.try_set(false);
            match r {
                Ok(Upload::Started(import)) => {
                    file.set_value(None);
                    let _ = chosen.try_set(None);
                    if let Some(i) = input.get_untracked() {
                        i.set_value("");
                    }
                    on_started.run(import);
                }
                Ok(Upload::Duplicate(p)) => {
                    let _ = duplicate.try_set(Some(p.detail));
                }
                Err(p) => {
                    let _ = problem.try_set(Some(p));
                }
            }
        });
    };
    let on_drop = move |ev: DragEvent| {
        ev.prevent_default();
        dragging.set(false);
        let f = ev.data_transfer().and_then(|d| d.files()).and_then(|files| files.get(0));
        if f.is_some() {
            take(f);
        }
    };
    let on_change = move |ev: leptos::ev::Event| {
        let f = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
            .and_then(|i| i.files())
            .and_then(|files| files.get(0));
        take(f);
    };
    view! {
        <form
            class="card upload"
            data-testid="upload-form"
            on:submit=move |ev| {
                ev.prevent_default();
                send(false)
            }
        >
            <h2>"Import a placement file"</h2>
            <div
                class="dropzone"
                class:over=move || dragging.get()
                data-testid="dropzone"
                on:dragover=move |ev: DragEvent| {
                    ev.prevent_default();
                    dragging.set(true)
                }
                on:dragleave=move |_| dragging.set(false)
                on:drop=on_drop
            >
                <label for="import-file">
                    <strong>"Drop a CSV file here"</strong>
                    " or choose one: "
                </label>
                <input
                    node_ref=input
                    id="import-file"
                    name="file"
                    type="file"
                    accept=".csv,text/csv"
                    aria-describedby="import-file-help"
                    on:change=on_change
                />
                <p id="import-file-help" class="muted">
                    "Columns as in the CSV format (external_ref, creditor, original_balance, delinquency_date, debtor_name …), or a mapping of the creditor's own."
                </p>
                <p class="chosen" role="status" data-testid="chosen-file">
                    {move || chosen.get().map(|c| format!("Chosen: {c}"))}
                </p>
            </div>
            <label for="import-mapping">"Column mapping"</label>
            <select id="import-mapping" name="mapping" bind:value=mapping data-testid="mapping">
                <option value="">"None: the file uses our column names"</option>
                {move || {
                    mappings
                        .get()
                        .into_iter()
                        .map(|m| view! { <option value=m.name.clone()>{m.name.clone()}</option> })
                        .collect_view()
                }}
            </select>
            {move || {
                problem
                    .get()
                    .and_then(|p| p.field("file"))
                    .map(|m| view! { <p class="field-error" role="alert">{m}</p> })
            }}
            <FormError problem=problem />
            {move || {
                duplicate
                    .get()
                    .map(|detail| {
                        view! {
                            <div class="notice" role="alert" data-testid="duplicate">
                                <p>
                                    "This file was imported before (the same content), so it was not imported again."
                                    {(!detail.is_empty()).then(|| format!(" ({detail})"))}
                                </p>
                                <p>
                                    "Importing it again updates the accounts it names and adds none twice. "
                                    <button type="button" data-testid="force" on:click=move |_| send(true)>
                                        "Import it again anyway"
                                    </button>
                                </p>
                            </div>
                        }
                    })
            }}
            <button type="submit" class="primary" disabled=move || pending.get() data-testid="upload">
                {move || if pending.get() { "Uploading…" } else { "Import" }}
            </button>
        </form>
    }
}

/// One import followed to its end: live from the stream, polled while it is down.
#[component]
fn Progress(initial: Import, on_finished: Callback<()>) -> impl IntoView {
    let live = use_live();
    let id = initial.id.clone();
    let was_finished = initial.status.is_finished();
    let import = RwSignal::new(initial);
    // (ms, rows done) as updates arrive, for the rate.
    let samples = StoredValue::new(Vec::<(f64, i64)>::new());
    let last_update = StoredValue::new(js_sys::Date::now());
    let accept = move |next: Import| {
        let now = js_sys::Date::now();
        samples.update_value(|s| {
            if s.last().is_none_or(|(_, r)| *r != next.processed) {
                s.push((now, next.processed));
            }
        });
        last_update.set_value(now);
        import.set(next);
    };
    // From the stream.
    let stream_id = id.clone();
    Effect::new(move |_| {
        if let Some(next) = live.imports.with(|m| m.get(&stream_id).cloned()) {
            let newer = import.with_untracked(|i| {
                next.processed > i.processed || (next.status != i.status && !i.status.is_finished())
            });
            if newer {
                accept(next);
            }
        }
    });
    // Polling: every second while the stream is down, when the stream has been quiet
    // for 2 s, and once every row is done (the end itself is not streamed).
    let alive = Arc::new(AtomicBool::new(true));
    let alive_task = alive.clone();
    on_cleanup(move || alive.store(false, Ordering::Relaxed));
    if !was_finished {
        let id = id.clone();
        leptos::task::spawn_local(async move {
            loop {
                sleep(1_000).await;
                if !alive_task.load(Ordering::Relaxed) {
                    return;
                }
                let Some(current) = import.try_get_untracked() else { return };
                if current.status.is_finished() {
                    return;
                }
                let quiet = js_sys::Date::now() - last_update.try_get_value().unwrap_or(0.0) > 2_000.0;
                let all_done = current.total_rows.is_some_and(|t| current.processed >= t);
                if !live.connected.get_untracked() || quiet || all_done {
                    if let Ok(next) = api::imports::one(&id).await {
                        if !alive_task.load(Ordering::Relaxed) {
                            return;
                        }
                        accept(next);
                    }
                }
            }
        });
    }
    let finished = Memo::new(move |_| import.with(|i| i.status.is_finished()));
    Effect::new(move |prev: Option<bool>| {
        let now = finished.get();
        if now && prev == Some(false) {
            on_finished.run(());
        }
        now
    });
    let rate_now = move || samples.with_value(|s| rate(s));
    view! {
        <section class="card progress-card" aria-labelledby="progress-h" data-testid="import-progress" data-import=id>
            <h2 id="progress-h">{move || import.with(|i| format!("Import of {}", i.file_name))}</h2>
            {move || {
                let i = import.get();
                let text = progress_text(&i, rate_now(), elapsed_ms(&i));
                // Without a total yet, the bar has no value: the browser shows it as busy.
                let max = i.total_rows.unwrap_or(1).max(1);
                let value = i.total_rows.map(|_| i.processed.min(max));
                view! {
                    <progress max=max value=value aria-labelledby="progress-text"></progress>
                    <p id="progress-text" role="status" data-testid="progress-text" data-percent=percent(i.processed, i.total_rows)>
                        {text}
                    </p>
                    <p class="status-line">
                        <span class=format!("badge import-{}", i.status) data-testid="import-status">
                            {format::label(i.status.as_str())}
                        </span>
                    </p>
                }
            }}
            <Show when=move || finished.get()>
                <Outcome import=import.get_untracked() />
            </Show>
        </section>
    }
}

/// A finished import: its counts, the link to its accounts, its row errors.
#[component]
fn Outcome(import: Import) -> impl IntoView {
    let id = import.id.clone();
    // The first page of row errors (there are some when rows failed).
    let errors = RwSignal::new(None::<Result<Vec<ImportError>, Problem>>);
    let load_errors = {
        let id = id.clone();
        move || {
            let id = id.clone();
            leptos::task::spawn_local(async move {
                let r = api::imports::errors(&id, ERRORS_SHOWN).await.map(|p| p.items);
                let _ = errors.try_set(Some(r));
            });
        }
    };
    if import.failed > 0 {
        load_errors();
    }
    let downloading = RwSignal::new(false);
    let download_problem = RwSignal::new(None::<Problem>);
    let file_name = errors_file_name(&import.file_name);
    let download = {
        let id = id.clone();
        move |_| {
            let (id, name) = (id.clone(), file_name.clone());
            downloading.set(true);
            download_problem.set(None);
            leptos::task::spawn_local(async move {
                let r = api::imports::errors_csv(&id).await;
                let _ = downloading.try_set(false);
                match r.and_then(|csv| save_csv(&csv, &name)) {
                    Ok(()) => {}
                    Err(p) => {
                        let _ = download_problem.try_set(Some(p));
                    }
                }
            });
        }
    };
    let accounts = (import.created > 0).then(|| {
        view! {
            <A href=format!("/accounts?import={id}") attr:data-testid="import-accounts">
                {format!("See the {} new account(s) on the worklist", import.created)}
            </A>
        }
    });
    view! {
        <div class="outcome">
            <p data-testid="import-outcome" class:form-error=import.status == ImportStatus::Failed>{outcome(&import)}</p>
            {accounts}
            {(import.failed > 0)
                .then(|| {
                    view! {
                        <h3>"Rows refused"</h3>
                        <button on:click=download.clone() disabled=move || downloading.get() data-testid="download-errors">
                            "Download errors (CSV)"
                        </button>
                        <FormError problem=download_problem />
                        {move || match errors.get() {
                            None => EitherOf3::A(view! { <Loading /> }),
                            Some(Err(p)) => {
                                let retry = load_errors.clone();
                                EitherOf3::B(view! { <ErrorBox problem=p retry=move |_| retry() /> })
                            }
                            Some(Ok(list)) => EitherOf3::C(view! { <ErrorList list=list /> }),
                        }}
                    }
                })}
        </div>
    }
}

#[component]
fn ErrorList(list: Vec<ImportError>) -> impl IntoView {
    view! {
        <div class="table-wrap">
            <table class="import-errors stacked" data-testid="import-errors">
                <thead>
                    <tr>
                        <th scope="col">"Line"</th>
                        <th scope="col">"Column"</th>
                        <th scope="col">"Value"</th>
                        <th scope="col">"What is wrong"</th>
                    </tr>
                </thead>
                <tbody>
                    {list
                        .into_iter()
                        .map(|e| {
                            view! {
                                <tr data-testid="import-error">
                                    <td data-label="Line">{e.row}</td>
                                    <td data-label="Column">{e.column.unwrap_or_else(|| "(the row)".into())}</td>
                                    <td data-label="Value" class="value">{e.value}</td>
                                    <td data-label="What is wrong">{e.message}</td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
}

/// The agency's imports, newest first, in pages.
#[component]
fn History(version: RwSignal<u32>, on_pick: Callback<Import>) -> impl IntoView {
    let session = use_session();
    let me = session.user.with_untracked(|u| u.as_ref().map(|u| u.id.clone())).unwrap_or_default();
    let cursors = Cursors::new();
    let list = RwSignal::new(None::<Result<api::imports::ImportPage, Problem>>);
    // The last page asked for: an earlier answer arriving late is dropped.
    let asked = StoredValue::new(0u32);
    Effect::new(move |_| {
        version.track();
        let cursor = cursors.current.get();
        let n = asked.get_value() + 1;
        asked.set_value(n);
        leptos::task::spawn_local(async move {
            let r = api::imports::list(HISTORY_PAGE, &cursor).await;
            if asked.try_get_value() == Some(n) {
                let _ = list.try_set(Some(r));
            }
        });
    });
    let by = move |i: &Import| -> String {
        match (&i.created_by, i.source) {
            (Some(u), _) if *u == me => "You".into(),
            (Some(_), _) => i.created_by_name.clone().unwrap_or_else(|| "Another user".into()),
            (None, source) => format::label(source.as_str()),
        }
    };
    view! {
        <section class="card history" aria-labelledby="history-h">
            <h2 id="history-h">"History"</h2>
            {move || {
                    let by = by.clone();
                    match list.get() {
                        None => EitherOf4::A(view! { <Loading /> }),
                        Some(r) => match r {
                            Err(p) => {
                                EitherOf4::B(view! { <ErrorBox problem=p retry=move |_| version.update(|v| *v += 1) /> })
                            }
                            Ok(page) if page.items.is_empty() => EitherOf4::C(view! { <Empty text="No imports yet." /> }),
                            Ok(page) => {
                                let next = page.next_cursor.clone();
                                EitherOf4::D(view! {
                                    <table class="stacked imports-table" data-testid="import-history">
                                        <thead>
                                            <tr>
                                                <th scope="col">"File"</th>
                                                <th scope="col">"When, by"</th>
                                                <th scope="col">"Status"</th>
                                                <th scope="col">"Rows"</th>
                                                <th scope="col">"Details"</th>
                                            </tr>
                                        </thead>
                                        <tbody>
                                            {page
                                                .items
                                                .into_iter()
                                                .map(|i| {
                                                    let who = by(&i);
                                                    let picked = i.clone();
                                                    view! {
                                                        <tr data-testid="import-row" data-import=i.id.clone()>
                                                            <td data-label="File" class="file">{i.file_name.clone()}</td>
                                                            <td data-label="When, by">
                                                                {format!("{}, {who}", format::datetime(&i.created_at))}
                                                            </td>
                                                            <td data-label="Status">
                                                                <span class=format!("badge import-{}", i.status)>
                                                                    {format::label(i.status.as_str())}
                                                                </span>
                                                            </td>
                                                            <td data-label="Rows">{counts(&i)}</td>
                                                            <td>
                                                                <button
                                                                    class="link"
                                                                    aria-label=format!("Details of {}", i.file_name)
                                                                    on:click=move |_| on_pick.run(picked.clone())
                                                                >
                                                                    "Details"
                                                                </button>
                                                            </td>
                                                        </tr>
                                                    }
                                                })
                                                .collect_view()}
                                        </tbody>
                                    </table>
                                    <Pager cursors=cursors next=next label="Pages of the history" />
                                })
                            }
                        },
                    }
            }}
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use debtflow_domain::import::ImportSource;

    fn import(status: ImportStatus, total: Option<i64>, processed: i64) -> Import {
        Import {
            id: "i1".into(),
            status,
            source: ImportSource::Upload,
            file_name: "placements.csv".into(),
            total_rows: total,
            processed,
            created: processed,
            updated: 0,
            skipped: 0,
            failed: 0,
            error: None,
            created_by: None,
            created_by_name: None,
            created_at: "2026-12-01T10:00:00Z".into(),
            started_at: Some("2026-12-01T10:00:00Z".into()),
            finished_at: Some("2026-12-01T10:00:02.500Z".into()),
        }
    }

    #[test]
    fn the_rate_is_rows_over_time_between_the_first_and_last_sample() {
        assert_eq!(rate(&[]), None);
        assert_eq!(rate(&[(0.0, 0)]), None, "one sample: no rate yet");
        assert_eq!(rate(&[(1_000.0, 100), (1_500.0, 200), (3_000.0, 500)]), Some(200));
        assert_eq!(rate(&[(1_000.0, 100), (1_000.0, 200)]), None, "no time passed");
    }

    #[test]
    fn progress_says_rows_rate_and_time_left() {
        let running = import(ImportStatus::Running, Some(301), 120);
        assert_eq!(progress_text(&running, Some(60), None), "120 of 301 rows (39 %) · 60 rows/s · about 4 s left");
        assert_eq!(progress_text(&running, None, None), "120 of 301 rows (39 %)");
        let slow = import(ImportStatus::Running, Some(100_000), 10_000);
        assert!(progress_text(&slow, Some(1_000), None).ends_with("about 1 min 30 s left"));
        assert_eq!(progress_text(&import(ImportStatus::Queued, None, 0), None, None), "Waiting to start…");
        let done = import(ImportStatus::Completed, Some(300), 300);
        assert_eq!(progress_text(&done, None, Some(2_500)), "300 of 300 rows (100 %) in 3 s · 120 rows/s");
        assert_eq!(progress_text(&done, None, None), "300 of 300 rows (100 %)");
        assert_eq!(progress_text(&done, None, Some(136)), "300 of 300 rows (100 %) in under a second · 2206 rows/s");
    }

    #[test]
    fn percent_is_whole_and_bounded() {
        assert_eq!(percent(0, None), 0);
        assert_eq!(percent(150, Some(300)), 50);
        assert_eq!(percent(299, Some(300)), 99, "100 % only when every row is done");
        assert_eq!(percent(400, Some(300)), 100);
        assert_eq!(percent(0, Some(0)), 100, "an empty file is done");
    }

    #[test]
    fn outcomes_and_names_in_words() {
        let mut i = import(ImportStatus::CompletedWithErrors, Some(301), 301);
        i.created = 300;
        i.failed = 1;
        assert_eq!(outcome(&i), "Imported with errors: 300 new account(s), 0 updated, 0 unchanged, 1 row(s) refused.");
        i.status = ImportStatus::Failed;
        i.error = Some("no header".into());
        assert_eq!(outcome(&i), "The file could not be imported: no header");
        assert_eq!(counts(&i), "301: 300 new, 0 updated, 0 unchanged, 1 refused");
        assert_eq!(counts(&import(ImportStatus::Queued, None, 0)), "not counted yet");
        assert_eq!(errors_file_name("placements.csv"), "placements-errors.csv");
        assert_eq!(size(2_048), "2.0 KB");
        assert_eq!(size(12), "12 B");
        assert_eq!(size(1_572_864), "1.5 MB");
        assert_eq!(duration(75), "1 min 15 s");
    }
}
