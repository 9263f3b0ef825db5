//! Promises to pay on an account (`POST /accounts/{id}/promises`): one amount by a
//! date, or a short series, checked by `debtflow_domain::promise::check_series` against
//! the balance and what is already promised; cancelled by hand while pending; decided
//! kept or broken by the daily `promise_evaluation` job ([`evaluate`]).
//!
//! A broken promise raises the account to the highest priority (the top of its
//! collector's worklist, sorted by priority) and tells the collector (without one, the
//! agency's managers).

use super::{person, reach, timeline};
use crate::{
    audit::{self, Actor, Change},
    services::{error::Entity, Refusal, ServiceError},
    store::{
        self,
        notifications::NewNotification,
        promises::{NewSeries, PromiseRow},
    },
};
use chrono::{DateTime, NaiveDate, Utc};
use debtflow_domain::{
    notification::NotificationKind,
    promise::{self, NewPromise, PromiseStatus, Verdict},
    AccountStatus, Currency, Money, Priority, Role,
};
use serde_json::json;
use sqlx::PgConnection;
use uuid::Uuid;

/// Promises to record on `account_id`.
#[derive(Debug, Clone)]
pub struct MakePromises {
    pub account_id: Uuid,
    pub items: Vec<NewPromise>,
    /// The attempt in which the debtor made them, if recorded.
    pub contact_id: Option<Uuid>,
    pub note: Option<String>,
}

/// Records the series, or says which item breaks which rule.
pub async fn make(
    tx: &mut PgConnection,
    actor: &Actor,
    cmd: MakePromises,
    now: DateTime<Utc>,
) -> Result<Vec<PromiseRow>, ServiceError> {
    let by = person(actor)?;
    let account = store::accounts::lock(tx, reach(actor), cmd.account_id, now).await?.ok_or(ServiceError::NotFound)?;
    if !AccountStatus::COLLECTING.contains(&account.status) {
        return Err(Refusal::WrongStatus {
            entity: Entity::Account,
            current: account.status.to_string(),
            action: "a promise to pay",
            allowed: AccountStatus::COLLECTING.iter().map(ToString::to_string).collect(),
        }
        .into());
    }
    let currency = Currency::parse(&account.currency).map_err(ServiceError::invariant)?;
    for (i, item) in cmd.items.iter().enumerate() {
        Money::new(item.amount, currency).map_err(|e| ServiceError::invalid(format!("items[{i}].amount"), e))?;
    }
    let agency_id = account.agency_id;
    let today = store::agencies::today(tx, agency_id, now).await?;
    let pending = store::promises::pending_total(tx, agency_id, account.id).await?;
    promise::check_series(&cmd.items, pending, account.current_balance, today)
        .map_err(|e| ServiceError::invalid(e.field, e.message))?;
    if let Some(contact_id) = cmd.contact_id {
        if !store::contacts::exists(tx, agency_id, account.id, contact_id).await? {
            return Err(ServiceError::invalid("contact_id", "is not a contact attempt on this account"));
        }
    }
    let note = cmd.note.as_deref().map(str::trim).filter(|n| !n.is_empty());
    let series = NewSeries {
        agency_id,
        account_id: account.id,
        items: &cmd.items,
        made_on: today,
        contact_id: cmd.contact_id,
        note,
        made_by: by,
        made_at: now,
    };
    let rows = store::promises::insert_series(tx, &series).await?;
    let shown: Vec<_> =
        rows.iter().map(|p| json!({ "promise_id": p.id, "amount": p.amount, "due_on": p.due_on })).collect();
    timeline(tx, actor, agency_id, account.id, "promise", note, json!({ "step": "made", "promises": shown })).await?;
    for row in &rows {
        let change = Change::created(
            "account.promise",
            "promise",
            row.id,
            json!({
                "account_id": account.id, "series_id": row.series_id, "amount": row.amount, "due_on": row.due_on,
                "contact_id": row.contact_id,
            }),
        );
        audit::record(tx, actor, change.in_agency(Some(agency_id))).await?;
    }
    Ok(rows)
}

/// The account's promises, the latest due first.
pub async fn list(
    tx: &mut PgConnection,
    actor: &Actor,
    account_id: Uuid,
    now: DateTime<Utc>,
) -> Result<Vec<PromiseRow>, ServiceError> {
    let account = store::accounts::get(tx, reach(actor), account_id, now).await?.ok_or(ServiceError::NotFound)?;
    Ok(store::promises::list(tx, account.agency_id, account.id).await?)
}

/// Cancels a pending promise because `reason` (the debtor withdrew it, or it was
/// recorded in error).
pub async fn cancel(
    tx: &mut PgConnection,
    actor: &Actor,
    account_id: Uuid,
    promise_id: Uuid,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<PromiseRow, ServiceError> {
    let by = person(actor)?;
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(ServiceError::invalid("reason", "must not be blank"));
    }
    let account = store::accounts::lock(tx, reach(actor), account_id, now).await?.ok_or(ServiceError::NotFound)?;
    let agency_id = account.agency_id;
    let row = store::promises::lock(tx, agency_id, account.id, promise_id).await?.ok_or(ServiceError::NotFound)?;
    if !row.status.can_cancel() {
        return Err(Refusal::WrongStatus {
            entity: Entity::Promise,
            current: row.status.to_string(),
            action: "cancel",
            allowed: vec![PromiseStatus::Pending.to_string()],
        }
        .into());
    }
    store::promises::cancel(tx, agency_id, row.id, by, now, reason).await?;
    let data = json!({ "step": "cancelled", "promise_id": row.id, "amount": row.amount, "due_on": row.due_on });
    timeline(tx, actor, agency_id, account.id, "promise", Some(reason), data).await?;
    let change = Change::updated(
        "account.promise_cancel",
        "promise",
        row.id,
        &json!({ "status": row.status }),
        &json!({ "status": PromiseStatus::Cancelled, "account_id": account.id, "reason": reason }),
    );
    audit::record(tx, actor, change.in_agency(Some(agency_id))).await?;
    let row = store::promises::lock(tx, agency_id, account.id, promise_id).await?.ok_or(ServiceError::NotFound)?;
    Ok(row)
}

/// What one account's evaluation did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Evaluated {
    pub kept: i64,
    pub broken: i64,
    pub notifications: i64,
}

/// Decides the account's pending promises as of `as_of` (the daily job, as `actor`,
/// at the instant `now`): kept once paid within their window, broken once it is over.
/// Idempotent: a decided promise is never evaluated again.
pub async fn evaluate(
    tx: &mut PgConnection,
    actor: &Actor,
    agency_id: Uuid,
    account_id: Uuid,
    as_of: NaiveDate,
    now: DateTime<Utc>,
) -> Result<Evaluated, ServiceError> {
    let scope = store::accounts::Reach { agency_id: Some(agency_id), collector_id: None };
    let account = store::accounts::lock(tx, scope, account_id, now).await?.ok_or(ServiceError::NotFound)?;
    let promises = store::promises::to_evaluate(tx, agency_id, account_id).await?;
    let Some(since) = promises.iter().map(|(_, p)| p.made_on).min() else { return Ok(Evaluated::default()) };
    let payments = store::promises::paid_since(tx, agency_id, account_id, since).await?;
    let grace = store::agencies::settings(tx, agency_id).await?.plan_grace_days;
    let only: Vec<_> = promises.iter().map(|(_, p)| *p).collect();
    let verdicts = promise::evaluate(&only, &payments, grace, as_of);

    let mut done = Evaluated::default();
    for ((id, p), verdict) in promises.iter().zip(verdicts) {
        let Some(status) = verdict.status() else { continue };
        let kept_on = match verdict {
            Verdict::Kept { on } => Some(on),
            _ => None,
        };
        if !store::promises::decide(tx, agency_id, *id, status, kept_on, as_of).await? {
            continue;
        }
        let step = if status == PromiseStatus::Kept { "kept" } else { "broken" };
        let data =
            json!({ "step": step, "promise_id": id, "amount": p.amount, "due_on": p.due_on, "kept_on": kept_on });
        timeline(tx, actor, agency_id, account_id, "promise", None, data).await?;
        let change = Change::updated(
            "promise.evaluate",
            "promise",
            *id,
            &json!({ "status": PromiseStatus::Pending }),
            &json!({ "status": status, "account_id": account_id, "kept_on": kept_on, "as_of": as_of }),
        );
        audit::record(tx, actor, change.in_agency(Some(agency_id))).await?;
        if status == PromiseStatus::Kept {
            done.kept += 1;
            continue;
        }
        done.broken += 1;
        let top = Priority::try_from(Priority::MAX).map_err(ServiceError::invariant)?;
        if account.priority != top {
            let changes = store::accounts::AccountChanges { priority: Some(top), ..Default::default() };
            store::accounts::update(tx, agency_id, account_id, account.debtor_id, &changes).await?;
        }
        let recipients = match account.collector_id {
            Some(collector) => vec![collector],
            None => store::users::active_with_roles(tx, agency_id, &[Role::Manager]).await?,
        };
        let body =
            format!("{} promised by {} was not paid ({}).", p.amount.normalize(), p.due_on, account.external_ref);
        for recipient in recipients {
            let key = format!("promise:{id}:broken:{recipient}");
            let notification = NewNotification {
                agency_id,
                recipient_id: recipient,
                kind: NotificationKind::PromiseBroken,
                title: "Promise to pay broken",
                body: &body,
                entity_type: Some("account"),
                entity_id: Some(account_id.to_string()),
                idempotency_key: &key,
            };
            done.notifications += i64::from(store::notifications::insert(tx, &notification).await?);
        }
    }
    Ok(done)
}
