//! `/jobs`: the daily jobs' runs, and running one now for the caller's agency, at
//! the app's clock (the job context in app data carries it).

use crate::{
    auth::{policy::Operation, AuthUser},
    db,
    edge::query::Query,
    jobs::{self, Job, JobContext, RunReport, RunRequest},
    pagination::{self, Page, PageSize},
    problem::{responses, ApiError},
    store::{self, job_runs::RunRow},
};
use actix_web::{get, post, web, HttpResponse};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use sqlx::PgPool;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

/// One run of a job, for one agency (or platform-wide: `agency_id` null) and date.
#[derive(Debug, Serialize, ToSchema)]
pub struct JobRun {
    pub run_id: Uuid,
    #[schema(example = "dpd_aging")]
    pub job: String,
    pub agency_id: Option<Uuid>,
    pub as_of_date: NaiveDate,
    /// `running`, `succeeded`, `partial`, `failed`, `skipped_lock`, `skipped_done`, `disabled`.
    pub status: String,
    pub forced: bool,
    pub started_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    pub records_scanned: i64,
    pub records_updated: i64,
    pub notifications_sent: i64,
    pub notifications_failed: i64,
    pub errors_count: i64,
    /// data_quality: problems found.
    pub findings: i64,
    pub error_summary: Option<String>,
    pub host: String,
    pub pid: i32,
}

impl From<RunRow> for JobRun {
    fn from(r: RunRow) -> Self {
        JobRun {
            run_id: r.id,
            job: r.job,
            agency_id: r.agency_id,
            as_of_date: r.as_of_date,
            status: r.status.as_str().to_owned(),
            forced: r.forced,
            started_at: r.started_at,
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
        }
    }
}

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct RunQuery {
    /// Only this job's runs.
    pub job: Option<String>,
    /// Page size, 1–200 (default 50).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 200)]
    pub limit: Option<PageSize>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// The job runs of the caller's agency and the platform-wide ones, newest first.
#[utoipa::path(
    tag = "jobs",
    security(("bearer" = [])),
    params(RunQuery),
    responses(
        (status = 200, description = "A page of runs, newest first", body = Page<JobRun>),
        (status = 401, response = responses::Unauthorized),
        (status = 403, response = responses::Forbidden),
        (status = 422, response = responses::Invalid),
    )
)]
#[get("/jobs/runs")]
pub async fn runs(user: AuthUser, query: Query<RunQuery>, db: web::Data<PgPool>) -> Result<HttpResponse, ApiError> {
    user.require(Operation::ReadJobRuns)?;
    let q = query.0;
    if let Some(job) = &q.job {
        job.parse::<Job>().map_err(|e| ApiError::field("job", e))?;
    }
    let limit = pagination::limit(q.limit);
    let before = pagination::decode_time("job-runs", q.cursor.as_deref())?;
    let mut tx = db::begin(&db, user.scope()).await?;
    let rows = store::job_runs::list(&mut tx, q.job.as_deref(), before, limit + 1).await?;
    tx.commit().await?;
    let key = |r: &RunRow| pagination::time_key(r.started_at, r.id);
    Ok(HttpResponse::Ok().json(Page::from_rows(rows, limit, "job-runs", key, JobRun::from)))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Triggered {
    pub runs: Vec<TriggeredRun>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TriggeredRun {
    pub run_id: Uuid,
    pub job: String,
    pub as_of_date: NaiveDate,
    /// `succeeded`, `partial`, `failed`, `skipped_lock`, `skipped_done`, `disabled`.
    pub status: String,
    pub duration_ms: i64,
    pub records_scanned: i64,
    pub records_updated: i64,
    pub notifications_sent: i64,
    pub errors_count: i64,
    pub findings: i64,
}

impl From<RunReport> for TriggeredRun {
    fn from(r: RunReport) -> Self {
        TriggeredRun {
            run_id: r.run_id,
            job: r.job.name().to_owned(),
            as_of_date: r.as_of_date,
            status: r.status.as_str().to_owned(),
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
/// `skipped_done`; the kill switches apply).
#[utoipa::path(
    tag = "jobs",
    security(("bearer" = [])),
    params(("name" = String, Path, description = "dpd_aging, installment_reminders, overdue_default_scan, stale_account_escalation, data_quality, idempotency_purge or maintenance")),
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
    Ok(HttpResponse::Ok().json(Triggered { runs: reports.into_iter().map(TriggeredRun::from).collect() }))
}
