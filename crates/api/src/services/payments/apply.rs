//! Applying unapplied money (`POST /payments/{id}/apply`): a manager puts money held in
//! suspense onto an account — the one the payment named, or the one it was meant for
//! — where it is allocated, earns commission and pays the plan like any payment.

use super::{available, post_to_account, wrong_status};
use crate::{
    audit::{self, Actor, Change},
    services::{book::LockedAccount, webhooks, Refusal, ServiceError},
    store::{
        self,
        accounts::Reach,
        payments::{PaymentRow, Placed},
    },
};
use chrono::{DateTime, Utc};
use debtflow_domain::{
    ledger::EntryKind,
    payment::{self, PaymentCause, PaymentStatus},
};
use rust_decimal::Decimal;
use serde_json::json;
use sqlx::PgConnection;
use uuid::Uuid;

/// Applies unapplied payment `payment_id` to `account_id` (its own account when
/// `None`); returns it as it now is.
pub async fn apply(
    tx: &mut PgConnection,
    actor: &Actor,
    reach: Reach,
    payment_id: Uuid,
    account_id: Option<Uuid>,
    now: DateTime<Utc>,
) -> Result<PaymentRow, ServiceError> {
    // The account it goes to, then the payment: the order every money use case locks in.
    let named = store::payments::get(tx, reach, payment_id).await?.ok_or(ServiceError::NotFound)?.account_id;
    let mut account = LockedAccount::lock(tx, reach, account_id.unwrap_or(named), now)
        .await?
        .ok_or_else(|| ServiceError::invalid("account_id", "no such account"))?;
    let before = store::payments::lock(tx, reach, payment_id).await?.ok_or(ServiceError::NotFound)?;
    let cause = PaymentCause::Applied;
    before.status.transition(PaymentStatus::Completed, cause).map_err(|e| wrong_status(e.from, cause))?;
    if before.refunded_amount > Decimal::ZERO {
        return Err(ServiceError::invalid("payment", "part of it was refunded: refund the rest instead"));
    }
    if !account.book.takes_payments() {
        return Err(Refusal::AccountTakesNoPayments { status: account.status() }.into());
    }
    let amount = account.money(before.amount)?;
    payment::check_covered(amount, available(tx, &account, None).await?)
        .map_err(|e| ServiceError::invalid("account_id", e))?;
    post_to_account(tx, actor, &mut account, &before, EntryKind::Application, now).await?;
    let placed = Placed {
        status: PaymentStatus::Completed,
        account_id: account.id,
        collector_id: account.collector_id,
        decided_by: None,
    };
    store::payments::place(tx, account.agency_id, payment_id, &placed).await?;
    let after = store::payments::get(tx, reach, payment_id).await?.ok_or(ServiceError::NotFound)?;
    let change = Change::updated(
        "payment.apply",
        "payment",
        payment_id,
        &json!({ "status": before.status, "account_id": before.account_id }),
        &json!({ "status": after.status, "account_id": after.account_id }),
    );
    audit::record(tx, actor, change).await?;
    webhooks::payment_changed(tx, Some(&before), &after, now).await?;
    Ok(after)
}
