//! `/settings`: the agency's job kill switches, read by every job run, each with who
//! turned it to its current value and when.

use crate::{
    audit::Actor,
    auth::{policy::Operation, AuthUser},
    db,
    edge::json::Json,
    problem::{responses, ApiError},
    services::kill_switches::{self, SetSwitches},
    store::{
        self,
        job_settings::{self as switches, SwitchesChanged},
    },
};
use actix_web::{get, patch, web, HttpResponse};
pub use debtflow_wire::settings::{JobSwitches, SwitchChange, SwitchChanges};
use serde::Deserialize;
use sqlx::PgPool;
use utoipa::ToSchema;
use validator::Validate;

impl From<switches::SwitchChange> for SwitchChange {
    fn from(c: switches::SwitchChange) -> Self {
        SwitchChange { changed_by: c.by, changed_by_name: c.by_name, changed_at: c.at }
    }
}

impl From<SwitchesChanged> for JobSwitches {
    fn from(s: SwitchesChanged) -> Self {
        JobSwitches {
            jobs_enabled: s.switches.jobs_enabled,
            reminders_enabled: s.switches.reminders_enabled,
            escalation_enabled: s.switches.escalation_enabled,
            defaults_enabled: s.switches.defaults_enabled,
            last_changed: SwitchChanges {
                jobs_enabled: s.jobs_enabled.map(SwitchChange::from),
                reminders_enabled: s.reminders_enabled.map(SwitchChange::from),
                escalation_enabled: s.escalation_enabled.map(SwitchChange::from),
                defaults_enabled: s.defaults_enabled.map(SwitchChange::from),
            },
        }
    }
}

/// The switches to change; those left out keep their value.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SwitchesPatch {
    pub jobs_enabled: Option<bool>,
    pub reminders_enabled: Option<bool>,
    pub escalation_enabled: Option<bool>,
    pub defaults_enabled: Option<bool>,
}

/// The caller's agency's job switches, with who changed each last and when.
#[utoipa::path(
    tag = "jobs",
    operation_id = "getSettings",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The switches", body = JobSwitches),
        (status = 401, response = responses::Unauthorized),
        (status = 403, response = responses::Forbidden),
    )
)]
#[get("/settings")]
pub async fn get(user: AuthUser, db: web::Data<PgPool>) -> Result<HttpResponse, ApiError> {
    user.require(Operation::ReadSettings)?;
    let agency_id = user.agency_id.ok_or(ApiError::Forbidden)?;
    let mut tx = db::begin(&db, user.scope()).await?;
    let switches = store::job_settings::with_changes(&mut tx, agency_id).await?;
    tx.commit().await?;
    Ok(HttpResponse::Ok().json(JobSwitches::from(switches)))
}

/// Turn the agency's jobs on or off; audited (`settings.update`, the switches that
/// changed), each changed switch recorded as changed by the caller now; effective at
/// the next run.
#[utoipa::path(
    tag = "jobs",
    operation_id = "updateSettings",
    security(("bearer" = [])),
    request_body = SwitchesPatch,
    responses(
        (status = 200, description = "The switches as changed", body = JobSwitches),
        (status = 400, response = responses::BadRequest),
        (status = 401, response = responses::Unauthorized),
        (status = 403, response = responses::Forbidden),
        (status = 422, response = responses::Invalid),
    )
)]
#[patch("/settings")]
pub async fn update(
    user: AuthUser,
    body: Json<SwitchesPatch>,
    db: web::Data<PgPool>,
) -> Result<HttpResponse, ApiError> {
    user.require(Operation::ManageSettings)?;
    let agency_id = user.agency_id.ok_or(ApiError::Forbidden)?;
    let patch = body.into_inner()?;
    let cmd = SetSwitches {
        jobs_enabled: patch.jobs_enabled,
        reminders_enabled: patch.reminders_enabled,
        escalation_enabled: patch.escalation_enabled,
        defaults_enabled: patch.defaults_enabled,
    };
    let mut tx = db::begin(&db, user.scope()).await?;
    let switches = kill_switches::set(&mut tx, &Actor::from(&user), agency_id, cmd).await?;
    tx.commit().await?;
    Ok(HttpResponse::Ok().json(JobSwitches::from(switches)))
}
