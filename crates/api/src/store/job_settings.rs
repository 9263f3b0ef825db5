//! An agency's kill switches for its daily jobs (`job_settings`, migrations/0008), read
//! at every run and changed with `PATCH /settings`, and who turned each one to its
//! current value, and when (migrations/0022). (The numbers of days some jobs read are
//! the agency's settings: `store::agencies::settings`.)

use chrono::{DateTime, Utc};
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

/// The agency's switches, its row created if it had none and locked until the
/// transaction ends: they are changed from what is read here.
pub async fn lock(tx: &mut PgConnection, agency_id: Uuid) -> Result<Switches, sqlx::Error> {
    sqlx::query("INSERT INTO job_settings (agency_id) VALUES ($1) ON CONFLICT (agency_id) DO NOTHING")
        .bind(agency_id)
        .execute(&mut *tx)
        .await?;
    sqlx::query_as(
        "SELECT jobs_enabled, reminders_enabled, escalation_enabled, defaults_enabled
         FROM job_settings WHERE agency_id = $1 FOR UPDATE",
    )
    .bind(agency_id)
    .fetch_one(tx)
    .await
}

/// Saves `after` (from [`lock`]'s `before`); each switch whose value changed is
/// recorded as changed by `by` now (the transaction's time, the audit row's too).
pub async fn set_switches(
    tx: &mut PgConnection,
    agency_id: Uuid,
    before: &Switches,
    after: &Switches,
    by: Uuid,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE job_settings SET
             jobs_enabled = $2, reminders_enabled = $3, escalation_enabled = $4, defaults_enabled = $5,
             jobs_enabled_by = CASE WHEN $6 THEN $10 ELSE jobs_enabled_by END,
             jobs_enabled_at = CASE WHEN $6 THEN now() ELSE jobs_enabled_at END,
             reminders_enabled_by = CASE WHEN $7 THEN $10 ELSE reminders_enabled_by END,
             reminders_enabled_at = CASE WHEN $7 THEN now() ELSE reminders_enabled_at END,
             escalation_enabled_by = CASE WHEN $8 THEN $10 ELSE escalation_enabled_by END,
             escalation_enabled_at = CASE WHEN $8 THEN now() ELSE escalation_enabled_at END,
             defaults_enabled_by = CASE WHEN $9 THEN $10 ELSE defaults_enabled_by END,
             defaults_enabled_at = CASE WHEN $9 THEN now() ELSE defaults_enabled_at END,
             updated_at = now()
         WHERE agency_id = $1",
    )
    .bind(agency_id)
    .bind(after.jobs_enabled)
    .bind(after.reminders_enabled)
    .bind(after.escalation_enabled)
    .bind(after.defaults_enabled)
    .bind(before.jobs_enabled != after.jobs_enabled)
    .bind(before.reminders_enabled != after.reminders_enabled)
    .bind(before.escalation_enabled != after.escalation_enabled)
    .bind(before.defaults_enabled != after.defaults_enabled)
    .bind(by)
    .execute(tx)
    .await
    .map(drop)
}

/// Who turned a switch to its current value, and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SwitchChange {
    pub by: Uuid,
    pub by_name: String,
    pub at: DateTime<Utc>,
}

/// The switches with the last change of each (`None`: never changed).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SwitchesChanged {
    pub switches: Switches,
    pub jobs_enabled: Option<SwitchChange>,
    pub reminders_enabled: Option<SwitchChange>,
    pub escalation_enabled: Option<SwitchChange>,
    pub defaults_enabled: Option<SwitchChange>,
}

#[derive(sqlx::FromRow)]
struct ChangedRow {
    #[sqlx(flatten)]
    switches: Switches,
    jobs_by: Option<Uuid>,
    jobs_name: Option<String>,
    jobs_at: Option<DateTime<Utc>>,
    reminders_by: Option<Uuid>,
    reminders_name: Option<String>,
    reminders_at: Option<DateTime<Utc>>,
    escalation_by: Option<Uuid>,
    escalation_name: Option<String>,
    escalation_at: Option<DateTime<Utc>>,
    defaults_by: Option<Uuid>,
    defaults_name: Option<String>,
    defaults_at: Option<DateTime<Utc>>,
}

/// The agency's switches and who changed each last (all on, never changed, when it has
/// no row).
pub async fn with_changes(conn: &mut PgConnection, agency_id: Uuid) -> Result<SwitchesChanged, sqlx::Error> {
    let row: Option<ChangedRow> = sqlx::query_as(
        "SELECT s.jobs_enabled, s.reminders_enabled, s.escalation_enabled, s.defaults_enabled,
                s.jobs_enabled_by AS jobs_by, j.full_name AS jobs_name, s.jobs_enabled_at AS jobs_at,
                s.reminders_enabled_by AS reminders_by, r.full_name AS reminders_name,
                s.reminders_enabled_at AS reminders_at,
                s.escalation_enabled_by AS escalation_by, e.full_name AS escalation_name,
                s.escalation_enabled_at AS escalation_at,
                s.defaults_enabled_by AS defaults_by, d.full_name AS defaults_name,
                s.defaults_enabled_at AS defaults_at
         FROM job_settings s
         LEFT JOIN users j ON j.id = s.jobs_enabled_by
         LEFT JOIN users r ON r.id = s.reminders_enabled_by
         LEFT JOIN users e ON e.id = s.escalation_enabled_by
         LEFT JOIN users d ON d.id = s.defaults_enabled_by
         WHERE s.agency_id = $1",
    )
    .bind(agency_id)
    .fetch_optional(conn)
    .await?;
    let Some(r) = row else { return Ok(SwitchesChanged::default()) };
    let change = |by: Option<Uuid>, name: Option<String>, at: Option<DateTime<Utc>>| match (by, at) {
        (Some(by), Some(at)) => Some(SwitchChange { by, by_name: name.unwrap_or_default(), at }),
        _ => None,
    };
    Ok(SwitchesChanged {
        switches: r.switches,
        jobs_enabled: change(r.jobs_by, r.jobs_name, r.jobs_at),
        reminders_enabled: change(r.reminders_by, r.reminders_name, r.reminders_at),
        escalation_enabled: change(r.escalation_by, r.escalation_name, r.escalation_at),
        defaults_enabled: change(r.defaults_by, r.defaults_name, r.defaults_at),
    })
}
