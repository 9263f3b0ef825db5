//! stale_account_escalation: worked accounts with no timeline event for
//! `stale_after_days` days (agency setting, default 14) are counted, and each manager
//! gets one digest notification for the date.

use super::Tally;
use crate::{db, problem::ApiError, store};
use chrono::NaiveDate;
use sqlx::PgPool;
use uuid::Uuid;

pub async fn run(db: &PgPool, agency_id: Option<Uuid>, as_of: NaiveDate) -> Result<Tally, ApiError> {
    let agency_id = agency_id.ok_or(ApiError::NotFound)?;
    let mut tx = db::begin_batch(db).await?;
    let days = store::jobs::days_setting(&mut tx, agency_id, "stale_after_days", 14).await?;
    let (scanned, stale, sent) = store::jobs::escalate_stale(&mut tx, agency_id, as_of, days).await?;
    tx.commit().await?;
    Ok(Tally { records_scanned: scanned, records_updated: stale, notifications_sent: sent, ..Tally::default() })
}
