//! Failed logins, for throttling and lockout (`auth::throttle`).

use sqlx::PgConnection;
use std::net::IpAddr;

/// Seconds until the `threshold`-th most recent failure matching `filter` leaves the
/// window, if that many failures are inside it.
async fn wait(
    tx: &mut PgConnection,
    filter: &str,
    key: impl for<'q> sqlx::Encode<'q, sqlx::Postgres> + sqlx::Type<sqlx::Postgres> + Send,
    threshold: u32,
    window_secs: i64,
) -> Result<Option<u64>, sqlx::Error> {
    let sql = format!(
        "SELECT greatest(1, ceil(extract(epoch FROM failed_at + make_interval(secs => $3) - now())))::bigint
         FROM login_failures
         WHERE {filter} = $1 AND failed_at > now() - make_interval(secs => $3)
         ORDER BY failed_at DESC OFFSET $2 LIMIT 1"
    );
    let secs: Option<i64> = sqlx::query_scalar(&sql)
        .bind(key)
        .bind(i64::from(threshold) - 1)
        .bind(window_secs as f64)
        .fetch_optional(tx)
        .await?;
    Ok(secs.map(|s| s.max(1) as u64))
}

pub async fn username_wait(
    tx: &mut PgConnection,
    username: &str,
    threshold: u32,
    window_secs: i64,
) -> Result<Option<u64>, sqlx::Error> {
    wait(tx, "username", username.to_owned(), threshold, window_secs).await
}

pub async fn ip_wait(
    tx: &mut PgConnection,
    ip: IpAddr,
    threshold: u32,
    window_secs: i64,
) -> Result<Option<u64>, sqlx::Error> {
    wait(tx, "ip", ip, threshold, window_secs).await
}

/// Failures of `username` from `ip` inside the window, and the seconds since the latest.
pub async fn of_pair(
    tx: &mut PgConnection,
    username: &str,
    ip: IpAddr,
    window_secs: i64,
) -> Result<(i64, f64), sqlx::Error> {
    sqlx::query_as(
        "SELECT count(*), coalesce(extract(epoch FROM now() - max(failed_at)), 0)::float8
         FROM login_failures
         WHERE username = $1 AND ip = $2 AND failed_at > now() - make_interval(secs => $3)",
    )
    .bind(username)
    .bind(ip)
    .bind(window_secs as f64)
    .fetch_one(tx)
    .await
}

/// Failures of `username` from every client inside the window.
pub async fn of_username(tx: &mut PgConnection, username: &str, window_secs: i64) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT count(*) FROM login_failures WHERE username = $1 AND failed_at > now() - make_interval(secs => $2)",
    )
    .bind(username)
    .bind(window_secs as f64)
    .fetch_one(tx)
    .await
}

pub async fn record(tx: &mut PgConnection, username: &str, ip: Option<IpAddr>) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO login_failures (username, ip) VALUES ($1, $2)")
        .bind(username)
        .bind(ip)
        .execute(tx)
        .await
        .map(drop)
}

/// Forgives the username's failures (a successful login, an admin's unlock); how many
/// there were.
pub async fn clear(tx: &mut PgConnection, username: &str) -> Result<u64, sqlx::Error> {
    let done = sqlx::query("DELETE FROM login_failures WHERE username = $1").bind(username).execute(tx).await?;
    Ok(done.rows_affected())
}
