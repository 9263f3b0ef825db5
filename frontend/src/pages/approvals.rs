//! Managers' approvals: plans waiting for approval and backdated payments, each shown
//! with its account (debtor, reference, balance), who proposed or recorded it, and a
//! plan's schedule; approved (a settlement plan only after a warning that the rest of
//! the balance is written off) or rejected with a reason, after a confirmation (one
//! Idempotency-Key per decision, kept across retries). The navigation's link says how
//! many wait.

use crate::{
    api::{self, Problem},
    components::{confirm, invalid, Empty, ErrorBox, Loading, PageHeading},
    format::{self, money},
    session::{use_session, Session},
    submit::Submission,
};
use debtflow_domain::permission::Operation;
use leptos::prelude::*;
use leptos_router::{components::A, hooks::use_location};
use rust_decimal::Decimal;
use std::str::FromStr;

/// Bumped by each decision, so the navigation's count follows without a reload.
#[derive(Clone, Copy)]
pub struct ApprovalsChanged(pub RwSignal<u32>);

/// "Approvals", with how many wait: counted again on each navigation, decision and
/// notification arriving live (a plan or payment to approve comes as one).
#[component]
pub fn ApprovalsLink() -> impl IntoView {
    let path = use_location().pathname;
    let changed = expect_context::<ApprovalsChanged>().0;
    let received = crate::live::use_live().received;
    let count = LocalResource::new(move || {
        path.track();
        changed.track();
        received.track();
        api::pending_approvals()
    });
    let waiting = move || count.get().and_then(Result::ok).map(|c| c.plans + c.payments).filter(|n| *n > 0);
    view! {
        <A href="/approvals">
            "Approvals"
            {move || {
                waiting()
                    .map(|n| {
                        view! {
                            <span class="count" data-testid="approvals-count">
                                {n.to_string()}
                                <span class="sr-only">" waiting"</span>
                            </span>
                        }
                    })
            }}
        </A>
    }
}

/// Whether the page has anything for the user: plans or backdated payments to decide.
pub fn is_for(session: Session) -> bool {
    session.can(Operation::DecidePlan) || session.can(Operation::DecidePayment)
}

#[component]
pub fn ApprovalsPage() -> impl IntoView {
    let session = use_session();
    if !is_for(session) {
        return view! {
            <section class="not-found" data-testid="forbidden">
                <PageHeading text="Approvals are for managers" />
                <A href="/accounts">"Back to the worklist"</A>
            </section>
        }
        .into_any();
    }
    view! {
        <section class="approvals">
            <PageHeading text="Approvals" />
            {session.can(Operation::DecidePlan).then(|| view! { <PendingPlans /> })}
            {session.can(Operation::DecidePayment).then(|| view! { <PendingPayments /> })}
        </section>
    }
    .into_any()
}

/// Plans waiting for a manager's approval.
#[component]
fn PendingPlans() -> impl IntoView {
    let plans = LocalResource::new(api::pending_plans);
    let changed = expect_context::<ApprovalsChanged>().0;
    let reload = Callback::new(move |()| {
        plans.refetch();
        changed.update(|n| *n += 1);
    });
    view! {
        <section class="card" aria-labelledby="plans-h">
            <h2 id="plans-h">"Payment plans"</h2>
            <Transition fallback=|| view! { <Loading /> }>
                {move || {
                    plans
                        .get()
                        .map(|r| match r {
                            Err(p) => view! { <ErrorBox problem=p retry=move |_| plans.refetch() /> }.into_any(),
                            Ok(page) if page.items.is_empty() => {
                                view! { <Empty text="No plans wait for approval." /> }.into_any()
                            }
                            Ok(page) => {
                                view! {
                                    <ul class="decisions" data-testid="pending-plans">
                                        {page
                                            .items
                                            .into_iter()
                                            .map(|plan| view! { <PlanDecision plan=plan reload=reload /> })
                                            .collect_view()}
                                    </ul>
                                }
                                    .into_any()
                            }
                        })
                }}
            </Transition>
        </section>
    }
}

/// A plan to decide, with its account (debtor, reference, balance) read beside it: a
/// total below the balance is a settlement, and the difference written off is said
/// before anyone approves.
#[component]
fn PlanDecision(plan: api::Plan, reload: Callback<()>) -> impl IntoView {
    let first = plan.installments.first().map(|i| i.due_date.clone()).unwrap_or_default();
    let terms = format!(
        "{} in {} installment(s){}, from {}",
        money(&plan.total, &plan.currency),
        plan.installments.len(),
        plan.frequency.map(|f| format!(" ({f})")).unwrap_or_default(),
        first,
    );
    let by = proposed_by("Proposed", plan.created_by_name.as_deref(), &plan.created_at);
    let schedule = view! { <Schedule plan=plan.clone() /> }.into_any();
    let (total, currency) = (plan.total.clone(), plan.currency.clone());
    view! {
        <Decision
            what="plans"
            id=plan.id.clone()
            account_id=plan.account_id.clone()
            terms=terms
            by=by
            warning=Callback::new(move |a: api::Account| write_off(&total, &a.current_balance, &currency))
            detail=Some(schedule)
            reload=reload
        />
    }
}

/// A plan's installments, folded: what the manager may open before deciding.
#[component]
fn Schedule(plan: api::Plan) -> impl IntoView {
    let rows = plan
        .installments
        .iter()
        .map(|i| {
            view! {
                <tr>
                    <td data-label="#">{i.number}</td>
                    <td data-label="Due">{i.due_date.clone()}</td>
                    <td class="num" data-label="Amount">{money(&i.amount, &plan.currency)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <details class="schedule" data-testid="decision-schedule">
            <summary>{format!("Schedule: {} installment(s)", plan.installments.len())}</summary>
            <table class="cards">
                <thead>
                    <tr>
                        <th>"#"</th>
                        <th>"Due"</th>
                        <th class="num">"Amount"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </details>
    }
}

/// "Proposed by Sarah Mitchell on 2026-12-01" (by the system when no one is named).
pub fn proposed_by(verb: &str, name: Option<&str>, at: &str) -> String {
    let who = name.unwrap_or("the system");
    match at.get(..10) {
        Some(day) => format!("{verb} by {who} on {day}"),
        None => format!("{verb} by {who}"),
    }
}

/// The warning a settlement deserves: a plan `total` below the account's `balance`
/// writes the difference off once paid. `None` for a plan of the whole balance.
pub fn write_off(total: &str, balance: &str, currency: &str) -> Option<String> {
    let (t, b) = (Decimal::from_str(total).ok()?, Decimal::from_str(balance).ok()?);
    (t < b).then(|| {
        format!(
            "A settlement: approving it accepts {} for a balance of {}, and {} is written off once it is paid.",
            money(total, currency),
            money(balance, currency),
            money(&(b - t).to_string(), currency),
        )
    })
}

/// Payments dated further back than the approval window, waiting for a manager.
#[component]
fn PendingPayments() -> impl IntoView {
    let payments = LocalResource::new(api::pending_payments);
    let changed = expect_context::<ApprovalsChanged>().0;
    let reload = Callback::new(move |()| {
        payments.refetch();
        changed.update(|n| *n += 1);
    });
    view! {
        <section class="card" aria-labelledby="payments-h">
            <h2 id="payments-h">"Backdated payments"</h2>
            <Transition fallback=|| view! { <Loading /> }>
                {move || {
                    payments
                        .get()
                        .map(|r| match r {
                            Err(p) => view! { <ErrorBox problem=p retry=move |_| payments.refetch() /> }.into_any(),
                            Ok(page) if page.items.is_empty() => {
                                view! { <Empty text="No payments wait for approval." /> }.into_any()
                            }
                            Ok(page) => {
                                view! {
                                    <ul class="decisions" data-testid="pending-payments">
                                        {page
                                            .items
                                            .into_iter()
                                            .map(|p| {
                                                let terms = format!(
                                                    "{} by {}, paid on {}{}",
                                                    money(&p.amount, &p.currency),
                                                    format::label(p.method.as_str()),
                                                    p.paid_on,
                                                    p.reference.as_deref().map(|r| format!(", ref. {r}")).unwrap_or_default(),
                                                );
                                                let by = proposed_by("Recorded", p.recorded_by_name.as_deref(), &p.created_at);
                                                view! {
                                                    <Decision
                                                        what="payments"
                                                        id=p.id.clone()
                                                        account_id=p.account_id.clone()
                                                        terms=terms
                                                        by=by
                                                        warning=Callback::new(|_| None)
                                                        detail=None
                                                        reload=reload
                                                    />
                                                }
                                            })
                                            .collect_view()}
                                    </ul>
                                }
                                    .into_any()
                            }
                        })
                }}
            </Transition>
        </section>
    }
}

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
fn Decision(
    what: &'static str,
    id: String,
    account_id: String,
    terms: String,
    by: String,
    warning: Callback<api::Account, Option<String>>,
    detail: Option<AnyView>,
    reload: Callback<()>,
) -> impl IntoView {
    let account = LocalResource::new({
        let id = account_id.clone();
        move || {
            let id = id.clone();
            async move { api::account(&id).await.map(|d| d.account) }
        }
    });
    // The warning once the account is read (none while it is not).
    let warning = Memo::new(move |_| account.get().and_then(Result::ok).and_then(|a| warning.run(a)));
    let reason = RwSignal::new(String::new());
    let submission = Submission::new();
    let Submission { pending, problem, .. } = submission;
    let decide = move |decision: &'static str| {
        let id = id.clone();
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
            let (id, why) = (id.clone(), reason.get_untracked());
            submission.run(
                move |key| async move { api::decide(what, &id, decision, &why, &key).await },
                move |_| reload.run(()),
            );
        }
    };
    let label_id = format!("reason-{}", account_id.clone() + what);
    view! {
        <li data-testid="decision" data-account=account_id.clone()>
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

#[cfg(test)]
mod tests {
    use super::{proposed_by, write_off};

    #[test]
    fn who_asked_and_when() {
        assert_eq!(
            proposed_by("Proposed", Some("Sarah Mitchell"), "2026-12-01T09:30:00Z"),
            "Proposed by Sarah Mitchell on 2026-12-01"
        );
        assert_eq!(proposed_by("Recorded", None, ""), "Recorded by the system");
    }

    #[test]
    fn a_settlement_says_what_is_written_off() {
        assert_eq!(
            write_off("12000.00", "14814.99", "USD").as_deref(),
            Some(
                "A settlement: approving it accepts 12,000.00 USD for a balance of 14,814.99 USD, and 2,814.99 USD is written off once it is paid."
            )
        );
        assert_eq!(write_off("14814.99", "14814.99", "USD"), None, "the whole balance: nothing written off");
        assert_eq!(write_off("x", "10.00", "USD"), None);
    }
}
