//! A finished import: its counts, its row errors and their CSV download.

use super::{errors_file_name, outcome, ERRORS_SHOWN};
use crate::{
    api::{
        self,
        imports::{Import, ImportError},
        Problem,
    },
    components::{save_csv, Fetch, FormError, Loaded},
};
use debtflow_domain::import::ImportStatus;
use leptos::prelude::*;
use leptos_router::components::A;

/// A finished import: its counts, the link to its accounts, its row errors.
#[component]
pub(super) fn Outcome(import: Import) -> impl IntoView {
    let id = import.id;
    // The first page of row errors, read when rows failed.
    let errors = (import.failed > 0).then(|| {
        Fetch::new(move || {
            let id = id;
            async move { api::imports::errors(id, ERRORS_SHOWN).await.map(|p| p.items) }
        })
    });
    let downloading = RwSignal::new(false);
    let download_problem = RwSignal::new(None::<Problem>);
    let file_name = errors_file_name(&import.file_name);
    let download = {
        move |_| {
            let (id, name) = (id, file_name.clone());
            downloading.set(true);
            download_problem.set(None);
            leptos::task::spawn_local(async move {
                let r = api::imports::errors_csv(id).await;
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
            {errors
                .map(|errors| {
                    view! {
                        <h3>"Rows refused"</h3>
                        <button on:click=download.clone() disabled=move || downloading.get() data-testid="download-errors">
                            "Download errors (CSV)"
                        </button>
                        <FormError problem=download_problem />
                        <Loaded state=errors.state retry=move |()| errors.again() let:list>
                            <ErrorList list=list />
                        </Loaded>
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
