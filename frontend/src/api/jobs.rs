//! The daily jobs' calls and wire types: the latest run of each job per day, and
//! running one now.

use super::{get, paged, post, ApiResult, Page};
use debtflow_domain::job::Job;
pub use debtflow_wire::jobs::{JobRun, Triggered, TriggeredRun};
use serde_json::json;

/// The latest run of each job per day, newest date first (only `job`'s, if given).
pub async fn latest(job: Option<Job>, limit: u32, cursor: &str) -> ApiResult<Page<JobRun>> {
    let filters = job.map_or_else(|| "latest=true".to_owned(), |job| format!("latest=true&job={job}"));
    get(&format!("/jobs/runs?{}", paged(&filters, limit, cursor))).await
}

/// Runs `job` now for the caller's agency and its today.
pub async fn run_now(job: Job) -> ApiResult<Vec<TriggeredRun>> {
    post::<Triggered>(&format!("/jobs/{}/run", job.name()), &json!({}), None).await.map(|t| t.runs)
}
