//! The account timeline (append-only).

use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

pub struct NewEvent<'a> {
    pub agency_id: Uuid,
    pub account_id: Uuid,
    /// `created`, `note`, `status_change`, `assignment` (checked by the database).
    pub kind: &'a str,
    pub actor_id: Option<Uuid>,
    pub body: Option<&'a str>,
    pub data: serde_json::Value,
}

pub async fn insert(tx: &mut PgConnection, e: &NewEvent<'_>) -> Result<EventRow, sqlx::Error> {
    sqlx::query_as(
        "WITH e AS (
             INSERT INTO account_events (agency_id, id, account_id, kind, actor_id, body, data)
             VALUES ($1, $2, $3, $4, $5, $6, $7)
             RETURNING agency_id, id, occurred_at, kind, actor_id, body, data)
         SELECT e.id, e.occurred_at, e.kind, e.actor_id, u.full_name AS actor_name, e.body, e.data
         FROM e LEFT JOIN users u ON u.agency_id = e.agency_id AND u.id = e.actor_id",
    )
    .bind(e.agency_id)
    .bind(Uuid::now_v7())
    .bind(e.account_id)
    .bind(e.kind)
    .bind(e.actor_id)
    .bind(e.body)
    .bind(&e.data)
    .fetch_one(tx)
    .await
}

/// One event of `kind` by `actor_id` on each of many accounts, with its data.
pub async fn insert_many(
    tx: &mut PgConnection,
    agency_id: Uuid,
    kind: &str,
    actor_id: Option<Uuid>,
    events: &[(Uuid, serde_json::Value)],
) -> Result<(), sqlx::Error> {
    if events.is_empty() {
        return Ok(());
    }
    sqlx::query(
        "INSERT INTO account_events (agency_id, id, account_id, kind, actor_id, data)
         SELECT $1, id, account_id, $2, $3, data FROM unnest($4::uuid[], $5::uuid[], $6::jsonb[]) AS x(id, account_id, data)",
    )
    .bind(agency_id)
    .bind(kind)
    .bind(actor_id)
    .bind(events.iter().map(|_| Uuid::now_v7()).collect::<Vec<_>>())
    .bind(events.iter().map(|(account, _)| *account).collect::<Vec<_>>())
    .bind(events.iter().map(|(_, data)| data.clone()).collect::<Vec<_>>())
    .execute(tx)
    .await
    .map(drop)
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct EventRow {
    pub id: Uuid,
    pub occurred_at: DateTime<Utc>,
    pub kind: String,
    pub actor_id: Option<Uuid>,
    /// The actor's full name (`None`: the system, or someone outside the agency).
    pub actor_name: Option<String>,
    pub body: Option<String>,
    pub data: serde_json::Value,
}

/// Newest first, older than `before` (keyset).
pub async fn list(
    tx: &mut PgConnection,
    agency_id: Uuid,
    account_id: Uuid,
    before: Option<(DateTime<Utc>, Uuid)>,
    limit: i64,
) -> Result<Vec<EventRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT e.id, e.occurred_at, e.kind, e.actor_id, u.full_name AS actor_name, e.body, e.data
         FROM account_events e LEFT JOIN users u ON u.agency_id = e.agency_id AND u.id = e.actor_id
         WHERE e.agency_id = $1 AND e.account_id = $2
           AND ($3::timestamptz IS NULL OR (e.occurred_at, e.id) < ($3, $4))
         ORDER BY e.occurred_at DESC, e.id DESC LIMIT $5",
    )
    .bind(agency_id)
    .bind(account_id)
    .bind(before.map(|b| b.0))
    .bind(before.map(|b| b.1))
    .bind(limit)
    .fetch_all(tx)
    .await
}
