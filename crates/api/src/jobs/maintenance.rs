//! maintenance (platform-wide): the audit trail's monthly partitions for the next three
//! months are created ahead of need; partitions older than the 24 months' retention
//! are detached (kept as tables, out of the trail, for archiving); failed-login rows
//! older than the login window at the clock's instant are deleted, and notifications
//! read more than [`READ_NOTIFICATION_DAYS`] days ago.

use super::{JobError, Tally};
use crate::store;
use chrono::{DateTime, Datelike, Months, NaiveDate, Utc};
use sqlx::PgPool;

/// Months of the audit trail kept attached.
pub const RETENTION_MONTHS: u32 = 24;

/// Days a read notification stays in its recipient's centre.
pub const READ_NOTIFICATION_DAYS: i32 = 90;

pub async fn run(db: &PgPool, as_of: NaiveDate, now: DateTime<Utc>, login_window_secs: i64) -> Result<Tally, JobError> {
    let month = as_of.with_day(1).unwrap_or(as_of);
    let mut tally = Tally::default();
    for ahead in 0..=3 {
        let start = month + Months::new(ahead);
        tally.records_scanned += 1;
        tally.records_updated += i64::from(store::retention::ensure_audit_partition(db, start).await?);
    }
    let cutoff = month - Months::new(RETENTION_MONTHS);
    tally.records_updated += store::retention::detach_audit_partitions_before(db, cutoff).await?;
    tally.records_updated += store::retention::purge_login_failures(db, now, login_window_secs).await?;
    tally.records_updated += store::retention::purge_read_notifications(db, now, READ_NOTIFICATION_DAYS).await?;
    Ok(tally)
}
