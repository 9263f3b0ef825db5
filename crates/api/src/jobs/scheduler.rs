//! The in-process scheduler of `debtflow serve` (`JOB_SCHEDULER=on`): once a minute
//! ([`tick`]), at the context clock's instant, each job whose time of day (and
//! weekday) has come in an agency's time zone — or in UTC, for the platform-wide
//! jobs — is run for that agency's today, retried or left alone as the retry
//! [`policy`] says from the day's runs. Replicas may all run it: the advisory lock lets
//! one work and the others record `skipped_lock` (once: a lock-skip is not retried).
//!
//! Every agency's local time and kill switches, and the day's runs, are read in one
//! query each per minute (`store::job_runs`).

use super::{
    policy::{self, Action, PastRun, Switched},
    run, settings, Job, JobContext, JobError, RunReport, RunRequest,
};
use crate::store::{self, job_settings::Switches};
use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime, Weekday};
use sqlx::PgPool;
use std::time::Duration;
use uuid::Uuid;

/// Starts the scheduler on the current runtime; one JSON line per run on stdout.
pub fn spawn(db: PgPool, ctx: JobContext) {
    tokio::spawn(async move {
        let mut minute = tokio::time::interval(Duration::from_secs(60));
        loop {
            minute.tick().await;
            match tick(&db, &ctx).await {
                Ok(reports) => reports.iter().for_each(|report| println!("{}", report.json_line())),
                Err(err) => tracing::error!(error = %err, "the job scheduler could not check its jobs"),
            }
        }
    });
}

/// Where jobs run on a schedule: an agency (its wall clock, its switches), or the
/// platform (UTC, no switches).
struct Place {
    agency_id: Option<Uuid>,
    local: NaiveDateTime,
    switches: Switches,
}

/// One minute of the scheduler at the clock's instant: runs what is due and what the
/// policy lets run; returns their reports. A run that cannot be recorded is logged and
/// the others go on.
pub async fn tick(db: &PgPool, ctx: &JobContext) -> Result<Vec<RunReport>, JobError> {
    let now = ctx.clock.now();
    let mut places: Vec<Place> = store::job_runs::agency_clocks(db, now)
        .await?
        .into_iter()
        .map(|c| Place { agency_id: Some(c.agency_id), local: c.local, switches: c.switches })
        .collect();
    places.push(Place { agency_id: None, local: now.naive_utc(), switches: Switches::default() });
    let mut dates: Vec<NaiveDate> = places.iter().map(|p| p.local.date()).collect();
    dates.sort_unstable();
    dates.dedup();
    let day_runs = store::job_runs::runs_of_dates(db, &dates).await?;

    let mut reports = Vec::new();
    for job in Job::ALL {
        let (weekday, at) = job.schedule();
        for place in places.iter().filter(|p| p.agency_id.is_some() == job.per_agency()) {
            let today = place.local.date();
            if !is_due(weekday, at, place.local) {
                continue;
            }
            let past: Vec<PastRun> = day_runs
                .iter()
                .filter(|r| r.job == job.name() && r.agency_id == place.agency_id && r.as_of_date == today)
                .map(|r| PastRun { status: r.status, at: r.at })
                .collect();
            let switched = if settings::allows(&place.switches, job) { Switched::On } else { Switched::Off };
            if policy::next_action(&past, switched, now) != Action::Run {
                continue;
            }
            let request = RunRequest { agency_id: place.agency_id, as_of: Some(today), force: false };
            match run(db, ctx, job, request).await {
                Ok(done) => reports.extend(done),
                Err(err) => tracing::error!(error = %err, %job, agency_id = ?place.agency_id, "a scheduled run failed"),
            }
        }
    }
    Ok(reports)
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
