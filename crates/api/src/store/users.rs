//! Users of every role.

use chrono::{DateTime, Utc};
use debtflow_domain::Role;
use rust_decimal::Decimal;
use sqlx::{PgConnection, PgExecutor};
use uuid::Uuid;

/// The columns every read shares, `role` as text for [`UserRow`].
const COLUMNS: &str = "id, agency_id, username, full_name, email, role::text AS role, is_active,
                       commission_rate, account_limit, created_at, updated_at";

/// A user as the API shows it (no password hash).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct UserRow {
    pub id: Uuid,
    pub agency_id: Option<Uuid>,
    pub username: String,
    pub full_name: String,
    pub email: Option<String>,
    #[sqlx(try_from = "String")]
    pub role: RoleColumn,
    pub is_active: bool,
    pub commission_rate: Option<Decimal>,
    pub account_limit: Option<i32>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// `user_role` read as text and parsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RoleColumn(pub Role);

impl TryFrom<String> for RoleColumn {
    type Error = debtflow_domain::role::UnknownRole;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse().map(RoleColumn)
    }
}

pub struct NewUser<'a> {
    pub agency_id: Option<Uuid>,
    pub username: &'a str,
    pub full_name: &'a str,
    pub email: Option<&'a str>,
    pub role: Role,
    pub password_hash: &'a str,
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
                            commission_rate, account_limit)
         VALUES ($1, $2, $3, $4, $5, $6::user_role, $7, $8, $9)
         ON CONFLICT (username) DO NOTHING
         RETURNING {COLUMNS}"
    ))
    .bind(Uuid::now_v7())
    .bind(user.agency_id)
    .bind(user.username)
    .bind(user.full_name)
    .bind(user.email)
    .bind(user.role.as_str())
    .bind(user.password_hash)
    .bind(user.commission_rate)
    .bind(user.account_limit)
    .fetch_optional(db)
    .await
}

/// What login needs to know about a username.
pub struct LoginUser {
    pub principal: Principal,
    pub password_hash: String,
    pub is_active: bool,
}

pub async fn find_for_login(tx: &mut PgConnection, username: &str) -> Result<Option<LoginUser>, sqlx::Error> {
    let row: Option<(Uuid, Option<Uuid>, String, i32, String, bool)> = sqlx::query_as(
        "SELECT id, agency_id, role::text, token_version, password_hash, is_active FROM users WHERE username = $1",
    )
    .bind(username)
    .fetch_optional(tx)
    .await?;
    Ok(row.and_then(|(id, agency_id, role, token_version, password_hash, is_active)| {
        Some(LoginUser {
            principal: Principal { id, agency_id, role: role.parse().ok()?, token_version },
            password_hash,
            is_active,
        })
    }))
}

/// The user's current principal and whether they are active.
/// A user as tokens describe them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub id: Uuid,
    pub agency_id: Option<Uuid>,
    pub role: Role,
    pub token_version: i32,
}

pub async fn principal(tx: &mut PgConnection, id: Uuid) -> Result<Option<(Principal, bool)>, sqlx::Error> {
    let row: Option<(Option<Uuid>, String, i32, bool)> =
        sqlx::query_as("SELECT agency_id, role::text, token_version, is_active FROM users WHERE id = $1")
            .bind(id)
            .fetch_optional(tx)
            .await?;
    Ok(row.and_then(|(agency_id, role, token_version, active)| {
        Some((Principal { id, agency_id, role: role.parse().ok()?, token_version }, active))
    }))
}

pub async fn get(tx: &mut PgConnection, agency_id: Option<Uuid>, id: Uuid) -> Result<Option<UserRow>, sqlx::Error> {
    sqlx::query_as(&format!("SELECT {COLUMNS} FROM users WHERE id = $1 AND ($2::uuid IS NULL OR agency_id = $2)"))
        .bind(id)
        .bind(agency_id)
        .fetch_optional(tx)
        .await
}

/// A page of users ordered by username, after `after` (exclusive).
pub async fn list(
    tx: &mut PgConnection,
    agency_id: Option<Uuid>,
    role: Option<Role>,
    after: Option<&str>,
    limit: i64,
) -> Result<Vec<UserRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM users
         WHERE ($1::uuid IS NULL OR agency_id = $1)
           AND ($2::user_role IS NULL OR role = $2::user_role)
           AND ($3::text IS NULL OR username > $3)
         ORDER BY username
         LIMIT $4"
    ))
    .bind(agency_id)
    .bind(role.map(Role::as_str))
    .bind(after)
    .bind(limit)
    .fetch_all(tx)
    .await
}

/// Changes to a collector; `None` leaves a field as it is.
#[derive(Debug, Default)]
pub struct CollectorChanges<'a> {
    pub full_name: Option<&'a str>,
    pub email: Option<&'a str>,
    pub commission_rate: Option<Decimal>,
    pub account_limit: Option<i32>,
    pub is_active: Option<bool>,
}

/// Applies `changes`; deactivation bumps the token version, so every token of the
/// user stops working at once.
pub async fn update_collector(
    tx: &mut PgConnection,
    agency_id: Uuid,
    id: Uuid,
    changes: &CollectorChanges<'_>,
) -> Result<Option<UserRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "UPDATE users SET
             full_name = coalesce($3, full_name),
             email = coalesce($4, email),
             commission_rate = coalesce($5, commission_rate),
             account_limit = coalesce($6, account_limit),
             token_version = token_version + CASE WHEN $7 = false AND is_active THEN 1 ELSE 0 END,
             is_active = coalesce($7, is_active),
             updated_at = now()
         WHERE id = $1 AND agency_id = $2 AND role = 'collector'
         RETURNING {COLUMNS}"
    ))
    .bind(id)
    .bind(agency_id)
    .bind(changes.full_name)
    .bind(changes.email)
    .bind(changes.commission_rate)
    .bind(changes.account_limit)
    .bind(changes.is_active)
    .fetch_optional(tx)
    .await
}

/// A collector's standing for a new assignment.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CollectorLoad {
    pub id: Uuid,
    pub full_name: String,
    pub is_active: bool,
    pub account_limit: Option<i32>,
    /// Accounts assigned and not yet settled or closed.
    pub open_accounts: i64,
}

impl CollectorLoad {
    /// How many more accounts the collector may take.
    pub fn capacity(&self) -> u32 {
        let limit = i64::from(self.account_limit.unwrap_or(i32::MAX));
        u32::try_from((limit - self.open_accounts).max(0)).unwrap_or(u32::MAX)
    }
}

/// The agency's collectors among `ids`, locked until the transaction ends so that
/// concurrent assignments cannot overshoot an account limit.
pub async fn lock_collectors(
    tx: &mut PgConnection,
    agency_id: Uuid,
    ids: &[Uuid],
) -> Result<Vec<CollectorLoad>, sqlx::Error> {
    sqlx::query_as(
        "SELECT u.id, u.full_name, u.is_active, u.account_limit,
                (SELECT count(*) FROM accounts a
                 WHERE a.agency_id = u.agency_id AND a.collector_id = u.id
                   AND a.status NOT IN ('settled', 'closed')) AS open_accounts
         FROM users u
         WHERE u.agency_id = $1 AND u.id = ANY($2) AND u.role = 'collector'
         ORDER BY u.id
         FOR UPDATE OF u",
    )
    .bind(agency_id)
    .bind(ids)
    .fetch_all(tx)
    .await
}

/// The ids of the agency's active users with one of `roles`.
pub async fn active_with_roles(
    tx: &mut PgConnection,
    agency_id: Uuid,
    roles: &[Role],
) -> Result<Vec<Uuid>, sqlx::Error> {
    let roles: Vec<&str> = roles.iter().map(|r| r.as_str()).collect();
    sqlx::query_scalar("SELECT id FROM users WHERE agency_id = $1 AND is_active AND role::text = ANY($2) ORDER BY id")
        .bind(agency_id)
        .bind(&roles)
        .fetch_all(tx)
        .await
}
