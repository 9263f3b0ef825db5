//! dpd_aging: every open account's days past due and aging bucket as of the date, in
//! one set-based statement per agency ([`store::aging::age`]). Days spent disputed or
//! in a delinquency pause do not count. Bucket moves are recorded once per account and
//! date. A live run (the agency's today or later) also moves the aging anchors the
//! worklist reads ([`Anchors::Move`]); a replay of a past date only records that
//! date's moves, the same ones the live run of that date recorded. A live run also
//! records the agency's portfolio of the day by collector, status and bucket
//! (`portfolio_snapshots`): what the reports read for a past day; and first folds the
//! live portfolio's anchors that are 90+ for good (migrations/0016). Then, in a
//! transaction of its own, it rolls the agency's money up per day through its
//! yesterday (migrations/0017); the aging is committed by then, so a roll that fails
//! makes the run `partial`.

use super::{JobError, Tally};
use crate::{
    db,
    store::{self, aging::Anchors},
};
use chrono::NaiveDate;
use debtflow_domain::Bucket;
use sqlx::PgPool;
use uuid::Uuid;

/// Ages the agency's accounts as of `as_of`; `today` is the agency's business date.
pub async fn run(
    db: &PgPool,
    agency_id: Uuid,
    as_of: NaiveDate,
    today: NaiveDate,
    anchors: Anchors,
) -> Result<Tally, JobError> {
    let mut tx = db::begin_batch(db).await?;
    let aged = store::aging::age(&mut tx, agency_id, as_of, anchors).await?;
    if anchors == Anchors::Move {
        // Anchors 90+ today stay 90+ on every later day; a run for a later date must
        // not fold what today still reads in a younger bucket.
        if let (_, Some(through)) = Bucket::Over90.anchors(as_of.min(today)) {
            store::analytics::fold(&mut tx, agency_id, through).await?;
        }
        store::analytics::record_snapshot(&mut tx, agency_id, as_of).await?;
    }
    tx.commit().await?;
    let mut tally =
        Tally { records_scanned: aged.scanned, records_updated: aged.moves + aged.anchors, ..Tally::default() };
    if anchors == Anchors::Move {
        // The roll waits for the agency's postings in flight and holds new ones off
        // until it commits: alone in its transaction, it holds no row a posting may
        // wait for (the aging's accounts and account_totals rows would: a posting
        // waiting on them while the roll waits on it is a deadlock). The aging is
        // committed by then, so a roll that fails makes the run partial, not failed.
        if let Some(yesterday) = today.pred_opt() {
            if let Err(err) = roll(db, agency_id, yesterday).await {
                tally.failed(format_args!("the money roll-up through {yesterday}"), &err);
            }
        }
    }
    Ok(tally)
}

async fn roll(db: &PgPool, agency_id: Uuid, through: NaiveDate) -> Result<(), JobError> {
    let mut tx = db::begin_batch(db).await?;
    store::analytics::roll(&mut tx, agency_id, through).await?;
    tx.commit().await?;
    Ok(())
}
