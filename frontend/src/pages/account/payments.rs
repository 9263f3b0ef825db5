//! Money in and back out: the payment form (with the backdating rule told before
//! sending), and the payments and fees tab — the account's payments, refunds for those
//! who may refund, and the fees for those who manage them.

use super::{fees::FeesCard, Done, DoneNote};
use crate::{
    api::{self, Account, Page, Payment, Problem},
    components::{confirm, invalid, options, FieldError, FormError, Loaded},
    format::{self, money},
    session::use_session,
    submit::Submission,
};
use chrono::NaiveDate;
use debtflow_domain::{
    payment::{self, PaymentMethod, PaymentStatus},
    permission::Operation,
};
use leptos::{ev::SubmitEvent, prelude::*};
use serde_json::json;

/// Whether a payment dated `paid_on` waits for a manager's approval on `today`, given
/// the server's approval window (`/auth/me`'s policy): the rule of
/// `debtflow_domain::payment::intake`, told before the form is sent (a test ties them).
pub fn waits_for_approval(paid_on: &str, today: NaiveDate, approval_after_days: u32) -> bool {
    crate::format::date(paid_on).is_some_and(|paid_on| payment::needs_approval(paid_on, today, approval_after_days))
}

/// The hint under the payment date once it is further back than the window.
pub fn backdated_notice(approval_after_days: u32) -> String {
    let days = match approval_after_days {
        1 => "1 day".to_string(),
        n => format!("{n} days"),
    };
    format!("Dated more than {days} back: this payment will wait for a manager's approval.")
}

/// The payment methods offered, the most common first.
const METHODS: [PaymentMethod; 4] =
    [PaymentMethod::BankTransfer, PaymentMethod::Check, PaymentMethod::Cash, PaymentMethod::Card];

#[component]
pub(super) fn PaymentForm(account: Account, reload: Callback<()>) -> impl IntoView {
    let session = use_session();
    let amount = RwSignal::new(String::new());
    let method = RwSignal::new(METHODS[0]);
    let paid_on = RwSignal::new(session.today().to_string());
    let reference = RwSignal::new(String::new());
    let submission = Submission::new();
    let Submission { pending, problem, .. } = submission;
    let done = Done::of("payment");
    let window = move || session.payment_approval_after_days();
    let backdated = move || window().is_some_and(|days| waits_for_approval(&paid_on.get(), session.today(), days));
    let account_id = account.id;
    let currency = account.currency.clone();
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        done.set(None);
        let typed = match Problem::amount("amount", &amount.get_untracked(), &currency) {
            Ok(typed) => typed,
            Err(p) => return submission.refuse(p),
        };
        let reference_text = reference.get_untracked();
        let body = json!({
            "account_id": account_id,
            "amount": typed,
            "method": method.get_untracked(),
            "paid_on": paid_on.get_untracked(),
            "reference": if reference_text.trim().is_empty() { None } else { Some(reference_text.trim().to_string()) },
        });
        let currency = currency.clone();
        submission.run(
            move |key| async move { api::record_payment(&body, &key).await },
            move |p| {
                amount.set(String::new());
                reference.set(String::new());
                done.set(Some(if p.status == PaymentStatus::PendingApproval {
                    format!("Payment of {} recorded: it waits for a manager's approval.", money(&p.amount, &currency))
                } else {
                    format!(
                        "Payment of {} recorded ({}).",
                        money(&p.amount, &currency),
                        format::label(p.status.as_str())
                    )
                }));
                reload.run(());
            },
        );
    };
    view! {
        <form class="card" on:submit=submit on:input=move |_| problem.set(None) data-testid="payment-form">
            <h2>"Record a payment"</h2>
            <label for="pay-amount">{format!("Amount ({})", account.currency)}</label>
            <input
                id="pay-amount"
                name="amount"
                inputmode="decimal"
                placeholder="1,250.00"
                required
                aria-invalid=invalid(problem, "amount")
                aria-describedby="pay-amount-error"
                bind:value=amount
            />
            <FieldError problem=problem field="amount" input="pay-amount" />
            <label for="pay-method">"Method"</label>
            <select
                id="pay-method"
                name="method"
                prop:value=move || method.get().as_str()
                on:change=move |ev| {
                    if let Ok(m) = event_target_value(&ev).parse() {
                        method.set(m)
                    }
                }
            >
                {options(METHODS.map(|m| m.as_str()))}
            </select>
            <FieldError problem=problem field="method" />
            <label for="pay-date">"Paid on"</label>
            <input id="pay-date" name="paid_on" type="date" required bind:value=paid_on />
            <FieldError problem=problem field="paid_on" />
            <Show when=backdated>
                <p class="notice" data-testid="backdated-notice">
                    {move || window().map(backdated_notice)}
                </p>
            </Show>
            <label for="pay-ref">"Reference (optional)"</label>
            <input id="pay-ref" name="reference" bind:value=reference />
            <FieldError problem=problem field="reference" />
            <FieldError problem=problem field="Idempotency-Key" />
            <FormError problem=problem />
            <button type="submit" class="primary" disabled=move || pending.get() data-testid="pay-submit">
                {move || if pending.get() { "Recording…" } else { "Record payment" }}
            </button>
            <DoneNote done=done testid="payment-done" />
        </form>
    }
}

/// The payments and fees tab.
#[component]
pub(super) fn PaymentsTab(account: Account, version: RwSignal<u32>, reload: Callback<()>) -> impl IntoView {
    let session = use_session();
    let refunder = session.can(Operation::RefundPayment);
    let fee_manager = session.can(Operation::ManageFees);
    view! {
        <div class="grid">
            <PaymentsCard account=account.clone() version=version refunder=refunder reload=reload />
            {fee_manager.then(|| view! { <FeesCard account=account version=version reload=reload /> })}
        </div>
    }
}

/// The account's payments, each with its refund form for those who may refund.
#[component]
fn PaymentsCard(account: Account, version: RwSignal<u32>, refunder: bool, reload: Callback<()>) -> impl IntoView {
    let id = account.id;
    let payments = LocalResource::new(move || {
        version.get();
        let id = id;
        async move { api::payments_of(id).await }
    });
    view! {
        <section class="card" aria-labelledby="payments-h" data-testid="payments">
            <h2 id="payments-h">"Payments"</h2>
            <Loaded
                state=Signal::derive(move || payments.get())
                retry=move |()| payments.refetch()
                empty={|page: &Page<Payment>| page.items.is_empty().then_some("No payments.")}
                let:page
            >
                <ul class="payments">
                    {page
                        .items
                        .into_iter()
                        .map(|p| view! { <PaymentItem payment=p refunder=refunder reload=reload /> })
                        .collect_view()}
                </ul>
            </Loaded>
        </section>
    }
}

#[component]
fn PaymentItem(payment: Payment, refunder: bool, reload: Callback<()>) -> impl IntoView {
    // The payment lifecycle's refund moves.
    let refundable = refunder && payment.status.is_refundable();
    let cur = payment.currency.clone();
    let refunded = Some(payment.refunded_amount).filter(|r| !r.is_zero());
    view! {
        <li data-testid="payment" data-payment=payment.id.to_string()>
            <span>
                {format!("{} · {} · {} ", payment.paid_on, money(&payment.amount, &cur), format::label(payment.method.as_str()))}
            </span>
            <span class="badge" data-testid="payment-status">
                {format::label(payment.status.as_str())}
            </span>
            {refunded
                .map(|r| view! { <span class="muted" data-testid="refunded">{format!(" refunded {}", money(&r, &cur))}</span> })}
            {refundable.then(|| view! { <RefundForm payment=payment.clone() reload=reload /> })}
        </li>
    }
}

#[component]
fn RefundForm(payment: Payment, reload: Callback<()>) -> impl IntoView {
    let amount = RwSignal::new(String::new());
    let reason = RwSignal::new(String::new());
    let submission = Submission::new();
    let Submission { pending, problem, .. } = submission;
    let done = Done::of(format!("refund-{}", payment.id));
    let id = payment.id;
    let currency = payment.currency.clone();
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        done.set(None);
        let a = match Problem::amount("amount", &amount.get_untracked(), &currency) {
            Ok(a) => a,
            Err(p) => return submission.refuse(p),
        };
        let question = format!("Refund {} to the debtor? The refund is posted at once.", money(&a, &currency));
        if !confirm(&question) {
            return;
        }
        let (r, currency) = (reason.get_untracked(), currency.clone());
        submission.run(
            move |key| async move { api::refund(id, a, r.trim(), &key).await },
            move |p| {
                done.set(Some(format!(
                    "Refund of {} recorded ({}).",
                    money(&a, &currency),
                    format::label(p.status.as_str())
                )));
                reload.run(());
            },
        );
    };
    let amount_id = format!("refund-amount-{}", payment.id);
    let reason_id = format!("refund-reason-{}", payment.id);
    view! {
        <form class="inline" on:submit=submit data-testid="refund-form">
            <label for=amount_id.clone()>{format!("Refund ({})", payment.currency)}</label>
            <input id=amount_id name="amount" inputmode="decimal" size="8" required bind:value=amount />
            <FieldError problem=problem field="amount" />
            <label for=reason_id.clone()>"Reason"</label>
            <input id=reason_id name="reason" required bind:value=reason />
            <FieldError problem=problem field="reason" />
            <FieldError problem=problem field="Idempotency-Key" />
            <FormError problem=problem />
            <button type="submit" disabled=move || pending.get() data-testid="refund-submit">
                {move || if pending.get() { "Refunding…" } else { "Refund" }}
            </button>
            <DoneNote done=done testid="refund-done" />
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Days;
    use debtflow_domain::{Currency, Money};

    #[test]
    fn the_approval_hint_follows_the_domain_rule_for_any_window() {
        use debtflow_domain::payment::{intake, NewPayment};
        let today = NaiveDate::from_ymd_opt(2026, 3, 10).unwrap();
        let usd = |s: &str| Money::new(s.parse().unwrap(), Currency::USD).unwrap();
        for window in [0, 1, 3, 7, 30] {
            for back in 0..=40 {
                let paid_on = today.checked_sub_days(Days::new(back)).unwrap();
                let payment = NewPayment { amount: usd("10.00"), method: PaymentMethod::Cash, paid_on };
                let server_waits = intake(&payment, today, window, usd("100.00")) == Ok(PaymentStatus::PendingApproval);
                assert_eq!(
                    waits_for_approval(&paid_on.to_string(), today, window),
                    server_waits,
                    "paid {back} days back, window {window} days"
                );
            }
        }
        assert!(!waits_for_approval("", today, 7), "no date, no hint");
        assert!(!waits_for_approval("nope", today, 7), "not a date, no hint");
    }

    #[test]
    fn the_approval_hint_names_the_servers_window() {
        assert_eq!(
            backdated_notice(3),
            "Dated more than 3 days back: this payment will wait for a manager's approval."
        );
        assert!(backdated_notice(1).starts_with("Dated more than 1 day back"));
    }
}
