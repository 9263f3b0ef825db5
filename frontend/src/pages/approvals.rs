//! Managers' approvals: plans waiting for approval and backdated payments, each
//! approved or rejected with an optional reason (one Idempotency-Key per decision,
//! kept across retries).

use crate::{
    api::{self, Problem},
    components::{Empty, ErrorBox, Loading},
    format::{self, money},
    session::{use_session, Session},
};
use debtflow_domain::permission::Operation;
use leptos::prelude::*;
use leptos_router::components::A;

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
                <h1>"Approvals are for managers"</h1>
                <A href="/accounts">"Back to the worklist"</A>
            </section>
        }
        .into_any();
    }
    view! {
        <section class="approvals">
            <h1>"Approvals"</h1>
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
    let reload = Callback::new(move |()| plans.refetch());
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
                                            .map(|p| {
                                                let first = p.installments.first().map(|i| i.due_date.clone()).unwrap_or_default();
                                                let text = format!(
                                                    "{} in {} installment(s){}, from {}{}",
                                                    money(&p.total, &p.currency),
                                                    p.installments.len(),
                                                    p.frequency.map(|f| format!(" ({f})")).unwrap_or_default(),
                                                    first,
                                                    if p.settlement { " — settlement" } else { "" },
                                                );
                                                view! {
                                                    <Decision
                                                        what="plans"
                                                        id=p.id.clone()
                                                        account_id=p.account_id.clone()
                                                        text=text
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

/// Payments dated further back than the approval window, waiting for a manager.
#[component]
fn PendingPayments() -> impl IntoView {
    let payments = LocalResource::new(api::pending_payments);
    let reload = Callback::new(move |()| payments.refetch());
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
                                                let text = format!(
                                                    "{} by {}, paid on {}{}",
                                                    money(&p.amount, &p.currency),
                                                    format::label(p.method.as_str()),
                                                    p.paid_on,
                                                    p.reference.as_deref().map(|r| format!(", ref. {r}")).unwrap_or_default(),
                                                );
                                                view! {
                                                    <Decision
                                                        what="payments"
                                                        id=p.id.clone()
                                                        account_id=p.account_id.clone()
                                                        text=text
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

#[component]
fn Decision(what: &'static str, id: String, account_id: String, text: String, reload: Callback<()>) -> impl IntoView {
    let reason = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<Problem>);
    let pending = RwSignal::new(false);
    // One key per decision, reused if it has to be retried.
    let keys = StoredValue::new(std::collections::HashMap::<&'static str, String>::new());
    let decide = move |decision: &'static str| {
        let id = id.clone();
        move |_| {
            if pending.get_untracked() {
                return;
            }
            pending.set(true);
            problem.set(None);
            let key = keys.with_value(|k| k.get(decision).cloned()).unwrap_or_else(api::new_idempotency_key);
            keys.update_value(|k| {
                k.insert(decision, key.clone());
            });
            let id = id.clone();
            leptos::task::spawn_local(async move {
                let r = api::decide(what, &id, decision, &reason.get_untracked(), &key).await;
                pending.set(false);
                match r {
                    Ok(_) => reload.run(()),
                    Err(p) => problem.set(Some(p)),
                }
            });
        }
    };
    let label_id = format!("reason-{}", account_id.clone() + what);
    view! {
        <li data-testid="decision" data-account=account_id.clone()>
            <p>
                <A href=format!("/accounts/{account_id}")>"Account"</A>
                {format!(" — {text}")}
            </p>
            <label for=label_id.clone()>"Reason (optional)"</label>
            <input id=label_id name="reason" bind:value=reason />
            {move || problem.get().map(|p| view! { <p class="form-error" role="alert">{p.message()}</p> })}
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
