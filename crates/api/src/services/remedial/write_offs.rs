//! Write-off requests (`debtflow_domain::remedial::write_off`): drafted and recommended
//! by a manager for the whole balance; decided by the board — compliance or an agency
//! admin, never the one who recommended it. Approval posts the `write_off` entry (the
//! receivable to zero through the write-off ledger account), closes the account
//! (`Cause::WriteOff`) and cancels its pending promises to pay; rejection posts nothing.

use super::{account_of, audit_step, today};
use crate::{
    audit::Actor,
    services::{book::LockedAccount, error::Entity, Refusal, ServiceError},
    store::{self, accounts::Reach, ledger::Links, notifications::NewNotification, write_offs::WriteOffRow},
};
use chrono::{DateTime, Utc};
use debtflow_domain::{
    account::Cause,
    ledger::{Entry, EntryKind},
    notification::NotificationKind,
    permission::Operation,
    remedial::{
        write_off::{self, WriteOffStatus, WriteOffStep},
        Lifecycle,
    },
    AccountStatus, Currency, Money, Role,
};
use rust_decimal::Decimal;
use serde_json::json;
use sqlx::PgConnection;
use uuid::Uuid;

/// The most requests a list returns.
pub const LIST_LIMIT: i64 = 200;

/// Drafts a request to write off the account's whole balance.
pub async fn create(
    tx: &mut PgConnection,
    actor: &Actor,
    account_id: Uuid,
    amount: Decimal,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<WriteOffRow, ServiceError> {
    let by = super::person(actor)?;
    let account = account_of(tx, actor, account_id, now).await?;
    writable(account.status)?;
    if let Some(existing) = store::write_offs::open_for(tx, account.agency_id, account.id).await? {
        return Err(Refusal::WriteOffOpen { existing }.into());
    }
    let reason = reason_of(reason)?;
    check_amount(amount, account.current_balance, &account.currency)?;
    let id = Uuid::now_v7();
    let mut row = blank(account.agency_id, id, account.id, by, now);
    (row.amount, row.reason) = (amount, reason);
    store::write_offs::insert(tx, &row).await?;
    let row = reload(tx, account.agency_id, id).await?;
    event(tx, actor, &row, "drafted", Some(&row.reason)).await?;
    audit_step(tx, actor, "write_off.create", "write_off", row.id, None, &row).await?;
    Ok(row)
}

/// A write-off closes the account: refused from the statuses it cannot close from.
fn writable(status: AccountStatus) -> Result<(), ServiceError> {
    if status.can_be_written_off() {
        return Ok(());
    }
    let allowed = AccountStatus::ALL.into_iter().filter(|s| s.can_be_written_off());
    Err(Refusal::wrong_status(Entity::Account, status, "a write-off", allowed).into())
}

fn reason_of(reason: &str) -> Result<String, ServiceError> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(ServiceError::invalid("reason", "must not be blank"));
    }
    Ok(reason.to_owned())
}

/// The request's amount against the balance (`write_off::check_amount`).
fn check_amount(amount: Decimal, balance: Decimal, currency: &str) -> Result<(), ServiceError> {
    let currency = Currency::parse(currency).map_err(ServiceError::invariant)?;
    let amount = Money::new(amount, currency).map_err(|e| ServiceError::invalid("amount", e))?;
    Ok(write_off::check_amount(amount, Money::new(balance, currency)?)?)
}

fn blank(agency_id: Uuid, id: Uuid, account_id: Uuid, by: Uuid, now: DateTime<Utc>) -> WriteOffRow {
    WriteOffRow {
        agency_id,
        id,
        account_id,
        account_ref: String::new(),
        debtor_name: String::new(),
        current_balance: Decimal::ZERO,
        currency: String::new(),
        status: WriteOffStatus::Draft,
        amount: Decimal::ZERO,
        reason: String::new(),
        created_by: by,
        created_by_name: None,
        created_at: now,
        updated_at: now,
        recommended_by: None,
        recommended_by_name: None,
        recommended_at: None,
        decided_by: None,
        decided_by_name: None,
        decided_at: None,
        decided_on: None,
        minutes: None,
        entry_id: None,
        deleted_at: None,
    }
}

async fn reload(tx: &mut PgConnection, agency_id: Uuid, id: Uuid) -> Result<WriteOffRow, ServiceError> {
    store::write_offs::get(tx, agency_id, id, false).await?.ok_or(ServiceError::NotFound)
}

/// The request, within the caller's reach; locked if `lock`.
async fn load(
    tx: &mut PgConnection,
    actor: &Actor,
    id: Uuid,
    now: DateTime<Utc>,
    lock: bool,
) -> Result<WriteOffRow, ServiceError> {
    let agency_id = actor.agency_id.ok_or(ServiceError::NotFound)?;
    let row = store::write_offs::get(tx, agency_id, id, lock).await?.ok_or(ServiceError::NotFound)?;
    account_of(tx, actor, row.account_id, now).await?;
    Ok(row)
}

pub async fn get(
    tx: &mut PgConnection,
    actor: &Actor,
    id: Uuid,
    now: DateTime<Utc>,
) -> Result<WriteOffRow, ServiceError> {
    load(tx, actor, id, now, false).await
}

/// The requests of an account, or of the agency in a status (`recommended`: the
/// board's queue), the newest first; a collector's, of their own accounts.
pub async fn list(
    tx: &mut PgConnection,
    actor: &Actor,
    account_id: Option<Uuid>,
    status: Option<WriteOffStatus>,
    now: DateTime<Utc>,
) -> Result<Vec<WriteOffRow>, ServiceError> {
    let agency_id = actor.agency_id.ok_or(ServiceError::NotFound)?;
    if let Some(account_id) = account_id {
        account_of(tx, actor, account_id, now).await?;
    }
    let collector = super::reach(actor).collector_id;
    Ok(store::write_offs::list(tx, agency_id, account_id, status, collector, LIST_LIMIT).await?)
}

fn take(row: &mut WriteOffRow, step: WriteOffStep, now: DateTime<Utc>) -> Result<(), ServiceError> {
    row.status = row.status.step(step).map_err(|e| Refusal::step(Entity::WriteOff, e))?;
    row.updated_at = now;
    Ok(())
}

/// The timeline event of a step (`write_off`).
async fn event(
    tx: &mut PgConnection,
    actor: &Actor,
    row: &WriteOffRow,
    step: &str,
    body: Option<&str>,
) -> Result<(), ServiceError> {
    let data = json!({ "step": step, "write_off_id": row.id, "amount": row.amount, "status": row.status });
    super::timeline(tx, actor, row.agency_id, row.account_id, "write_off", body, data).await
}

/// Saves a step: the row, the timeline and the audit trail; the request as it is now.
async fn save(
    tx: &mut PgConnection,
    actor: &Actor,
    action: &'static str,
    before: &WriteOffRow,
    row: WriteOffRow,
    step: &str,
    body: Option<&str>,
) -> Result<WriteOffRow, ServiceError> {
    store::write_offs::save(tx, &row).await?;
    event(tx, actor, &row, step, body).await?;
    audit_step(tx, actor, action, "write_off", row.id, Some(before), &row).await?;
    Ok(row)
}

/// Changes a draft's amount or reason.
pub async fn edit(
    tx: &mut PgConnection,
    actor: &Actor,
    id: Uuid,
    amount: Option<Decimal>,
    reason: Option<&str>,
    now: DateTime<Utc>,
) -> Result<WriteOffRow, ServiceError> {
    let before = load(tx, actor, id, now, true).await?;
    let mut row = before.clone();
    take(&mut row, WriteOffStep::Edit, now)?;
    if let Some(reason) = reason {
        row.reason = reason_of(reason)?;
    }
    if let Some(amount) = amount {
        check_amount(amount, row.current_balance, &row.currency)?;
        row.amount = amount;
    }
    let row = save(tx, actor, "write_off.update", &before, row, "edited", None).await?;
    reload(tx, row.agency_id, row.id).await
}

/// Deletes a draft (kept, hidden).
pub async fn delete(tx: &mut PgConnection, actor: &Actor, id: Uuid, now: DateTime<Utc>) -> Result<(), ServiceError> {
    let before = load(tx, actor, id, now, true).await?;
    let mut row = before.clone();
    take(&mut row, WriteOffStep::Delete, now)?;
    row.deleted_at = Some(now);
    save(tx, actor, "write_off.delete", &before, row, "deleted", None).await?;
    Ok(())
}

/// Recommends the draft to the board, for the balance as it is now; the board is told.
pub async fn recommend(
    tx: &mut PgConnection,
    actor: &Actor,
    id: Uuid,
    now: DateTime<Utc>,
) -> Result<WriteOffRow, ServiceError> {
    let by = super::person(actor)?;
    let before = load(tx, actor, id, now, true).await?;
    let mut row = before.clone();
    take(&mut row, WriteOffStep::Recommend, now)?;
    check_amount(row.amount, row.current_balance, &row.currency)?;
    (row.recommended_by, row.recommended_at) = (Some(by), Some(now));
    let row = save(tx, actor, "write_off.recommend", &before, row, "recommended", None).await?;
    let roles: Vec<Role> = Operation::DecideWriteOff.deciders().collect();
    let body = format!("{} of {} ({}) waits for the board.", row.amount.normalize(), row.account_ref, row.debtor_name);
    for recipient in store::users::active_with_roles(tx, row.agency_id, &roles).await? {
        let key = format!("write_off:{}:recommended:{recipient}", row.id);
        notify(tx, &row, recipient, NotificationKind::WriteOffPendingDecision, "Write-off to decide", &body, &key)
            .await?;
    }
    reload(tx, row.agency_id, row.id).await
}

async fn notify(
    tx: &mut PgConnection,
    row: &WriteOffRow,
    recipient: Uuid,
    kind: NotificationKind,
    title: &str,
    body: &str,
    key: &str,
) -> Result<(), ServiceError> {
    let notification = NewNotification {
        agency_id: row.agency_id,
        recipient_id: recipient,
        kind,
        title,
        body,
        entity_type: Some("account"),
        entity_id: Some(row.account_id.to_string()),
        idempotency_key: key,
    };
    store::notifications::insert(tx, &notification).await?;
    Ok(())
}

/// The board's decision on a recommended request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Approve,
    Reject,
}

/// Records the board's decision with its minutes. Approval writes off the balance —
/// still the amount recommended, or it is refused — and closes the account.
pub async fn decide(
    tx: &mut PgConnection,
    actor: &Actor,
    id: Uuid,
    decision: Decision,
    minutes: &str,
    now: DateTime<Utc>,
) -> Result<WriteOffRow, ServiceError> {
    let by = super::person(actor)?;
    let peek = load(tx, actor, id, now, false).await?;
    // The account first, then the request: the order every money use case locks in.
    let reach = Reach { agency_id: Some(peek.agency_id), collector_id: None };
    let mut account = LockedAccount::lock(tx, reach, peek.account_id, now).await?.ok_or(ServiceError::NotFound)?;
    let before = load(tx, actor, id, now, true).await?;
    let mut row = before.clone();
    let step = match decision {
        Decision::Approve => WriteOffStep::Approve,
        Decision::Reject => WriteOffStep::Reject,
    };
    take(&mut row, step, now)?;
    write_off::check_minutes(minutes)?;
    write_off::check_decider(row.recommended_by, by)?;
    (row.decided_by, row.decided_at, row.minutes) = (Some(by), Some(now), Some(minutes.trim().to_owned()));
    row.decided_on = Some(today(tx, row.agency_id, now).await?);
    if decision == Decision::Approve {
        writable(account.status())?;
        let balance = account.book.balance();
        if balance.amount() != row.amount {
            return Err(Refusal::WriteOffBalanceChanged { amount: row.amount, balance: balance.amount() }.into());
        }
        let entry = Entry::of(EntryKind::WriteOff, balance)?;
        row.entry_id = Some(account.post(tx, &entry, Links::default()).await?);
        account.transition(tx, actor, AccountStatus::Closed, Cause::WriteOff, "written off by the board").await?;
        let reason = "the account was written off";
        for promise in store::promises::cancel_pending(tx, row.agency_id, row.account_id, by, now, reason).await? {
            let change = crate::audit::Change::updated(
                "account.promise_cancel",
                "promise",
                promise,
                &json!({ "status": "pending" }),
                &json!({ "status": "cancelled", "account_id": row.account_id, "reason": reason }),
            );
            crate::audit::record(tx, actor, change.in_agency(Some(row.agency_id))).await?;
        }
    }
    let (action, past) = match decision {
        Decision::Approve => ("write_off.approve", "approved"),
        Decision::Reject => ("write_off.reject", "rejected"),
    };
    let minutes = row.minutes.clone();
    let row = save(tx, actor, action, &before, row, past, minutes.as_deref()).await?;
    if let Some(recommender) = row.recommended_by {
        let body = format!("The write-off of {} ({}) was {past}.", row.account_ref, row.amount.normalize());
        let key = format!("write_off:{}:decided", row.id);
        notify(tx, &row, recommender, NotificationKind::WriteOffDecided, "Write-off decided", &body, &key).await?;
    }
    reload(tx, row.agency_id, row.id).await
}
