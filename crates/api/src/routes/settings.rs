//! `/settings`: the agency's job kill switches, read by every job run.

use crate::{
    audit::{self, Actor, Change},
    auth::{policy::Operation, AuthUser},
    db,
    edge::json::Json,
    problem::{responses, ApiError},
    store::{self, job_settings::Switches},
};
use actix_web::{get, patch, web, HttpResponse};
use serde::{Deserialize, Serialize};
use sqlx::PgPool;
use utoipa::ToSchema;
use validator::Validate;

/// The agency's kill switches: `jobs_enabled` stops every job of the agency; the
/// others stop one job each (installment_reminders, stale_account_escalation,
/// overdue_default_scan). They take effect at the next run.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
pub struct JobSwitches {
    pub jobs_enabled: bool,
    pub reminders_enabled: bool,
    pub escalation_enabled: bool,
    pub defaults_enabled: bool,
}

impl From<Switches> for JobSwitches {
    fn from(s: Switches) -> Self {
        JobSwitches {
            jobs_enabled: s.jobs_enabled,
            reminders_enabled: s.reminders_enabled,
            escalation_enabled: s.escalation_enabled,
            defaults_enabled: s.defaults_enabled,
        }
    }
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SwitchesPatch {
    pub jobs_enabled: Option<bool>,
    pub reminders_enabled: Option<bool>,
    pub escalation_enabled: Option<bool>,
    pub defaults_enabled: Option<bool>,
}

/// The caller's agency's job switches.
#[utoipa::path(
    tag = "jobs",
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
    let switches = store::job_settings::switches(&mut tx, agency_id).await?;
    tx.commit().await?;
    Ok(HttpResponse::Ok().json(JobSwitches::from(switches)))
}

/// Turn the agency's jobs on or off; audited, effective at the next run.
#[utoipa::path(
    tag = "jobs",
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
    let patch = body.into_inner();
    let mut tx = db::begin(&db, user.scope()).await?;
    let before = store::job_settings::switches(&mut tx, agency_id).await?;
    let after = Switches {
        jobs_enabled: patch.jobs_enabled.unwrap_or(before.jobs_enabled),
        reminders_enabled: patch.reminders_enabled.unwrap_or(before.reminders_enabled),
        escalation_enabled: patch.escalation_enabled.unwrap_or(before.escalation_enabled),
        defaults_enabled: patch.defaults_enabled.unwrap_or(before.defaults_enabled),
    };
    store::job_settings::set_switches(&mut tx, agency_id, &after).await?;
    let snapshot = |s: Switches| serde_json::to_value(JobSwitches::from(s)).unwrap_or_default();
    let change = Change::updated("settings.update", "job_settings", agency_id, &snapshot(before), &snapshot(after));
    audit::record(&mut tx, &Actor::from(&user), change).await?;
    tx.commit().await?;
    Ok(HttpResponse::Ok().json(JobSwitches::from(after)))
}
