//! Disputes of accounts (see migrations/0003; their lifecycle is
//! `debtflow_domain::account::dispute`).

use chrono::{DateTime, Utc};
use debtflow_domain::{account::dispute::Outcome, AccountStatus};
use sqlx::PgConnection;
use uuid::Uuid;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DisputeRow {
    pub id: Uuid,
    pub reason: String,
    pub opened_by: Uuid,
    pub opened_at: DateTime<Utc>,
}

/// A dispute to open.
pub struct NewDispute<'a> {
    pub agency_id: Uuid,
    pub account_id: Uuid,
    pub reason: &'a str,
    pub opened_by: Uuid,
    pub opened_at: DateTime<Utc>,
}

/// Opens a dispute; returns its id. An account has one open dispute at most (the
/// unique index `disputes_one_open_per_account` refuses a second).
pub async fn open(tx: &mut PgConnection, dispute: &NewDispute<'_>) -> Result<Uuid, sqlx::Error> {
    let id = Uuid::now_v7();
    sqlx::query(
        "INSERT INTO disputes (agency_id, id, account_id, reason, opened_by, opened_at)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(dispute.agency_id)
    .bind(id)
    .bind(dispute.account_id)
    .bind(dispute.reason)
    .bind(dispute.opened_by)
    .bind(dispute.opened_at)
    .execute(tx)
    .await?;
    Ok(id)
}

/// How a dispute was resolved.
pub struct Resolution<'a> {
    pub agency_id: Uuid,
    pub account_id: Uuid,
    pub outcome: Outcome,
    pub resolution: &'a str,
    pub resolved_by: Uuid,
    pub resolved_at: DateTime<Utc>,
}

/// Resolves the account's open dispute; its id, if there was one. A resolved dispute
/// is never touched again (and the database refuses to change one).
pub async fn resolve(tx: &mut PgConnection, r: &Resolution<'_>) -> Result<Option<Uuid>, sqlx::Error> {
    sqlx::query_scalar(
        "UPDATE disputes SET outcome = $3, resolution = $4, resolved_by = $5, resolved_at = $6
         WHERE agency_id = $1 AND account_id = $2 AND resolved_at IS NULL
         RETURNING id",
    )
    .bind(r.agency_id)
    .bind(r.account_id)
    .bind(AccountStatus::from(r.outcome))
    .bind(r.resolution)
    .bind(r.resolved_by)
    .bind(r.resolved_at)
    .fetch_optional(tx)
    .await
}

pub async fn open_one(
    tx: &mut PgConnection,
    agency_id: Uuid,
    account_id: Uuid,
) -> Result<Option<DisputeRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, reason, opened_by, opened_at FROM disputes
         WHERE agency_id = $1 AND account_id = $2 AND resolved_at IS NULL",
    )
    .bind(agency_id)
    .bind(account_id)
    .fetch_optional(tx)
    .await
}
