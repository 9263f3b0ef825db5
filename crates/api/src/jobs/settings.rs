//! The jobs' kill switches, per agency, read at every run: `jobs_enabled` stops all of
//! an agency's jobs; `reminders_enabled`, `escalation_enabled` and `defaults_enabled`
//! stop one each. Changed with `PATCH /api/v1/settings`, no restart needed.

use super::{Job, Switch};
use crate::{problem::ApiError, store};
use sqlx::PgPool;
use uuid::Uuid;

/// Whether `job` may run for the agency now.
pub async fn enabled(db: &PgPool, agency_id: Uuid, job: Job) -> Result<bool, ApiError> {
    let mut conn = db.acquire().await?;
    let s = store::jobs::switches(&mut conn, agency_id).await?;
    Ok(s.jobs_enabled
        && match job.switch() {
            Some(Switch::Reminders) => s.reminders_enabled,
            Some(Switch::Escalation) => s.escalation_enabled,
            Some(Switch::Defaults) => s.defaults_enabled,
            None => true,
        })
}
