//! stale_account_escalation: worked accounts (`AccountStatus::WORKING`) with no
//! timeline event for `stale_after_days` days (agency setting, default 14) are
//! counted, and each manager gets one digest notification for the date.

use super::{JobError, Tally};
use crate::{db, store};
use chrono::NaiveDate;
use debtflow_domain::Role;
use sqlx::PgPool;
use uuid::Uuid;

pub async fn run(db: &PgPool, agency_id: Uuid, as_of: NaiveDate) -> Result<Tally, JobError> {
    let mut tx = db::begin_batch(db).await?;
    // At most 365 (the setting's range): no wrap.
    let days = store::agencies::settings(&mut tx, agency_id).await?.stale_after_days as i32;
    let found = store::stale_accounts::escalate(&mut tx, agency_id, as_of, days, &[Role::Manager]).await?;
    tx.commit().await?;
    Ok(Tally {
        records_scanned: found.scanned,
        records_updated: found.stale,
        notifications_sent: found.sent,
        ..Tally::default()
    })
}
