//! Plan defaults (run by overdue_default_scan): an active plan with an installment
//! still unpaid `default_threshold_days` after its due date defaults, each in its own
//! transaction, through the plan service's default step
//! ([`crate::services::plans::step::default`]): the account goes back to NEGOTIATING,
//! and its collector and the agency's managers are notified once. Running it again for
//! the same date finds nothing more to do.

use crate::{
    audit::{Actor, RequestContext},
    db::{self, Scope},
    services::{plans::step, ServiceError},
    store,
};
use chrono::{NaiveDate, NaiveTime};
use sqlx::PgPool;
use uuid::Uuid;

/// Defaults every plan overdue on `as_of`, in every agency; returns how many.
pub async fn run(db: &PgPool, as_of: NaiveDate) -> Result<usize, ServiceError> {
    let mut tx = db::begin(db, Scope::Platform).await?;
    let overdue = store::plans::overdue(&mut tx, None, as_of).await?;
    tx.commit().await?;
    let mut defaulted = 0;
    for (agency_id, plan_id, _) in overdue {
        defaulted += usize::from(default_plan(db, agency_id, plan_id, as_of).await?.is_some());
    }
    Ok(defaulted)
}

/// Defaults one plan in its own transaction, if it is still active; returns the
/// notifications sent, or `None` when there was nothing to do.
pub async fn default_plan(
    db: &PgPool,
    agency_id: Uuid,
    plan_id: Uuid,
    as_of: NaiveDate,
) -> Result<Option<i64>, ServiceError> {
    let mut tx = db::begin(db, Scope::Platform).await?;
    let actor = Actor::anonymous(RequestContext::default());
    // The run's instant: the start of its business date (nothing here depends on the hour).
    let now = as_of.and_time(NaiveTime::MIN).and_utc();
    let sent = step::default(&mut tx, &actor, agency_id, plan_id, as_of, now).await?;
    tx.commit().await?;
    Ok(sent)
}
