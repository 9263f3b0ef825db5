//! idempotency_purge: Idempotency-Keys older than `IDEMPOTENCY_KEY_TTL_SECS` at the
//! clock's instant are deleted (a key that old is already treated as new by the API).

use super::{JobError, Tally};
use crate::store;
use chrono::{DateTime, Utc};
use sqlx::PgPool;

pub async fn run(db: &PgPool, now: DateTime<Utc>, ttl_secs: i64) -> Result<Tally, JobError> {
    let purged = store::retention::purge_idempotency_keys(db, now, ttl_secs).await?;
    Ok(Tally { records_scanned: purged.left + purged.purged, records_updated: purged.purged, ..Tally::default() })
}
