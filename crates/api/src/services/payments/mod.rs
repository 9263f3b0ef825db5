//! Payments: record one ([`record`]), decide a backdated one ([`decide`]), take the
//! card processor's word ([`processor`]), refund ([`refund`]), apply unapplied money
//! ([`apply`]). The rules are the domain's (`debtflow_domain::payment`: intake,
//! placement, the lifecycle table, allocation, commission); here they are applied to
//! a locked account and written — journal, allocations, fees, commission, plan,
//! timeline, audit — in the caller's transaction.
//!
//! Money in hand goes to its account when the account is worked and owes at least the
//! amount; otherwise it is posted to the suspense ledger account as `unapplied` and the
//! managers are told: money that arrives is never turned away ([`place`]).

pub mod apply;
pub mod decide;
pub mod processor;
pub mod record;
pub mod refund;

use super::{book::LockedAccount, plans, Entity, Refusal, ServiceError};
use crate::{
    audit::Actor,
    store::{
        self,
        fees::Paid,
        ledger::Links,
        notifications::NewNotification,
        payments::{AllocationRow, PaymentRow, Placed},
    },
};
use chrono::{DateTime, Utc};
use debtflow_domain::notification::NotificationKind;
use debtflow_domain::{
    fee::FeeCause,
    ledger::{Entry, EntryKind},
    payment::{self, Part, PaymentCause, PaymentError, PaymentStatus},
    permission::Operation,
    Money,
};
use rust_decimal::Decimal;
use serde_json::json;
use sqlx::PgConnection;
use uuid::Uuid;

/// A payment rule broken by the command: a 422 on the field at fault, or a 409 for a
/// payment in a status that cannot take `cause`.
fn refused(err: PaymentError, cause: PaymentCause) -> ServiceError {
    match err {
        PaymentError::InFuture => ServiceError::invalid("paid_on", err),
        PaymentError::WrongStatus(status) => wrong_status(status, cause),
        PaymentError::NotPositive
        | PaymentError::ExceedsBalance { .. }
        | PaymentError::ExceedsRefundable { .. }
        | PaymentError::Money(_) => ServiceError::invalid("amount", err),
    }
}

/// 409: a payment in `status` cannot take `cause`.
fn wrong_status(status: PaymentStatus, cause: PaymentCause) -> ServiceError {
    let action = match cause {
        PaymentCause::Confirmed => "confirmation",
        PaymentCause::ProcessorFailed => "a failure",
        PaymentCause::Approved => "approval",
        PaymentCause::Rejected => "rejection",
        PaymentCause::Applied => "application",
        PaymentCause::Refund => "a refund",
    };
    Refusal::wrong_status(Entity::Payment, status, action, PaymentStatus::from_which(cause)).into()
}

/// What the account owes less what other payments already promise (pending ones).
async fn available(
    tx: &mut PgConnection,
    account: &LockedAccount,
    except: Option<Uuid>,
) -> Result<Money, ServiceError> {
    let pending = store::payments::pending_total(tx, account.agency_id, account.id, except).await?;
    account.money(account.book.balance().amount() - pending)
}

/// Money now in hand for `payment` (a card confirmed, a backdated payment approved):
/// onto its account, or into suspense when the account cannot take it. Returns where
/// it went.
async fn place(
    tx: &mut PgConnection,
    actor: &Actor,
    account: &mut LockedAccount,
    payment: &PaymentRow,
    cause: PaymentCause,
    now: DateTime<Utc>,
) -> Result<PaymentStatus, ServiceError> {
    let amount = account.money(payment.amount)?;
    let available = available(tx, account, Some(payment.id)).await?;
    let to = payment::placement(account.book.takes_payments(), amount, available);
    payment.status.transition(to, cause).map_err(|e| wrong_status(e.from, cause))?;
    let decided_by = if cause == PaymentCause::Approved { actor.user_id } else { None };
    let collector_id = match to {
        PaymentStatus::Completed => {
            post_to_account(tx, actor, account, payment, EntryKind::Payment, now).await?;
            account.collector_id
        }
        _ => {
            suspend(tx, actor, account, payment).await?;
            None
        }
    };
    let placed = Placed { status: to, account_id: account.id, collector_id, decided_by };
    store::payments::place(tx, account.agency_id, payment.id, &placed).await?;
    Ok(to)
}

/// Posts `payment`'s money onto the account (`kind`: `payment`, or `application` for
/// unapplied money): pays fees and principal in the agency's order, posts the
/// collector's commission, pays the active plan's installments, and settles the
/// account when nothing is left owing. The payment's own status is the caller's.
async fn post_to_account(
    tx: &mut PgConnection,
    actor: &Actor,
    account: &mut LockedAccount,
    payment: &PaymentRow,
    kind: EntryKind,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    let amount = account.money(payment.amount)?;
    let fees = store::fees::lock_open(tx, account.agency_id, account.id).await?;
    let mut open = Vec::with_capacity(fees.len());
    let mut principal = account.book.balance();
    for fee in &fees {
        let owed = account.money(fee.outstanding())?;
        principal = principal.checked_sub(owed)?;
        open.push((fee.id, owed));
    }
    let allocation = payment::allocate(amount, principal, &open, account.settings.payment_allocation)
        .map_err(|e| refused(e, PaymentCause::Confirmed))?;

    // The money is credited to the account's collector (their collected figures).
    let links = Links { payment_id: Some(payment.id), collector_id: account.collector_id, ..Links::default() };
    let entry_id = account.post(tx, &Entry::of(kind, amount)?, links).await?;
    let rows: Vec<AllocationRow> = allocation
        .iter()
        .enumerate()
        .map(|(i, (part, m))| AllocationRow { position: i as i16, fee_id: fee_of(part), amount: m.amount() })
        .collect();
    store::payments::add_allocations(tx, account.agency_id, payment.id, entry_id, &rows).await?;
    let mut paid = Vec::new();
    for fee in &fees {
        let Some(part) = rows.iter().find(|r| r.fee_id == Some(fee.id)) else { continue };
        paid.push(fee_paid(&fee.into(), fee.paid_amount + part.amount, FeeCause::Payment)?);
    }
    store::fees::set_paid(tx, account.agency_id, &paid).await?;

    if let (Some(collector), Some(rate)) = (account.collector_id, account.commission_rate) {
        let commission = payment::commission(amount, rate)?;
        if commission.is_positive() {
            let links = Links { payment_id: Some(payment.id), collector_id: Some(collector), ..Links::default() };
            account.post(tx, &Entry::of(EntryKind::Commission, commission)?, links).await?;
        }
    }
    let data = json!({ "payment_id": payment.id, "amount": amount.amount(), "method": payment.method });
    account.event(tx, actor, "payment", None, data).await?;
    if let Some(collector) = account.collector_id.filter(|c| actor.user_id != Some(*c)) {
        let key = format!("payment:{}:received", payment.id);
        let body = format!("A payment of {amount} ({}) was posted to the account.", payment.method);
        let notification = NewNotification {
            agency_id: account.agency_id,
            recipient_id: collector,
            kind: NotificationKind::PaymentReceived,
            title: "Payment received",
            body: &body,
            entity_type: Some("account"),
            entity_id: Some(account.id.to_string()),
            idempotency_key: &key,
        };
        store::notifications::insert(tx, &notification).await?;
    }
    plans::installments::pay(tx, actor, account, payment.id, amount, now).await?;
    account.settle_if_paid(tx, actor).await
}

/// What a fee's payment depends on.
#[derive(Debug, Clone, Copy)]
struct OpenFee {
    id: Uuid,
    amount: Decimal,
    paid_amount: Decimal,
    waived_amount: Decimal,
    status: debtflow_domain::fee::FeeStatus,
}

impl OpenFee {
    fn outstanding(&self) -> Decimal {
        self.amount - self.paid_amount - self.waived_amount
    }
}

impl From<&store::fees::FeeRow> for OpenFee {
    fn from(f: &store::fees::FeeRow) -> Self {
        OpenFee {
            id: f.id,
            amount: f.amount,
            paid_amount: f.paid_amount,
            waived_amount: f.waived_amount,
            status: f.status,
        }
    }
}

/// A fee's new paid amount and the status the domain's table gives it.
fn fee_paid(fee: &OpenFee, paid_amount: Decimal, cause: FeeCause) -> Result<Paid, ServiceError> {
    let owes = paid_amount + fee.waived_amount < fee.amount;
    let status = fee
        .status
        .after(cause, owes, fee.waived_amount > Decimal::ZERO)
        .ok_or_else(|| ServiceError::invariant(format!("a {} fee cannot take {cause:?}", fee.status)))?;
    Ok(Paid { fee_id: fee.id, paid_amount, status })
}

/// Posts `payment`'s money to suspense, on the timeline of the account it named, and
/// asks the managers to apply or refund it.
async fn suspend(
    tx: &mut PgConnection,
    actor: &Actor,
    account: &mut LockedAccount,
    payment: &PaymentRow,
) -> Result<(), ServiceError> {
    let amount = account.money(payment.amount)?;
    let links = Links { payment_id: Some(payment.id), ..Links::default() };
    account.post(tx, &Entry::of(EntryKind::Unapplied, amount)?, links).await?;
    let why = if account.book.takes_payments() {
        format!("more than the {} still owed", account.book.balance())
    } else {
        format!("the account is {}", account.status())
    };
    let data = json!({ "payment_id": payment.id, "amount": amount.amount(), "method": payment.method });
    account.event(tx, actor, "unapplied", Some(&why), data).await?;
    let body = format!("A payment of {amount} could not be applied ({why}): apply it to an account or refund it.");
    notify_deciders(tx, account.agency_id, payment.id, NotificationKind::PaymentUnapplied, "Unapplied payment", &body)
        .await
}

/// Tells the agency's users who may decide payments (the role table's) about one.
async fn notify_deciders(
    tx: &mut PgConnection,
    agency_id: Uuid,
    payment_id: Uuid,
    kind: NotificationKind,
    title: &str,
    body: &str,
) -> Result<(), ServiceError> {
    let roles: Vec<_> = Operation::DecidePayment.deciders().collect();
    for recipient in store::users::active_with_roles(tx, agency_id, &roles).await? {
        let key = format!("payment:{payment_id}:{kind}:{recipient}");
        let notification = NewNotification {
            agency_id,
            recipient_id: recipient,
            kind,
            title,
            body,
            entity_type: Some("payment"),
            entity_id: Some(payment_id.to_string()),
            idempotency_key: &key,
        };
        store::notifications::insert(tx, &notification).await?;
    }
    Ok(())
}

fn fee_of(part: &Part<Uuid>) -> Option<Uuid> {
    match part {
        Part::Principal => None,
        Part::Fee(id) => Some(*id),
    }
}

/// The payment's account, then the payment, both locked: the order every money use
/// case locks in.
async fn lock(
    tx: &mut PgConnection,
    reach: store::accounts::Reach,
    payment_id: Uuid,
    now: DateTime<Utc>,
) -> Result<(LockedAccount, PaymentRow), ServiceError> {
    let account_id = store::payments::get(tx, reach, payment_id).await?.ok_or(ServiceError::NotFound)?.account_id;
    let account = LockedAccount::lock(tx, reach, account_id, now).await?.ok_or(ServiceError::NotFound)?;
    let payment = store::payments::lock(tx, reach, payment_id).await?.ok_or(ServiceError::NotFound)?;
    Ok((account, payment))
}
