//! What is kept, and for how long (the maintenance and idempotency_purge jobs,
//! platform-wide): the audit trail's monthly partitions, made ahead of need and
//! detached after the retention period; Idempotency-Keys past their TTL; failed logins
//! older than the login window. Cut-offs are computed from the caller's instant.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::PgPool;

/// What a purge of Idempotency-Keys found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::FromRow)]
pub struct Purged {
    /// Keys kept.
    pub left: i64,
    /// Keys deleted.
    pub purged: i64,
}

/// Deletes the Idempotency-Keys created more than `ttl_secs` before `now`.
pub async fn purge_idempotency_keys(db: &PgPool, now: DateTime<Utc>, ttl_secs: i64) -> Result<Purged, sqlx::Error> {
    sqlx::query_as(
        "WITH gone AS (DELETE FROM idempotency_keys WHERE created_at < $1 - make_interval(secs => $2) RETURNING 1)
         SELECT (SELECT count(*) FROM idempotency_keys) - (SELECT count(*) FROM gone) AS left,
                (SELECT count(*) FROM gone) AS purged",
    )
    .bind(now)
    .bind(ttl_secs as f64)
    .fetch_one(db)
    .await
}

/// Creates the audit trail's partition of the month starting `month` unless it exists;
/// `true` when created.
pub async fn ensure_audit_partition(db: &PgPool, month: NaiveDate) -> Result<bool, sqlx::Error> {
    let name = format!("audit_logs_{}", month.format("%Y_%m"));
    let exists: bool = sqlx::query_scalar("SELECT to_regclass($1) IS NOT NULL").bind(&name).fetch_one(db).await?;
    if exists {
        return Ok(false);
    }
    let next = month + chrono::Months::new(1);
    // Names and bounds are dates formatted here, never request text.
    sqlx::query(&format!("CREATE TABLE {name} PARTITION OF audit_logs FOR VALUES FROM ('{month}') TO ('{next}')"))
        .execute(db)
        .await?;
    Ok(true)
}

/// Detaches the audit trail's monthly partitions of months before `cutoff`; returns
/// how many.
pub async fn detach_audit_partitions_before(db: &PgPool, cutoff: NaiveDate) -> Result<i64, sqlx::Error> {
    let names: Vec<String> = sqlx::query_scalar(
        "SELECT c.relname::text FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
         WHERE i.inhparent = 'audit_logs'::regclass AND c.relname ~ '^audit_logs_[0-9]{4}_[0-9]{2}$'
           AND to_date(substr(c.relname, 12), 'YYYY_MM') < $1
         ORDER BY 1",
    )
    .bind(cutoff)
    .fetch_all(db)
    .await?;
    for name in &names {
        sqlx::query(&format!("ALTER TABLE audit_logs DETACH PARTITION {name}")).execute(db).await?;
    }
    Ok(names.len() as i64)
}

/// Deletes the failed logins more than `window_secs` before `now`; returns how many.
pub async fn purge_login_failures(db: &PgPool, now: DateTime<Utc>, window_secs: i64) -> Result<i64, sqlx::Error> {
    let done = sqlx::query("DELETE FROM login_failures WHERE failed_at < $1 - make_interval(secs => $2)")
        .bind(now)
        .bind(window_secs as f64)
        .execute(db)
        .await?;
    Ok(done.rows_affected() as i64)
}

/// Deletes the notifications read more than `days` days before `now` (the centre's
/// history; the audit trail keeps what happened); returns how many.
pub async fn purge_read_notifications(db: &PgPool, now: DateTime<Utc>, days: i32) -> Result<i64, sqlx::Error> {
    let done = sqlx::query("DELETE FROM notifications WHERE read_at < $1 - make_interval(days => $2)")
        .bind(now)
        .bind(days)
        .execute(db)
        .await?;
    Ok(done.rows_affected() as i64)
}
