//! The daily jobs: work that runs by business date rather than by request.
//!
//! `debtflow job run <name> [--as-of-date D] [--force]`, `POST /jobs/{name}/run`, and
//! the in-process scheduler of `debtflow serve` ([`scheduler`]) all go through
//! [`run`]:
//!
//! - a PostgreSQL advisory lock per job, held for the run: a second runner, on any
//!   machine, records `skipped_lock` and exits 0;
//! - per agency (or once, for platform-wide jobs) and business date — the agency's
//!   today unless a date is given: the kill switches ([`settings`]) are read, a date
//!   that already has a successful run is `skipped_done` unless forced, and a
//!   `job_runs` row records the run and its counts;
//! - the status: `succeeded`, `partial` (some records failed, the others committed),
//!   `failed` (nothing committed), `skipped_lock`, `skipped_done` or `disabled`; one
//!   JSON line per run ([`RunReport::json_line`]).
//!
//! Every job is idempotent per date: its writes are keyed by date or entity (bucket
//! moves, notifications' idempotency keys), so a re-run changes and sends nothing.

pub mod data_quality;
pub mod dpd_aging;
pub mod idempotency_purge;
pub mod installment_reminders;
pub mod maintenance;
pub mod overdue_default_scan;
pub mod plan_defaults;
pub mod scheduler;
pub mod settings;
pub mod stale_account_escalation;

use crate::{problem::ApiError, store};
use chrono::{NaiveDate, NaiveTime, Utc, Weekday};
use serde::Serialize;
use sqlx::PgPool;
use std::{fmt, str::FromStr, time::Instant};
use uuid::Uuid;

/// Every job.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Job {
    DpdAging,
    InstallmentReminders,
    OverdueDefaultScan,
    StaleAccountEscalation,
    DataQuality,
    IdempotencyPurge,
    Maintenance,
}

/// Which kill switch, besides `jobs_enabled`, stops a job.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Switch {
    Reminders,
    Escalation,
    Defaults,
}

impl Job {
    pub const ALL: [Job; 7] = [
        Job::DpdAging,
        Job::InstallmentReminders,
        Job::OverdueDefaultScan,
        Job::StaleAccountEscalation,
        Job::DataQuality,
        Job::IdempotencyPurge,
        Job::Maintenance,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Job::DpdAging => "dpd_aging",
            Job::InstallmentReminders => "installment_reminders",
            Job::OverdueDefaultScan => "overdue_default_scan",
            Job::StaleAccountEscalation => "stale_account_escalation",
            Job::DataQuality => "data_quality",
            Job::IdempotencyPurge => "idempotency_purge",
            Job::Maintenance => "maintenance",
        }
    }

    pub fn description(self) -> &'static str {
        match self {
            Job::DpdAging => "days past due and aging buckets of open accounts; bucket moves recorded",
            Job::InstallmentReminders => {
                "collectors reminded of installments due in N days (setting reminder_days_before, 3)"
            }
            Job::OverdueDefaultScan => "late installments flagged; plans past their default threshold defaulted",
            Job::StaleAccountEscalation => {
                "managers told of accounts without activity for N days (setting stale_after_days, 14)"
            }
            Job::DataQuality => {
                "balances against the ledger, balanced entries, plans on closed accounts, payments without entries"
            }
            Job::IdempotencyPurge => "idempotency keys older than IDEMPOTENCY_KEY_TTL_SECS deleted",
            Job::Maintenance => {
                "audit partitions made 3 months ahead, detached after 24 months; old failed logins deleted"
            }
        }
    }

    /// Platform-wide jobs run once, not per agency.
    pub fn per_agency(self) -> bool {
        !matches!(self, Job::IdempotencyPurge | Job::Maintenance)
    }

    pub fn switch(self) -> Option<Switch> {
        match self {
            Job::InstallmentReminders => Some(Switch::Reminders),
            Job::StaleAccountEscalation => Some(Switch::Escalation),
            Job::OverdueDefaultScan => Some(Switch::Defaults),
            _ => None,
        }
    }

    /// When the scheduler runs it, in each agency's time zone (the seed's runbook):
    /// a weekday for weekly jobs, and a time of day.
    pub fn schedule(self) -> (Option<Weekday>, NaiveTime) {
        let at = |h, m| NaiveTime::from_hms_opt(h, m, 0).unwrap_or(NaiveTime::MIN);
        match self {
            Job::Maintenance => (None, at(5, 30)),
            Job::IdempotencyPurge => (None, at(6, 0)),
            Job::DpdAging => (None, at(6, 50)),
            Job::InstallmentReminders => (None, at(7, 0)),
            Job::OverdueDefaultScan => (None, at(7, 10)),
            Job::StaleAccountEscalation => (None, at(7, 30)),
            Job::DataQuality => (Some(Weekday::Mon), at(8, 0)),
        }
    }
}

impl fmt::Display for Job {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Job {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Job::ALL.into_iter().find(|j| j.name() == s).ok_or_else(|| {
            let names: Vec<&str> = Job::ALL.iter().map(|j| j.name()).collect();
            format!("`{s}` is not a job; the jobs are {}", names.join(", "))
        })
    }
}

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RunStatus {
    Succeeded,
    Partial,
    Failed,
    SkippedLock,
    SkippedDone,
    Disabled,
}

impl RunStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            RunStatus::Succeeded => "succeeded",
            RunStatus::Partial => "partial",
            RunStatus::Failed => "failed",
            RunStatus::SkippedLock => "skipped_lock",
            RunStatus::SkippedDone => "skipped_done",
            RunStatus::Disabled => "disabled",
        }
    }
}

/// What one run did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Tally {
    pub records_scanned: i64,
    pub records_updated: i64,
    pub notifications_sent: i64,
    pub notifications_failed: i64,
    pub errors_count: i64,
    /// data_quality: problems found (a report, not a failure).
    pub findings: i64,
    #[serde(skip)]
    pub error_summary: Option<String>,
}

impl Tally {
    /// Counts a record that failed, keeping the first few causes.
    pub fn failed(&mut self, what: impl fmt::Display, err: &ApiError) {
        self.errors_count += 1;
        let line = format!("{what}: {err:?}");
        let summary = self.error_summary.get_or_insert_with(String::new);
        if summary.len() < 2000 {
            if !summary.is_empty() {
                summary.push_str("; ");
            }
            summary.push_str(&line);
        }
    }
}

/// One run, as logged and stored.
#[derive(Debug, Clone, Serialize)]
pub struct RunReport {
    pub run_id: Uuid,
    pub job: Job,
    pub agency_id: Option<Uuid>,
    pub as_of_date: NaiveDate,
    pub status: RunStatus,
    pub duration_ms: i64,
    #[serde(flatten)]
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
            "ts": Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            "level": level,
            "job": self.job,
            "run_id": self.run_id,
            "agency_id": self.agency_id,
            "as_of_date": self.as_of_date,
            "status": self.status,
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
    /// Only this agency (the API's trigger); all of them otherwise.
    pub agency_id: Option<Uuid>,
    /// The business date; each agency's today otherwise.
    pub as_of: Option<NaiveDate>,
    /// Run even if the date already has a successful run.
    pub force: bool,
}

/// What the jobs need besides the pool.
#[derive(Debug, Clone, Copy)]
pub struct JobContext {
    pub idempotency_ttl_secs: i64,
    pub login_window_secs: i64,
}

impl JobContext {
    pub fn of(config: &crate::config::Config) -> Self {
        JobContext {
            idempotency_ttl_secs: config.money.idempotency_ttl_secs,
            login_window_secs: config.login_window_secs,
        }
    }
}

fn host() -> String {
    std::env::var("HOSTNAME")
        .ok()
        .or_else(|| std::fs::read_to_string("/etc/hostname").ok().map(|h| h.trim().to_owned()))
        .unwrap_or_else(|| "unknown".to_owned())
}

/// Runs `job` as `request` says; one report per agency run (or one for a
/// platform-wide job, or one `skipped_lock`).
pub async fn run(db: &PgPool, ctx: JobContext, job: Job, request: RunRequest) -> Result<Vec<RunReport>, ApiError> {
    let mut lock = db.acquire().await?;
    let locked = store::jobs::try_lock(&mut lock, job.name()).await?;
    let targets = store::jobs::targets(db, job.per_agency(), request.agency_id).await?;
    let (host, pid) = (host(), std::process::id() as i32);
    let mut reports = Vec::new();
    if !locked {
        let as_of = request.as_of.unwrap_or_else(|| Utc::now().date_naive());
        let report = RunReport {
            run_id: Uuid::now_v7(),
            job,
            agency_id: request.agency_id,
            as_of_date: as_of,
            status: RunStatus::SkippedLock,
            duration_ms: 0,
            tally: Tally::default(),
        };
        store::jobs::record(db, &report, request.force, &host, pid).await?;
        return Ok(vec![report]);
    }
    let outcome = run_locked(db, ctx, job, request, targets, &host, pid, &mut reports).await;
    store::jobs::unlock(&mut lock, job.name()).await?;
    outcome.map(|()| reports)
}

#[allow(clippy::too_many_arguments)]
async fn run_locked(
    db: &PgPool,
    ctx: JobContext,
    job: Job,
    request: RunRequest,
    targets: Vec<(Option<Uuid>, NaiveDate)>,
    host: &str,
    pid: i32,
    reports: &mut Vec<RunReport>,
) -> Result<(), ApiError> {
    for (agency_id, today) in targets {
        let as_of = request.as_of.unwrap_or(today);
        let run_id = Uuid::now_v7();
        let started = Instant::now();
        let mut report = RunReport {
            run_id,
            job,
            agency_id,
            as_of_date: as_of,
            status: RunStatus::Succeeded,
            duration_ms: 0,
            tally: Tally::default(),
        };
        if let Some(agency) = agency_id {
            if !settings::enabled(db, agency, job).await? {
                report.status = RunStatus::Disabled;
                store::jobs::record(db, &report, request.force, host, pid).await?;
                reports.push(report);
                continue;
            }
        }
        if !request.force && store::jobs::succeeded(db, job.name(), agency_id, as_of).await? {
            report.status = RunStatus::SkippedDone;
            store::jobs::record(db, &report, request.force, host, pid).await?;
            reports.push(report);
            continue;
        }
        store::jobs::start(db, &report, request.force, host, pid).await?;
        let result = match job {
            Job::DpdAging => dpd_aging::run(db, agency_id, as_of).await,
            Job::InstallmentReminders => installment_reminders::run(db, agency_id, as_of).await,
            Job::OverdueDefaultScan => overdue_default_scan::run(db, agency_id, as_of).await,
            Job::StaleAccountEscalation => stale_account_escalation::run(db, agency_id, as_of).await,
            Job::DataQuality => data_quality::run(db, agency_id, as_of, run_id).await,
            Job::IdempotencyPurge => idempotency_purge::run(db, ctx.idempotency_ttl_secs).await,
            Job::Maintenance => maintenance::run(db, as_of, ctx.login_window_secs).await,
        };
        match result {
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
        store::jobs::finish(db, &report).await?;
        reports.push(report);
    }
    Ok(())
}
