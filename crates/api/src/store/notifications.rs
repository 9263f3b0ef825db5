//! Notifications (migrations/0004, 0013): written with the event they describe; the
//! recipient's preference is applied as the row is written (a trigger), the
//! dispatcher then gives each committed row its place in the delivery order (`seq`),
//! which the live stream follows.

use chrono::{DateTime, Utc};
use debtflow_domain::notification::{EmailDelivery, NotificationKind, Preference};
use sqlx::PgConnection;
use uuid::Uuid;

pub struct NewNotification<'a> {
    pub agency_id: Uuid,
    pub recipient_id: Uuid,
    pub kind: NotificationKind,
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
    .bind(n.kind.as_str())
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
    pub recipient_id: Uuid,
    #[sqlx(try_from = "String")]
    pub kind: NotificationKind,
    pub title: String,
    pub body: String,
    pub entity_type: Option<String>,
    pub entity_id: Option<String>,
    pub created_at: DateTime<Utc>,
    pub read_at: Option<DateTime<Utc>>,
    /// The place in the delivery order; `None` until dispatched.
    pub seq: Option<i64>,
}

const COLUMNS: &str = "id, recipient_id, kind, title, body, entity_type, entity_id, created_at, read_at, seq";

/// Which of a recipient's notifications.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Which {
    All,
    Unread,
}

/// The recipient's notifications shown in the app, newest first, older than `before`.
pub async fn list(
    tx: &mut PgConnection,
    recipient: Uuid,
    which: Which,
    before: Option<(DateTime<Utc>, Uuid)>,
    limit: i64,
) -> Result<Vec<NotificationRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM notifications
         WHERE recipient_id = $1 AND in_app AND (NOT $2 OR read_at IS NULL)
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

/// How many of the recipient's notifications shown in the app are unread.
pub async fn unread_count(tx: &mut PgConnection, recipient: Uuid) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT count(*) FROM notifications WHERE recipient_id = $1 AND in_app AND read_at IS NULL")
        .bind(recipient)
        .fetch_one(tx)
        .await
}

/// Marks the recipient's notification read (once: a second call keeps the first time).
pub async fn mark_read(
    tx: &mut PgConnection,
    recipient: Uuid,
    id: Uuid,
    now: DateTime<Utc>,
) -> Result<Option<NotificationRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "UPDATE notifications SET read_at = coalesce(read_at, $3)
         WHERE recipient_id = $1 AND id = $2 AND in_app RETURNING {COLUMNS}"
    ))
    .bind(recipient)
    .bind(id)
    .bind(now)
    .fetch_optional(tx)
    .await
}

/// Marks every unread notification of the recipient read; returns how many.
pub async fn mark_all_read(tx: &mut PgConnection, recipient: Uuid, now: DateTime<Utc>) -> Result<u64, sqlx::Error> {
    let done =
        sqlx::query("UPDATE notifications SET read_at = $2 WHERE recipient_id = $1 AND in_app AND read_at IS NULL")
            .bind(recipient)
            .bind(now)
            .execute(tx)
            .await?;
    Ok(done.rows_affected())
}

/// Deletes the recipient's notification; `false` when they have none with that id.
pub async fn delete(tx: &mut PgConnection, recipient: Uuid, id: Uuid) -> Result<bool, sqlx::Error> {
    let done = sqlx::query("DELETE FROM notifications WHERE recipient_id = $1 AND id = $2 AND in_app")
        .bind(recipient)
        .bind(id)
        .execute(tx)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// The recipient's notifications shown in the app after `seq` in delivery order (a
/// live stream's catch-up), oldest first.
pub async fn after(
    tx: &mut PgConnection,
    recipient: Uuid,
    seq: i64,
    limit: i64,
) -> Result<Vec<NotificationRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM notifications
         WHERE recipient_id = $1 AND in_app AND seq > $2 ORDER BY seq LIMIT $3"
    ))
    .bind(recipient)
    .bind(seq)
    .bind(limit)
    .fetch_all(tx)
    .await
}

/// Every agency's notifications shown in the app with `seq` in `(from, to]`, in
/// delivery order, at most `limit` (a process fanning out to its streams).
pub async fn dispatched_between(
    tx: &mut PgConnection,
    from: i64,
    to: i64,
    limit: i64,
) -> Result<Vec<NotificationRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM notifications WHERE seq > $1 AND seq <= $2 AND in_app ORDER BY seq LIMIT $3"
    ))
    .bind(from)
    .bind(to)
    .bind(limit)
    .fetch_all(tx)
    .await
}

/// The last place given in the delivery order (0 before any).
pub async fn last_dispatched(tx: &mut PgConnection) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT coalesce(max(seq), 0) FROM notifications").fetch_one(tx).await
}

/// Gives every committed, not yet dispatched notification its place in the delivery
/// order, and tells every process (`notifications_dispatched`, on commit). One
/// dispatcher at a time (a transaction lock), so places are given in commit order: a
/// stream that has seen place n has seen every place before it. Returns the last place.
pub async fn dispatch(tx: &mut PgConnection) -> Result<Option<i64>, sqlx::Error> {
    super::db::advisory_xact_lock(tx, "notifications", "dispatch").await?;
    let last: Option<i64> = sqlx::query_scalar(
        "WITH waiting AS (
             SELECT agency_id, id FROM notifications WHERE seq IS NULL ORDER BY created_at, id LIMIT 10000),
         placed AS (
             UPDATE notifications n SET seq = nextval('notification_seq')
             FROM waiting w WHERE n.agency_id = w.agency_id AND n.id = w.id RETURNING n.seq)
         SELECT max(seq) FROM placed",
    )
    .fetch_one(&mut *tx)
    .await?;
    if let Some(last) = last {
        sqlx::query("SELECT pg_notify('notifications_dispatched', $1)").bind(last.to_string()).execute(tx).await?;
    }
    Ok(last)
}

/// A kind's preference as the user set it or its default.
#[derive(Debug, Clone, Copy, sqlx::FromRow)]
pub struct PreferenceRow {
    #[sqlx(try_from = "String")]
    pub kind: NotificationKind,
    pub in_app: bool,
    pub email: EmailDelivery,
    pub mandatory: bool,
    /// Set by the user (not the default).
    pub chosen: bool,
}

/// The user's preference for every kind.
pub async fn preferences(tx: &mut PgConnection, user: Uuid) -> Result<Vec<PreferenceRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT k.kind, coalesce(p.in_app, k.default_in_app) AS in_app, coalesce(p.email, k.default_email) AS email,
                k.mandatory, p.kind IS NOT NULL AS chosen
         FROM notification_kinds k
         LEFT JOIN notification_preferences p
             ON p.agency_id = (SELECT u.agency_id FROM users u WHERE u.id = $1) AND p.user_id = $1 AND p.kind = k.kind
         ORDER BY k.kind",
    )
    .bind(user)
    .fetch_all(tx)
    .await
}

/// Sets the user's preference for `kind`.
pub async fn set_preference(
    tx: &mut PgConnection,
    agency_id: Uuid,
    user: Uuid,
    kind: NotificationKind,
    preference: Preference,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO notification_preferences (agency_id, user_id, kind, in_app, email, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (agency_id, user_id, kind) DO UPDATE SET in_app = $4, email = $5, updated_at = $6",
    )
    .bind(agency_id)
    .bind(user)
    .bind(kind.as_str())
    .bind(preference.in_app)
    .bind(preference.email)
    .bind(now)
    .execute(tx)
    .await
    .map(drop)
}
