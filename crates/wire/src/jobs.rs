//! Scheduled jobs' runs.

use chrono::{DateTime, NaiveDate, Utc};
use debtflow_domain::job::{Job, RunStatus};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// One run of a job, for one agency (or platform-wide: `agency_id` null) and date.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct JobRun {
    pub run_id: Uuid,
    pub job: Job,
    pub agency_id: Option<Uuid>,
    pub as_of_date: NaiveDate,
    pub status: RunStatus,
    /// Run again although the date had succeeded (`debtflow job run --force`).
    pub forced: bool,
    pub started_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    /// From start to finish (`null` while running).
    pub duration_ms: Option<i64>,
    pub records_scanned: i64,
    pub records_updated: i64,
    pub notifications_sent: i64,
    pub notifications_failed: i64,
    pub errors_count: i64,
    /// data_quality: problems found.
    pub findings: i64,
    /// The first causes of the failed records (`partial`, `failed`), cut at about
    /// 2,000 characters.
    pub error_summary: Option<String>,
    pub host: String,
    pub pid: i32,
    /// With `latest=true`: how many runs the job had for the agency and date (retries,
    /// skips, forced re-runs); this is the latest of them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub runs_that_day: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Triggered {
    pub runs: Vec<TriggeredRun>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TriggeredRun {
    pub run_id: Uuid,
    pub job: Job,
    pub as_of_date: NaiveDate,
    pub status: RunStatus,
    pub duration_ms: i64,
    pub records_scanned: i64,
    pub records_updated: i64,
    pub notifications_sent: i64,
    pub errors_count: i64,
    pub findings: i64,
}
