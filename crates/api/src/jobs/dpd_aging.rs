//! dpd_aging: every open account's days past due and aging bucket as of the date, in
//! one set-based statement per agency ([`store::jobs::age`]). Days spent disputed or in
//! a delinquency pause do not count. Bucket moves are recorded once per account and
//! date. A live run (the agency's today or later) also moves the aging anchors the
//! worklist reads; a replay of a past date only records that date's moves, the same
//! ones the live run of that date recorded.

use super::Tally;
use crate::{db, problem::ApiError, store};
use chrono::NaiveDate;
use sqlx::PgPool;
use uuid::Uuid;

pub async fn run(db: &PgPool, agency_id: Option<Uuid>, as_of: NaiveDate) -> Result<Tally, ApiError> {
    let agency_id = agency_id.ok_or(ApiError::NotFound)?;
    let mut tx = db::begin_batch(db).await?;
    let today = store::agencies::today(&mut tx, agency_id).await?;
    let (scanned, moves, anchors) = store::jobs::age(&mut tx, agency_id, as_of, as_of >= today).await?;
    tx.commit().await?;
    Ok(Tally { records_scanned: scanned, records_updated: moves + anchors, ..Tally::default() })
}
