//! One item waiting for a manager: its account read beside it, the terms, who asked,
//! any warning; approved or rejected (with a reason) after a confirmation.

use crate::{
    api::{self, Problem},
    components::{confirm, invalid},
    format::money,
    submit::Submission,
};
use leptos::prelude::*;
use leptos_router::components::A;
use uuid::Uuid;

/// What a manager confirms before a decision; `None`: nothing to confirm.
fn question(what: &str, decision: &str, warning: Option<&str>) -> Option<String> {
    let thing = if what == "plans" { "plan" } else { "payment" };
    match (decision, warning) {
        ("reject", _) => Some(format!("Reject this {thing}? The collector is told, with your reason.")),
        ("approve", Some(warning)) => Some(format!("{warning} Approve it?")),
        _ => None,
    }
}

/// One item to decide: its account read beside it (debtor, reference, balance), the
/// terms, who asked, any `warning` the account calls for, and the `detail` to open.
#[component]
pub(super) fn Decision(
    what: &'static str,
    id: Uuid,
    account_id: Uuid,
    terms: String,
    by: String,
    warning: Callback<api::Account, Option<String>>,
    detail: Option<AnyView>,
    reload: Callback<()>,
) -> impl IntoView {
    let account = LocalResource::new({
        let id = account_id;
        move || {
            let id = id;
            async move { api::account(id).await.map(|d| d.account) }
        }
    });
    // The warning once the account is read (none while it is not).
    let warning = Memo::new(move |_| account.get().and_then(Result::ok).and_then(|a| warning.run(a)));
    let reason = RwSignal::new(String::new());
    let submission = Submission::new();
    let Submission { pending, problem, .. } = submission;
    let decide = move |decision: &'static str| {
        let id = id;
        move |_| {
            if pending.get_untracked() {
                return;
            }
            if decision == "reject" && reason.with_untracked(|r| r.trim().is_empty()) {
                return submission
                    .refuse(Problem::invalid("reason", "Say why it is rejected: the collector reads it."));
            }
            if decision == "approve" && account.with_untracked(|a| a.is_none()) {
                // The balance is not read yet: a settlement could not have been warned of.
                return;
            }
            if let Some(q) = question(what, decision, warning.get_untracked().as_deref()) {
                if !confirm(&q) {
                    return;
                }
            }
            let why = reason.get_untracked();
            submission.run(
                move |key| async move { api::decide(what, id, decision, &why, &key).await },
                move |_| reload.run(()),
            );
        }
    };
    let label_id = format!("reason-{account_id}{what}");
    view! {
        <li data-testid="decision" data-account=account_id.to_string()>
            <p class="who" data-testid="decision-account">
                {
                    let href = format!("/accounts/{account_id}");
                    move || match account.get() {
                        None => view! { <A href=href.clone()>"Account"</A> " (reading…)" }.into_any(),
                        Some(Err(p)) => {
                            view! { <A href=href.clone()>"Account"</A> {format!(" (not readable: {})", p.message())} }
                                .into_any()
                        }
                        Some(Ok(a)) => {
                            view! {
                                <A href=href.clone()>{a.debtor.full_name.clone()}</A>
                                <small class="muted">{format!(" {}", a.external_ref)}</small>
                                {format!(" · balance {}", money(&a.current_balance, &a.currency))}
                            }
                                .into_any()
                        }
                    }
                }
            </p>
            <p data-testid="decision-terms">{terms}</p>
            <p class="muted" data-testid="decision-by">{by}</p>
            {detail}
            {move || warning.get().map(|w| view! { <p class="notice" data-testid="write-off-warning">{w}</p> })}
            <label for=label_id.clone()>"Reason (needed to reject)"</label>
            <input
                id=label_id.clone()
                name="reason"
                aria-invalid=invalid(problem, "reason")
                aria-describedby=format!("{label_id}-error")
                on:input=move |_| problem.set(None)
                bind:value=reason
            />
            {move || {
                problem
                    .get()
                    .map(|p| {
                        let text = p.field("reason").unwrap_or_else(|| p.message());
                        view! { <p class="form-error" role="alert" id=format!("{label_id}-error")>{text}</p> }
                    })
            }}
            <div class="actions">
                <button class="primary" on:click=decide("approve") disabled=move || pending.get() data-testid="approve">
                    "Approve"
                </button>
                <button on:click=decide("reject") disabled=move || pending.get() data-testid="reject">
                    "Reject"
                </button>
            </div>
        </li>
    }
}
