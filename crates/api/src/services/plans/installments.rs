//! What payments and refunds do to the account's plan: a payment pays the active
//! plan's installments oldest first, completing the plan when none is left owing (the
//! domain's [`completion`]: a settlement discount written off, or the account handed
//! back to NEGOTIATING); a refund takes back what its payment paid, newest first, and a
//! plan it unpays is reopened — its write-off reversed, its account on the plan again.

use super::{event, LockedAccount};
use crate::{
    audit::Actor,
    services::ServiceError,
    store::{
        self,
        accounts::Reach,
        ledger::Links,
        plans::{PlanRow, StatusChange},
    },
};
use chrono::{DateTime, Utc};
use debtflow_domain::{
    account::Cause,
    ledger::{Entry, EntryKind},
    plan::{self, completion, PlanStatus, PlanStep},
    Money,
};
use rust_decimal::Decimal;
use serde_json::json;
use sqlx::PgConnection;
use uuid::Uuid;

/// Pays `amount` of payment `payment_id` into the account's active plan, if it has one.
pub async fn pay(
    tx: &mut PgConnection,
    actor: &Actor,
    account: &mut LockedAccount,
    payment_id: Uuid,
    amount: Money,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    let Some(plan) = store::plans::lock_active(tx, account.agency_id, account.id, now).await? else {
        return Ok(());
    };
    let mut open = Vec::new();
    for i in store::plans::installments(tx, account.agency_id, &[plan.id]).await? {
        let owed = account.money(i.amount - i.paid_amount)?;
        if owed.is_positive() {
            open.push((i.seq, owed));
        }
    }
    let (parts, _) = plan::allocate(amount, &open)?;
    let rows: Vec<(i16, Decimal)> = parts.iter().map(|(seq, m)| (*seq, m.amount())).collect();
    store::plans::add_paid(tx, account.agency_id, plan.id, payment_id, &rows).await?;
    let owed: Decimal =
        open.iter().map(|(_, m)| m.amount()).sum::<Decimal>() - rows.iter().map(|r| r.1).sum::<Decimal>();
    if owed.is_zero() {
        complete(tx, actor, account, &plan).await?;
    }
    Ok(())
}

/// Every installment paid: the plan completes, and the account follows.
async fn complete(
    tx: &mut PgConnection,
    actor: &Actor,
    account: &mut LockedAccount,
    plan: &PlanRow,
) -> Result<(), ServiceError> {
    let to = plan.status.step(PlanStep::Complete).map_err(ServiceError::invariant)?;
    let change = StatusChange { status: to, decided_by: None, end_reason: Some("every installment paid") };
    store::plans::set_status(tx, account.agency_id, plan.id, change).await?;
    event(tx, actor, account, plan.id, PlanStep::Complete.past_tense(), None).await?;
    let implied = completion(plan.settlement, account.book.balance(), account.status());
    if let Some(write_off) = implied.write_off {
        let links = Links { plan_id: Some(plan.id), ..Links::default() };
        account.post(tx, &Entry::of(EntryKind::WriteOff, write_off)?, links).await?;
        let data = json!({ "plan_id": plan.id, "action": "written_off", "amount": write_off.amount() });
        account.event(tx, actor, "plan", Some("settlement discount written off"), data).await?;
    }
    if let Some(to) = implied.account_to {
        account.transition(tx, actor, to, Cause::PlanEnded, "payment plan completed; a balance remains").await?;
    }
    Ok(())
}

/// Takes back `amount` of what payment `payment_id` paid into installments, newest
/// first; a completed plan it unpays reopens (unless another plan of the account is
/// active by now: an account has one active plan).
pub async fn take_back(
    tx: &mut PgConnection,
    actor: &Actor,
    account: &mut LockedAccount,
    payment_id: Uuid,
    amount: Money,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    let held = store::plans::paid_by(tx, account.agency_id, payment_id).await?;
    let mut left = amount;
    let mut plan_ids: Vec<Uuid> = held.iter().map(|h| h.plan_id).collect();
    plan_ids.dedup();
    let reach = Reach { agency_id: Some(account.agency_id), collector_id: None };
    for plan_id in plan_ids {
        let mut parts = Vec::new();
        for h in held.iter().filter(|h| h.plan_id == plan_id) {
            parts.push((h.seq, account.money(h.amount)?));
        }
        let (back, rest) = plan::unallocate(left, &parts)?;
        left = rest;
        if back.is_empty() {
            continue;
        }
        let rows: Vec<(i16, Decimal)> = back.iter().map(|(seq, m)| (*seq, -m.amount())).collect();
        store::plans::add_paid(tx, account.agency_id, plan_id, payment_id, &rows).await?;
        let plan = store::plans::lock(tx, reach, plan_id, now).await?.ok_or(ServiceError::NotFound)?;
        if plan.status == PlanStatus::Completed
            && store::plans::lock_active(tx, account.agency_id, account.id, now).await?.is_none()
        {
            reopen(tx, actor, account, &plan).await?;
        }
    }
    Ok(())
}

/// A completed plan a refund unpaid is active again: a settlement's write-off is
/// reversed (the discount held only if the plan was paid), and the account is on the
/// plan again.
async fn reopen(
    tx: &mut PgConnection,
    actor: &Actor,
    account: &mut LockedAccount,
    plan: &PlanRow,
) -> Result<(), ServiceError> {
    let to = plan.status.step(PlanStep::Reopen).map_err(ServiceError::invariant)?;
    store::plans::set_status(
        tx,
        account.agency_id,
        plan.id,
        StatusChange { status: to, decided_by: None, end_reason: None },
    )
    .await?;
    event(tx, actor, account, plan.id, PlanStep::Reopen.past_tense(), Some("a payment was refunded")).await?;
    let written_off = account.money(store::ledger::plan_write_off(tx, account.agency_id, plan.id).await?)?;
    if written_off.is_positive() {
        let links = Links { plan_id: Some(plan.id), ..Links::default() };
        account.post(tx, &Entry::of(EntryKind::WriteOffReversal, written_off)?, links).await?;
        let data = json!({ "plan_id": plan.id, "action": "write_off_reversed", "amount": written_off.amount() });
        account.event(tx, actor, "plan", Some("settlement discount reinstated"), data).await?;
    }
    if let Some(to) = plan::account_after_reopen(account.status()) {
        account.transition(tx, actor, to, Cause::PlanActivated, "a refund reopened the payment plan").await?;
    }
    Ok(())
}
