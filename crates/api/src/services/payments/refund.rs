//! Refunds, in full or in part, by a manager or by the card processor: a reversing
//! entry; the allocation unwound (last-paid parts first, reopening fees); the
//! collector's commission reversed pro rata; installments taken back newest first (a
//! completed plan reopens, its settlement write-off reversed); a settled account
//! reopened. Unapplied money is refunded out of suspense.

use super::{fee_of, fee_paid, lock, refused};
use crate::{
    audit::{self, Actor, Change},
    services::{book::LockedAccount, plans, webhooks, ServiceError},
    store::{
        self,
        accounts::Reach,
        ledger::Links,
        payments::{AllocationRow, PaymentRow},
    },
};
use chrono::{DateTime, Utc};
use debtflow_domain::{
    fee::FeeCause,
    ledger::{Entry, EntryKind},
    payment::{self, Part, PaymentCause, PaymentStatus},
    Money,
};
use rust_decimal::Decimal;
use serde_json::json;
use sqlx::PgConnection;
use uuid::Uuid;

/// Refunds `amount` of the payment; returns it as it now is.
pub async fn refund(
    tx: &mut PgConnection,
    actor: &Actor,
    reach: Reach,
    payment_id: Uuid,
    amount: Decimal,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<PaymentRow, ServiceError> {
    let (mut account, before) = lock(tx, reach, payment_id, now).await?;
    let amount = account.amount("amount", amount)?;
    refund_locked(tx, actor, &mut account, &before, amount, reason, now).await?;
    let after = store::payments::get(tx, reach, payment_id).await?.ok_or(ServiceError::NotFound)?;
    let change = Change::updated(
        "payment.refund",
        "payment",
        payment_id,
        &json!({ "status": before.status, "refunded_amount": before.refunded_amount }),
        &json!({ "status": after.status, "refunded_amount": after.refunded_amount, "reason": reason }),
    );
    audit::record(tx, actor, change.in_agency(Some(account.agency_id))).await?;
    webhooks::payment_changed(tx, Some(&before), &after, now).await?;
    Ok(after)
}

/// Refunds `amount` of a payment whose account and row the caller locked; returns its
/// new status.
pub(super) async fn refund_locked(
    tx: &mut PgConnection,
    actor: &Actor,
    account: &mut LockedAccount,
    payment: &PaymentRow,
    amount: Money,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<PaymentStatus, ServiceError> {
    let paid = account.money(payment.amount)?;
    let before = account.money(payment.refunded_amount)?;
    let status = payment::refund(payment.status, paid, before, amount).map_err(|e| refused(e, PaymentCause::Refund))?;
    let entries = store::ledger::payment_entries(tx, account.agency_id, payment.id).await?;
    if payment.status == PaymentStatus::Unapplied {
        let links = Links { payment_id: Some(payment.id), reverses: entries.unapplied_entry, ..Links::default() };
        account.post(tx, &Entry::of(EntryKind::UnappliedRefund, amount)?, links).await?;
    } else {
        unwind(tx, account, payment, amount, entries.payment_entry).await?;
        if entries.commission > Decimal::ZERO {
            let reversal = payment::commission_reversal(account.money(entries.commission)?, paid, before, amount)?;
            if reversal.is_positive() {
                let links = Links {
                    payment_id: Some(payment.id),
                    reverses: entries.commission_entry,
                    collector_id: entries.commission_collector,
                    ..Links::default()
                };
                account.post(tx, &Entry::of(EntryKind::CommissionReversal, reversal)?, links).await?;
            }
        }
    }
    let refunded = before.checked_add(amount)?;
    store::payments::record_refund(tx, account.agency_id, payment.id, status, refunded.amount()).await?;
    let data = json!({ "payment_id": payment.id, "amount": amount.amount() });
    account.event(tx, actor, "refund", Some(reason), data).await?;
    if payment.status != PaymentStatus::Unapplied {
        plans::installments::take_back(tx, actor, account, payment.id, amount, now).await?;
        account.reopen_if_owed(tx, actor).await?;
    }
    Ok(status)
}

/// The refund's reversing entry and what it gives back of the allocation, last-paid
/// parts first (fees it paid reopen).
async fn unwind(
    tx: &mut PgConnection,
    account: &mut LockedAccount,
    payment: &PaymentRow,
    amount: Money,
    payment_entry: Option<Uuid>,
) -> Result<(), ServiceError> {
    let net = store::payments::net_allocation(tx, account.agency_id, payment.id).await?;
    let mut allocation = Vec::with_capacity(net.len());
    for row in net.iter().filter(|r| r.amount > Decimal::ZERO) {
        allocation.push((row.fee_id.map_or(Part::Principal, Part::Fee), account.money(row.amount)?));
    }
    let back = payment::unwind(amount, &allocation).map_err(|e| refused(e, PaymentCause::Refund))?;
    // The refund is the collector's as the payment was (what the analytics net per collector).
    let links = Links {
        payment_id: Some(payment.id),
        reverses: payment_entry,
        collector_id: payment.collector_id,
        ..Links::default()
    };
    let entry_id = account.post(tx, &Entry::of(EntryKind::Refund, amount)?, links).await?;
    let rows: Vec<AllocationRow> = back
        .iter()
        .map(|(part, m)| {
            let position = net.iter().find(|r| r.fee_id == fee_of(part)).map_or(0, |r| r.position);
            AllocationRow { position, fee_id: fee_of(part), amount: -m.amount() }
        })
        .collect();
    store::payments::add_allocations(tx, account.agency_id, payment.id, entry_id, &rows).await?;
    let reopened: Vec<Uuid> = rows.iter().filter_map(|r| r.fee_id).collect();
    if reopened.is_empty() {
        return Ok(());
    }
    let mut paid = Vec::with_capacity(reopened.len());
    for fee in store::fees::lock_many(tx, account.agency_id, &reopened).await? {
        let back: Decimal = rows.iter().filter(|r| r.fee_id == Some(fee.id)).map(|r| r.amount).sum();
        paid.push(fee_paid(&(&fee).into(), fee.paid_amount + back, FeeCause::Refund)?);
    }
    store::fees::set_paid(tx, account.agency_id, &paid).await?;
    Ok(())
}
