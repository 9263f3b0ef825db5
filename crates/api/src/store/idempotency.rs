//! Idempotency keys (migrations/0005): claimed in the request's own transaction by
//! `claim_idempotency_key()` in one round trip, and the answer saved with them.

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

/// A key of one user of one agency.
#[derive(Debug, Clone, Copy)]
pub struct KeyOf<'a> {
    pub agency_id: Uuid,
    pub user_id: Uuid,
    pub key: &'a str,
}

/// Claims `key` for a request with `fingerprint`, waiting up to `wait_ms` for another
/// transaction that holds it; keys older than `ttl_secs` are forgotten.
pub async fn claim(
    tx: &mut PgConnection,
    key: KeyOf<'_>,
    fingerprint: &[u8],
    wait_ms: i32,
    ttl_secs: i64,
) -> Result<Claimed, sqlx::Error> {
    sqlx::query_as(
        "SELECT outcome, fingerprint, status, body
         FROM claim_idempotency_key($1, $2, $3, $4, $5, make_interval(secs => $6))",
    )
    .bind(key.agency_id)
    .bind(key.user_id)
    .bind(key.key)
    .bind(fingerprint)
    .bind(wait_ms)
    .bind(ttl_secs as f64)
    .fetch_one(tx)
    .await
}

/// Saves the answer with the key (committed with everything the request wrote).
pub async fn save(tx: &mut PgConnection, key: KeyOf<'_>, status: i16, body: &[u8]) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE idempotency_keys SET status = $4, body = $5 WHERE agency_id = $1 AND user_id = $2 AND key = $3")
        .bind(key.agency_id)
        .bind(key.user_id)
        .bind(key.key)
        .bind(status)
        .bind(body)
        .execute(tx)
        .await
        .map(drop)
}
