//! Approvals: for managers, plans waiting for approval and backdated payments, each
//! shown with its account (debtor, reference, balance), who proposed or recorded it,
//! and a plan's schedule; approved (a settlement plan only after a warning that the
//! rest of the balance is written off) or rejected with a reason, after a
//! confirmation. For the board (compliance, agency admins), recommended write-offs
//! ([`write_offs`]), decided with minutes. Each section is shown to whoever the role
//! table lets decide it; the navigation's link says how many wait.

mod decision;
mod write_offs;

use crate::{
    api::{self, Page},
    components::{Forbidden, Loaded, PageHeading},
    format::{self, money},
    session::{use_session, Session},
};
use chrono::{DateTime, Utc};
use debtflow_domain::permission::Operation;
use decision::Decision;
use leptos::prelude::*;
use leptos_router::{components::A, hooks::use_location};
use rust_decimal::Decimal;

/// Bumped by each decision, so the navigation's count follows without a reload.
#[derive(Clone, Copy)]
pub struct ApprovalsChanged(pub RwSignal<u32>);

/// "Approvals", with how many wait of what the user decides: counted again on each
/// navigation, decision and notification arriving live (a plan, payment or write-off to
/// decide comes as one).
#[component]
pub fn ApprovalsLink() -> impl IntoView {
    let session = use_session();
    let path = use_location().pathname;
    let changed = expect_context::<ApprovalsChanged>().0;
    let received = crate::live::use_live().received;
    let count = LocalResource::new(move || {
        path.track();
        changed.track();
        received.track();
        let (plans, write_offs) = (decides_plans_or_payments(session), session.can(Operation::DecideWriteOff));
        async move {
            let mut n = 0;
            if plans {
                n += api::pending_approvals().await.map(|c| c.plans + c.payments).unwrap_or(0);
            }
            if write_offs {
                n += api::remedial::count_recommended().await.unwrap_or(0);
            }
            n
        }
    });
    let waiting = move || count.get().filter(|n| *n > 0);
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

/// Whether the page has anything for the user: plans, backdated payments or write-offs
/// to decide.
pub fn is_for(session: Session) -> bool {
    decides_plans_or_payments(session) || session.can(Operation::DecideWriteOff)
}

/// Whether the user decides plans or backdated payments (what the dashboard's
/// "Awaiting approval" counts).
pub fn decides_plans_or_payments(session: Session) -> bool {
    session.can(Operation::DecidePlan) || session.can(Operation::DecidePayment)
}

#[component]
pub fn ApprovalsPage() -> impl IntoView {
    let session = use_session();
    if !is_for(session) {
        return view! { <Forbidden text="Approvals are for managers and the board" /> }.into_any();
    }
    let me = session.user.with_untracked(|u| u.as_ref().map(|u| u.id));
    view! {
        <section class="approvals">
            <PageHeading text="Approvals" />
            {session.can(Operation::DecidePlan).then(|| view! { <PendingPlans /> })}
            {session.can(Operation::DecidePayment).then(|| view! { <PendingPayments /> })}
            {session.can(Operation::DecideWriteOff).then(|| view! { <write_offs::PendingWriteOffs me=me /> })}
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
            <Loaded
                state=Signal::derive(move || plans.get())
                retry=move |()| plans.refetch()
                empty={|page: &Page<api::Plan>| page.items.is_empty().then_some("No plans wait for approval.")}
                let:page
            >
                <ul class="decisions" data-testid="pending-plans">
                    {page.items.into_iter().map(|plan| view! { <PlanDecision plan=plan reload=reload /> }).collect_view()}
                </ul>
            </Loaded>
        </section>
    }
}

/// A plan to decide, with its account (debtor, reference, balance) read beside it: a
/// total below the balance is a settlement, and the difference written off is said
/// before anyone approves.
#[component]
fn PlanDecision(plan: api::Plan, reload: Callback<()>) -> impl IntoView {
    let first = plan.installments.first().map(|i| i.due_date.to_string()).unwrap_or_default();
    let terms = format!(
        "{} in {} installment(s){}, from {}",
        money(&plan.total, &plan.currency),
        plan.installments.len(),
        plan.frequency.map(|f| format!(" ({f})")).unwrap_or_default(),
        first,
    );
    let by = proposed_by("Proposed", plan.created_by_name.as_deref(), &plan.created_at);
    let schedule = view! { <Schedule plan=plan.clone() /> }.into_any();
    let (total, currency) = (plan.total, plan.currency.clone());
    view! {
        <Decision
            what="plans"
            id=plan.id
            account_id=plan.account_id
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
                    <td data-label="Due">{i.due_date.to_string()}</td>
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
pub fn proposed_by(verb: &str, name: Option<&str>, at: &DateTime<Utc>) -> String {
    format!("{verb} by {} on {}", name.unwrap_or("the system"), at.date_naive())
}

/// The warning a settlement deserves: a plan `total` below the account's `balance`
/// writes the difference off once paid. `None` for a plan of the whole balance.
pub fn write_off(total: &Decimal, balance: &Decimal, currency: &str) -> Option<String> {
    (total < balance).then(|| {
        format!(
            "A settlement: approving it accepts {} for a balance of {}, and {} is written off once it is paid.",
            money(total, currency),
            money(balance, currency),
            money(&(balance - total), currency),
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
            <Loaded
                state=Signal::derive(move || payments.get())
                retry=move |()| payments.refetch()
                empty={|page: &Page<api::Payment>| page.items.is_empty().then_some("No payments wait for approval.")}
                let:page
            >
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
                                    id=p.id
                                    account_id=p.account_id
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
            </Loaded>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::{proposed_by, write_off};
    use rust_decimal::Decimal;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn who_asked_and_when() {
        assert_eq!(
            proposed_by("Proposed", Some("Sarah Mitchell"), &"2026-12-01T09:30:00Z".parse().unwrap()),
            "Proposed by Sarah Mitchell on 2026-12-01"
        );
        assert_eq!(
            proposed_by("Recorded", None, &"2026-12-01T23:59:00Z".parse().unwrap()),
            "Recorded by the system on 2026-12-01"
        );
    }

    #[test]
    fn a_settlement_says_what_is_written_off() {
        assert_eq!(
            write_off(&d("12000.00"), &d("14814.99"), "USD").as_deref(),
            Some(
                "A settlement: approving it accepts 12,000.00 USD for a balance of 14,814.99 USD, and 2,814.99 USD is written off once it is paid."
            )
        );
        assert_eq!(write_off(&d("14814.99"), &d("14814.99"), "USD"), None, "the whole balance: nothing written off");
    }
}
