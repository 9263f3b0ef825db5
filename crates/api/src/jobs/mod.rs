//! The daily jobs: work that runs by business date rather than by request.
//!
//! `debtflow job run <name> [--as-of-date D] [--force]`, `POST /jobs/{name}/run`, and
//! the in-process scheduler of `debtflow serve` ([`scheduler`]) all go through
//! [`run`], which takes its instant from the context's [`Clock`] (the system's for the
//! command, the app's for the API, a frozen one in tests):
//!
//! - a PostgreSQL advisory lock per job, held for the run: a second runner, on any
//!   machine, records `skipped_lock` and exits 0;
//! - per agency (or once, for platform-wide jobs) and business date — the agency's
//!   today at the clock's instant, unless a date is given: the kill switches
//!   ([`settings`]) are read, a date that already has a successful run is
//!   `skipped_done` unless forced, and a `job_runs` row records the run and its counts;
//! - the status: `succeeded`, `partial` (some records failed, the others committed),
//!   `failed` (nothing committed), `skipped_lock`, `skipped_done` or `disabled`; one
//!   JSON line per run ([`RunReport::json_line`]);
//! - a job that fails a second time for an agency and date tells the agency's admins,
//!   once ([`escalation`]); when it runs again is the scheduler's [`policy`].
//!
//! Every job is idempotent per date: its writes are keyed by date or entity (bucket
//! moves, notifications' idempotency keys), so a re-run changes and sends nothing.
//! Jobs fail with [`JobError`], never an HTTP type.

pub mod data_quality;
pub mod debtor_reminders;
pub mod dpd_aging;
pub mod error;
pub mod escalation;
pub mod hearing_reminders;
pub mod idempotency_purge;
pub mod installment_reminders;
pub mod maintenance;
pub mod milestone_overdue_scan;
pub mod next_hearing_rollup;
pub mod overdue_default_scan;
pub mod plan_defaults;
pub mod policy;
pub mod promise_evaluation;
pub mod scheduler;
pub mod settings;
pub mod stale_account_escalation;

pub use debtflow_domain::job::{Job, RunStatus, Switch};
pub use error::JobError;

use crate::{
    clock::Clock,
    messages::Messenger,
    store::{
        self,
        aging::Anchors,
        job_runs::{RunCounts, RunOutcome, RunRecord},
    },
};
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::PgPool;
use std::{fmt, time::Instant};
use uuid::Uuid;

/// What one run did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tally {
    pub records_scanned: i64,
    pub records_updated: i64,
    pub notifications_sent: i64,
    pub notifications_failed: i64,
    pub errors_count: i64,
    /// data_quality: problems found (a report, not a failure).
    pub findings: i64,
    pub error_summary: Option<String>,
}

impl Tally {
    /// Counts a record that failed, keeping the first few causes.
    pub fn failed(&mut self, what: impl fmt::Display, err: &JobError) {
        self.errors_count += 1;
        let line = format!("{what}: {err}");
        let summary = self.error_summary.get_or_insert_with(String::new);
        if summary.len() < 2000 {
            if !summary.is_empty() {
                summary.push_str("; ");
            }
            summary.push_str(&line);
        }
    }

    fn counts(&self) -> RunCounts {
        RunCounts {
            records_scanned: self.records_scanned,
            records_updated: self.records_updated,
            notifications_sent: self.notifications_sent,
            notifications_failed: self.notifications_failed,
            errors_count: self.errors_count,
            findings: self.findings,
        }
    }
}

/// One run, as logged and stored.
#[derive(Debug, Clone)]
pub struct RunReport {
    pub run_id: Uuid,
    pub job: Job,
    pub agency_id: Option<Uuid>,
    pub as_of_date: NaiveDate,
    pub status: RunStatus,
    pub duration_ms: i64,
    /// The clock's instant when the run ended.
    pub finished_at: DateTime<Utc>,
    pub tally: Tally,
}

impl RunReport {
    /// The runbook's JSON line: ts, level, job, run_id, as_of_date, status,
    /// duration_ms, the counts, host, pid.
    pub fn json_line(&self) -> String {
        let level = match self.status {
            RunStatus::Failed => "error",
            RunStatus::Partial => "warn",
            _ => "info",
        };
        serde_json::json!({
            "ts": self.finished_at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            "level": level,
            "job": self.job,
            "run_id": self.run_id,
            "agency_id": self.agency_id,
            "as_of_date": self.as_of_date,
            "status": self.status.as_str(),
            "duration_ms": self.duration_ms,
            "records_scanned": self.tally.records_scanned,
            "records_updated": self.tally.records_updated,
            "notifications_sent": self.tally.notifications_sent,
            "notifications_failed": self.tally.notifications_failed,
            "errors_count": self.tally.errors_count,
            "findings": self.tally.findings,
            "host": host(),
            "pid": std::process::id(),
        })
        .to_string()
    }

    fn outcome(&self) -> RunOutcome<'_> {
        RunOutcome {
            status: self.status,
            finished_at: self.finished_at,
            counts: self.tally.counts(),
            error_summary: self.tally.error_summary.as_deref(),
        }
    }
}

/// The exit code of a command that ran `reports`: 1 if any failed, 2 if any was
/// partial, else 0 (successes and skips).
pub fn exit_code(reports: &[RunReport]) -> i32 {
    if reports.iter().any(|r| r.status == RunStatus::Failed) {
        1
    } else if reports.iter().any(|r| r.status == RunStatus::Partial) {
        2
    } else {
        0
    }
}

/// What a run is asked to do.
#[derive(Debug, Clone, Copy, Default)]
pub struct RunRequest {
    /// Only this agency (the API's trigger, the scheduler); all of them otherwise.
    pub agency_id: Option<Uuid>,
    /// The business date; each agency's today otherwise.
    pub as_of: Option<NaiveDate>,
    /// Run even if the date already has a successful run.
    pub force: bool,
}

/// What the jobs need besides the pool: their settings and the clock they read "now"
/// from.
#[derive(Debug, Clone)]
pub struct JobContext {
    pub idempotency_ttl_secs: i64,
    pub login_window_secs: i64,
    pub clock: Clock,
    /// Who carries the reminders to debtors.
    pub messenger: Messenger,
}

impl JobContext {
    pub fn of(config: &crate::config::Config, clock: Clock) -> Self {
        JobContext {
            idempotency_ttl_secs: config.money.idempotency_ttl_secs,
            login_window_secs: config.login_window_secs,
            clock,
            messenger: Messenger::log(),
        }
    }
}

fn host() -> String {
    std::env::var("HOSTNAME")
        .ok()
        .or_else(|| std::fs::read_to_string("/etc/hostname").ok().map(|h| h.trim().to_owned()))
        .unwrap_or_else(|| "unknown".to_owned())
}

/// Where a job runs: an agency with its today, or platform-wide with today in UTC.
#[derive(Debug, Clone, Copy)]
struct Target {
    agency_id: Option<Uuid>,
    today: NaiveDate,
}

async fn targets(db: &PgPool, job: Job, only: Option<Uuid>, now: DateTime<Utc>) -> Result<Vec<Target>, JobError> {
    if !job.per_agency() {
        return Ok(vec![Target { agency_id: None, today: now.date_naive() }]);
    }
    let dates = store::job_runs::agency_dates(db, now, only).await?;
    Ok(dates.into_iter().map(|d| Target { agency_id: Some(d.agency_id), today: d.today }).collect())
}

/// Runs `job` as `request` says; one report per agency run (or one for a
/// platform-wide job), each `skipped_lock` if another runner holds the job.
pub async fn run(db: &PgPool, ctx: &JobContext, job: Job, request: RunRequest) -> Result<Vec<RunReport>, JobError> {
    let mut lock = db.acquire().await?;
    let locked = store::job_runs::try_lock(&mut lock, job.name()).await?;
    let targets = targets(db, job, request.agency_id, ctx.clock.now()).await;
    let outcome = match targets {
        Ok(targets) if locked => run_locked(db, ctx, job, request, targets).await,
        Ok(targets) => skip_locked(db, ctx, job, request, targets).await,
        Err(err) => Err(err),
    };
    if locked {
        store::job_runs::unlock(&mut lock, job.name()).await?;
    }
    outcome
}

/// Who writes a run's rows.
struct Runner {
    host: String,
    pid: i32,
}

impl Runner {
    fn new() -> Self {
        Runner { host: host(), pid: std::process::id() as i32 }
    }

    fn record<'a>(&'a self, report: &RunReport, forced: bool, started_at: DateTime<Utc>) -> RunRecord<'a> {
        RunRecord {
            id: report.run_id,
            job: report.job.name(),
            agency_id: report.agency_id,
            as_of_date: report.as_of_date,
            forced,
            host: &self.host,
            pid: self.pid,
            started_at,
        }
    }
}

fn report(job: Job, target: Target, request: RunRequest, status: RunStatus, at: DateTime<Utc>) -> RunReport {
    RunReport {
        run_id: Uuid::now_v7(),
        job,
        agency_id: target.agency_id,
        as_of_date: request.as_of.unwrap_or(target.today),
        status,
        duration_ms: 0,
        finished_at: at,
        tally: Tally::default(),
    }
}

async fn skip_locked(
    db: &PgPool,
    ctx: &JobContext,
    job: Job,
    request: RunRequest,
    targets: Vec<Target>,
) -> Result<Vec<RunReport>, JobError> {
    let runner = Runner::new();
    let mut reports = Vec::new();
    for target in targets {
        let now = ctx.clock.now();
        let report = report(job, target, request, RunStatus::SkippedLock, now);
        store::job_runs::record(db, &runner.record(&report, request.force, now), &report.outcome()).await?;
        reports.push(report);
    }
    Ok(reports)
}

async fn run_locked(
    db: &PgPool,
    ctx: &JobContext,
    job: Job,
    request: RunRequest,
    targets: Vec<Target>,
) -> Result<Vec<RunReport>, JobError> {
    let runner = Runner::new();
    let mut reports = Vec::new();
    for target in targets {
        let started_at = ctx.clock.now();
        let mut report = report(job, target, request, RunStatus::Succeeded, started_at);
        let as_of = report.as_of_date;
        let record = runner.record(&report, request.force, started_at);
        let skipped = match target.agency_id {
            Some(agency) if !settings::enabled(db, agency, job).await? => Some(RunStatus::Disabled),
            _ if !request.force && store::job_runs::succeeded(db, job.name(), target.agency_id, as_of).await? => {
                Some(RunStatus::SkippedDone)
            }
            _ => None,
        };
        if let Some(status) = skipped {
            report.status = status;
            store::job_runs::record(db, &record, &report.outcome()).await?;
            reports.push(report);
            continue;
        }
        store::job_runs::start(db, &record).await?;
        let started = Instant::now();
        match execute(db, ctx, job, target, as_of, report.run_id).await {
            Ok(tally) => {
                report.status = if tally.errors_count > 0 { RunStatus::Partial } else { RunStatus::Succeeded };
                report.tally = tally;
            }
            Err(err) => {
                report.status = RunStatus::Failed;
                report.tally.failed("the run", &err);
            }
        }
        report.duration_ms = started.elapsed().as_millis() as i64;
        report.finished_at = ctx.clock.now();
        match (report.status, target.agency_id) {
            (RunStatus::Failed, Some(agency)) => {
                escalation::finish_failed(db, &record, &report.outcome(), agency).await?;
            }
            _ => store::job_runs::finish(db, report.run_id, &report.outcome()).await?,
        }
        reports.push(report);
    }
    Ok(reports)
}

/// The job's own work for one target and date.
async fn execute(
    db: &PgPool,
    ctx: &JobContext,
    job: Job,
    target: Target,
    as_of: NaiveDate,
    run_id: Uuid,
) -> Result<Tally, JobError> {
    let agency = || target.agency_id.ok_or(JobError::NeedsAgency(job));
    match job {
        Job::DpdAging => {
            // A live run (today or later) moves the anchors; a replay only records moves.
            let anchors = if as_of >= target.today { Anchors::Move } else { Anchors::Keep };
            dpd_aging::run(db, agency()?, as_of, target.today, anchors).await
        }
        Job::InstallmentReminders => installment_reminders::run(db, agency()?, as_of).await,
        Job::OverdueDefaultScan => overdue_default_scan::run(db, agency()?, as_of).await,
        Job::PromiseEvaluation => promise_evaluation::run(db, agency()?, as_of).await,
        Job::DebtorReminders => debtor_reminders::run(db, &ctx.messenger, agency()?, as_of, ctx.clock.now()).await,
        Job::StaleAccountEscalation => stale_account_escalation::run(db, agency()?, as_of).await,
        Job::HearingReminders => hearing_reminders::run(db, agency()?, as_of).await,
        Job::MilestoneOverdueScan => milestone_overdue_scan::run(db, agency()?, as_of).await,
        Job::NextHearingRollup => next_hearing_rollup::run(db, agency()?, as_of).await,
        Job::DataQuality => data_quality::run(db, agency()?, target.today, run_id).await,
        Job::IdempotencyPurge => idempotency_purge::run(db, ctx.clock.now(), ctx.idempotency_ttl_secs).await,
        Job::Maintenance => maintenance::run(db, as_of, ctx.clock.now(), ctx.login_window_secs).await,
    }
}
