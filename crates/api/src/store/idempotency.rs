//! Idempotency keys (migrations/0005): claimed in the request's own transaction by
//! `claim_idempotency_key()` in one round trip, and the answer saved with them.
//!
//! Every write of a key finds its row through the key's unique index, by `ON CONFLICT`,
//! never by a plan PostgreSQL may have made while the table was a page or two: a
//! connection keeps its plans, and one that chose to read the whole small table went
//! on reading it as the table grew (migrations/0040).

use sqlx::PgConnection;
use uuid::Uuid;

/// What claiming a key found.
#[derive(Debug, sqlx::FromRow)]
pub struct Claimed {
    /// `fresh` (ours until commit), `done` (an earlier request committed its answer) or
    /// `in_flight` (another transaction holds it past the wait).
    pub outcome: String,
    pub fingerprint: Option<Vec<u8>>,
    pub status: Option<i16>,
    pub body: Option<Vec<u8>>,
}

/// A key of one user of one agency, with the fingerprint of the request it is claimed for.
#[derive(Debug, Clone, Copy)]
pub struct KeyOf<'a> {
    pub agency_id: Uuid,
    pub user_id: Uuid,
    pub key: &'a str,
    pub fingerprint: &'a [u8],
}

/// Claims `key` for its request, waiting up to `wait_ms` for another transaction that
/// holds it; keys older than `ttl_secs` are forgotten.
pub async fn claim(tx: &mut PgConnection, key: KeyOf<'_>, wait_ms: i32, ttl_secs: i64) -> Result<Claimed, sqlx::Error> {
    sqlx::query_as(
        "SELECT outcome, fingerprint, status, body
         FROM claim_idempotency_key($1, $2, $3, $4, $5, make_interval(secs => $6))",
    )
    .bind(key.agency_id)
    .bind(key.user_id)
    .bind(key.key)
    .bind(key.fingerprint)
    .bind(wait_ms)
    .bind(ttl_secs as f64)
    .fetch_one(tx)
    .await
}

/// Saves the answer with the key (committed with everything the request wrote).
pub async fn save(tx: &mut PgConnection, key: KeyOf<'_>, status: i16, body: &[u8]) -> Result<(), sqlx::Error> {
    sqlx::query(&saving_answer("VALUES ($1, $2, $3, $4, $5, $6)"))
        .bind(key.agency_id)
        .bind(key.user_id)
        .bind(key.key)
        .bind(key.fingerprint)
        .bind(status)
        .bind(body)
        .execute(tx)
        .await
        .map(drop)
}

/// The statement that saves an answer onto its claimed key, from `rows` of (agency_id,
/// user_id, key, fingerprint, status, body): for [`save`] and for a use case that saves
/// its answer with its own last write (`store::payments::posting`).
pub(crate) fn saving_answer(rows: &str) -> String {
    format!(
        "INSERT INTO idempotency_keys (agency_id, user_id, key, fingerprint, status, body) {rows}
         ON CONFLICT (agency_id, user_id, key) DO UPDATE SET status = excluded.status, body = excluded.body"
    )
}
