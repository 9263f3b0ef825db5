//! Disputes of accounts (see migrations/0003).

use chrono::{DateTime, Utc};
use debtflow_domain::AccountStatus;
use sqlx::PgConnection;
use uuid::Uuid;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DisputeRow {
    pub id: Uuid,
    pub reason: String,
    pub opened_by: Uuid,
    pub opened_at: DateTime<Utc>,
}

pub async fn open(
    tx: &mut PgConnection,
    agency_id: Uuid,
    account_id: Uuid,
    reason: &str,
    by: Uuid,
) -> Result<Uuid, sqlx::Error> {
    let id = Uuid::now_v7();
    sqlx::query("INSERT INTO disputes (agency_id, id, account_id, reason, opened_by) VALUES ($1, $2, $3, $4, $5)")
        .bind(agency_id)
        .bind(id)
        .bind(account_id)
        .bind(reason)
        .bind(by)
        .execute(tx)
        .await?;
    Ok(id)
}

/// Resolves the account's open dispute; its id, if there was one.
pub async fn resolve(
    tx: &mut PgConnection,
    agency_id: Uuid,
    account_id: Uuid,
    outcome: AccountStatus,
    resolution: &str,
    by: Uuid,
) -> Result<Option<Uuid>, sqlx::Error> {
    sqlx::query_scalar(
        "UPDATE disputes SET outcome = $3::account_status, resolution = $4, resolved_by = $5, resolved_at = now()
         WHERE agency_id = $1 AND account_id = $2 AND resolved_at IS NULL
         RETURNING id",
    )
    .bind(agency_id)
    .bind(account_id)
    .bind(outcome.as_str())
    .bind(resolution)
    .bind(by)
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
