//! Recovery actions (`debtflow_domain::remedial::recovery`): initiated by a manager
//! with their milestones, followed milestone by milestone, completed once every one is
//! done, or cancelled with a reason.

use super::{account_of, audit_step, today};
use crate::{
    audit::Actor,
    services::{error::Entity, Refusal, ServiceError},
    store::{
        self,
        recovery_actions::{ActionRow, MilestoneRow},
    },
};
use chrono::{DateTime, NaiveDate, Utc};
use debtflow_domain::{
    remedial::{
        recovery::{self, NewMilestone, RecoveryKind, RecoveryStatus, RecoveryStep},
        Lifecycle,
    },
    AccountStatus,
};
use serde_json::json;
use sqlx::PgConnection;
use uuid::Uuid;

/// An action with its milestones, in order.
#[derive(Debug, Clone)]
pub struct Action {
    pub row: ActionRow,
    pub milestones: Vec<MilestoneRow>,
}

/// Initiates an action on an open account, with its milestones.
pub async fn initiate(
    tx: &mut PgConnection,
    actor: &Actor,
    account_id: Uuid,
    kind: RecoveryKind,
    milestones: Vec<NewMilestone>,
    notes: Option<String>,
    now: DateTime<Utc>,
) -> Result<Action, ServiceError> {
    let by = super::person(actor)?;
    let account = account_of(tx, actor, account_id, now).await?;
    if !account.status.is_open() {
        let open = AccountStatus::ALL.into_iter().filter(|s| s.is_open());
        return Err(Refusal::wrong_status(Entity::Account, account.status, "a recovery action", open).into());
    }
    let initiated_on = today(tx, account.agency_id, now).await?;
    recovery::check_milestones(&milestones, &[], initiated_on)?;
    let row = ActionRow {
        agency_id: account.agency_id,
        id: Uuid::now_v7(),
        account_id: account.id,
        kind,
        status: RecoveryStatus::Initiated,
        initiated_on,
        notes: notes.map(|n| n.trim().to_owned()).filter(|n| !n.is_empty()),
        initiated_by: by,
        initiated_by_name: None,
        created_at: now,
        updated_at: now,
        ended_on: None,
        cancel_reason: None,
    };
    store::recovery_actions::insert(tx, &row).await?;
    store::recovery_actions::add_milestones(tx, row.agency_id, row.id, &milestones).await?;
    let shown: Vec<_> = milestones.iter().map(|m| json!({ "name": m.name.trim(), "target_on": m.target_on })).collect();
    let data = json!({ "step": "initiated", "action_id": row.id, "kind": kind, "milestones": shown });
    super::timeline(tx, actor, row.agency_id, row.account_id, "recovery", row.notes.as_deref(), data).await?;
    let action = reload(tx, row.agency_id, row.id).await?;
    audit_step(tx, actor, "recovery_action.initiate", "recovery_action", row.id, None, &snapshot(&action)).await?;
    Ok(action)
}

/// What the trail records of an action: its row and milestones.
fn snapshot(action: &Action) -> serde_json::Value {
    json!({ "action": action.row, "milestones": action.milestones })
}

async fn reload(tx: &mut PgConnection, agency_id: Uuid, id: Uuid) -> Result<Action, ServiceError> {
    let row = store::recovery_actions::get(tx, agency_id, id, false).await?.ok_or(ServiceError::NotFound)?;
    let milestones = store::recovery_actions::milestones(tx, agency_id, &[id]).await?;
    Ok(Action { row, milestones })
}

/// The action, within the caller's reach; locked if `lock`.
async fn load(
    tx: &mut PgConnection,
    actor: &Actor,
    id: Uuid,
    now: DateTime<Utc>,
    lock: bool,
) -> Result<Action, ServiceError> {
    let agency_id = actor.agency_id.ok_or(ServiceError::NotFound)?;
    let row = store::recovery_actions::get(tx, agency_id, id, lock).await?.ok_or(ServiceError::NotFound)?;
    account_of(tx, actor, row.account_id, now).await?;
    let milestones = store::recovery_actions::milestones(tx, agency_id, &[id]).await?;
    Ok(Action { row, milestones })
}

pub async fn get(tx: &mut PgConnection, actor: &Actor, id: Uuid, now: DateTime<Utc>) -> Result<Action, ServiceError> {
    load(tx, actor, id, now, false).await
}

/// The account's actions, the newest first.
pub async fn list(
    tx: &mut PgConnection,
    actor: &Actor,
    account_id: Uuid,
    now: DateTime<Utc>,
) -> Result<Vec<Action>, ServiceError> {
    let account = account_of(tx, actor, account_id, now).await?;
    let rows = store::recovery_actions::for_account(tx, account.agency_id, account.id).await?;
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let mut milestones = store::recovery_actions::milestones(tx, account.agency_id, &ids).await?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let (mine, rest) = milestones.drain(..).partition(|m| m.action_id == row.id);
            milestones = rest;
            Action { row, milestones: mine }
        })
        .collect())
}

/// Takes `step`, or refuses it from where the action is.
fn take(row: &mut ActionRow, step: RecoveryStep, now: DateTime<Utc>) -> Result<(), ServiceError> {
    row.status = row.status.step(step).map_err(|e| Refusal::step(Entity::RecoveryAction, e))?;
    row.updated_at = now;
    Ok(())
}

/// Saves a step: the row, the timeline (`recovery`, with `step`) and the audit trail.
async fn save(
    tx: &mut PgConnection,
    actor: &Actor,
    action: &'static str,
    before: &Action,
    row: ActionRow,
    data: serde_json::Value,
    body: Option<&str>,
) -> Result<Action, ServiceError> {
    store::recovery_actions::save(tx, &row).await?;
    super::timeline(tx, actor, row.agency_id, row.account_id, "recovery", body, data).await?;
    let after = reload(tx, row.agency_id, row.id).await?;
    audit_step(tx, actor, action, "recovery_action", row.id, Some(&snapshot(before)), &snapshot(&after)).await?;
    Ok(after)
}

/// Adds milestones to an open action.
pub async fn add_milestones(
    tx: &mut PgConnection,
    actor: &Actor,
    id: Uuid,
    milestones: Vec<NewMilestone>,
    now: DateTime<Utc>,
) -> Result<Action, ServiceError> {
    let before = load(tx, actor, id, now, true).await?;
    let mut row = before.row.clone();
    take(&mut row, RecoveryStep::AddMilestone, now)?;
    let existing: Vec<String> = before.milestones.iter().map(|m| m.name.clone()).collect();
    recovery::check_milestones(&milestones, &existing, row.initiated_on)?;
    store::recovery_actions::add_milestones(tx, row.agency_id, row.id, &milestones).await?;
    let shown: Vec<_> = milestones.iter().map(|m| json!({ "name": m.name.trim(), "target_on": m.target_on })).collect();
    let data = json!({ "step": "milestones_added", "action_id": row.id, "kind": row.kind, "milestones": shown });
    save(tx, actor, "recovery_action.add_milestones", &before, row, data, None).await
}

/// Marks a milestone done on `done_on`; the first starts the action.
pub async fn mark_done(
    tx: &mut PgConnection,
    actor: &Actor,
    id: Uuid,
    milestone_id: Uuid,
    done_on: NaiveDate,
    now: DateTime<Utc>,
) -> Result<Action, ServiceError> {
    let by = super::person(actor)?;
    let before = load(tx, actor, id, now, true).await?;
    let mut row = before.row.clone();
    take(&mut row, RecoveryStep::Progress, now)?;
    let milestone = before.milestones.iter().find(|m| m.id == milestone_id).ok_or(ServiceError::NotFound)?;
    recovery::check_done(done_on, milestone.done_on, row.initiated_on, today(tx, row.agency_id, now).await?)?;
    store::recovery_actions::mark_done(tx, row.agency_id, milestone.id, done_on, by).await?;
    let data = json!({
        "step": "milestone_done", "action_id": row.id, "kind": row.kind, "milestone": milestone.name,
        "done_on": done_on, "target_on": milestone.target_on,
    });
    save(tx, actor, "recovery_milestone.done", &before, row, data, None).await
}

/// Completes an action whose every milestone is done.
pub async fn complete(
    tx: &mut PgConnection,
    actor: &Actor,
    id: Uuid,
    now: DateTime<Utc>,
) -> Result<Action, ServiceError> {
    let before = load(tx, actor, id, now, true).await?;
    let mut row = before.row.clone();
    take(&mut row, RecoveryStep::Complete, now)?;
    let done: Vec<Option<NaiveDate>> = before.milestones.iter().map(|m| m.done_on).collect();
    recovery::check_complete(&done)?;
    row.ended_on = Some(today(tx, row.agency_id, now).await?);
    let data = json!({ "step": "completed", "action_id": row.id, "kind": row.kind });
    save(tx, actor, "recovery_action.complete", &before, row, data, None).await
}

/// Cancels an open action because `reason`.
pub async fn cancel(
    tx: &mut PgConnection,
    actor: &Actor,
    id: Uuid,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<Action, ServiceError> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(ServiceError::invalid("reason", "must not be blank"));
    }
    let before = load(tx, actor, id, now, true).await?;
    let mut row = before.row.clone();
    take(&mut row, RecoveryStep::Cancel, now)?;
    row.ended_on = Some(today(tx, row.agency_id, now).await?);
    row.cancel_reason = Some(reason.to_owned());
    let data = json!({ "step": "cancelled", "action_id": row.id, "kind": row.kind });
    save(tx, actor, "recovery_action.cancel", &before, row, data, Some(reason)).await
}
