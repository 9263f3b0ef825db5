//! installment_reminders: the collector of each account with an active plan hears of
//! an installment `reminder_days_before` days (agency setting, default 3) before it
//! falls due, once per installment.

use super::Tally;
use crate::{db, problem::ApiError, store};
use chrono::NaiveDate;
use sqlx::PgPool;
use uuid::Uuid;

pub async fn run(db: &PgPool, agency_id: Option<Uuid>, as_of: NaiveDate) -> Result<Tally, ApiError> {
    let agency_id = agency_id.ok_or(ApiError::NotFound)?;
    let mut tx = db::begin_batch(db).await?;
    let days = store::jobs::days_setting(&mut tx, agency_id, "reminder_days_before", 3).await?;
    let (due, sent) = store::jobs::remind_installments(&mut tx, agency_id, as_of, days).await?;
    tx.commit().await?;
    Ok(Tally { records_scanned: due, notifications_sent: sent, ..Tally::default() })
}
