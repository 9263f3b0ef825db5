//! `/jobs`: the daily jobs' runs (every run, or the latest of each job per day), and
//! running one now for the caller's agency, at the app's clock (the job context in app
//! data carries it); a run started here is audited as `job.run`.

use crate::{
    audit::{self, Actor, Change},
    auth::{policy::Operation, AuthUser},
    db,
    edge::query::Query,
    jobs::{self, Job, JobContext, RunReport, RunRequest},
    pagination::{self, Page, PageSize},
    problem::{responses, ApiError},
    store::{
        self,
        job_runs::{DayKey, LatestRun, RunRow},
    },
};
use actix_web::{get, post, web, HttpResponse};
pub use debtflow_wire::jobs::{JobRun, Triggered, TriggeredRun};
use serde::Deserialize;
use sqlx::PgPool;
use utoipa::IntoParams;
use validator::Validate;

impl From<RunRow> for JobRun {
    fn from(r: RunRow) -> Self {
        JobRun {
            run_id: r.id,
            job: r.job,
            agency_id: r.agency_id,
            as_of_date: r.as_of_date,
            status: r.status,
            forced: r.forced,
            started_at: r.started_at,
            duration_ms: r.finished_at.map(|end| (end - r.started_at).num_milliseconds()),
            finished_at: r.finished_at,
            records_scanned: r.records_scanned,
            records_updated: r.records_updated,
            notifications_sent: r.notifications_sent,
            notifications_failed: r.notifications_failed,
            errors_count: r.errors_count,
            findings: r.findings,
            error_summary: r.error_summary,
            host: r.host,
            pid: r.pid,
            runs_that_day: None,
        }
    }
}

impl From<LatestRun> for JobRun {
    fn from(l: LatestRun) -> Self {
        JobRun { runs_that_day: Some(l.runs_that_day), ..JobRun::from(l.run) }
    }
}

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct RunQuery {
    /// Only this job's runs.
    #[param(value_type = Option<Job>)]
    pub job: Option<String>,
    /// `true`: only the latest run of each job per agency and date (newest date first,
    /// then by job); `false` (default): every run, newest first.
    pub latest: Option<bool>,
    /// Page size, 1–200 (default 50).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 200)]
    pub limit: Option<PageSize>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// The job runs of the caller's agency and the platform-wide ones: every run, newest
/// first, or (`latest=true`) the latest run of each job per day.
#[utoipa::path(
    tag = "jobs",
    operation_id = "listJobRuns",
    security(("bearer" = [])),
    params(RunQuery),
    responses(
        (status = 200, description = "A page of runs", body = Page<JobRun>),
        (status = 401, response = responses::Unauthorized),
        (status = 403, response = responses::Forbidden),
        (status = 422, response = responses::Invalid),
    )
)]
#[get("/jobs/runs")]
pub async fn runs(user: AuthUser, query: Query<RunQuery>, db: web::Data<PgPool>) -> Result<HttpResponse, ApiError> {
    user.require(Operation::ReadJobRuns)?;
    let q = query.into_inner()?;
    let job = q.job.as_deref().map(|job| job.parse::<Job>().map_err(|e| ApiError::field("job", e))).transpose()?;
    let limit = pagination::limit(q.limit);
    if q.latest.unwrap_or(false) {
        let after = decode_day_key(q.cursor.as_deref())?;
        let mut tx = db::begin(&db, user.scope()).await?;
        let rows = store::job_runs::latest_per_day(&mut tx, job, after, limit + 1).await?;
        tx.commit().await?;
        let key = |l: &LatestRun| {
            let r = &l.run;
            vec![
                r.as_of_date.to_string(),
                r.job.name().to_owned(),
                r.agency_id.map(|a| a.to_string()).unwrap_or_default(),
            ]
        };
        return Ok(HttpResponse::Ok().json(crate::pagination::page(rows, limit, LATEST, key, JobRun::from)));
    }
    let before = pagination::decode_time("job-runs", q.cursor.as_deref())?;
    let mut tx = db::begin(&db, user.scope()).await?;
    let rows = store::job_runs::list(&mut tx, job, before, limit + 1).await?;
    tx.commit().await?;
    let key = |r: &RunRow| pagination::time_key(r.started_at, r.id);
    Ok(HttpResponse::Ok().json(crate::pagination::page(rows, limit, "job-runs", key, JobRun::from)))
}

/// The cursor list of `latest=true`, whose key is a date, a job and an agency.
const LATEST: &str = "job-runs-latest";

fn decode_day_key(cursor: Option<&str>) -> Result<Option<DayKey>, ApiError> {
    let Some(cursor) = cursor else { return Ok(None) };
    let key = pagination::decode(LATEST, cursor, 3)?;
    let invalid = || ApiError::field("cursor", "is not a cursor of this list");
    Ok(Some(DayKey {
        as_of_date: key[0].parse().map_err(|_| invalid())?,
        job: key[1].parse().map_err(|_| invalid())?,
        agency_id: match key[2].as_str() {
            "" => None,
            id => Some(id.parse().map_err(|_| invalid())?),
        },
    }))
}

impl From<RunReport> for TriggeredRun {
    fn from(r: RunReport) -> Self {
        TriggeredRun {
            run_id: r.run_id,
            job: r.job,
            as_of_date: r.as_of_date,
            status: r.status,
            duration_ms: r.duration_ms,
            records_scanned: r.tally.records_scanned,
            records_updated: r.tally.records_updated,
            notifications_sent: r.tally.notifications_sent,
            errors_count: r.tally.errors_count,
            findings: r.tally.findings,
        }
    }
}

/// Run a job now for the caller's agency and today (a date that already succeeded is
/// `skipped_done`; the kill switches apply). Audited as `job.run`, one entry per run.
#[utoipa::path(
    tag = "jobs",
    operation_id = "runJob",
    security(("bearer" = [])),
    params(("name" = String, Path, description = "dpd_aging, installment_reminders, overdue_default_scan, promise_evaluation, stale_account_escalation, data_quality, idempotency_purge or maintenance")),
    responses(
        (status = 200, description = "What the run did", body = Triggered),
        (status = 401, response = responses::Unauthorized),
        (status = 403, response = responses::Forbidden),
        (status = 404, response = responses::NotFound),
    )
)]
#[post("/jobs/{name}/run")]
pub async fn run(
    user: AuthUser,
    name: web::Path<String>,
    db: web::Data<PgPool>,
    ctx: web::Data<JobContext>,
) -> Result<HttpResponse, ApiError> {
    user.require(Operation::RunJobs)?;
    let job: Job = name.parse().map_err(|_| ApiError::NotFound)?;
    let agency_id = user.agency_id.ok_or(ApiError::Forbidden)?;
    // The token check, before any work.
    db::begin(&db, user.scope()).await?.commit().await?;
    let request = RunRequest { agency_id: Some(agency_id), as_of: None, force: false };
    let reports = jobs::run(&db, &ctx, job, request).await.map_err(ApiError::internal)?;
    let triggered: Vec<TriggeredRun> = reports.into_iter().map(TriggeredRun::from).collect();
    // Who ran what: the runs committed in their own transactions; this says who asked.
    let mut tx = db::begin(&db, user.scope()).await?;
    for run in &triggered {
        let after = serde_json::json!({ "job": run.job, "as_of_date": run.as_of_date, "status": run.status });
        audit::record(&mut tx, &Actor::from(&user), Change::created("job.run", "job_run", run.run_id, after)).await?;
    }
    tx.commit().await?;
    Ok(HttpResponse::Ok().json(Triggered { runs: triggered }))
}
