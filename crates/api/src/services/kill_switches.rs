//! Turning an agency's job kill switches on or off: the row locked, the switches the
//! command names changed, each changed one recorded as changed by the actor now, and
//! the audit row (only the switches that changed) in the same transaction.

use super::ServiceError;
use crate::{
    audit::{self, Actor, Change},
    store::{
        self,
        job_settings::{Switches, SwitchesChanged},
    },
};
use serde_json::json;
use sqlx::PgConnection;
use uuid::Uuid;

/// The switches to set; `None` keeps one as it is.
#[derive(Debug, Clone, Copy, Default)]
pub struct SetSwitches {
    pub jobs_enabled: Option<bool>,
    pub reminders_enabled: Option<bool>,
    pub escalation_enabled: Option<bool>,
    pub defaults_enabled: Option<bool>,
}

/// Sets the agency's switches as `cmd` says (the actor must have a user: who changed a
/// switch is shown beside it); returns them with who changed each last.
pub async fn set(
    tx: &mut PgConnection,
    actor: &Actor,
    agency_id: Uuid,
    cmd: SetSwitches,
) -> Result<SwitchesChanged, ServiceError> {
    let by = actor.user_id.ok_or_else(|| ServiceError::invariant("a kill switch changed by no user"))?;
    let before = store::job_settings::lock(tx, agency_id).await?;
    let after = Switches {
        jobs_enabled: cmd.jobs_enabled.unwrap_or(before.jobs_enabled),
        reminders_enabled: cmd.reminders_enabled.unwrap_or(before.reminders_enabled),
        escalation_enabled: cmd.escalation_enabled.unwrap_or(before.escalation_enabled),
        defaults_enabled: cmd.defaults_enabled.unwrap_or(before.defaults_enabled),
    };
    store::job_settings::set_switches(tx, agency_id, &before, &after, by).await?;
    let snapshot = |s: Switches| {
        json!({
            "jobs_enabled": s.jobs_enabled,
            "reminders_enabled": s.reminders_enabled,
            "escalation_enabled": s.escalation_enabled,
            "defaults_enabled": s.defaults_enabled,
        })
    };
    let change = Change::updated("settings.update", "job_settings", agency_id, &snapshot(before), &snapshot(after));
    audit::record(tx, actor, change).await?;
    Ok(store::job_settings::with_changes(tx, agency_id).await?)
}
