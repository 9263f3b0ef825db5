//! promise_evaluation: every account with a pending promise to pay has its promises
//! decided as of the date ([`crate::services::accounts::promises::evaluate`]) — kept
//! once paid within the agency's grace days (`plan_grace_days`), broken after — each
//! account in its own transaction, so one that fails leaves the others done (the run
//! is then `partial`). A decided promise is never evaluated again: a second run for
//! the date changes and sends nothing.

use super::{JobError, Tally};
use crate::{
    audit::{Actor, RequestContext},
    db::{self, Scope},
    services::accounts::promises,
    store,
};
use chrono::{NaiveDate, NaiveTime};
use sqlx::PgPool;
use uuid::Uuid;

pub async fn run(db: &PgPool, agency_id: Uuid, as_of: NaiveDate) -> Result<Tally, JobError> {
    let mut tx = db::begin_batch(db).await?;
    let accounts = store::promises::accounts_pending(&mut tx, agency_id).await?;
    tx.commit().await?;
    let actor = Actor::anonymous(RequestContext::default());
    // The run's instant: the start of its business date (nothing here depends on the hour).
    let now = as_of.and_time(NaiveTime::MIN).and_utc();
    let mut tally = Tally { records_scanned: accounts.len() as i64, ..Tally::default() };
    for account_id in accounts {
        let evaluated = async {
            let mut tx = db::begin(db, Scope::Platform).await?;
            let done = promises::evaluate(&mut tx, &actor, agency_id, account_id, as_of, now).await?;
            tx.commit().await?;
            Ok::<_, JobError>(done)
        };
        match evaluated.await {
            Ok(done) => {
                tally.records_updated += done.kept + done.broken;
                tally.notifications_sent += done.notifications;
            }
            Err(err) => tally.failed(format!("account {account_id}"), &err),
        }
    }
    Ok(tally)
}
