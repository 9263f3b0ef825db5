//! Recovery actions and their milestones (migrations/0029; their rules are
//! `debtflow_domain::remedial::recovery`).

use chrono::{DateTime, NaiveDate, Utc};
use debtflow_domain::remedial::recovery::{NewMilestone, RecoveryKind, RecoveryStatus};
use serde::Serialize;
use sqlx::PgConnection;
use uuid::Uuid;

/// An action as stored; the use cases change its fields and [`save`] it.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct ActionRow {
    #[serde(skip)]
    pub agency_id: Uuid,
    pub id: Uuid,
    pub account_id: Uuid,
    pub kind: RecoveryKind,
    pub status: RecoveryStatus,
    pub initiated_on: NaiveDate,
    pub notes: Option<String>,
    #[serde(skip)]
    pub initiated_by: Uuid,
    #[serde(skip)]
    pub initiated_by_name: Option<String>,
    #[serde(skip)]
    pub created_at: DateTime<Utc>,
    #[serde(skip)]
    pub updated_at: DateTime<Utc>,
    pub ended_on: Option<NaiveDate>,
    pub cancel_reason: Option<String>,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct MilestoneRow {
    pub id: Uuid,
    pub action_id: Uuid,
    pub position: i16,
    pub name: String,
    pub target_on: NaiveDate,
    pub done_on: Option<NaiveDate>,
    pub done_by: Option<Uuid>,
    pub overdue_since: Option<NaiveDate>,
}

const SELECT: &str = "
    SELECT r.agency_id, r.id, r.account_id, r.kind, r.status, r.initiated_on, r.notes, r.initiated_by,
           u.full_name AS initiated_by_name, r.created_at, r.updated_at, r.ended_on, r.cancel_reason
    FROM recovery_actions r
    LEFT JOIN users u ON u.id = r.initiated_by";

const MILESTONES: &str = "
    SELECT id, action_id, position, name, target_on, done_on, done_by, overdue_since FROM recovery_milestones";

pub async fn insert(tx: &mut PgConnection, row: &ActionRow) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO recovery_actions (agency_id, id, account_id, kind, initiated_on, notes, initiated_by, created_at,
                                       updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)",
    )
    .bind(row.agency_id)
    .bind(row.id)
    .bind(row.account_id)
    .bind(row.kind)
    .bind(row.initiated_on)
    .bind(&row.notes)
    .bind(row.initiated_by)
    .bind(row.created_at)
    .execute(tx)
    .await?;
    Ok(())
}

/// Adds milestones after the action's last, in order.
pub async fn add_milestones(
    tx: &mut PgConnection,
    agency_id: Uuid,
    action_id: Uuid,
    milestones: &[NewMilestone],
) -> Result<(), sqlx::Error> {
    let ids: Vec<Uuid> = milestones.iter().map(|_| Uuid::now_v7()).collect();
    let names: Vec<&str> = milestones.iter().map(|m| m.name.trim()).collect();
    let targets: Vec<NaiveDate> = milestones.iter().map(|m| m.target_on).collect();
    sqlx::query(
        "INSERT INTO recovery_milestones (agency_id, id, action_id, position, name, target_on)
         SELECT $1, m.id, $2, (SELECT coalesce(max(position), 0) FROM recovery_milestones
                               WHERE agency_id = $1 AND action_id = $2) + m.n, m.name, m.target_on
         FROM unnest($3::uuid[], $4::text[], $5::date[]) WITH ORDINALITY AS m(id, name, target_on, n)",
    )
    .bind(agency_id)
    .bind(action_id)
    .bind(&ids)
    .bind(&names)
    .bind(&targets)
    .execute(tx)
    .await?;
    Ok(())
}

/// The action, locked until the transaction ends if `lock`.
pub async fn get(
    tx: &mut PgConnection,
    agency_id: Uuid,
    id: Uuid,
    lock: bool,
) -> Result<Option<ActionRow>, sqlx::Error> {
    let lock = if lock { "FOR UPDATE OF r" } else { "" };
    sqlx::query_as(&format!("{SELECT} WHERE r.agency_id = $1 AND r.id = $2 {lock}"))
        .bind(agency_id)
        .bind(id)
        .fetch_optional(tx)
        .await
}

/// The account's actions, the newest first.
pub async fn for_account(
    tx: &mut PgConnection,
    agency_id: Uuid,
    account_id: Uuid,
) -> Result<Vec<ActionRow>, sqlx::Error> {
    sqlx::query_as(&format!("{SELECT} WHERE r.agency_id = $1 AND r.account_id = $2 ORDER BY r.created_at DESC"))
        .bind(agency_id)
        .bind(account_id)
        .fetch_all(tx)
        .await
}

/// The milestones of these actions, in order.
pub async fn milestones(
    tx: &mut PgConnection,
    agency_id: Uuid,
    action_ids: &[Uuid],
) -> Result<Vec<MilestoneRow>, sqlx::Error> {
    sqlx::query_as(&format!("{MILESTONES} WHERE agency_id = $1 AND action_id = ANY($2) ORDER BY action_id, position"))
        .bind(agency_id)
        .bind(action_ids)
        .fetch_all(tx)
        .await
}

/// Writes the action's changeable fields as `row` has them.
pub async fn save(tx: &mut PgConnection, row: &ActionRow) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE recovery_actions SET status = $3, ended_on = $4, cancel_reason = $5, updated_at = $6
         WHERE agency_id = $1 AND id = $2",
    )
    .bind(row.agency_id)
    .bind(row.id)
    .bind(row.status)
    .bind(row.ended_on)
    .bind(&row.cancel_reason)
    .bind(row.updated_at)
    .execute(tx)
    .await?;
    Ok(())
}

pub async fn mark_done(
    tx: &mut PgConnection,
    agency_id: Uuid,
    milestone_id: Uuid,
    done_on: NaiveDate,
    by: Uuid,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE recovery_milestones SET done_on = $3, done_by = $4 WHERE agency_id = $1 AND id = $2")
        .bind(agency_id)
        .bind(milestone_id)
        .bind(done_on)
        .bind(by)
        .execute(tx)
        .await?;
    Ok(())
}

/// A milestone found overdue by the scan: its action and who to tell.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Overdue {
    pub id: Uuid,
    pub action_id: Uuid,
    pub account_id: Uuid,
    pub external_ref: String,
    pub kind: RecoveryKind,
    pub name: String,
    pub target_on: NaiveDate,
    pub initiated_by: Uuid,
}

/// The milestones of open actions not done whose target date is before `as_of` and
/// not flagged yet (`debtflow_domain::remedial::recovery::is_overdue`).
pub async fn unflagged_overdue(
    tx: &mut PgConnection,
    agency_id: Uuid,
    as_of: NaiveDate,
) -> Result<Vec<Overdue>, sqlx::Error> {
    sqlx::query_as(
        "SELECT m.id, m.action_id, r.account_id, a.external_ref, r.kind, m.name, m.target_on, r.initiated_by
         FROM recovery_milestones m
         JOIN recovery_actions r ON r.agency_id = m.agency_id AND r.id = m.action_id
         JOIN accounts a ON a.agency_id = r.agency_id AND a.id = r.account_id
         WHERE m.agency_id = $1 AND m.done_on IS NULL AND m.target_on < $2 AND m.overdue_since IS NULL
           AND r.status IN ('initiated', 'in_progress')
         ORDER BY m.target_on, m.id",
    )
    .bind(agency_id)
    .bind(as_of)
    .fetch_all(tx)
    .await
}

/// Flags a milestone overdue since `as_of`; whether it was not flagged yet.
pub async fn flag_overdue(
    tx: &mut PgConnection,
    agency_id: Uuid,
    id: Uuid,
    as_of: NaiveDate,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE recovery_milestones SET overdue_since = $3
         WHERE agency_id = $1 AND id = $2 AND overdue_since IS NULL AND done_on IS NULL",
    )
    .bind(agency_id)
    .bind(id)
    .bind(as_of)
    .execute(tx)
    .await?;
    Ok(done.rows_affected() == 1)
}
