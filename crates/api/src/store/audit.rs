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
    /// The actor's full name, when the caller may see the actor (a platform admin's
    /// is hidden from an agency).
    pub actor_name: Option<String>,
}

/// Which rows [`list`] reads.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// The caller's agency; `None` for platform admins (every agency).
    pub agency_id: Option<Uuid>,
    pub entity_type: Option<String>,
    pub entity_id: Option<String>,
    pub actor_id: Option<Uuid>,
    pub action: Option<String>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    /// Keyset: rows strictly older than this `(occurred_at, id)`.
    pub before: Option<(DateTime<Utc>, Uuid)>,
}

/// Newest first, with the actor's name.
pub async fn list(tx: &mut PgConnection, f: &Filter, limit: i64) -> Result<Vec<AuditRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT a.id, a.occurred_at, a.agency_id, a.actor_id, a.actor_role, a.action, a.entity_type,
                a.entity_id, a.before, a.after, a.ip, a.request_id, u.full_name AS actor_name
         FROM audit_logs a LEFT JOIN users u ON u.id = a.actor_id
         WHERE ($1::uuid IS NULL OR a.agency_id = $1)
           AND ($2::text IS NULL OR a.entity_type = $2)
           AND ($3::text IS NULL OR a.entity_id = $3)
           AND ($4::uuid IS NULL OR a.actor_id = $4)
           AND ($5::text IS NULL OR a.action = $5)
           AND ($6::timestamptz IS NULL OR a.occurred_at >= $6)
           AND ($7::timestamptz IS NULL OR a.occurred_at < $7)
           AND ($8::timestamptz IS NULL OR (a.occurred_at, a.id) < ($8, $9))
         ORDER BY a.occurred_at DESC, a.id DESC
         LIMIT $10",
    )
    .bind(f.agency_id)
    .bind(f.entity_type.as_deref())
    .bind(f.entity_id.as_deref())
    .bind(f.actor_id)
    .bind(f.action.as_deref())
    .bind(f.from)
    .bind(f.to)
    .bind(f.before.map(|(t, _)| t))
    .bind(f.before.map(|(_, id)| id))
    .bind(limit)
    .fetch_all(tx)
    .await
}
