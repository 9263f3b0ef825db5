//! Firing follow-up reminders: every `serve` process runs [`fire_due`] on its clock
//! every [`EVERY`]; each due reminder fires once, whichever process gets it.

use crate::{db, services::ServiceError, store};
use chrono::{DateTime, Utc};
use sqlx::PgPool;
use std::time::Duration;

/// How often a process looks for due reminders (so one fires at most this late).
pub const EVERY: Duration = Duration::from_secs(15);

/// Reminders fired per transaction.
const BATCH: i64 = 1000;

/// Fires every reminder due at `now`; returns how many fired.
pub async fn fire_due(db: &PgPool, now: DateTime<Utc>) -> Result<i64, ServiceError> {
    let mut fired = 0;
    loop {
        let mut tx = db::begin_batch(db).await?;
        let n = store::follow_ups::fire_due(&mut tx, now, BATCH).await?;
        tx.commit().await?;
        fired += n;
        if n < BATCH {
            return Ok(fired);
        }
    }
}
