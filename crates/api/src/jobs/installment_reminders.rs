//! installment_reminders: the collector of each account with an active plan hears of
//! an installment `reminder_days_before` days (agency setting, default 3) before it
//! falls due, once per installment; an account without a collector, its managers.

use super::{JobError, Tally};
use crate::{db, store};
use chrono::NaiveDate;
use debtflow_domain::Role;
use sqlx::PgPool;
use uuid::Uuid;

pub async fn run(db: &PgPool, agency_id: Uuid, as_of: NaiveDate) -> Result<Tally, JobError> {
    let mut tx = db::begin_batch(db).await?;
    // At most 60 (the setting's range): no wrap.
    let days = store::agencies::settings(&mut tx, agency_id).await?.reminder_days_before as i32;
    let reminded = store::installment_notices::remind(&mut tx, agency_id, as_of, days, &[Role::Manager]).await?;
    tx.commit().await?;
    Ok(Tally { records_scanned: reminded.due, notifications_sent: reminded.sent, ..Tally::default() })
}
