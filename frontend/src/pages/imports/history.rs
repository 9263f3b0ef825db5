//! The agency's imports, newest first, paged; one opened shows its outcome.

use super::{counts, HISTORY_PAGE};
use crate::{
    api::{self, imports::Import, Page},
    components::{Cursors, Fetch, Loaded, Pager},
    format,
    session::use_session,
};
use leptos::prelude::*;

/// The agency's imports, newest first, in pages.
#[component]
pub(super) fn History(version: RwSignal<u32>, on_pick: Callback<Import>) -> impl IntoView {
    let session = use_session();
    let me = session.user.with_untracked(|u| u.as_ref().map(|u| u.id)).unwrap_or_default();
    let cursors = Cursors::new();
    let list = Fetch::new(move || {
        version.track();
        let cursor = cursors.current.get();
        async move { api::imports::list(HISTORY_PAGE, &cursor).await }
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
            <Loaded
                state=list.state
                retry=move |()| version.update(|v| *v += 1)
                empty={|page: &Page<Import>| page.items.is_empty().then_some("No imports yet.")}
                let:page
            >
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
                                        <tr data-testid="import-row" data-import=i.id.to_string()>
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
                    <Pager cursors=cursors next=page.next_cursor label="Pages of the history" />
            </Loaded>
        </section>
    }
}
