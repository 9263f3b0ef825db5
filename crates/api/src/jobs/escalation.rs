//! A job that fails a second time for an agency and date tells the agency's admins —
//! its active users whose role may run jobs (`Operation::RunJobs.deciders()`) — one
//! `job_failed` notification each, written in the transaction that records the
//! failure. The idempotency key is the job, the date and the recipient, so a third
//! failure, a forced re-run or a second scheduler never notifies twice. The scheduler
//! does not run the job again that day ([`super::policy`]); once fixed, an operator
//! replays it with `debtflow job run <job> --as-of-date <date>`.
//!
//! A platform-wide job (no agency, no admins to tell) that fails says so in its JSON
//! line, at level `error`.

use super::policy;
use super::JobError;
use crate::{
    db::{self, Scope},
    store::{
        self,
        job_runs::{RunOutcome, RunRecord},
        notifications::NewNotification,
    },
};
use debtflow_domain::notification::NotificationKind;
use debtflow_domain::{permission::Operation, Role};
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

/// The agency's active users who run its jobs: who hears of their failures and
/// findings.
pub async fn recipients(tx: &mut PgConnection, agency_id: Uuid) -> Result<Vec<Uuid>, sqlx::Error> {
    let roles: Vec<Role> = Operation::RunJobs.deciders().collect();
    store::users::active_with_roles(tx, agency_id, &roles).await
}

/// Records the failed run of `run` for `agency_id` and, if it is the date's second
/// failure (or later), notifies the agency's admins; returns how many were notified
/// now.
pub async fn finish_failed(
    db: &PgPool,
    run: &RunRecord<'_>,
    outcome: &RunOutcome<'_>,
    agency_id: Uuid,
) -> Result<i64, JobError> {
    let mut tx = db::begin(db, Scope::Agency(agency_id)).await?;
    store::job_runs::finish(&mut *tx, run.id, outcome).await?;
    let failures = store::job_runs::failures(&mut tx, run.job, agency_id, run.as_of_date).await?;
    let mut sent = 0;
    if policy::escalates(failures) {
        let body = format!(
            "{} failed {failures} times for {} (last run {}); it will not be retried today. \
             Once fixed, replay it with `debtflow job run {} --as-of-date {}`.",
            run.job, run.as_of_date, run.id, run.job, run.as_of_date
        );
        for recipient in recipients(&mut tx, agency_id).await? {
            let key = format!("job_failed:{}:{}:{recipient}", run.job, run.as_of_date);
            let notification = NewNotification {
                agency_id,
                recipient_id: recipient,
                kind: NotificationKind::JobFailed,
                title: "A daily job failed twice",
                body: &body,
                entity_type: Some("job_run"),
                entity_id: Some(run.id.to_string()),
                idempotency_key: &key,
            };
            sent += i64::from(store::notifications::insert(&mut tx, &notification).await?);
        }
        tracing::warn!(job = run.job, %agency_id, as_of_date = %run.as_of_date, failures, notified = sent,
                       "a job failed again for the same date: escalated");
    }
    tx.commit().await?;
    Ok(sent)
}
