//! The daily jobs' calls and wire types: the latest run of each job per day, and
//! running one now.

use super::{get, paged, post, ApiResult, Page};
use debtflow_domain::job::{Job, RunStatus};
use serde::Deserialize;
use serde_json::json;

/// One run of a job for the agency (or platform-wide) and a date.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct JobRun {
    pub run_id: String,
    pub job: Job,
    #[serde(default)]
    pub agency_id: Option<String>,
    pub as_of_date: String,
    pub status: RunStatus,
    pub forced: bool,
    pub started_at: String,
    #[serde(default)]
    pub duration_ms: Option<i64>,
    pub records_scanned: i64,
    pub records_updated: i64,
    pub notifications_sent: i64,
    pub notifications_failed: i64,
    pub errors_count: i64,
    pub findings: i64,
    #[serde(default)]
    pub error_summary: Option<String>,
    /// How many runs the job had that day; this is the latest.
    #[serde(default)]
    pub runs_that_day: Option<i64>,
}

/// What "run now" started: one run (for the caller's agency, or platform-wide); its
/// counts are in the list of runs.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct TriggeredRun {
    pub run_id: String,
    pub job: Job,
    pub as_of_date: String,
    pub status: RunStatus,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
struct Triggered {
    runs: Vec<TriggeredRun>,
}

/// The latest run of each job per day, newest date first (only `job`'s, if given).
pub async fn latest(job: Option<Job>, limit: u32, cursor: &str) -> ApiResult<Page<JobRun>> {
    let filters = job.map_or_else(|| "latest=true".to_owned(), |job| format!("latest=true&job={job}"));
    get(&format!("/jobs/runs?{}", paged(&filters, limit, cursor))).await
}

/// Runs `job` now for the caller's agency and its today.
pub async fn run_now(job: Job) -> ApiResult<Vec<TriggeredRun>> {
    post::<Triggered>(&format!("/jobs/{}/run", job.name()), &json!({}), None).await.map(|t| t.runs)
}
