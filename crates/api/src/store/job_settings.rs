//! An agency's settings for its daily jobs: the kill switches (`job_settings`,
//! migrations/0008), read at every run and changed with `PATCH /settings`, and the
//! numbers of days some jobs read from the agency's settings (`reminder_days_before`,
//! `stale_after_days`).

use sqlx::PgConnection;
use uuid::Uuid;

/// The agency's kill switches (all on when never set).
#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::FromRow)]
pub struct Switches {
    pub jobs_enabled: bool,
    pub reminders_enabled: bool,
    pub escalation_enabled: bool,
    pub defaults_enabled: bool,
}

impl Default for Switches {
    fn default() -> Self {
        Switches { jobs_enabled: true, reminders_enabled: true, escalation_enabled: true, defaults_enabled: true }
    }
}

pub async fn switches(conn: &mut PgConnection, agency_id: Uuid) -> Result<Switches, sqlx::Error> {
    let found: Option<Switches> = sqlx::query_as(
        "SELECT jobs_enabled, reminders_enabled, escalation_enabled, defaults_enabled
         FROM job_settings WHERE agency_id = $1",
    )
    .bind(agency_id)
    .fetch_optional(conn)
    .await?;
    Ok(found.unwrap_or_default())
}

pub async fn set_switches(tx: &mut PgConnection, agency_id: Uuid, s: &Switches) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO job_settings (agency_id, jobs_enabled, reminders_enabled, escalation_enabled, defaults_enabled)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (agency_id) DO UPDATE SET jobs_enabled = $2, reminders_enabled = $3, escalation_enabled = $4,
                                               defaults_enabled = $5, updated_at = now()",
    )
    .bind(agency_id)
    .bind(s.jobs_enabled)
    .bind(s.reminders_enabled)
    .bind(s.escalation_enabled)
    .bind(s.defaults_enabled)
    .execute(tx)
    .await
    .map(drop)
}

/// An agency setting that is a number of days, read by a job.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DaysSetting {
    /// How many days before an installment falls due its collector is reminded (3).
    ReminderDaysBefore,
    /// How many days without a timeline event make an account stale (14).
    StaleAfterDays,
}

impl DaysSetting {
    /// The key in `agencies.settings`.
    pub fn key(self) -> &'static str {
        match self {
            DaysSetting::ReminderDaysBefore => "reminder_days_before",
            DaysSetting::StaleAfterDays => "stale_after_days",
        }
    }

    /// The days when the agency never set it.
    pub fn default_days(self) -> i32 {
        match self {
            DaysSetting::ReminderDaysBefore => 3,
            DaysSetting::StaleAfterDays => 14,
        }
    }
}

/// The agency's `setting`, or its default.
pub async fn days(tx: &mut PgConnection, agency_id: Uuid, setting: DaysSetting) -> Result<i32, sqlx::Error> {
    sqlx::query_scalar("SELECT coalesce((settings ->> $2)::int, $3) FROM agencies WHERE id = $1")
        .bind(agency_id)
        .bind(setting.key())
        .bind(setting.default_days())
        .fetch_one(tx)
        .await
}
