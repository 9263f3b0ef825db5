//! Follow-up reminders on notes (migrations/0013): fired once at their time as a
//! `follow_up_due` notification to the note's author, then due on the author's
//! worklist until they write on the account again.

use chrono::{DateTime, Utc};
use debtflow_domain::notification::NotificationKind;
use sqlx::PgConnection;
use uuid::Uuid;

pub struct NewFollowUp {
    pub agency_id: Uuid,
    /// The note's timeline event.
    pub note_id: Uuid,
    pub account_id: Uuid,
    pub author_id: Uuid,
    pub remind_at: DateTime<Utc>,
}

pub async fn insert(tx: &mut PgConnection, f: &NewFollowUp) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO follow_ups (agency_id, id, account_id, author_id, remind_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(f.agency_id)
        .bind(f.note_id)
        .bind(f.account_id)
        .bind(f.author_id)
        .bind(f.remind_at)
        .execute(tx)
        .await
        .map(drop)
}

/// The author's follow-ups on the account that are due at `now` are done.
pub async fn complete(
    tx: &mut PgConnection,
    agency_id: Uuid,
    account_id: Uuid,
    author_id: Uuid,
    now: DateTime<Utc>,
) -> Result<u64, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE follow_ups SET done_at = $4
         WHERE agency_id = $1 AND account_id = $2 AND author_id = $3 AND remind_at <= $4 AND done_at IS NULL",
    )
    .bind(agency_id)
    .bind(account_id)
    .bind(author_id)
    .bind(now)
    .execute(tx)
    .await?;
    Ok(done.rows_affected())
}

/// Fires up to `limit` follow-ups due at `now` (every agency's): each is marked fired
/// and its author notified, once (the notification's key), in this transaction;
/// rows another runner holds are skipped. Returns how many fired.
pub async fn fire_due(tx: &mut PgConnection, now: DateTime<Utc>, limit: i64) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "WITH due AS (
             SELECT agency_id, id FROM follow_ups WHERE fired_at IS NULL AND remind_at <= $1
             ORDER BY remind_at LIMIT $2 FOR UPDATE SKIP LOCKED),
         fired AS (
             UPDATE follow_ups f SET fired_at = $1 FROM due d
             WHERE f.agency_id = d.agency_id AND f.id = d.id
             RETURNING f.agency_id, f.id, f.account_id, f.author_id),
         sent AS (
             INSERT INTO notifications (agency_id, id, recipient_id, kind, title, body, entity_type, entity_id,
                                        idempotency_key)
             SELECT f.agency_id, gen_random_uuid(), f.author_id, $3, 'Follow-up due',
                    left(coalesce(e.body, ''), 280), 'account', f.account_id::text, 'follow_up:' || f.id
             FROM fired f
             LEFT JOIN account_events e ON e.agency_id = f.agency_id AND e.id = f.id
             ON CONFLICT (agency_id, idempotency_key) DO NOTHING RETURNING 1)
         SELECT count(*) FROM fired",
    )
    .bind(now)
    .bind(limit)
    .bind(NotificationKind::FollowUpDue.as_str())
    .fetch_one(tx)
    .await
}
