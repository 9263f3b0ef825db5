//! Users of every role.

use debtflow_domain::Role;
use rust_decimal::Decimal;
use sqlx::PgExecutor;
use uuid::Uuid;

pub struct NewUser<'a> {
    pub agency_id: Option<Uuid>,
    pub username: &'a str,
    pub full_name: &'a str,
    pub role: Role,
    pub password_hash: &'a str,
    pub commission_rate: Option<Decimal>,
    pub account_limit: Option<i32>,
}

pub async fn exists(db: impl PgExecutor<'_>, username: &str) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM users WHERE username = $1)")
        .bind(username)
        .fetch_one(db)
        .await
}

/// Inserts the user; `false` when the username is taken (nothing changes then).
pub async fn insert_if_absent(
    db: impl PgExecutor<'_>,
    user: &NewUser<'_>,
) -> Result<bool, sqlx::Error> {
    let inserted = sqlx::query(
        "INSERT INTO users (id, agency_id, username, full_name, role, password_hash,
                            commission_rate, account_limit)
         VALUES ($1, $2, $3, $4, $5::user_role, $6, $7, $8)
         ON CONFLICT (username) DO NOTHING",
    )
    .bind(Uuid::now_v7())
    .bind(user.agency_id)
    .bind(user.username)
    .bind(user.full_name)
    .bind(user.role.as_str())
    .bind(user.password_hash)
    .bind(user.commission_rate)
    .bind(user.account_limit)
    .execute(db)
    .await?;
    Ok(inserted.rows_affected() == 1)
}
