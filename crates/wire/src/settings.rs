//! The agency's settings and kill switches.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The agency's kill switches: `jobs_enabled` stops every job of the agency; the
/// others stop one job each (installment_reminders, stale_account_escalation,
/// overdue_default_scan). They take effect at the next run. `last_changed` says who
/// turned each one to its current value, and when.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct JobSwitches {
    pub jobs_enabled: bool,
    pub reminders_enabled: bool,
    pub escalation_enabled: bool,
    pub defaults_enabled: bool,
    pub last_changed: SwitchChanges,
}

/// Who turned a switch to its current value, and when (the time of its audit row,
/// `settings.update`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SwitchChange {
    pub changed_by: Uuid,
    #[cfg_attr(feature = "openapi", schema(example = "Dana Admin"))]
    pub changed_by_name: String,
    pub changed_at: DateTime<Utc>,
}

/// The last change of each switch; `null`: never changed (on since the agency began).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SwitchChanges {
    pub jobs_enabled: Option<SwitchChange>,
    pub reminders_enabled: Option<SwitchChange>,
    pub escalation_enabled: Option<SwitchChange>,
    pub defaults_enabled: Option<SwitchChange>,
}

/// The wording of one kind of reminder to debtors: the agency's, or DebtFlow's default.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReminderTemplate {
    pub kind: debtflow_domain::reminder::ReminderKind,
    #[cfg_attr(feature = "openapi", schema(example = "Your payment of {amount} is due on {due_date}"))]
    pub subject: String,
    pub body: String,
    /// `false`: DebtFlow's default wording (the agency wrote none).
    pub is_custom: bool,
}
