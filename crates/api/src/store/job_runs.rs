//! The daily jobs' bookkeeping (migrations/0008): the advisory lock of each job, where
//! and for which date a job runs (every agency's today and local time, from the
//! clock's instant), and the `job_runs` rows — written as a run starts and ends, read
//! by `GET /jobs/runs` and by the scheduler's retry policy.
//!
//! Runs are written on the pool's own role: they are the platform's records, not a
//! tenant's (an agency reads its own and the platform-wide ones through row-level
//! security). Instants are the caller's (its clock), never the database's `now()`.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use sqlx::{PgConnection, PgExecutor, PgPool};
use uuid::Uuid;

use super::job_settings::Switches;
use debtflow_domain::job::Job;

pub use debtflow_domain::job::RunStatus;

/// Takes the job's session-level advisory lock on `conn`, if free.
pub async fn try_lock(conn: &mut PgConnection, job: &str) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar("SELECT pg_try_advisory_lock(hashtext('debtflow:job:' || $1))").bind(job).fetch_one(conn).await
}

pub async fn unlock(conn: &mut PgConnection, job: &str) -> Result<(), sqlx::Error> {
    sqlx::query("SELECT pg_advisory_unlock(hashtext('debtflow:job:' || $1))").bind(job).execute(conn).await.map(drop)
}

/// An agency and its business date at an instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::FromRow)]
pub struct AgencyDate {
    pub agency_id: Uuid,
    pub today: NaiveDate,
}

/// Every active agency (or only `only`, if active) with its today at `now`, in its time zone.
pub async fn agency_dates(db: &PgPool, now: DateTime<Utc>, only: Option<Uuid>) -> Result<Vec<AgencyDate>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id AS agency_id, ($1::timestamptz AT TIME ZONE time_zone)::date AS today FROM agencies
         WHERE is_active AND ($2::uuid IS NULL OR id = $2) ORDER BY id",
    )
    .bind(now)
    .bind(only)
    .fetch_all(db)
    .await
}

/// An agency's wall clock at an instant, and its kill switches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::FromRow)]
pub struct AgencyClock {
    pub agency_id: Uuid,
    /// The instant in the agency's time zone.
    pub local: NaiveDateTime,
    #[sqlx(flatten)]
    pub switches: Switches,
}

/// Every active agency's local time at `now` and its kill switches, in one query
/// (the scheduler's minute).
pub async fn agency_clocks(db: &PgPool, now: DateTime<Utc>) -> Result<Vec<AgencyClock>, sqlx::Error> {
    sqlx::query_as(
        "SELECT a.id AS agency_id, ($1::timestamptz AT TIME ZONE a.time_zone) AS local,
                coalesce(s.jobs_enabled, true) AS jobs_enabled,
                coalesce(s.reminders_enabled, true) AS reminders_enabled,
                coalesce(s.escalation_enabled, true) AS escalation_enabled,
                coalesce(s.defaults_enabled, true) AS defaults_enabled
         FROM agencies a LEFT JOIN job_settings s ON s.agency_id = a.id WHERE a.is_active ORDER BY a.id",
    )
    .bind(now)
    .fetch_all(db)
    .await
}

/// Whether the job already succeeded for the agency (or platform-wide) and date.
pub async fn succeeded(db: &PgPool, job: &str, agency_id: Option<Uuid>, as_of: NaiveDate) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM job_runs WHERE job = $1 AND agency_id IS NOT DISTINCT FROM $2
                        AND as_of_date = $3 AND status = $4)",
    )
    .bind(job)
    .bind(agency_id)
    .bind(as_of)
    .bind(RunStatus::Succeeded)
    .fetch_one(db)
    .await
}

/// A run as it begins: which job, for whom and which date, where.
#[derive(Debug, Clone, Copy)]
pub struct RunRecord<'a> {
    pub id: Uuid,
    pub job: &'a str,
    pub agency_id: Option<Uuid>,
    pub as_of_date: NaiveDate,
    /// Run although the date had succeeded.
    pub forced: bool,
    pub host: &'a str,
    pub pid: i32,
    pub started_at: DateTime<Utc>,
}

/// What a run counted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RunCounts {
    pub records_scanned: i64,
    pub records_updated: i64,
    pub notifications_sent: i64,
    pub notifications_failed: i64,
    pub errors_count: i64,
    pub findings: i64,
}

/// How a run ended.
#[derive(Debug, Clone, Copy)]
pub struct RunOutcome<'a> {
    pub status: RunStatus,
    pub finished_at: DateTime<Utc>,
    pub counts: RunCounts,
    /// The first causes of the failures, if any.
    pub error_summary: Option<&'a str>,
}

/// Records a run as started (`running`).
pub async fn start(db: impl PgExecutor<'_>, run: &RunRecord<'_>) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO job_runs (id, job, agency_id, as_of_date, status, forced, host, pid, started_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(run.id)
    .bind(run.job)
    .bind(run.agency_id)
    .bind(run.as_of_date)
    .bind(RunStatus::Running)
    .bind(run.forced)
    .bind(run.host)
    .bind(run.pid)
    .bind(run.started_at)
    .execute(db)
    .await
    .map(drop)
}

/// Writes the run's outcome and counts.
pub async fn finish(db: impl PgExecutor<'_>, id: Uuid, outcome: &RunOutcome<'_>) -> Result<(), sqlx::Error> {
    let c = &outcome.counts;
    sqlx::query(
        "UPDATE job_runs SET status = $2, finished_at = $3, records_scanned = $4, records_updated = $5,
                notifications_sent = $6, notifications_failed = $7, errors_count = $8, findings = $9,
                error_summary = $10
         WHERE id = $1",
    )
    .bind(id)
    .bind(outcome.status)
    .bind(outcome.finished_at)
    .bind(c.records_scanned)
    .bind(c.records_updated)
    .bind(c.notifications_sent)
    .bind(c.notifications_failed)
    .bind(c.errors_count)
    .bind(c.findings)
    .bind(outcome.error_summary)
    .execute(db)
    .await
    .map(drop)
}

/// Records, as it ended, a run that did not start (skipped or disabled).
pub async fn record(db: &PgPool, run: &RunRecord<'_>, outcome: &RunOutcome<'_>) -> Result<(), sqlx::Error> {
    let mut tx = db.begin().await?;
    start(&mut *tx, run).await?;
    finish(&mut *tx, run.id, outcome).await?;
    tx.commit().await
}

/// How many runs of the job for the agency and date failed.
pub async fn failures(
    conn: &mut PgConnection,
    job: &str,
    agency_id: Uuid,
    as_of: NaiveDate,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT count(*) FROM job_runs WHERE as_of_date = $3 AND job = $1 AND agency_id = $2 AND status = $4",
    )
    .bind(job)
    .bind(agency_id)
    .bind(as_of)
    .bind(RunStatus::Failed)
    .fetch_one(conn)
    .await
}

/// A run of a date, as the scheduler's retry policy reads it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct DayRun {
    pub job: String,
    pub agency_id: Option<Uuid>,
    pub as_of_date: NaiveDate,
    pub status: RunStatus,
    /// When it ended, or began if it has not ended.
    pub at: DateTime<Utc>,
}

/// Every run of the dates, in the order they ended (or began, if running).
pub async fn runs_of_dates(db: &PgPool, dates: &[NaiveDate]) -> Result<Vec<DayRun>, sqlx::Error> {
    sqlx::query_as(
        "SELECT job, agency_id, as_of_date, status, coalesce(finished_at, started_at) AS at
         FROM job_runs WHERE as_of_date = ANY($1) ORDER BY at, id",
    )
    .bind(dates)
    .fetch_all(db)
    .await
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RunRow {
    pub id: Uuid,
    pub job: Job,
    pub agency_id: Option<Uuid>,
    pub as_of_date: NaiveDate,
    pub status: RunStatus,
    pub forced: bool,
    pub started_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    pub records_scanned: i64,
    pub records_updated: i64,
    pub notifications_sent: i64,
    pub notifications_failed: i64,
    pub errors_count: i64,
    pub findings: i64,
    pub error_summary: Option<String>,
    pub host: String,
    pub pid: i32,
}

/// Runs visible in the transaction's scope (the agency's and the platform's), newest
/// first.
pub async fn list(
    tx: &mut PgConnection,
    job: Option<Job>,
    before: Option<(DateTime<Utc>, Uuid)>,
    limit: i64,
) -> Result<Vec<RunRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, job, agency_id, as_of_date, status, forced, started_at, finished_at, records_scanned,
                records_updated, notifications_sent, notifications_failed, errors_count, findings, error_summary,
                host, pid
         FROM job_runs
         WHERE ($1::text IS NULL OR job = $1) AND ($2::timestamptz IS NULL OR (started_at, id) < ($2, $3))
         ORDER BY started_at DESC, id DESC LIMIT $4",
    )
    .bind(job)
    .bind(before.map(|b| b.0))
    .bind(before.map(|b| b.1))
    .bind(limit)
    .fetch_all(tx)
    .await
}

/// Where a page of [`latest_per_day`] ends: the last row's date, job and agency
/// (`None`: the platform-wide run).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DayKey {
    pub as_of_date: NaiveDate,
    pub job: Job,
    pub agency_id: Option<Uuid>,
}

/// The latest run of a job, agency and date, and how many runs that day had.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct LatestRun {
    #[sqlx(flatten)]
    pub run: RunRow,
    /// Runs of the job for the agency and date (retries, skips, forced re-runs).
    pub runs_that_day: i64,
}

/// The latest run of each job, agency and date visible in the transaction's scope:
/// the newest date first, then by job and agency (platform-wide first), after `after`.
/// Read in the order of `job_runs_latest_idx` (migrations/0023), so a page reads only
/// its own dates' runs.
pub async fn latest_per_day(
    tx: &mut PgConnection,
    job: Option<Job>,
    after: Option<DayKey>,
    limit: i64,
) -> Result<Vec<LatestRun>, sqlx::Error> {
    sqlx::query_as(
        "SELECT l.*,
                (SELECT count(*) FROM job_runs r
                 WHERE r.as_of_date = l.as_of_date AND r.job = l.job
                   AND coalesce(r.agency_id, '00000000-0000-0000-0000-000000000000'::uuid)
                       = coalesce(l.agency_id, '00000000-0000-0000-0000-000000000000'::uuid)) AS runs_that_day
         FROM (SELECT DISTINCT ON (as_of_date, job, coalesce(agency_id, '00000000-0000-0000-0000-000000000000'::uuid))
                      id, job, agency_id, as_of_date, status, forced, started_at, finished_at, records_scanned,
                      records_updated, notifications_sent, notifications_failed, errors_count, findings,
                      error_summary, host, pid
               FROM job_runs
               WHERE ($1::text IS NULL OR job = $1)
                 AND ($2::date IS NULL OR as_of_date <= $2)
                 AND ($2::date IS NULL OR as_of_date < $2
                      OR (job, coalesce(agency_id, '00000000-0000-0000-0000-000000000000'::uuid)) > ($3, $4))
               ORDER BY as_of_date DESC, job, coalesce(agency_id, '00000000-0000-0000-0000-000000000000'::uuid),
                        started_at DESC, id DESC
               LIMIT $5) l
         ORDER BY l.as_of_date DESC, l.job, coalesce(l.agency_id, '00000000-0000-0000-0000-000000000000'::uuid)",
    )
    .bind(job)
    .bind(after.map(|k| k.as_of_date))
    .bind(after.map(|k| k.job))
    .bind(after.map(|k| k.agency_id.unwrap_or(Uuid::nil())))
    .bind(limit)
    .fetch_all(tx)
    .await
}
