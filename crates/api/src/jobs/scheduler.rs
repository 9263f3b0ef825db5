//! The in-process scheduler of `debtflow serve` (`JOB_SCHEDULER=on`): once a minute,
//! each job whose time of day (and weekday) has come in an agency's time zone runs for
//! that agency's today, unless that date already succeeded. Replicas may all run it:
//! the advisory lock lets one work and the others record `skipped_lock`.

use super::{run, Job, JobContext, RunRequest};
use crate::store;
use chrono::{Datelike, NaiveDateTime, NaiveTime, Weekday};
use sqlx::PgPool;
use std::time::Duration;

/// Starts the scheduler on the current runtime.
pub fn spawn(db: PgPool, ctx: JobContext) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(60));
        loop {
            tick.tick().await;
            if let Err(err) = due_runs(&db, ctx).await {
                tracing::error!(error = %err, "the job scheduler could not check its jobs");
            }
        }
    });
}

async fn due_runs(db: &PgPool, ctx: JobContext) -> Result<(), Box<dyn std::error::Error>> {
    // Every agency's local time, and UTC's for the platform-wide jobs, in one query.
    let clocks: Vec<(Option<uuid::Uuid>, NaiveDateTime)> = sqlx::query_as(
        "SELECT id, (now() AT TIME ZONE time_zone)::timestamp FROM agencies
         UNION ALL SELECT NULL, (now() AT TIME ZONE 'UTC')::timestamp",
    )
    .fetch_all(db)
    .await?;
    for job in Job::ALL {
        let (weekday, at) = job.schedule();
        for &(agency_id, local) in clocks.iter().filter(|(agency, _)| agency.is_some() == job.per_agency()) {
            if !is_due(weekday, at, local) || store::jobs::succeeded(db, job.name(), agency_id, local.date()).await? {
                continue;
            }
            for report in run(db, ctx, job, RunRequest { agency_id, as_of: Some(local.date()), force: false }).await? {
                println!("{}", report.json_line());
            }
        }
    }
    Ok(())
}

/// Whether a job scheduled at `at` (on `weekday`, for weekly jobs) is due at the local
/// time `now`: from its time of day until midnight (so a scheduler that was down at
/// the time catches up later that day).
pub fn is_due(weekday: Option<Weekday>, at: NaiveTime, now: NaiveDateTime) -> bool {
    now.time() >= at && weekday.is_none_or(|d| now.weekday() == d)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> NaiveDateTime {
        s.parse().unwrap()
    }

    #[test]
    fn a_job_is_due_from_its_time_until_midnight_on_its_days() {
        let seven = NaiveTime::from_hms_opt(7, 0, 0).unwrap();
        assert!(!is_due(None, seven, at("2026-11-23T06:59:59")));
        assert!(is_due(None, seven, at("2026-11-23T07:00:00")));
        assert!(is_due(None, seven, at("2026-11-23T23:59:00")));
        // 2026-11-23 is a Monday.
        assert!(is_due(Some(Weekday::Mon), seven, at("2026-11-23T08:00:00")));
        assert!(!is_due(Some(Weekday::Mon), seven, at("2026-11-24T08:00:00")));
    }
}
