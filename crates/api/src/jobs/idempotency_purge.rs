//! idempotency_purge: Idempotency-Keys older than `IDEMPOTENCY_KEY_TTL_SECS` are
//! deleted (a key that old is already treated as new by the API).

use super::Tally;
use crate::{problem::ApiError, store};
use sqlx::PgPool;

pub async fn run(db: &PgPool, ttl_secs: i64) -> Result<Tally, ApiError> {
    let (left, purged) = store::jobs::purge_idempotency_keys(db, ttl_secs).await?;
    Ok(Tally { records_scanned: left + purged, records_updated: purged, ..Tally::default() })
}
