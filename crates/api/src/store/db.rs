//! The PostgreSQL pool and the schema's migrations.
//!
//! Migrations are the plain SQL files of `migrations/`, embedded in the binary, applied
//! by `debtflow migrate` and at the start of `debtflow serve` (sqlx takes an advisory
//! lock, so replicas starting together apply them once).

use sqlx::{
    migrate::Migrator,
    postgres::{PgConnectOptions, PgPoolOptions},
    PgConnection, PgPool,
};
use std::{collections::HashSet, str::FromStr, time::Duration};

pub static MIGRATOR: Migrator = sqlx::migrate!("../../migrations");

/// A pool that connects on first use; a database that is down fails requests and
/// readiness, not the start of the process.
pub fn pool(url: &str, max_connections: u32, statement_timeout_ms: u64) -> Result<PgPool, sqlx::Error> {
    Ok(ping_when_idle(PgPoolOptions::new().max_connections(max_connections).acquire_timeout(Duration::from_secs(3)))
        .connect_lazy_with(connect_options(url, "debtflow", statement_timeout_ms)?))
}

/// How long a pooled connection may rest before it is checked on its way out of the
/// pool ([`ping_when_idle`]).
pub const PING_AFTER_IDLE: Duration = Duration::from_secs(1);

/// A connection taken from the pool is checked with a round trip (sqlx's ping) only when
/// it has rested longer than [`PING_AFTER_IDLE`]. sqlx pings on every acquire by
/// default: one round trip more on every request, 5 instead of 4 for a payment. A
/// connection broken while it rested (a restart of PostgreSQL takes longer than that)
/// is still found by the ping and replaced by a new one, so the request never sees it;
/// one broken while in use, or within the second before its next use (an administrator
/// ending its backend), fails that request as any lost connection does: a 503 that
/// may be retried, nothing written.
pub fn ping_when_idle<DB: sqlx::Database>(options: sqlx::pool::PoolOptions<DB>) -> sqlx::pool::PoolOptions<DB> {
    options.test_before_acquire(false).before_acquire(|conn, meta| {
        Box::pin(async move {
            if meta.idle_for > PING_AFTER_IDLE {
                sqlx::Connection::ping(conn).await?;
            }
            Ok(true)
        })
    })
}

/// How every pool connects: named `application_name` in `pg_stat_activity`.
pub fn connect_options(
    url: &str,
    application_name: &str,
    statement_timeout_ms: u64,
) -> Result<PgConnectOptions, sqlx::Error> {
    // JIT compilation costs tens of milliseconds and pays off only for long analytic
    // queries; the API runs short ones. A statement that runs away is cancelled
    // rather than left to hold a connection (`DATABASE_STATEMENT_TIMEOUT_MS`).
    Ok(PgConnectOptions::from_str(url)?
        .application_name(application_name)
        .options([("jit", "off"), ("statement_timeout", &statement_timeout_ms.to_string())]))
}

/// Applies the embedded migrations on a connection of its own, without the API's
/// statement timeout: an index built over a large table takes as long as it takes.
pub async fn migrate(db: &PgPool) -> Result<(), sqlx::migrate::MigrateError> {
    let mut conn = db.acquire().await?.detach();
    sqlx::query("SET statement_timeout = 0").execute(&mut conn).await?;
    MIGRATOR.run(&mut conn).await?;
    Ok(sqlx::Connection::close(conn).await?)
}

/// What `/health/ready` found.
#[derive(Debug, PartialEq, Eq)]
pub enum Readiness {
    Ready,
    /// These embedded migrations are not applied (or failed) in the database.
    MigrationsPending(Vec<i64>),
}

pub async fn readiness(db: &PgPool) -> Result<Readiness, sqlx::Error> {
    let applied: HashSet<i64> = sqlx::query_scalar("SELECT version FROM _sqlx_migrations WHERE success")
        .fetch_all(db)
        .await
        .or_else(|err| match &err {
            // No migrations table yet: nothing is applied.
            sqlx::Error::Database(e) if e.code().as_deref() == Some("42P01") => Ok(Vec::new()),
            _ => Err(err),
        })?
        .into_iter()
        .collect();
    let pending: Vec<i64> = MIGRATOR.iter().map(|m| m.version).filter(|v| !applied.contains(v)).collect();
    Ok(if pending.is_empty() { Readiness::Ready } else { Readiness::MigrationsPending(pending) })
}

/// Whose rows a transaction may see: one agency's, or every agency's (login, platform
/// admins). Row-level security enforces it below the application's own filters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Agency(uuid::Uuid),
    Platform,
    /// An authenticated caller's: their agency's rows (every agency's for platform
    /// admins), once their access token is found current.
    Caller(Caller),
}

/// What an access token claims, to be checked against the database: the user is
/// active, with this role, agency and token version, and the session is live.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Caller {
    pub user_id: uuid::Uuid,
    pub session_id: uuid::Uuid,
    pub token_version: i32,
    pub role: debtflow_domain::Role,
    pub agency_id: Option<uuid::Uuid>,
}

/// Begins a platform-wide transaction for a batch job: the request limits do not apply
/// (no statement timeout, memory for set-based sorts and hashes of a million rows, and
/// parallel plans as the server allows them; see [`request_settings`]).
pub async fn begin_batch(db: &PgPool) -> Result<sqlx::Transaction<'static, sqlx::Postgres>, sqlx::Error> {
    db.begin_with(
        "BEGIN; SET LOCAL ROLE debtflow_app; SET LOCAL app.agency_id = '*'; \
         SET LOCAL statement_timeout = 0; SET LOCAL work_mem = '256MB'",
    )
    .await
}

/// Begins a transaction as the `debtflow_app` role, scoped to `scope` (see
/// migrations/0002_identity.sql). Every request's database work goes through one.
///
/// One round trip: for a caller, the check of their access token, BEGIN, the role and
/// the scope travel in one simple-protocol message. A failed check aborts the whole
/// message (error [`super::REVOKED`]) before the transaction opens. Every interpolated value
/// is a UUID, an integer, a role name or `*`, never text from a request.
pub async fn begin(db: &PgPool, scope: Scope) -> Result<sqlx::Transaction<'static, sqlx::Postgres>, sqlx::Error> {
    db.begin_with(opening(scope, "BEGIN")).await
}

/// [`begin`] with `statements` run in the same message, inside the transaction, before
/// the transaction block is opened: what a use case must do first (claim its
/// idempotency key, lock its row) costs no round trip of its own. A failure of any of
/// them ends the message with nothing left open — the statements run before BEGIN form
/// one implicit transaction, rolled back whole, which BEGIN turns into the request's
/// transaction when they succeed (see the protocol's "Multiple Statements in a Simple
/// Query"). Simple protocol, no bind parameters: `statements` must be built from typed
/// values only (UUIDs, numbers, hex), never from text as sent.
pub async fn begin_after(
    db: &PgPool,
    scope: Scope,
    statements: &str,
) -> Result<sqlx::Transaction<'static, sqlx::Postgres>, sqlx::Error> {
    let (agency, check) = opening_parts(scope);
    db.begin_with(format!("{check}{}; {statements}; BEGIN", request_settings(&agency))).await
}

/// The settings of a request's transaction: the application role, the scope's agency,
/// and one core. A request's statements run on one core each: a parallel plan pays
/// milliseconds to start its workers and takes cores that other requests are waiting
/// for, while a request reads a page of rows along an index. Batch jobs
/// ([`begin_batch`]) keep the server's setting and may spread a scan of millions of
/// rows over its cores.
fn request_settings(agency: &str) -> String {
    format!(
        "SET LOCAL ROLE debtflow_app; SET LOCAL app.agency_id = '{agency}'; \
         SET LOCAL max_parallel_workers_per_gather = 0"
    )
}

/// The scope's agency as `app.agency_id` takes it, and the access check of a caller.
fn opening_parts(scope: Scope) -> (String, String) {
    match scope {
        Scope::Agency(id) => (id.to_string(), String::new()),
        Scope::Platform => ("*".to_owned(), String::new()),
        Scope::Caller(c) => (c.agency_id.map_or_else(|| "*".to_owned(), |id| id.to_string()), access_check(c)),
    }
}

/// How the statements of a read transaction are planned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Planning {
    /// As PostgreSQL costs them.
    Costed,
    /// Every `ORDER BY` walked along an index rather than sorted (`enable_sort = off`):
    /// for statements whose every sort key has one, such as a worklist page without a
    /// search ([`super::accounts::worklist`]). Row-level security hides column
    /// statistics from the planner for operators that are not leakproof (numeric
    /// comparisons among them), so a balance filter can make it expect one row and sort
    /// the whole table.
    IndexOrder,
}

/// [`begin`], read-only: what the reads of [`super::read_pool`] open, on the primary as
/// on a replica, so that a write slipping into one of them fails in every test, not
/// only on a hot standby. Nothing of the opening writes: the access check is a
/// `STABLE` function that only reads, `SET LOCAL` changes settings, not data. The
/// `planning` travels in the same message.
///
/// These reads (the worklist, its count, the dashboards and reports) keep one plan per
/// statement and connection (`plan_cache_mode`): PostgreSQL otherwise planned a
/// worklist page afresh on every request — 0.5 ms of planning for 0.2 ms of execution,
/// since its generic plan costs more on paper — and `make bench` served a third more
/// worklist pages and twice the searches at c = 16 with it (no report slower). Their
/// filters are index walks whatever the values, and the tenant's scope is read when the
/// plan runs, not when it is made.
pub async fn begin_read_only(
    db: &PgPool,
    scope: Scope,
    planning: Planning,
) -> Result<sqlx::Transaction<'static, sqlx::Postgres>, sqlx::Error> {
    let sorts = match planning {
        Planning::Costed => "",
        Planning::IndexOrder => "; SET LOCAL enable_sort = off",
    };
    db.begin_with(opening(scope, "BEGIN READ ONLY") + "; SET LOCAL plan_cache_mode = force_generic_plan" + sorts).await
}

/// The check [`begin`] makes of a caller's access token, alone: for a transaction
/// opened on another server (a replica, whose copy of the sessions may lag behind).
pub async fn check_access(db: &PgPool, caller: Caller) -> Result<(), sqlx::Error> {
    sqlx::raw_sql(&access_check(caller)).execute(db).await.map(drop)
}

/// The opening message of a transaction of `scope`, starting with `begin`.
fn opening(scope: Scope, begin: &str) -> String {
    let (agency, check) = opening_parts(scope);
    format!("{check}{begin}; {}", request_settings(&agency))
}

/// `app_check_access` of `c` (migrations/0006, 0024), as a statement.
fn access_check(c: Caller) -> String {
    format!(
        "SELECT app_check_access('{}', '{}', {}, '{}', {}); ",
        c.user_id,
        c.session_id,
        c.token_version,
        c.role.as_str(),
        c.agency_id.map_or_else(|| "NULL".to_owned(), |id| format!("'{id}'"))
    )
}

/// Takes the session-level advisory lock named (`namespace`, `key`) on `conn`, if free:
/// held across transactions, released by [`advisory_unlock`] or when the connection
/// dies (a killed process frees its locks at once).
pub async fn try_advisory_lock(conn: &mut PgConnection, namespace: &str, key: &str) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar("SELECT pg_try_advisory_lock(hashtext($1), hashtext($2))")
        .bind(namespace)
        .bind(key)
        .fetch_one(conn)
        .await
}

/// Waits for the transaction-level advisory lock named (`namespace`, `key`): held until
/// the transaction ends, so one holder at a time does what follows.
pub async fn advisory_xact_lock(conn: &mut PgConnection, namespace: &str, key: &str) -> Result<(), sqlx::Error> {
    sqlx::query("SELECT pg_advisory_xact_lock(hashtext($1), hashtext($2))")
        .bind(namespace)
        .bind(key)
        .execute(conn)
        .await
        .map(drop)
}

pub async fn advisory_unlock(conn: &mut PgConnection, namespace: &str, key: &str) -> Result<(), sqlx::Error> {
    sqlx::query("SELECT pg_advisory_unlock(hashtext($1), hashtext($2))")
        .bind(namespace)
        .bind(key)
        .execute(conn)
        .await
        .map(drop)
}
