//! The mail outbox and sent-mail log (`mail_deliveries`, migrations/0013), and the
//! notifications a mail carries (`notifications.mailed_in`).
//!
//! The mailer (`crate::mail`) writes a delivery and marks what it carries in one
//! transaction; it claims a pending delivery by pushing its `next_attempt_at` forward
//! (a lease), sends it with no transaction open, and records the outcome only if the
//! row is still at the attempt it claimed. Every instant is the caller's clock; an
//! agency's wall clock is `$now AT TIME ZONE agencies.time_zone`.

use chrono::{DateTime, NaiveDateTime, Utc};
use debtflow_domain::{
    mail::MailStatus,
    notification::{EmailDelivery, NotificationKind},
};
use sqlx::PgConnection;
use uuid::Uuid;

/// A notification not mailed yet, with its recipient's address.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Unmailed {
    pub agency_id: Uuid,
    pub id: Uuid,
    pub recipient_id: Uuid,
    pub to_address: String,
    #[sqlx(try_from = "String")]
    pub kind: NotificationKind,
    pub title: String,
    pub body: String,
    pub entity_type: Option<String>,
    pub entity_id: Option<String>,
    /// When it was written, on its agency's wall clock.
    pub written: NaiveDateTime,
}

const UNMAILED: &str = "SELECT n.agency_id, n.id, n.recipient_id, u.email AS to_address, n.kind, n.title, n.body,
            n.entity_type, n.entity_id, (n.created_at AT TIME ZONE ag.time_zone) AS written
     FROM notifications n
     JOIN users u ON u.id = n.recipient_id
     JOIN agencies ag ON ag.id = n.agency_id";

/// Up to `limit` notifications to mail at once, not mailed yet, whose recipient is
/// active with an address: oldest first, locked for this transaction (rows another
/// mailer holds are skipped).
pub async fn lock_immediate(tx: &mut PgConnection, limit: i64) -> Result<Vec<Unmailed>, sqlx::Error> {
    sqlx::query_as(&format!(
        "{UNMAILED}
         WHERE n.email = $1 AND n.mailed_in IS NULL AND btrim(u.email) <> '' AND u.is_active
         ORDER BY n.created_at, n.id LIMIT $2
         FOR UPDATE OF n SKIP LOCKED"
    ))
    .bind(EmailDelivery::Immediately)
    .bind(limit)
    .fetch_all(tx)
    .await
}

/// A recipient with notifications waiting for a digest.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DigestWaiting {
    pub agency_id: Uuid,
    pub recipient_id: Uuid,
    pub to_address: String,
    pub delivery: EmailDelivery,
    /// `now` on the agency's wall clock.
    pub local_now: NaiveDateTime,
    /// The oldest waiting notification, on the agency's wall clock.
    pub oldest: NaiveDateTime,
}

/// Every (recipient, digest) with notifications not mailed yet, whose recipient is
/// active with an address.
pub async fn digests_waiting(tx: &mut PgConnection, now: DateTime<Utc>) -> Result<Vec<DigestWaiting>, sqlx::Error> {
    sqlx::query_as(
        "SELECT n.agency_id, n.recipient_id, u.email AS to_address, n.email AS delivery,
                ($1::timestamptz AT TIME ZONE ag.time_zone) AS local_now,
                min(n.created_at AT TIME ZONE ag.time_zone) AS oldest
         FROM notifications n
         JOIN users u ON u.id = n.recipient_id
         JOIN agencies ag ON ag.id = n.agency_id
         WHERE n.email = ANY($2) AND n.mailed_in IS NULL AND btrim(u.email) <> '' AND u.is_active
         GROUP BY n.agency_id, n.recipient_id, u.email, n.email, ag.time_zone
         ORDER BY n.agency_id, n.recipient_id, n.email",
    )
    .bind(now)
    .bind([EmailDelivery::DailyDigest, EmailDelivery::WeeklyDigest])
    .fetch_all(tx)
    .await
}

/// Waits for the transaction-level lock of the recipient's digests: one mailer at a
/// time builds them (released at commit or rollback).
pub async fn lock_digests_of(tx: &mut PgConnection, recipient_id: Uuid) -> Result<(), sqlx::Error> {
    super::db::advisory_xact_lock(tx, "mail:digest", &recipient_id.to_string()).await
}

/// The notifications of the recipient's `slot` digest: not mailed yet, written before
/// the slot (its agency's wall clock); none if that digest exists already. Locked for
/// this transaction.
pub async fn lock_digest(
    tx: &mut PgConnection,
    recipient_id: Uuid,
    delivery: EmailDelivery,
    slot: NaiveDateTime,
) -> Result<Vec<Unmailed>, sqlx::Error> {
    sqlx::query_as(&format!(
        "{UNMAILED}
         WHERE n.recipient_id = $1 AND n.email = $2 AND n.mailed_in IS NULL
           AND n.created_at < ($3::timestamp AT TIME ZONE ag.time_zone)
           AND btrim(u.email) <> '' AND u.is_active
           AND NOT EXISTS (SELECT 1 FROM mail_deliveries d
                           WHERE d.agency_id = n.agency_id AND d.recipient_id = $1 AND d.delivery = $2
                             AND d.slot = $3)
         ORDER BY n.created_at, n.id
         FOR UPDATE OF n"
    ))
    .bind(recipient_id)
    .bind(delivery)
    .bind(slot)
    .fetch_all(tx)
    .await
}

/// A mail to write to the outbox.
#[derive(Debug, Clone)]
pub struct NewDelivery<'a> {
    pub agency_id: Uuid,
    pub id: Uuid,
    pub recipient_id: Uuid,
    pub to_address: &'a str,
    pub delivery: EmailDelivery,
    /// A digest's slot (the agency's wall clock); `None` for an immediate mail.
    pub slot: Option<NaiveDateTime>,
    pub subject: &'a str,
    pub body: &'a str,
    /// The notifications it carries.
    pub notifications: &'a [Uuid],
}

/// Writes the mail, due at once, and marks the notifications it carries. `false`
/// (nothing written) when the recipient's digest of that slot exists already.
pub async fn enqueue(tx: &mut PgConnection, d: &NewDelivery<'_>, now: DateTime<Utc>) -> Result<bool, sqlx::Error> {
    let count = i32::try_from(d.notifications.len()).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
    let written = sqlx::query(
        "INSERT INTO mail_deliveries (agency_id, id, recipient_id, to_address, delivery, slot, subject, body,
                                      notifications, next_attempt_at, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)
         ON CONFLICT (agency_id, recipient_id, delivery, slot) WHERE slot IS NOT NULL DO NOTHING",
    )
    .bind(d.agency_id)
    .bind(d.id)
    .bind(d.recipient_id)
    .bind(d.to_address)
    .bind(d.delivery)
    .bind(d.slot)
    .bind(d.subject)
    .bind(d.body)
    .bind(count)
    .bind(now)
    .execute(&mut *tx)
    .await?
    .rows_affected()
        == 1;
    if written {
        sqlx::query("UPDATE notifications SET mailed_in = $2 WHERE agency_id = $1 AND id = ANY($3)")
            .bind(d.agency_id)
            .bind(d.id)
            .bind(d.notifications)
            .execute(tx)
            .await?;
    }
    Ok(written)
}

/// A mail claimed for one attempt.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Claimed {
    pub agency_id: Uuid,
    pub id: Uuid,
    pub to_address: String,
    pub subject: String,
    pub body: String,
    /// This attempt's number (from 1).
    pub attempts: i32,
}

/// Claims the pending mail due longest (`next_attempt_at <= now`) for one attempt: counts
/// the attempt and moves `next_attempt_at` to `lease_until`, so nobody else takes it
/// while it is sent, and a sender that dies leaves it due again at `lease_until`. A mail
/// another mailer is claiming is skipped.
pub async fn claim_due(
    tx: &mut PgConnection,
    now: DateTime<Utc>,
    lease_until: DateTime<Utc>,
) -> Result<Option<Claimed>, sqlx::Error> {
    sqlx::query_as(
        "UPDATE mail_deliveries d SET attempts = d.attempts + 1, next_attempt_at = $3
         FROM (SELECT agency_id, id FROM mail_deliveries
               WHERE status = $1 AND next_attempt_at <= $2
               ORDER BY next_attempt_at, id LIMIT 1
               FOR UPDATE SKIP LOCKED) due
         WHERE d.agency_id = due.agency_id AND d.id = due.id
         RETURNING d.agency_id, d.id, d.to_address, d.subject, d.body, d.attempts",
    )
    .bind(MailStatus::Pending)
    .bind(now)
    .bind(lease_until)
    .fetch_optional(tx)
    .await
}

/// How an attempt ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome<'a> {
    Sent,
    /// Refused or unreachable: try again at this instant.
    Retry {
        error: &'a str,
        at: DateTime<Utc>,
    },
    /// Refused for the last time, or for good.
    Failed {
        error: &'a str,
    },
}

/// Records the outcome of the claimed attempt; `false` if the mail is no longer at that
/// attempt (its lease ran out and another sender took it), which then changes nothing.
pub async fn record(
    conn: &mut PgConnection,
    claimed: &Claimed,
    outcome: Outcome<'_>,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let (status, error, next) = match outcome {
        Outcome::Sent => (MailStatus::Sent, None, None),
        Outcome::Retry { error, at } => (MailStatus::Pending, Some(error), Some(at)),
        Outcome::Failed { error } => (MailStatus::Failed, Some(error), Some(now)),
    };
    let done = sqlx::query(
        "UPDATE mail_deliveries
         SET status = $4, last_error = $5, next_attempt_at = coalesce($6, next_attempt_at),
             sent_at = CASE WHEN $4 = 'sent'::mail_status THEN $7 END
         WHERE agency_id = $1 AND id = $2 AND attempts = $3 AND status = 'pending'",
    )
    .bind(claimed.agency_id)
    .bind(claimed.id)
    .bind(claimed.attempts)
    .bind(status)
    .bind(error)
    .bind(next)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// A mail as the log shows it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DeliveryRow {
    pub agency_id: Uuid,
    pub id: Uuid,
    pub recipient_id: Uuid,
    pub to_address: String,
    pub delivery: EmailDelivery,
    pub slot: Option<NaiveDateTime>,
    pub subject: String,
    pub body: String,
    pub notifications: i32,
    pub status: MailStatus,
    pub attempts: i32,
    pub next_attempt_at: DateTime<Utc>,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
}

/// Which mails of the log.
#[derive(Debug, Clone, Copy, Default)]
pub struct LogFilter {
    /// One agency's (`None`: every agency's, for platform admins).
    pub agency_id: Option<Uuid>,
    pub status: Option<MailStatus>,
    pub recipient_id: Option<Uuid>,
    /// Keyset: mails strictly older than this `(created_at, id)`.
    pub before: Option<(DateTime<Utc>, Uuid)>,
}

/// The log, newest first.
pub async fn list(tx: &mut PgConnection, f: &LogFilter, limit: i64) -> Result<Vec<DeliveryRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT agency_id, id, recipient_id, to_address, delivery, slot, subject, body, notifications, status,
                attempts, next_attempt_at, last_error, created_at, sent_at
         FROM mail_deliveries
         WHERE ($1::uuid IS NULL OR agency_id = $1)
           AND ($2::mail_status IS NULL OR status = $2)
           AND ($3::uuid IS NULL OR recipient_id = $3)
           AND ($4::timestamptz IS NULL OR (created_at, id) < ($4, $5))
         ORDER BY created_at DESC, id DESC
         LIMIT $6",
    )
    .bind(f.agency_id)
    .bind(f.status)
    .bind(f.recipient_id)
    .bind(f.before.map(|(t, _)| t))
    .bind(f.before.map(|(_, id)| id))
    .bind(limit)
    .fetch_all(tx)
    .await
}
