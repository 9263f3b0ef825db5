//! overdue_default_scan: installments late after their grace days are flagged to the
//! collector (once each); plans with an installment unpaid `default_threshold_days`
//! after its due date default ([`super::plan_defaults`]), each in its own transaction,
//! so one that fails leaves the others done (the run is then `partial`).

use super::{plan_defaults, JobError, Tally};
use crate::{db, store};
use chrono::NaiveDate;
use sqlx::PgPool;
use uuid::Uuid;

pub async fn run(db: &PgPool, agency_id: Uuid, as_of: NaiveDate) -> Result<Tally, JobError> {
    let mut tx = db::begin_batch(db).await?;
    let flagged = store::installment_notices::flag_late(&mut tx, agency_id, as_of).await?;
    let overdue = store::plans::overdue(&mut tx, Some(agency_id), as_of).await?;
    tx.commit().await?;
    let mut tally = Tally { records_scanned: flagged.late, notifications_sent: flagged.sent, ..Tally::default() };
    for (agency_id, plan_id, _) in overdue {
        match plan_defaults::default_plan(db, agency_id, plan_id, as_of).await {
            Ok(Some(sent)) => {
                tally.records_updated += 1;
                tally.notifications_sent += sent;
            }
            Ok(None) => {}
            Err(err) => tally.failed(format!("plan {plan_id}"), &err.into()),
        }
    }
    Ok(tally)
}
