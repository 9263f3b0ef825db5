//! The account's journal entries and ledger balance, for those who read the books.

use crate::{
    api::{self, Ledger},
    components::Loaded,
    format::{self, money},
};
use leptos::prelude::*;
use uuid::Uuid;

#[component]
pub(super) fn LedgerView(id: Uuid, currency: String, version: RwSignal<u32>) -> impl IntoView {
    let ledger = LocalResource::new(move || {
        version.get();
        async move { api::ledger(id).await }
    });
    view! {
        <section class="card" aria-labelledby="ledger-h">
            <h2 id="ledger-h">"Ledger"</h2>
            <Loaded
                state=Signal::derive(move || ledger.get())
                retry=move |()| ledger.refetch()
                empty={|l: &Ledger| l.items.is_empty().then_some("No entries.")}
                let:l
            >
                <p>"Balance " <strong data-testid="ledger-balance">{money(&l.balance, &currency)}</strong></p>
                <div class="table-wrap">
                    <table class="cards" data-testid="ledger">
                        <thead>
                            <tr>
                                <th>"Posted"</th>
                                <th>"Entry"</th>
                                <th>"Account"</th>
                                <th>"Debit"</th>
                                <th>"Credit"</th>
                            </tr>
                        </thead>
                        <tbody>
                            {l
                                .items
                                .iter()
                                .flat_map(|e| {
                                    e.lines
                                        .iter()
                                        .map(|line| {
                                            view! {
                                                <tr data-kind=e.kind.as_str()>
                                                    <td data-label="Posted">{format::datetime(&e.posted_at)}</td>
                                                    <td data-label="Entry">{format::label(e.kind.as_str())}</td>
                                                    <td data-label="Account">{format::label(line.ledger_account.as_str())}</td>
                                                    <td class="num" data-label="Debit">{money(&line.debit, &currency)}</td>
                                                    <td class="num" data-label="Credit">{money(&line.credit, &currency)}</td>
                                                </tr>
                                            }
                                        })
                                        .collect::<Vec<_>>()
                                })
                                .collect_view()}
                        </tbody>
                    </table>
                </div>
            </Loaded>
        </section>
    }
}
