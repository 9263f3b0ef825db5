//! Each agency's SFTP server (migrations/0011): where placement files wait, how to log
//! in (secrets encrypted by the caller), when it was polled last and how that went.

use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

const COLUMNS: &str = "agency_id, host, port, username, password_enc, private_key_enc, passphrase_enc, host_key, \
                       inbox_dir, processed_dir, poll_minutes, mapping_name, enabled, last_polled_at, last_error, \
                       updated_by, updated_at";

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SourceRow {
    pub agency_id: Uuid,
    pub host: String,
    pub port: i32,
    pub username: String,
    pub password_enc: Option<Vec<u8>>,
    pub private_key_enc: Option<Vec<u8>>,
    pub passphrase_enc: Option<Vec<u8>>,
    pub host_key: Option<String>,
    pub inbox_dir: String,
    pub processed_dir: String,
    pub poll_minutes: i32,
    pub mapping_name: Option<String>,
    pub enabled: bool,
    pub last_polled_at: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
    pub updated_by: Option<Uuid>,
    pub updated_at: DateTime<Utc>,
}

pub async fn get(tx: &mut PgConnection, agency_id: Uuid) -> Result<Option<SourceRow>, sqlx::Error> {
    sqlx::query_as(&format!("SELECT {COLUMNS} FROM sftp_sources WHERE agency_id = $1"))
        .bind(agency_id)
        .fetch_optional(tx)
        .await
}

/// The enabled sources whose poll is due at `now`.
pub async fn due(tx: &mut PgConnection, now: DateTime<Utc>) -> Result<Vec<SourceRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM sftp_sources
         WHERE enabled AND (last_polled_at IS NULL OR last_polled_at + make_interval(mins => poll_minutes) <= $1)"
    ))
    .bind(now)
    .fetch_all(tx)
    .await
}

/// Creates or replaces the agency's source (keeping its poll history).
pub async fn put(tx: &mut PgConnection, s: &SourceRow) -> Result<SourceRow, sqlx::Error> {
    sqlx::query_as(&format!(
        "INSERT INTO sftp_sources (agency_id, host, port, username, password_enc, private_key_enc, passphrase_enc,
                                   host_key, inbox_dir, processed_dir, poll_minutes, mapping_name, enabled,
                                   updated_by, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
         ON CONFLICT (agency_id) DO UPDATE SET
             host = excluded.host, port = excluded.port, username = excluded.username,
             password_enc = excluded.password_enc, private_key_enc = excluded.private_key_enc,
             passphrase_enc = excluded.passphrase_enc, host_key = excluded.host_key,
             inbox_dir = excluded.inbox_dir, processed_dir = excluded.processed_dir,
             poll_minutes = excluded.poll_minutes, mapping_name = excluded.mapping_name, enabled = excluded.enabled,
             updated_by = excluded.updated_by, updated_at = excluded.updated_at
         RETURNING {COLUMNS}"
    ))
    .bind(s.agency_id)
    .bind(&s.host)
    .bind(s.port)
    .bind(&s.username)
    .bind(&s.password_enc)
    .bind(&s.private_key_enc)
    .bind(&s.passphrase_enc)
    .bind(&s.host_key)
    .bind(&s.inbox_dir)
    .bind(&s.processed_dir)
    .bind(s.poll_minutes)
    .bind(&s.mapping_name)
    .bind(s.enabled)
    .bind(s.updated_by)
    .bind(s.updated_at)
    .fetch_one(tx)
    .await
}

/// Records a poll: when, how it ended, and the host key to pin (trust on first use).
pub async fn polled(
    tx: &mut PgConnection,
    agency_id: Uuid,
    at: DateTime<Utc>,
    error: Option<&str>,
    host_key: Option<&str>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE sftp_sources SET last_polled_at = $2, last_error = $3, host_key = coalesce(host_key, $4)
         WHERE agency_id = $1",
    )
    .bind(agency_id)
    .bind(at)
    .bind(error)
    .bind(host_key)
    .execute(tx)
    .await
    .map(drop)
}

/// Takes the agency's polling lock on `conn` (session-level), if free: one poller per
/// agency across replicas.
pub async fn try_lock(conn: &mut PgConnection, agency_id: Uuid) -> Result<bool, sqlx::Error> {
    super::db::try_advisory_lock(conn, "debtflow:sftp", &agency_id.to_string()).await
}

pub async fn unlock(conn: &mut PgConnection, agency_id: Uuid) -> Result<(), sqlx::Error> {
    super::db::advisory_unlock(conn, "debtflow:sftp", &agency_id.to_string()).await
}
