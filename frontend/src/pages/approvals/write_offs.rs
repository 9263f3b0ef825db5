//! The board's queue: write-offs recommended by a manager, each with its account
//! (debtor, reference), the amount recommended and the balance now — a warning when
//! they differ, as the API then refuses the approval — the reason and who recommended
//! it; approved (the balance written off, the account closed) or rejected, with the
//! board's minutes, under an `Idempotency-Key`. Whoever recommended one does not decide
//! it: they see it, told so, without the buttons.

use super::{proposed_by, ApprovalsChanged};
use crate::{
    api::{self, remedial::WriteOff, Problem},
    components::{confirm, invalid, unplaced, Loaded},
    format::money,
    submit::Submission,
};
use leptos::prelude::*;
use leptos_router::components::A;
use uuid::Uuid;

/// The warning a request deserves when the balance moved since it was recommended.
pub fn balance_warning(w: &WriteOff) -> Option<String> {
    (w.amount != w.current_balance).then(|| {
        format!(
            "The balance is now {}, not the {} recommended: an approval is refused. Reject it, and the manager drafts a new request.",
            money(&w.current_balance, &w.currency),
            money(&w.amount, &w.currency),
        )
    })
}

/// What the board confirms before a decision.
fn question(decision: &str, w: &WriteOff) -> String {
    let amount = money(&w.amount, &w.currency);
    match decision {
        "approve" => format!(
            "Approve writing off {amount} of {}? The balance is written off in the ledger and the account is closed.",
            w.debtor_name
        ),
        _ => format!("Reject the write-off of {amount}? The manager who recommended it is told, with the minutes."),
    }
}

/// Write-offs waiting for the board.
#[component]
pub(super) fn PendingWriteOffs(me: Option<Uuid>) -> impl IntoView {
    let list = LocalResource::new(api::remedial::recommended_write_offs);
    let changed = expect_context::<ApprovalsChanged>().0;
    let reload = Callback::new(move |()| {
        list.refetch();
        changed.update(|n| *n += 1);
    });
    view! {
        <section class="card" aria-labelledby="write-offs-h">
            <h2 id="write-offs-h">"Write-offs"</h2>
            <Loaded
                state=Signal::derive(move || list.get())
                retry=move |()| list.refetch()
                empty={|l: &Vec<WriteOff>| l.is_empty().then_some("No write-off waits for the board.")}
                let:items
            >
                <ul class="decisions" data-testid="pending-write-offs">
                    {items
                        .into_iter()
                        .map(|w| {
                            let own = me.is_some() && w.recommended_by == me;
                            view! { <WriteOffDecision write_off=w own=own reload=reload /> }
                        })
                        .collect_view()}
                </ul>
            </Loaded>
        </section>
    }
}

#[component]
fn WriteOffDecision(write_off: WriteOff, own: bool, reload: Callback<()>) -> impl IntoView {
    let w = write_off;
    let minutes = RwSignal::new(String::new());
    let submission = Submission::new();
    let Submission { pending, problem, .. } = submission;
    let id = w.id;
    let stored = StoredValue::new(w.clone());
    let decide = move |decision: &'static str| {
        move |_| {
            if pending.get_untracked() {
                return;
            }
            let m = minutes.get_untracked().trim().to_string();
            if m.is_empty() {
                return submission.refuse(Problem::invalid("minutes", "Write the board's minutes of the decision."));
            }
            if !confirm(&stored.with_value(|w| question(decision, w))) {
                return;
            }
            submission.run(
                move |key| async move { api::remedial::decide_write_off(id, decision, &m, &key).await },
                move |_| reload.run(()),
            );
        }
    };
    let href = format!("/accounts/{}?tab=legal", w.account_id);
    let by = match w.recommended_at {
        Some(at) => proposed_by("Recommended", w.recommended_by_name.as_deref(), &at),
        None => proposed_by("Drafted", w.created_by_name.as_deref(), &w.created_at),
    };
    let field = format!("minutes-{id}");
    let said = move || {
        problem.get().map(|p| match p.field("minutes") {
            Some(m) => view! { <span class="field-error" role="alert" data-field="minutes" id=format!("{field}-error")>{m}</span> }.into_any(),
            None => {
                let text = unplaced(&p, &["minutes"]).unwrap_or_else(|| p.message());
                view! { <p class="form-error" role="alert" data-testid="form-error">{text}</p> }.into_any()
            }
        })
    };
    let label_id = format!("minutes-{id}");
    let (debtor, warning) = (w.debtor_name.clone(), balance_warning(&w));
    view! {
        <li data-testid="write-off-decision" data-account=w.account_id.to_string()>
            <p class="who" data-testid="decision-account">
                <A href=href>{debtor}</A>
                <small class="muted">{format!(" {}", w.account_ref)}</small>
                {format!(" · balance {}", money(&w.current_balance, &w.currency))}
            </p>
            <p data-testid="decision-terms">{format!("Write off {}", money(&w.amount, &w.currency))}</p>
            <p data-testid="write-off-reason">{format!("Reason: {}", w.reason)}</p>
            <p class="muted" data-testid="decision-by">{by}</p>
            {warning.map(|t| view! { <p class="notice" data-testid="write-off-warning">{t}</p> })}
            {if own {
                view! {
                    <p class="muted" data-testid="own-recommendation">
                        "You recommended it: another member of the board decides."
                    </p>
                }
                    .into_any()
            } else {
                view! {
                    <label for=label_id.clone()>"Board minutes (needed to decide)"</label>
                    <textarea
                        id=label_id.clone()
                        name="minutes"
                        rows="3"
                        maxlength="4000"
                        aria-invalid=invalid(problem, "minutes")
                        aria-describedby=format!("{label_id}-error")
                        on:input=move |_| problem.set(None)
                        bind:value=minutes
                        data-testid="minutes"
                    ></textarea>
                    {said}
                    <div class="actions">
                        <button class="primary" on:click=decide("approve") disabled=move || pending.get() data-testid="approve">
                            "Approve"
                        </button>
                        <button on:click=decide("reject") disabled=move || pending.get() data-testid="reject">
                            "Reject"
                        </button>
                    </div>
                }
                    .into_any()
            }}
        </li>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn write_off(amount: &str, balance: &str) -> WriteOff {
        serde_json::from_value(json!({
            "id": Uuid::from_u128(1), "account_id": Uuid::from_u128(2), "account_ref": "ACC-10042",
            "debtor_name": "Penny Lane", "status": "recommended", "amount": amount, "current_balance": balance,
            "currency": "USD", "reason": "Deceased", "created_by": Uuid::from_u128(3), "created_by_name": "Morgan Reyes",
            "created_at": "2026-12-01T10:00:00Z", "updated_at": "2026-12-01T10:00:00Z",
            "recommended_by": Uuid::from_u128(3), "recommended_by_name": "Morgan Reyes",
            "recommended_at": "2026-12-02T10:00:00Z", "decided_by": null, "decided_by_name": null,
            "decided_at": null, "decided_on": null, "minutes": null, "entry_id": null
        }))
        .unwrap()
    }

    #[test]
    fn a_moved_balance_is_warned_of() {
        assert_eq!(balance_warning(&write_off("1830.00", "1830.00")), None);
        assert_eq!(
            balance_warning(&write_off("1830.00", "1780.00")).as_deref(),
            Some("The balance is now 1,780.00 USD, not the 1,830.00 USD recommended: an approval is refused. Reject it, and the manager drafts a new request.")
        );
    }

    #[test]
    fn the_board_confirms_what_it_decides() {
        let w = write_off("1830.00", "1830.00");
        assert_eq!(
            question("approve", &w),
            "Approve writing off 1,830.00 USD of Penny Lane? The balance is written off in the ledger and the account is closed."
        );
        assert!(question("reject", &w).starts_with("Reject the write-off of 1,830.00 USD?"));
    }
}
