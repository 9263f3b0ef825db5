//! Sending a placement file: dropped on the zone or chosen, read with a mapping or none;
//! a file imported before is offered to be imported again.

use super::size;
use crate::{
    api::{
        self,
        imports::{Import, Upload},
        Problem,
    },
    components::FormError,
    submit::Submission,
};
use leptos::{ev::DragEvent, prelude::*};
use wasm_bindgen::JsCast;

#[component]
pub(super) fn UploadForm(on_started: Callback<Import>) -> impl IntoView {
    let file = StoredValue::new_local(None::<web_sys::File>);
    let chosen = RwSignal::new(None::<String>);
    let mapping = RwSignal::new(String::new());
    let mappings = RwSignal::new(Vec::<api::imports::NamedMapping>::new());
    leptos::task::spawn_local(async move {
        if let Ok(list) = api::imports::mappings().await {
            let _ = mappings.try_set(list);
        }
    });
    let dragging = RwSignal::new(false);
    let submission = Submission::new();
    let Submission { pending, problem, .. } = submission;
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
            return submission.refuse(Problem::invalid("file", "Choose a CSV file first (or drop one here)."));
        };
        duplicate.set(None);
        let mapping = mapping.get_untracked();
        submission.run(
            move |_| async move { api::imports::upload(&f, &mapping, force).await },
            move |upload| match upload {
                Upload::Started(import) => {
                    file.set_value(None);
                    chosen.set(None);
                    if let Some(i) = input.get_untracked() {
                        i.set_value("");
                    }
                    on_started.run(import);
                }
                Upload::Duplicate(p) => duplicate.set(Some(p.detail)),
            },
        );
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
