//! data_quality: every account's balance equals its receivable lines, every journal
//! entry balances, no active plan sits on a closed account, no posted payment lacks
//! its entry ([`store::data_quality`]). Each problem is a row of
//! `data_quality_findings` for the run (a report, not a failure); the agency's admins
//! (who run its jobs, [`escalation::recipients`]) are notified when there are any.

use super::{escalation, JobError, Tally};
use crate::{
    db,
    store::{self, notifications::NewNotification},
};
use chrono::NaiveDate;
use debtflow_domain::{notification::NotificationKind, Bucket};
use sqlx::PgPool;
use uuid::Uuid;

/// Checks the agency as it is now; `today` is its business date.
pub async fn run(db: &PgPool, agency_id: Uuid, today: NaiveDate, run_id: Uuid) -> Result<Tally, JobError> {
    let mut tx = db::begin_batch(db).await?;
    // Every fold of the live portfolio (jobs::dpd_aging) went through this day or before.
    let (_, folded_through) = Bucket::Over90.anchors(today);
    let checked = store::data_quality::check(&mut tx, agency_id, folded_through, run_id).await?;
    let mut sent = 0;
    if checked.findings > 0 {
        let body = format!("The data-quality check found {} problems (run {run_id}).", checked.findings);
        for admin in escalation::recipients(&mut tx, agency_id).await? {
            let key = format!("data_quality:{run_id}:{admin}");
            let notification = NewNotification {
                agency_id,
                recipient_id: admin,
                kind: NotificationKind::DataQualityFindings,
                title: "Data-quality findings",
                body: &body,
                entity_type: Some("job_run"),
                entity_id: Some(run_id.to_string()),
                idempotency_key: &key,
            };
            sent += i64::from(store::notifications::insert(&mut tx, &notification).await?);
        }
    }
    tx.commit().await?;
    Ok(Tally {
        records_scanned: checked.scanned,
        findings: checked.findings,
        notifications_sent: sent,
        ..Tally::default()
    })
}
