//! API keys and the service accounts they act as.

use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

/// A key with the names of who created and revoked it.
const SELECT: &str = "SELECT k.agency_id, k.id, k.user_id, k.name, k.shown, k.scopes, k.expires_at, k.created_by,
                             c.full_name AS created_by_name, k.created_at, k.last_used_at, k.revoked_at,
                             k.revoked_by, r.full_name AS revoked_by_name
                      FROM api_keys k JOIN users c ON c.id = k.created_by LEFT JOIN users r ON r.id = k.revoked_by";

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ApiKeyRow {
    pub agency_id: Uuid,
    pub id: Uuid,
    pub user_id: Uuid,
    pub name: String,
    pub shown: String,
    /// The scopes' wire names (`payments:write`), sorted.
    pub scopes: Vec<String>,
    pub expires_at: Option<DateTime<Utc>>,
    pub created_by: Uuid,
    pub created_by_name: Option<String>,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub revoked_by: Option<Uuid>,
    pub revoked_by_name: Option<String>,
}

/// A key to store, with the hash of its secret.
pub struct NewKey<'a> {
    pub row: &'a ApiKeyRow,
    pub secret_hash: &'a [u8],
}

/// Writes the key and its service account: role `service`, a username no person
/// chooses (`key-<id>`), the key's name as its full name, and no password (`!` is no
/// password hash: nothing verifies against it).
pub async fn insert(tx: &mut PgConnection, key: NewKey<'_>) -> Result<(), sqlx::Error> {
    let row = key.row;
    sqlx::query(
        "INSERT INTO users (id, agency_id, username, full_name, role, password_hash, created_at, updated_at)
         VALUES ($1, $2, 'key-' || replace($3::text, '-', ''), $4, 'service', '!', $5, $5)",
    )
    .bind(row.user_id)
    .bind(row.agency_id)
    .bind(row.id)
    .bind(&row.name)
    .bind(row.created_at)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "INSERT INTO api_keys (agency_id, id, user_id, name, shown, secret_hash, scopes, expires_at, created_by,
                               created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(row.agency_id)
    .bind(row.id)
    .bind(row.user_id)
    .bind(&row.name)
    .bind(&row.shown)
    .bind(key.secret_hash)
    .bind(&row.scopes)
    .bind(row.expires_at)
    .bind(row.created_by)
    .bind(row.created_at)
    .execute(tx)
    .await
    .map(drop)
}

/// The agency's keys, the newest first (revoked ones too: the trail names them).
pub async fn list(tx: &mut PgConnection, agency_id: Uuid) -> Result<Vec<ApiKeyRow>, sqlx::Error> {
    sqlx::query_as(&format!("{SELECT} WHERE k.agency_id = $1 ORDER BY k.created_at DESC, k.id DESC"))
        .bind(agency_id)
        .fetch_all(tx)
        .await
}

pub async fn get(tx: &mut PgConnection, agency_id: Uuid, id: Uuid) -> Result<Option<ApiKeyRow>, sqlx::Error> {
    sqlx::query_as(&format!("{SELECT} WHERE k.agency_id = $1 AND k.id = $2"))
        .bind(agency_id)
        .bind(id)
        .fetch_optional(tx)
        .await
}

/// The key, locked until the transaction ends.
pub async fn lock(tx: &mut PgConnection, agency_id: Uuid, id: Uuid) -> Result<Option<ApiKeyRow>, sqlx::Error> {
    sqlx::query_as(&format!("{SELECT} WHERE k.agency_id = $1 AND k.id = $2 FOR UPDATE OF k"))
        .bind(agency_id)
        .bind(id)
        .fetch_optional(tx)
        .await
}

/// Revokes the key and deactivates its service account, at once: the next request
/// with it finds it revoked.
pub async fn revoke(tx: &mut PgConnection, key: &ApiKeyRow, by: Uuid, at: DateTime<Utc>) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE users SET is_active = false, token_version = token_version + 1, updated_at = $2 WHERE id = $1")
        .bind(key.user_id)
        .bind(at)
        .execute(&mut *tx)
        .await?;
    sqlx::query("UPDATE api_keys SET revoked_at = $3, revoked_by = $4 WHERE agency_id = $1 AND id = $2")
        .bind(key.agency_id)
        .bind(key.id)
        .bind(at)
        .bind(by)
        .execute(tx)
        .await
        .map(drop)
}

/// A key as a request presents it.
#[derive(Debug, sqlx::FromRow)]
pub struct Presented {
    pub agency_id: Uuid,
    pub id: Uuid,
    pub user_id: Uuid,
    pub scopes: Vec<String>,
    pub expires_at: Option<DateTime<Utc>>,
    /// Revoked, or its service account or agency deactivated.
    pub revoked: bool,
}

/// The key whose secret hashes to `hash`, and — when it still works at `now` — its use
/// noted, at most once a minute (one statement, outside any transaction: a request
/// with a key needs its scopes before its transaction opens). Runs as the server's
/// own database role, like the access-token check, since the agency is not known yet.
pub async fn present(db: &PgPool, hash: &[u8], now: DateTime<Utc>) -> Result<Option<Presented>, sqlx::Error> {
    sqlx::query_as(
        "WITH key AS (
             SELECT k.agency_id, k.id, k.user_id, k.scopes, k.expires_at, k.last_used_at,
                    k.revoked_at IS NOT NULL OR NOT u.is_active OR NOT a.is_active AS revoked
             FROM api_keys k JOIN users u ON u.id = k.user_id JOIN agencies a ON a.id = k.agency_id
             WHERE k.secret_hash = $1
         ), noted AS (
             UPDATE api_keys k SET last_used_at = date_trunc('minute', $2::timestamptz)
             FROM key
             WHERE k.agency_id = key.agency_id AND k.id = key.id AND NOT key.revoked
               AND (key.expires_at IS NULL OR key.expires_at > $2)
               AND (key.last_used_at IS NULL OR key.last_used_at < date_trunc('minute', $2::timestamptz))
         )
         SELECT agency_id, id, user_id, scopes, expires_at, revoked FROM key",
    )
    .bind(hash)
    .bind(now)
    .fetch_optional(db)
    .await
}
