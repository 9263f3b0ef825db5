//! Fees: assessed (the balance rises at once, a `fee` entry) and waived (what a
//! waiting fee still owes forgiven, a `fee_waiver` entry reversing that part). Which
//! fee may move how is the domain's table (`FeeStatus::after`).

use super::{book::LockedAccount, Entity, Refusal, ServiceError};
use crate::{
    audit::{self, Actor, Change},
    store::{self, accounts::Reach, fees::FeeRow, ledger::Links},
};
use chrono::{DateTime, Utc};
use debtflow_domain::{
    fee::{FeeCause, FeeKind, FeeStatus},
    ledger::{Entry, EntryKind},
};
use rust_decimal::Decimal;
use serde_json::json;
use sqlx::PgConnection;
use uuid::Uuid;

/// A fee to assess.
#[derive(Debug, Clone)]
pub struct AssessFee {
    pub account_id: Uuid,
    pub kind: FeeKind,
    pub amount: Decimal,
    pub reason: String,
}

/// Assesses the fee on an account that is not settled or closed.
pub async fn assess(
    tx: &mut PgConnection,
    actor: &Actor,
    reach: Reach,
    cmd: AssessFee,
    now: DateTime<Utc>,
) -> Result<FeeRow, ServiceError> {
    let mut account = LockedAccount::lock(tx, reach, cmd.account_id, now).await?.ok_or(ServiceError::NotFound)?;
    let amount = account.amount("amount", cmd.amount)?;
    if !amount.is_positive() {
        return Err(ServiceError::invalid("amount", "must be greater than zero"));
    }
    if !account.book.takes_fees() {
        return Err(Refusal::AccountTakesNoFees { status: account.status() }.into());
    }
    let assessed_by = actor.user_id.ok_or_else(|| ServiceError::invariant("a fee is assessed by a person"))?;
    let id = Uuid::now_v7();
    let fee =
        store::fees::insert(tx, account.agency_id, id, account.id, cmd.kind, amount.amount(), &cmd.reason, assessed_by)
            .await?;
    account.post(tx, &Entry::of(EntryKind::Fee, amount)?, Links { fee_id: Some(id), ..Links::default() }).await?;
    let data = json!({ "fee_id": id, "kind": cmd.kind, "amount": amount.amount(), "action": "assessed" });
    account.event(tx, actor, "fee", Some(&cmd.reason), data).await?;
    let snapshot =
        json!({ "account_id": account.id, "kind": cmd.kind, "amount": amount.amount(), "reason": cmd.reason });
    audit::record(tx, actor, Change::created("fee.assess", "fee", id, snapshot)).await?;
    Ok(fee)
}

/// Waives what a waiting fee still owes; the account settles if that was all it owed.
pub async fn waive(
    tx: &mut PgConnection,
    actor: &Actor,
    reach: Reach,
    account_id: Uuid,
    fee_id: Uuid,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<FeeRow, ServiceError> {
    let mut account = LockedAccount::lock(tx, reach, account_id, now).await?.ok_or(ServiceError::NotFound)?;
    let before = store::fees::lock(tx, account.agency_id, account.id, fee_id).await?.ok_or(ServiceError::NotFound)?;
    let status = before.status.after(FeeCause::Waiver, false, true).ok_or_else(|| {
        Refusal::wrong_status(Entity::Fee, before.status, "a waiver", FeeStatus::from_which(FeeCause::Waiver))
    })?;
    let owed = account.money(before.outstanding())?;
    let by = actor.user_id.ok_or_else(|| ServiceError::invariant("a fee is waived by a person"))?;
    let reverses = store::ledger::fee_entry(tx, account.agency_id, fee_id).await?;
    let links = Links { fee_id: Some(fee_id), reverses, ..Links::default() };
    account.post(tx, &Entry::of(EntryKind::FeeWaiver, owed)?, links).await?;
    let fee = store::fees::waive(tx, account.agency_id, fee_id, by, reason, status).await?;
    let data = json!({ "fee_id": fee_id, "kind": fee.kind, "amount": owed.amount(), "action": "waived" });
    account.event(tx, actor, "fee", Some(reason), data).await?;
    account.settle_if_paid(tx, actor).await?;
    let change = Change::updated(
        "fee.waive",
        "fee",
        fee_id,
        &json!({ "status": before.status, "waived_amount": account.money(before.waived_amount)?.amount() }),
        &json!({ "status": fee.status, "waived_amount": account.money(fee.waived_amount)?.amount(), "reason": reason }),
    );
    audit::record(tx, actor, change).await?;
    Ok(fee)
}
