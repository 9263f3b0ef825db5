//! data_quality: every account's balance equals its receivable lines, every journal
//! entry balances, no active plan sits on a closed account, no posted payment lacks
//! its entry. Each problem is a row of `data_quality_findings` for the run (a report,
//! not a failure); the agency's admins are notified when there are any.

use super::Tally;
use crate::{
    db,
    problem::ApiError,
    store::{self, notifications::NewNotification},
};
use chrono::NaiveDate;
use debtflow_domain::Role;
use sqlx::PgPool;
use uuid::Uuid;

pub async fn run(db: &PgPool, agency_id: Option<Uuid>, _as_of: NaiveDate, run_id: Uuid) -> Result<Tally, ApiError> {
    let agency_id = agency_id.ok_or(ApiError::NotFound)?;
    let mut tx = db::begin_batch(db).await?;
    let (scanned, findings) = store::jobs::check_quality(&mut tx, agency_id, run_id).await?;
    let mut sent = 0;
    if findings > 0 {
        let body = format!("The data-quality check found {findings} problems (run {run_id}).");
        for admin in store::users::active_with_roles(&mut tx, agency_id, &[Role::AgencyAdmin]).await? {
            let key = format!("data_quality:{run_id}:{admin}");
            let notification = NewNotification {
                agency_id,
                recipient_id: admin,
                kind: "data_quality_findings",
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
    Ok(Tally { records_scanned: scanned, findings, notifications_sent: sent, ..Tally::default() })
}
