//! The account's fees: assessed and waived by managers.

use super::{Done, DoneNote};
use crate::{
    api::{self, Account, Fee, Problem},
    components::{options, FieldError, FormError, Loaded},
    format::{self, money},
    submit::Submission,
};
use debtflow_domain::fee::{FeeKind, FeeStatus};
use leptos::{ev::SubmitEvent, prelude::*};
use uuid::Uuid;

#[component]
pub(super) fn FeesCard(account: Account, version: RwSignal<u32>, reload: Callback<()>) -> impl IntoView {
    let id = account.id;
    let fees = LocalResource::new(move || {
        version.get();
        let id = id;
        async move { api::fees(id).await }
    });
    let account_id = account.id;
    let currency = account.currency.clone();
    view! {
        <section class="card" aria-labelledby="fees-h" data-testid="fees">
            <h2 id="fees-h">"Fees"</h2>
            <Loaded
                state=Signal::derive(move || fees.get())
                retry=move |()| fees.refetch()
                empty={|list: &Vec<Fee>| list.is_empty().then_some("No fees.")}
                let:list
            >
                <ul class="fees">
                    {list
                        .into_iter()
                        .map(|f| {
                            view! {
                                <FeeItem account_id=account_id currency=currency.clone() fee=f reload=reload />
                            }
                        })
                        .collect_view()}
                </ul>
            </Loaded>
            <FeeForm account=account.clone() reload=reload />
        </section>
    }
}

#[component]
fn FeeItem(account_id: Uuid, currency: String, fee: Fee, reload: Callback<()>) -> impl IntoView {
    let cur = currency;
    let waiting = fee.status == FeeStatus::Waiting;
    let reason = RwSignal::new(String::new());
    let submission = Submission::new();
    let Submission { pending, problem, .. } = submission;
    let done = Done::of(format!("fee-{}", fee.id));
    let fee_id = fee.id;
    let waive = move |ev: SubmitEvent| {
        ev.prevent_default();
        done.set(None);
        let r = reason.get_untracked();
        submission.run(
            move |key| async move { api::waive_fee(account_id, fee_id, r.trim(), &key).await },
            move |_| {
                done.set(Some("Fee waived.".into()));
                reload.run(());
            },
        );
    };
    let reason_id = format!("waive-reason-{}", fee.id);
    let waived = !fee.waived_amount.is_zero();
    view! {
        <li data-testid="fee" data-fee=fee.id.to_string()>
            <span>
                {format!(
                    "{} fee {} · paid {}{} ",
                    format::label(fee.kind.as_str()),
                    money(&fee.amount, &cur),
                    money(&fee.paid_amount, &cur),
                    if waived { format!(" · waived {}", money(&fee.waived_amount, &cur)) } else { String::new() },
                )}
            </span>
            <span class="badge" data-testid="fee-status">
                {format::label(fee.status.as_str())}
            </span>
            {(!fee.reason.is_empty()).then(|| view! { <span class="muted">{format!(" {}", fee.reason)}</span> })}
            {waiting
                .then(|| {
                    view! {
                        <form class="inline" on:submit=waive data-testid="waive-form">
                            <label for=reason_id.clone()>"Waive, reason"</label>
                            <input id=reason_id name="reason" required bind:value=reason />
                            <FieldError problem=problem field="reason" />
                            <FormError problem=problem />
                            <button type="submit" disabled=move || pending.get() data-testid="waive-submit">
                                "Waive"
                            </button>
                            <DoneNote done=done testid="waive-done" />
                        </form>
                    }
                })}
        </li>
    }
}

#[component]
fn FeeForm(account: Account, reload: Callback<()>) -> impl IntoView {
    let kind = RwSignal::new(FeeKind::Collection);
    let amount = RwSignal::new(String::new());
    let reason = RwSignal::new(String::new());
    let submission = Submission::new();
    let Submission { pending, problem, .. } = submission;
    let done = Done::of("fee");
    let account_id = account.id;
    let currency = account.currency.clone();
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        done.set(None);
        let a = match Problem::amount("amount", &amount.get_untracked(), &currency) {
            Ok(a) => a,
            Err(p) => return submission.refuse(p),
        };
        let (id, kd, r) = (account_id, kind.get_untracked(), reason.get_untracked());
        let currency = currency.clone();
        submission.run(
            move |key| async move { api::assess_fee(id, kd, a, r.trim(), &key).await },
            move |f| {
                done.set(Some(format!(
                    "{} fee of {} assessed.",
                    format::label(f.kind.as_str()),
                    money(&f.amount, &currency)
                )));
                reload.run(());
            },
        );
    };
    view! {
        <form on:submit=submit data-testid="fee-form">
            <h3>"Assess a fee"</h3>
            <label for="fee-kind">"Kind"</label>
            <select
                id="fee-kind"
                name="kind"
                prop:value=move || kind.get().as_str()
                on:change=move |ev| {
                    if let Ok(k) = event_target_value(&ev).parse() {
                        kind.set(k)
                    }
                }
            >
                {options(FeeKind::ALL.iter().map(|k| k.as_str()))}
            </select>
            <FieldError problem=problem field="kind" />
            <label for="fee-amount">{format!("Amount ({})", account.currency)}</label>
            <input id="fee-amount" name="amount" inputmode="decimal" required bind:value=amount />
            <FieldError problem=problem field="amount" />
            <label for="fee-reason">"Reason"</label>
            <input id="fee-reason" name="reason" required bind:value=reason />
            <FieldError problem=problem field="reason" />
            <FieldError problem=problem field="Idempotency-Key" />
            <FormError problem=problem />
            <button type="submit" class="primary" disabled=move || pending.get() data-testid="fee-submit">
                "Assess fee"
            </button>
            <DoneNote done=done testid="fee-done" />
        </form>
    }
}
