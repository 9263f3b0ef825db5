//! The accounts of one page: sortable columns, rows selectable for assignment, the
//! collector by name; and the pager (keyset: the cursors of the pages before this one
//! are remembered).

use super::{filters::Filters, Worklist};
use crate::{
    api::{Account, Page},
    components::StatusBadge,
    format,
    session::use_session,
};
use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub(super) fn Accounts(list: Worklist, page: Page<Account>) -> impl IntoView {
    let Worklist { filters, go, assigner, .. } = list;
    let sort_header = move |column: &'static str, text: &'static str| {
        let aria = move || match filters
            .with(|f| f.effective_sort().0 == column)
            .then(|| filters.with(|f| f.effective_sort().1 == "asc"))
        {
            Some(true) => "ascending",
            Some(false) => "descending",
            None => "none",
        };
        view! {
            <th aria-sort=aria>
                <button class="sort" data-sort=column on:click=move |_| go.run((filters.get_untracked().sorted_by(column), false))>
                    {text}
                    {move || match aria() {
                        "ascending" => " ▲",
                        "descending" => " ▼",
                        _ => "",
                    }}
                </button>
            </th>
        }
    };
    let next = page.next_cursor.clone();
    let rows = page.items.into_iter().map(|a| view! { <Row list=list account=a /> }).collect_view();
    view! {
        <div class="table-wrap">
            <table class="accounts cards" data-testid="worklist">
                <thead>
                    <tr>
                        <Show when=move || assigner>
                            <th>
                                <span class="sr-only">"Select"</span>
                            </th>
                        </Show>
                        <th>"Status"</th>
                        {sort_header("priority", "Priority")}
                        <th>"Debtor"</th>
                        {sort_header("balance", "Balance")}
                        {sort_header("days_past_due", "DPD")}
                        <th>"Bucket"</th>
                        <th>"Next installment due"</th>
                        <th>"Collector"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
        <Pager list=list next=next />
    }
}

#[component]
fn Row(list: Worklist, account: Account) -> impl IntoView {
    let Worklist { selected, collectors, assigner, .. } = list;
    let session = use_session();
    let a = account;
    let collector_id = a.collector_id;
    // Drawn again when the collectors' names arrive.
    let collector = move || {
        let Some(id) = &collector_id else { return "Unassigned".to_string() };
        if let Some(me) = session.user.with_untracked(|u| u.clone()).filter(|u| &u.id == id) {
            return me.full_name;
        }
        collectors
            .get()
            .and_then(|list| list.iter().find(|c| &c.id == id).map(|c| c.full_name.clone()))
            .unwrap_or_else(|| "Another collector".into())
    };
    let id = a.id;
    view! {
        <tr data-testid="account-row">
            <Show when=move || assigner>
                <td class="select">
                    <input
                        type="checkbox"
                        aria-label="Select"
                        prop:checked=move || selected.with(|s| s.contains(&id))
                        on:change={
                            move |ev| {
                                let on = event_target_checked(&ev);
                                selected.update(|s| {
                                    if on {
                                        s.insert(id);
                                    } else {
                                        s.remove(&id);
                                    }
                                })
                            }
                        }
                    />
                </td>
            </Show>
            <td data-label="Status">
                <StatusBadge status=a.status />
            </td>
            <td data-label="Priority">
                <span class=format!("prio prio-{}", a.priority)>{format::priority(a.priority)}</span>
            </td>
            <td class="debtor">
                <A href=format!("/accounts/{}", a.id)>{a.debtor.full_name.clone()}</A>
                <small class="muted">{format!(" {}", a.external_ref)}</small>
            </td>
            <td class="num" data-label="Balance" data-testid="balance">
                {format::money(&a.current_balance, &a.currency)}
            </td>
            <td class="num" data-label="DPD">{a.days_past_due}</td>
            <td data-label="Bucket">{a.bucket.as_str()}</td>
            <td data-label="Next installment due" data-testid="next-due">
                {a.next_installment_due.map(|d| d.to_string()).unwrap_or_default()}
            </td>
            <td data-label="Collector">{collector}</td>
        </tr>
    }
}

/// "Previous" and "Next" under the list; the cursors of the pages before this one are
/// remembered while the user pages (a new filter starts afresh).
#[component]
fn Pager(list: Worklist, next: Option<String>) -> impl IntoView {
    let Worklist { filters, go, .. } = list;
    let Previous(previous) = expect_context::<Previous>();
    let last = next.is_none();
    let to_next = move |_| {
        if let Some(cursor) = next.clone() {
            let f = filters.get_untracked();
            previous.update(|s| s.push(f.cursor.clone()));
            go.run((Filters { cursor, ..f }, false));
        }
    };
    let to_previous = move |_| {
        let cursor = previous.with_untracked(|s| s.last().cloned()).unwrap_or_default();
        go.run((Filters { cursor, ..filters.get_untracked() }, false));
    };
    view! {
        <nav class="pager" aria-label="Pages">
            <button on:click=to_previous disabled=move || filters.with(|f| f.cursor.is_empty())>
                "← Previous"
            </button>
            <button disabled=last on:click=to_next>
                "Next →"
            </button>
        </nav>
    }
}

/// The cursors of the pages before the one shown, kept by the page (the table is drawn
/// anew for each page).
#[derive(Clone, Copy)]
pub(super) struct Previous(pub RwSignal<Vec<String>>);
