//! Users of every role.

use chrono::{DateTime, Utc};
use debtflow_domain::Role;
use rust_decimal::Decimal;
use sqlx::{PgConnection, PgExecutor};
use uuid::Uuid;

/// The columns of a [`UserRow`].
const COLUMNS: &str = "id, agency_id, username, full_name, email, role, is_active,
                       password_change_required, commission_rate, account_limit, created_at, updated_at";

/// A user as the API shows it (no password hash).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct UserRow {
    pub id: Uuid,
    pub agency_id: Option<Uuid>,
    pub username: String,
    pub full_name: String,
    pub email: Option<String>,
    pub role: Role,
    pub is_active: bool,
    pub password_change_required: bool,
    pub commission_rate: Option<Decimal>,
    pub account_limit: Option<i32>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

pub struct NewUser<'a> {
    pub agency_id: Option<Uuid>,
    pub username: &'a str,
    pub full_name: &'a str,
    pub email: Option<&'a str>,
    pub role: Role,
    pub password_hash: &'a str,
    /// The password is a temporary one an admin issued: to be changed at first login.
    pub password_change_required: bool,
    pub commission_rate: Option<Decimal>,
    pub account_limit: Option<i32>,
}

pub async fn exists(db: impl PgExecutor<'_>, username: &str) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM users WHERE username = $1)").bind(username).fetch_one(db).await
}

/// Inserts the user; `None` when the username is taken (nothing changes then).
pub async fn insert_if_absent(db: impl PgExecutor<'_>, user: &NewUser<'_>) -> Result<Option<UserRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "INSERT INTO users (id, agency_id, username, full_name, email, role, password_hash,
                            commission_rate, account_limit, password_change_required)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
         ON CONFLICT (username) DO NOTHING
         RETURNING {COLUMNS}"
    ))
    .bind(Uuid::now_v7())
    .bind(user.agency_id)
    .bind(user.username)
    .bind(user.full_name)
    .bind(user.email)
    .bind(user.role)
    .bind(user.password_hash)
    .bind(user.commission_rate)
    .bind(user.account_limit)
    .bind(user.password_change_required)
    .fetch_optional(db)
    .await
}

/// Who a user is for their tokens (what an access token claims), and whether they
/// may still sign in (they and their agency are active).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Standing {
    pub id: Uuid,
    pub agency_id: Option<Uuid>,
    pub role: Role,
    pub token_version: i32,
    pub is_active: bool,
    /// Signed in with a temporary password: nothing but changing it is allowed.
    pub password_change_required: bool,
}

/// What login needs to know about a username.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Credentials {
    #[sqlx(flatten)]
    pub standing: Standing,
    pub password_hash: String,
}

pub async fn find_for_login(tx: &mut PgConnection, username: &str) -> Result<Option<Credentials>, sqlx::Error> {
    sqlx::query_as(
        "SELECT u.id, u.agency_id, u.role, u.token_version, u.password_change_required, u.password_hash,
                u.is_active AND coalesce(a.is_active, true) AS is_active
         FROM users u LEFT JOIN agencies a ON a.id = u.agency_id WHERE u.username = $1 AND u.role <> 'service'",
    )
    .bind(username)
    .fetch_optional(tx)
    .await
}

/// The user's password hash, the row locked for a change.
pub async fn password_hash_for_update(tx: &mut PgConnection, id: Uuid) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT password_hash FROM users WHERE id = $1 AND is_active FOR UPDATE")
        .bind(id)
        .fetch_optional(tx)
        .await
}

/// Sets the password; `temporary` when an admin issued it (to be changed at first login).
pub async fn set_password(
    tx: &mut PgConnection,
    id: Uuid,
    password_hash: &str,
    temporary: bool,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE users SET password_hash = $2, password_change_required = $3, updated_at = now() WHERE id = $1")
        .bind(id)
        .bind(password_hash)
        .bind(temporary)
        .execute(tx)
        .await
        .map(drop)
}

/// The user's standing now.
pub async fn standing(tx: &mut PgConnection, id: Uuid) -> Result<Option<Standing>, sqlx::Error> {
    sqlx::query_as(
        "SELECT u.id, u.agency_id, u.role, u.token_version, u.password_change_required,
                u.is_active AND coalesce(a.is_active, true) AS is_active
         FROM users u LEFT JOIN agencies a ON a.id = u.agency_id WHERE u.id = $1",
    )
    .bind(id)
    .fetch_optional(tx)
    .await
}

pub async fn get(tx: &mut PgConnection, agency_id: Option<Uuid>, id: Uuid) -> Result<Option<UserRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM users WHERE id = $1 AND ($2::uuid IS NULL OR agency_id = $2) AND role <> 'service'"
    ))
    .bind(id)
    .bind(agency_id)
    .fetch_optional(tx)
    .await
}

/// Which users a list shows.
#[derive(Debug, Default, Clone, Copy)]
pub struct UserFilter<'a> {
    pub role: Option<Role>,
    pub active: Option<bool>,
    /// Part of the username, full name or email, any case.
    pub text: Option<&'a str>,
}

/// A page of users ordered by username, after `after` (exclusive).
pub async fn list(
    tx: &mut PgConnection,
    agency_id: Option<Uuid>,
    filter: UserFilter<'_>,
    after: Option<&str>,
    limit: i64,
) -> Result<Vec<UserRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM users
         WHERE ($1::uuid IS NULL OR agency_id = $1) AND role <> 'service'
           AND ($2::user_role IS NULL OR role = $2)
           AND ($3::boolean IS NULL OR is_active = $3)
           AND ($4::text IS NULL OR strpos(lower(username || ' ' || full_name || ' ' || coalesce(email, '')), lower($4)) > 0)
           AND ($5::text IS NULL OR username > $5)
         ORDER BY username
         LIMIT $6"
    ))
    .bind(agency_id)
    .bind(filter.role)
    .bind(filter.active)
    .bind(filter.text)
    .bind(after)
    .bind(limit)
    .fetch_all(tx)
    .await
}

/// A staff member's editable fields, whole: the service computes them from the
/// current row and the patch, so this writes every one.
#[derive(Debug)]
pub struct StaffRecord<'a> {
    pub full_name: &'a str,
    pub email: Option<&'a str>,
    pub role: Role,
    pub is_active: bool,
    pub commission_rate: Option<Decimal>,
    pub account_limit: Option<i32>,
}

/// Writes `record`. A new role or a deactivation bumps the token version, so every
/// token of the user stops working at once (tokens claim the role).
pub async fn update(
    tx: &mut PgConnection,
    agency_id: Uuid,
    id: Uuid,
    record: &StaffRecord<'_>,
) -> Result<Option<UserRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "UPDATE users SET
             full_name = $3,
             email = $4,
             token_version = token_version
                 + CASE WHEN role <> $5 OR (is_active AND NOT $6) THEN 1 ELSE 0 END,
             role = $5,
             is_active = $6,
             commission_rate = $7,
             account_limit = $8,
             updated_at = now()
         WHERE id = $1 AND agency_id = $2
         RETURNING {COLUMNS}"
    ))
    .bind(id)
    .bind(agency_id)
    .bind(record.full_name)
    .bind(record.email)
    .bind(record.role)
    .bind(record.is_active)
    .bind(record.commission_rate)
    .bind(record.account_limit)
    .fetch_optional(tx)
    .await
}

/// The user, locked until the transaction ends.
pub async fn get_for_update(tx: &mut PgConnection, agency_id: Uuid, id: Uuid) -> Result<Option<UserRow>, sqlx::Error> {
    sqlx::query_as(&format!("SELECT {COLUMNS} FROM users WHERE id = $1 AND agency_id = $2 FOR UPDATE"))
        .bind(id)
        .bind(agency_id)
        .fetch_optional(tx)
        .await
}

/// The agency's active agency admins, locked in id order until the transaction ends:
/// two admins demoting each other at once take turns, so one of them stays.
pub async fn lock_active_admins(tx: &mut PgConnection, agency_id: Uuid) -> Result<Vec<Uuid>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT id FROM users WHERE agency_id = $1 AND role = 'agency_admin' AND is_active ORDER BY id FOR UPDATE",
    )
    .bind(agency_id)
    .fetch_all(tx)
    .await
}

/// A collector, as assignment sees them.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CollectorRow {
    pub id: Uuid,
    pub full_name: String,
    pub is_active: bool,
    /// The most accounts they may hold (none: no limit).
    pub account_limit: Option<i32>,
}

/// The agency's collectors among `ids`, locked in id order until the transaction ends:
/// concurrent assignments to one collector take turns, so each counts the accounts
/// the one before it gave (`accounts::held_by`, read after this) and no account limit
/// is overshot.
pub async fn lock_collectors(
    tx: &mut PgConnection,
    agency_id: Uuid,
    ids: &[Uuid],
) -> Result<Vec<CollectorRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, full_name, is_active, account_limit FROM users
         WHERE agency_id = $1 AND id = ANY($2) AND role = $3
         ORDER BY id
         FOR UPDATE",
    )
    .bind(agency_id)
    .bind(ids)
    .bind(Role::Collector)
    .fetch_all(tx)
    .await
}

/// The ids of the agency's active users with one of `roles` (say, the deciders of an
/// operation: `Operation::deciders`).
pub async fn active_with_roles(
    tx: &mut PgConnection,
    agency_id: Uuid,
    roles: &[Role],
) -> Result<Vec<Uuid>, sqlx::Error> {
    sqlx::query_scalar("SELECT id FROM users WHERE agency_id = $1 AND is_active AND role = ANY($2) ORDER BY id")
        .bind(agency_id)
        .bind(roles)
        .fetch_all(tx)
        .await
}
