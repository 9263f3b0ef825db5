use super::Agency;
use crate::{
    audit::Actor,
    auth::{policy::Operation, AuthUser},
    db,
    edge::json::Json,
    problem::{responses, ApiError},
    services::agencies::{self as service, AgencyUpdate},
};
use actix_web::{patch, web, HttpResponse};
use debtflow_domain::agency::SettingsPatch;
use serde::Deserialize;
use sqlx::PgPool;
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

/// The fields an agency admin may change. `currency` is fixed once balances exist
/// in it; naming it (or any other field) is a 422.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AgencyPatch {
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub name: Option<String>,
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100)]
    pub licence_number: Option<String>,
    /// An IANA time zone, e.g. `Europe/London`.
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    pub time_zone: Option<String>,
    /// Merged key by key into the current settings; a key DebtFlow does not know, or a
    /// value out of its range, is a 422 naming it (`settings.plan_grace_days`).
    pub settings: Option<SettingsPatch>,
}

/// Change the caller's agency (platform admins: any agency): its profile and its
/// settings, audited with what changed.
#[utoipa::path(
    tag = "agencies",
    operation_id = "updateAgency",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Agency id")),
    request_body = AgencyPatch,
    responses(
        (status = 200, description = "The agency as changed", body = Agency),
        (status = 400, response = responses::BadRequest),
        (status = 401, response = responses::Unauthorized),
        (status = 403, response = responses::Forbidden),
        (status = 404, response = responses::NotFound),
        (status = 409, response = responses::Conflict),
        (status = 422, response = responses::Invalid),
    )
)]
#[patch("/agencies/{id}")]
pub async fn update(
    user: AuthUser,
    id: web::Path<Uuid>,
    body: Json<AgencyPatch>,
    db: web::Data<PgPool>,
) -> Result<HttpResponse, ApiError> {
    user.require(Operation::UpdateAgency)?;
    let patch = body.into_inner()?;
    let update = AgencyUpdate {
        name: patch.name,
        licence_number: patch.licence_number,
        time_zone: patch.time_zone,
        settings: patch.settings,
    };
    let mut tx = db::begin(&db, user.scope()).await?;
    let agency = service::update(&mut tx, &Actor::from(&user), user.agency_id, *id, &update).await?;
    tx.commit().await?;
    Ok(HttpResponse::Ok().json(Agency::from(agency)))
}
