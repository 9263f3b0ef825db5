//! Outbound webhooks (migrations/0031): the agencies' endpoints (secrets encrypted by
//! the caller), the outbox of events with one delivery per subscribed endpoint, and
//! every attempt.
//!
//! [`emit`] writes events in the caller's transaction — the one making the change —
//! together with their deliveries, in one statement, and only when some active endpoint
//! of the agency subscribes to the type. The senders ([`claim_due`], [`record`]) take a
//! due delivery with `FOR UPDATE SKIP LOCKED` and a lease (`locked_until`) in a short
//! transaction of their own, send it with nothing open, then record the attempt and the
//! outcome only if the delivery is still at the attempt they claimed. Every instant is
//! the caller's clock.

use chrono::{DateTime, Utc};
use debtflow_domain::webhook::{DeliveryStatus, EventType};
use serde_json::Value;
use sqlx::PgConnection;
use uuid::Uuid;

/// The channel a transaction that makes deliveries due notifies, at its commit.
pub const CHANNEL: &str = "webhook_deliveries";

/// Writes one event of `event_type` per id and payload — the transaction's change — and
/// a delivery of each to every active endpoint of the agency subscribing to the type,
/// due at `now`; wakes the senders when it wrote any. Nothing at all is written when no
/// endpoint subscribes: one index probe is all an agency without endpoints pays.
/// Returns the deliveries written.
pub async fn emit(
    tx: &mut PgConnection,
    agency_id: Uuid,
    event_type: EventType,
    ids: &[Uuid],
    payloads: &[Value],
    now: DateTime<Utc>,
) -> Result<u64, sqlx::Error> {
    let written: Option<i64> = sqlx::query_scalar(
        "WITH endpoints AS (
             SELECT id FROM webhook_endpoints WHERE agency_id = $1 AND active AND $2 = ANY(event_types)
         ),
         events AS (
             INSERT INTO webhook_events (agency_id, id, type, payload, created_at)
             SELECT $1, e.id, $2, e.payload, $5
             FROM unnest($3::uuid[], $4::jsonb[]) AS e(id, payload)
             WHERE EXISTS (SELECT 1 FROM endpoints)
             RETURNING id
         ),
         deliveries AS (
             INSERT INTO webhook_deliveries (agency_id, id, event_id, endpoint_id, window_starts_at, next_attempt_at,
                                             created_at)
             SELECT $1, webhook_uuid_v7($5), ev.id, ep.id, $5, $5, $5 FROM events ev CROSS JOIN endpoints ep
             RETURNING 1
         ),
         written AS (SELECT count(*) AS n FROM deliveries)
         SELECT n FROM written, LATERAL (SELECT pg_notify($6, '') WHERE n > 0) wake",
    )
    .bind(agency_id)
    .bind(event_type)
    .bind(ids)
    .bind(payloads)
    .bind(now)
    .bind(CHANNEL)
    .fetch_optional(tx)
    .await?;
    Ok(written.map_or(0, |n| n.unsigned_abs()))
}

const ENDPOINT: &str = "agency_id, id, url, description, event_types, active, created_by, created_at, updated_at, \
                        previous_expires_at";

/// An endpoint as the API shows it (never its secrets).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct EndpointRow {
    pub agency_id: Uuid,
    pub id: Uuid,
    pub url: String,
    pub description: Option<String>,
    pub event_types: Vec<EventType>,
    pub active: bool,
    pub created_by: Uuid,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Until when the secret a rotation replaced still signs.
    pub previous_expires_at: Option<DateTime<Utc>>,
}

/// A new endpoint, with its secret encrypted.
pub struct NewEndpoint<'a> {
    pub agency_id: Uuid,
    pub id: Uuid,
    pub url: &'a str,
    pub description: Option<&'a str>,
    pub event_types: &'a [EventType],
    pub secret_enc: &'a [u8],
    pub created_by: Uuid,
    pub created_at: DateTime<Utc>,
}

pub async fn insert(tx: &mut PgConnection, e: &NewEndpoint<'_>) -> Result<EndpointRow, sqlx::Error> {
    sqlx::query_as(&format!(
        "INSERT INTO webhook_endpoints (agency_id, id, url, description, event_types, secret_enc, created_by,
                                        created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)
         RETURNING {ENDPOINT}"
    ))
    .bind(e.agency_id)
    .bind(e.id)
    .bind(e.url)
    .bind(e.description)
    .bind(e.event_types)
    .bind(e.secret_enc)
    .bind(e.created_by)
    .bind(e.created_at)
    .fetch_one(tx)
    .await
}

/// The agency's endpoint, unless removed; locked until the transaction ends if `lock`.
pub async fn get(
    tx: &mut PgConnection,
    agency_id: Uuid,
    id: Uuid,
    lock: bool,
) -> Result<Option<EndpointRow>, sqlx::Error> {
    let locking = if lock { "FOR UPDATE" } else { "" };
    sqlx::query_as(&format!(
        "SELECT {ENDPOINT} FROM webhook_endpoints WHERE agency_id = $1 AND id = $2 AND deleted_at IS NULL {locking}"
    ))
    .bind(agency_id)
    .bind(id)
    .fetch_optional(tx)
    .await
}

/// The agency's endpoints (not removed), the newest first.
pub async fn list(tx: &mut PgConnection, agency_id: Uuid) -> Result<Vec<EndpointRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {ENDPOINT} FROM webhook_endpoints WHERE agency_id = $1 AND deleted_at IS NULL
         ORDER BY created_at DESC, id DESC"
    ))
    .bind(agency_id)
    .fetch_all(tx)
    .await
}

/// Saves what a change may change: the URL, description, event types and `active`.
pub async fn save(tx: &mut PgConnection, e: &EndpointRow) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE webhook_endpoints SET url = $3, description = $4, event_types = $5, active = $6, updated_at = $7
         WHERE agency_id = $1 AND id = $2",
    )
    .bind(e.agency_id)
    .bind(e.id)
    .bind(&e.url)
    .bind(&e.description)
    .bind(&e.event_types)
    .bind(e.active)
    .bind(e.updated_at)
    .execute(tx)
    .await
    .map(drop)
}

/// Replaces the signing secret; the one it replaces keeps signing until
/// `previous_expires_at`.
pub async fn rotate_secret(
    tx: &mut PgConnection,
    agency_id: Uuid,
    id: Uuid,
    secret_enc: &[u8],
    now: DateTime<Utc>,
    previous_expires_at: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE webhook_endpoints
         SET previous_secret_enc = secret_enc, previous_expires_at = $4, secret_enc = $3, updated_at = $5
         WHERE agency_id = $1 AND id = $2",
    )
    .bind(agency_id)
    .bind(id)
    .bind(secret_enc)
    .bind(previous_expires_at)
    .bind(now)
    .execute(tx)
    .await
    .map(drop)
}

/// Removes the endpoint (kept, hidden; it receives nothing more).
pub async fn remove(tx: &mut PgConnection, agency_id: Uuid, id: Uuid, now: DateTime<Utc>) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE webhook_endpoints SET active = false, deleted_at = $3, updated_at = $3
         WHERE agency_id = $1 AND id = $2 AND deleted_at IS NULL",
    )
    .bind(agency_id)
    .bind(id)
    .bind(now)
    .execute(tx)
    .await
    .map(drop)
}

/// Gives up the endpoint's pending deliveries with `why` (it was deactivated or
/// removed); returns how many.
pub async fn fail_pending(
    tx: &mut PgConnection,
    agency_id: Uuid,
    endpoint_id: Uuid,
    why: &str,
) -> Result<u64, sqlx::Error> {
    Ok(sqlx::query(
        "UPDATE webhook_deliveries SET status = 'failed', last_error = $3, locked_until = NULL
         WHERE agency_id = $1 AND endpoint_id = $2 AND status = 'pending'",
    )
    .bind(agency_id)
    .bind(endpoint_id)
    .bind(why)
    .execute(tx)
    .await?
    .rows_affected())
}

const DELIVERY: &str =
    "d.agency_id, d.id, d.endpoint_id, d.event_id, e.type AS event_type, e.created_at AS event_created_at,
     e.payload, d.status, d.attempts, d.next_attempt_at, d.last_status_code, d.last_error, d.created_at, d.delivered_at
     FROM webhook_deliveries d JOIN webhook_events e ON e.agency_id = d.agency_id AND e.id = d.event_id";

/// A delivery, with the event it carries.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DeliveryRow {
    pub agency_id: Uuid,
    pub id: Uuid,
    pub endpoint_id: Uuid,
    pub event_id: Uuid,
    pub event_type: EventType,
    pub event_created_at: DateTime<Utc>,
    /// The event's `data`.
    pub payload: Value,
    pub status: DeliveryStatus,
    pub attempts: i32,
    pub next_attempt_at: DateTime<Utc>,
    pub last_status_code: Option<i16>,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub delivered_at: Option<DateTime<Utc>>,
}

/// Which deliveries of an endpoint to list.
#[derive(Debug, Clone, Copy)]
pub struct DeliveryFilter {
    pub agency_id: Uuid,
    pub endpoint_id: Uuid,
    pub status: Option<DeliveryStatus>,
    /// Only those before this `(created_at, id)`: the page after a cursor.
    pub before: Option<(DateTime<Utc>, Uuid)>,
}

/// The endpoint's deliveries, the newest first, at most `limit`.
pub async fn deliveries(
    tx: &mut PgConnection,
    f: &DeliveryFilter,
    limit: i64,
) -> Result<Vec<DeliveryRow>, sqlx::Error> {
    let (before_at, before_id) = f.before.unzip();
    sqlx::query_as(&format!(
        "SELECT {DELIVERY}
         WHERE d.agency_id = $1 AND d.endpoint_id = $2 AND ($3::webhook_delivery_status IS NULL OR d.status = $3)
           AND ($4::timestamptz IS NULL OR (d.created_at, d.id) < ($4, $5))
         ORDER BY d.created_at DESC, d.id DESC LIMIT $6"
    ))
    .bind(f.agency_id)
    .bind(f.endpoint_id)
    .bind(f.status)
    .bind(before_at)
    .bind(before_id)
    .bind(limit)
    .fetch_all(tx)
    .await
}

/// The agency's delivery, if its endpoint is not removed; locked if `lock`.
pub async fn delivery(
    tx: &mut PgConnection,
    agency_id: Uuid,
    id: Uuid,
    lock: bool,
) -> Result<Option<DeliveryRow>, sqlx::Error> {
    let locking = if lock { "FOR UPDATE OF d" } else { "" };
    sqlx::query_as(&format!(
        "SELECT {DELIVERY}
         JOIN webhook_endpoints ep ON ep.agency_id = d.agency_id AND ep.id = d.endpoint_id AND ep.deleted_at IS NULL
         WHERE d.agency_id = $1 AND d.id = $2 {locking}"
    ))
    .bind(agency_id)
    .bind(id)
    .fetch_optional(tx)
    .await
}

/// Puts the delivery back to pending, due at `now`, with a new retry window from its
/// next attempt (its event, and so its id, unchanged); wakes the senders at commit. A
/// sender holding its lease keeps it.
pub async fn replay(tx: &mut PgConnection, agency_id: Uuid, id: Uuid, now: DateTime<Utc>) -> Result<(), sqlx::Error> {
    sqlx::query(
        "WITH replayed AS (
             UPDATE webhook_deliveries
             SET status = 'pending', next_attempt_at = $3, window_starts_at = $3, window_attempts = attempts,
                 delivered_at = NULL
             WHERE agency_id = $1 AND id = $2
             RETURNING 1
         )
         SELECT pg_notify($4, '') FROM replayed",
    )
    .bind(agency_id)
    .bind(id)
    .bind(now)
    .bind(CHANNEL)
    .execute(tx)
    .await
    .map(drop)
}

/// One attempt to deliver.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AttemptRow {
    pub delivery_id: Uuid,
    pub number: i32,
    pub attempted_at: DateTime<Utc>,
    pub status_code: Option<i16>,
    pub error: Option<String>,
    pub duration_ms: i32,
}

/// The attempts of these deliveries, in order.
pub async fn attempts_of(
    tx: &mut PgConnection,
    agency_id: Uuid,
    deliveries: &[Uuid],
) -> Result<Vec<AttemptRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT delivery_id, number, attempted_at, status_code, error, duration_ms FROM webhook_attempts
         WHERE agency_id = $1 AND delivery_id = ANY($2) ORDER BY delivery_id, number, attempted_at",
    )
    .bind(agency_id)
    .bind(deliveries)
    .fetch_all(tx)
    .await
}

/// A delivery claimed for one attempt, with what sending it needs.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Claimed {
    pub agency_id: Uuid,
    pub id: Uuid,
    pub event_id: Uuid,
    pub event_type: EventType,
    pub event_created_at: DateTime<Utc>,
    pub payload: Value,
    pub url: String,
    pub secret_enc: Vec<u8>,
    /// The secret a rotation replaced, while it still signs.
    pub previous_secret_enc: Option<Vec<u8>>,
    /// This attempt's number (from 1).
    pub attempts: i32,
    pub window_starts_at: DateTime<Utc>,
    pub window_attempts: i32,
}

/// Claims the pending delivery due longest (`next_attempt_at <= now`, or not attempted
/// since it was made or replayed: due at once, whatever instant its event carries — a
/// job writes at its business date's, which may be ahead of the clock; no live lease)
/// of an active endpoint: counts the attempt and leases it until `lease_until`, so no
/// other sender takes it while this one sends, and a sender that dies leaves it due
/// again when the lease ends; the first attempt of a retry window opens it at `now`.
/// Rows another sender is claiming are skipped.
pub async fn claim_due(
    tx: &mut PgConnection,
    now: DateTime<Utc>,
    lease_until: DateTime<Utc>,
) -> Result<Option<Claimed>, sqlx::Error> {
    sqlx::query_as(
        "UPDATE webhook_deliveries d
         SET attempts = d.attempts + 1, locked_until = $2,
             window_starts_at = CASE WHEN d.attempts = d.window_attempts THEN $1 ELSE d.window_starts_at END
         FROM (SELECT dd.agency_id, dd.id FROM webhook_deliveries dd
               JOIN webhook_endpoints live ON live.agency_id = dd.agency_id AND live.id = dd.endpoint_id AND live.active
               WHERE dd.status = 'pending' AND (dd.next_attempt_at <= $1 OR dd.attempts = dd.window_attempts)
                 AND (dd.locked_until IS NULL OR dd.locked_until <= $1)
               ORDER BY dd.next_attempt_at, dd.id LIMIT 1
               FOR UPDATE OF dd SKIP LOCKED) due,
              webhook_events e, webhook_endpoints ep
         WHERE d.agency_id = due.agency_id AND d.id = due.id
           AND e.agency_id = d.agency_id AND e.id = d.event_id
           AND ep.agency_id = d.agency_id AND ep.id = d.endpoint_id
         RETURNING d.agency_id, d.id, d.event_id, e.type AS event_type, e.created_at AS event_created_at, e.payload,
                   ep.url, ep.secret_enc,
                   CASE WHEN ep.previous_expires_at > $1 THEN ep.previous_secret_enc END AS previous_secret_enc,
                   d.attempts, d.window_starts_at, d.window_attempts",
    )
    .bind(now)
    .bind(lease_until)
    .fetch_optional(tx)
    .await
}

/// How an attempt ended, for its delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The receiver answered 2xx.
    Succeeded,
    /// Try again at this instant.
    Retry { at: DateTime<Utc> },
    /// Given up: the retry window is over.
    Failed,
}

/// What one attempt found.
#[derive(Debug, Clone)]
pub struct Attempt<'a> {
    pub attempted_at: DateTime<Utc>,
    pub status_code: Option<u16>,
    pub error: Option<&'a str>,
    pub duration_ms: i32,
}

/// Records the claimed attempt (always: it happened) and the delivery's outcome — only
/// if the delivery is still pending at that attempt; `false` otherwise (its lease ran
/// out and another sender took it, or its endpoint was deactivated meanwhile).
pub async fn record(
    tx: &mut PgConnection,
    claimed: &Claimed,
    attempt: &Attempt<'_>,
    outcome: Outcome,
) -> Result<bool, sqlx::Error> {
    let status_code = attempt.status_code.map(|c| i16::try_from(c).unwrap_or(i16::MAX));
    let error: Option<String> = attempt.error.map(|e| e.chars().take(1000).collect());
    sqlx::query(
        "INSERT INTO webhook_attempts (agency_id, id, delivery_id, number, attempted_at, status_code, error, duration_ms)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(claimed.agency_id)
    .bind(Uuid::now_v7())
    .bind(claimed.id)
    .bind(claimed.attempts)
    .bind(attempt.attempted_at)
    .bind(status_code)
    .bind(&error)
    .bind(attempt.duration_ms)
    .execute(&mut *tx)
    .await?;
    let (status, next) = match outcome {
        Outcome::Succeeded => (DeliveryStatus::Succeeded, None),
        Outcome::Retry { at } => (DeliveryStatus::Pending, Some(at)),
        Outcome::Failed => (DeliveryStatus::Failed, None),
    };
    let done = sqlx::query(
        "UPDATE webhook_deliveries
         SET status = $4, next_attempt_at = coalesce($5, next_attempt_at), locked_until = NULL,
             last_status_code = $6, last_error = $7,
             delivered_at = CASE WHEN $4 = 'succeeded'::webhook_delivery_status THEN $8 END
         WHERE agency_id = $1 AND id = $2 AND attempts = $3 AND status = 'pending'",
    )
    .bind(claimed.agency_id)
    .bind(claimed.id)
    .bind(claimed.attempts)
    .bind(status)
    .bind(next)
    .bind(status_code)
    .bind(&error)
    .bind(attempt.attempted_at)
    .execute(tx)
    .await?
    .rows_affected();
    Ok(done == 1)
}
