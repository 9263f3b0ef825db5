//! The audit trail's rows (append-only; see `crate::audit`).

use chrono::{DateTime, Utc};
use debtflow_domain::Role;
use sqlx::PgConnection;
use std::net::IpAddr;
use uuid::Uuid;

pub struct NewEntry<'a> {
    pub agency_id: Option<Uuid>,
    pub actor_id: Option<Uuid>,
    pub actor_role: Option<Role>,
    pub action: &'a str,
    pub entity_type: &'a str,
    pub entity_id: &'a str,
    pub before: Option<&'a serde_json::Value>,
    pub after: Option<&'a serde_json::Value>,
    pub ip: Option<IpAddr>,
    pub request_id: Option<&'a str>,
}

pub async fn insert(tx: &mut PgConnection, e: &NewEntry<'_>) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO audit_logs (id, agency_id, actor_id, actor_role, action, entity_type, entity_id,
                                 before, after, ip, request_id)
         VALUES ($1, $2, $3, $4::user_role, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(Uuid::now_v7())
    .bind(e.agency_id)
    .bind(e.actor_id)
    .bind(e.actor_role)
    .bind(e.action)
    .bind(e.entity_type)
    .bind(e.entity_id)
    .bind(e.before)
    .bind(e.after)
    .bind(e.ip)
    .bind(e.request_id)
    .execute(tx)
    .await
    .map(drop)
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AuditRow {
    pub id: Uuid,
    pub occurred_at: DateTime<Utc>,
    pub agency_id: Option<Uuid>,
    pub actor_id: Option<Uuid>,
    pub actor_role: Option<Role>,
    pub action: String,
    pub entity_type: String,
    pub entity_id: String,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
    pub ip: Option<IpAddr>,
    pub request_id: Option<String>,
}

#[derive(Debug, Default)]
pub struct Filter<'a> {
    /// The caller's agency; `None` for platform admins (every agency).
    pub agency_id: Option<Uuid>,
    pub entity_type: Option<&'a str>,
    pub entity_id: Option<&'a str>,
    pub actor_id: Option<Uuid>,
    pub action: Option<&'a str>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    /// Keyset: rows strictly older than this `(occurred_at, id)`.
    pub before: Option<(DateTime<Utc>, Uuid)>,
}

/// Newest first.
pub async fn list(tx: &mut PgConnection, f: &Filter<'_>, limit: i64) -> Result<Vec<AuditRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, occurred_at, agency_id, actor_id, actor_role, action, entity_type,
                entity_id, before, after, ip, request_id
         FROM audit_logs
         WHERE ($1::uuid IS NULL OR agency_id = $1)
           AND ($2::text IS NULL OR entity_type = $2)
           AND ($3::text IS NULL OR entity_id = $3)
           AND ($4::uuid IS NULL OR actor_id = $4)
           AND ($5::text IS NULL OR action = $5)
           AND ($6::timestamptz IS NULL OR occurred_at >= $6)
           AND ($7::timestamptz IS NULL OR occurred_at < $7)
           AND ($8::timestamptz IS NULL OR (occurred_at, id) < ($8, $9))
         ORDER BY occurred_at DESC, id DESC
         LIMIT $10",
    )
    .bind(f.agency_id)
    .bind(f.entity_type)
    .bind(f.entity_id)
    .bind(f.actor_id)
    .bind(f.action)
    .bind(f.from)
    .bind(f.to)
    .bind(f.before.map(|(t, _)| t))
    .bind(f.before.map(|(_, id)| id))
    .bind(limit)
    .fetch_all(tx)
    .await
}
