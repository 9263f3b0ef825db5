//! The in-process scheduler of `debtflow serve` (`JOB_SCHEDULER=on`): once a minute,
//! each job whose time of day (and weekday) has come in an agency's time zone runs for
//! that agency's today, unless that date already succeeded. Replicas may all run it:
//! the advisory lock lets one work and the others record `skipped_lock`.

use super::{run, Job, JobContext, RunRequest};
use crate::store;
use chrono::Datelike;
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
    let agencies: Vec<(uuid::Uuid, String)> =
        sqlx::query_as("SELECT id, time_zone FROM agencies ORDER BY id").fetch_all(db).await?;
    for job in Job::ALL {
        let (weekday, at) = job.schedule();
        let targets: Vec<Option<uuid::Uuid>> =
            if job.per_agency() { agencies.iter().map(|a| Some(a.0)).collect() } else { vec![None] };
        for agency_id in targets {
            let zone = agency_id.and_then(|id| agencies.iter().find(|a| a.0 == id)).map_or("UTC", |a| a.1.as_str());
            let local: chrono::NaiveDateTime =
                sqlx::query_scalar("SELECT (now() AT TIME ZONE $1)::timestamp").bind(zone).fetch_one(db).await?;
            let due = local.time() >= at && weekday.is_none_or(|d| local.weekday() == d);
            if !due || store::jobs::succeeded(db, job.name(), agency_id, local.date()).await? {
                continue;
            }
            for report in run(db, ctx, job, RunRequest { agency_id, as_of: Some(local.date()), force: false }).await? {
                println!("{}", report.json_line());
            }
        }
    }
    Ok(())
}
