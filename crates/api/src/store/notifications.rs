//! Notifications (see migrations/0004): written with the event they describe.

use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

pub struct NewNotification<'a> {
    pub agency_id: Uuid,
    pub recipient_id: Uuid,
    pub kind: &'a str,
    pub title: &'a str,
    pub body: &'a str,
    pub entity_type: Option<&'a str>,
    pub entity_id: Option<String>,
    /// The same key twice notifies once.
    pub idempotency_key: &'a str,
}

/// `true` when written, `false` when the key was used already.
pub async fn insert(tx: &mut PgConnection, n: &NewNotification<'_>) -> Result<bool, sqlx::Error> {
    let inserted = sqlx::query(
        "INSERT INTO notifications (agency_id, id, recipient_id, kind, title, body, entity_type, entity_id,
                                    idempotency_key)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         ON CONFLICT (agency_id, idempotency_key) DO NOTHING",
    )
    .bind(n.agency_id)
    .bind(Uuid::now_v7())
    .bind(n.recipient_id)
    .bind(n.kind)
    .bind(n.title)
    .bind(n.body)
    .bind(n.entity_type)
    .bind(n.entity_id.as_deref())
    .bind(n.idempotency_key)
    .execute(tx)
    .await?;
    Ok(inserted.rows_affected() == 1)
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct NotificationRow {
    pub id: Uuid,
    pub kind: String,
    pub title: String,
    pub body: String,
    pub entity_type: Option<String>,
    pub entity_id: Option<String>,
    pub created_at: DateTime<Utc>,
    pub read_at: Option<DateTime<Utc>>,
}

const COLUMNS: &str = "id, kind, title, body, entity_type, entity_id, created_at, read_at";

/// Which of a recipient's notifications.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Which {
    All,
    Unread,
}

/// The recipient's notifications, newest first, older than `before`.
pub async fn list(
    tx: &mut PgConnection,
    recipient: Uuid,
    which: Which,
    before: Option<(DateTime<Utc>, Uuid)>,
    limit: i64,
) -> Result<Vec<NotificationRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM notifications
         WHERE recipient_id = $1 AND (NOT $2 OR read_at IS NULL)
           AND ($3::timestamptz IS NULL OR (created_at, id) < ($3, $4))
         ORDER BY created_at DESC, id DESC LIMIT $5"
    ))
    .bind(recipient)
    .bind(which == Which::Unread)
    .bind(before.map(|b| b.0))
    .bind(before.map(|b| b.1))
    .bind(limit)
    .fetch_all(tx)
    .await
}

/// Marks the recipient's notification read (once: a second call keeps the first time).
pub async fn mark_read(
    tx: &mut PgConnection,
    recipient: Uuid,
    id: Uuid,
) -> Result<Option<NotificationRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "UPDATE notifications SET read_at = coalesce(read_at, now())
         WHERE recipient_id = $1 AND id = $2 RETURNING {COLUMNS}"
    ))
    .bind(recipient)
    .bind(id)
    .fetch_optional(tx)
    .await
}
