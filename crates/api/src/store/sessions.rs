//! Auth sessions and their refresh tokens.

use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

pub async fn open(
    tx: &mut PgConnection,
    session: Uuid,
    user_id: Uuid,
    refresh_hash: &[u8],
    expires_at: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO auth_sessions (id, user_id) VALUES ($1, $2)")
        .bind(session)
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    insert_token(tx, session, refresh_hash, expires_at).await
}

async fn insert_token(
    tx: &mut PgConnection,
    session: Uuid,
    hash: &[u8],
    expires_at: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO refresh_tokens (id, session_id, token_hash, expires_at) VALUES ($1, $2, $3, $4)")
        .bind(Uuid::now_v7())
        .bind(session)
        .bind(hash)
        .bind(expires_at)
        .execute(tx)
        .await
        .map(drop)
}

#[derive(Debug, sqlx::FromRow)]
pub struct RefreshToken {
    pub id: Uuid,
    pub session_id: Uuid,
    pub user_id: Uuid,
    pub expires_at: DateTime<Utc>,
    pub used_at: Option<DateTime<Utc>>,
    pub session_revoked_at: Option<DateTime<Utc>>,
}

/// The token with this hash, locked until the transaction ends, so two concurrent
/// refreshes with one token cannot both rotate it.
pub async fn find_refresh_for_update(tx: &mut PgConnection, hash: &[u8]) -> Result<Option<RefreshToken>, sqlx::Error> {
    sqlx::query_as(
        "SELECT t.id, t.session_id, s.user_id, t.expires_at, t.used_at, s.revoked_at AS session_revoked_at
         FROM refresh_tokens t JOIN auth_sessions s ON s.id = t.session_id
         WHERE t.token_hash = $1
         FOR UPDATE OF t, s",
    )
    .bind(hash)
    .fetch_optional(tx)
    .await
}

/// Marks `used` spent and adds its successor to the session.
pub async fn rotate(
    tx: &mut PgConnection,
    used: Uuid,
    session: Uuid,
    new_hash: &[u8],
    expires_at: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE refresh_tokens SET used_at = now() WHERE id = $1").bind(used).execute(&mut *tx).await?;
    insert_token(tx, session, new_hash, expires_at).await
}

pub async fn revoke(tx: &mut PgConnection, session: Uuid, reason: &str) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE auth_sessions SET revoked_at = now(), revoked_reason = $2 WHERE id = $1 AND revoked_at IS NULL")
        .bind(session)
        .bind(reason)
        .execute(tx)
        .await
        .map(drop)
}

/// Ends every live session of the user but `keep`; how many it ended.
pub async fn revoke_others(tx: &mut PgConnection, user_id: Uuid, keep: Uuid, reason: &str) -> Result<u64, sqlx::Error> {
    sqlx::query(
        "UPDATE auth_sessions SET revoked_at = now(), revoked_reason = $3
         WHERE user_id = $1 AND id <> $2 AND revoked_at IS NULL",
    )
    .bind(user_id)
    .bind(keep)
    .bind(reason)
    .execute(tx)
    .await
    .map(|r| r.rows_affected())
}

/// Ends every live session of the user.
pub async fn revoke_all(tx: &mut PgConnection, user_id: Uuid, reason: &str) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE auth_sessions SET revoked_at = now(), revoked_reason = $2 WHERE user_id = $1 AND revoked_at IS NULL",
    )
    .bind(user_id)
    .bind(reason)
    .execute(tx)
    .await
    .map(drop)
}

/// Ends every live session of the agency's users; how many it ended.
pub async fn revoke_agency(tx: &mut PgConnection, agency_id: Uuid, reason: &str) -> Result<u64, sqlx::Error> {
    sqlx::query(
        "UPDATE auth_sessions s SET revoked_at = now(), revoked_reason = $2
         FROM users u
         WHERE u.id = s.user_id AND u.agency_id = $1 AND s.revoked_at IS NULL",
    )
    .bind(agency_id)
    .bind(reason)
    .execute(tx)
    .await
    .map(|r| r.rows_affected())
}
