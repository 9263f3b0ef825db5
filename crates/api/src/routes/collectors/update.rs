use super::check_commission_rate;
use crate::{
    audit::{self, Actor, Change},
    auth::{policy::Operation, AuthUser},
    db,
    edge::json::Json,
    problem::{responses, ApiError},
    routes::users::User,
    store::{self, users::CollectorChanges},
};
use actix_web::{patch, web, HttpResponse};
use debtflow_domain::Role;
use rust_decimal::Decimal;
use serde::Deserialize;
use sqlx::PgPool;
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

/// What an agency admin may change about a collector. Absent fields stay as they are.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CollectorPatch {
    #[validate(length(min = 1, max = 200))]
    pub full_name: Option<String>,
    #[validate(email)]
    pub email: Option<String>,
    #[schema(value_type = Option<String>, example = "0.12")]
    pub commission_rate: Option<Decimal>,
    #[validate(range(min = 0, max = 100000))]
    pub account_limit: Option<i32>,
    /// `false` deactivates: the collector cannot log in and every token stops at once.
    pub is_active: Option<bool>,
}

/// Change or deactivate a collector of the caller's agency.
#[utoipa::path(
    tag = "collectors",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Collector (user) id")),
    request_body = CollectorPatch,
    responses(
        (status = 200, description = "The collector as changed", body = User),
        (status = 400, response = responses::BadRequest),
        (status = 401, response = responses::Unauthorized),
        (status = 403, response = responses::Forbidden),
        (status = 404, response = responses::NotFound),
        (status = 422, response = responses::Invalid),
    )
)]
#[patch("/collectors/{id}")]
pub async fn update(
    user: AuthUser,
    id: web::Path<Uuid>,
    body: Json<CollectorPatch>,
    db: web::Data<PgPool>,
) -> Result<HttpResponse, ApiError> {
    user.require(Operation::ManageCollectors)?;
    let patch = body.into_inner();
    if let Some(rate) = patch.commission_rate {
        check_commission_rate(rate)?;
    }
    let agency_id = user.agency_id.ok_or(ApiError::Forbidden)?;
    let mut tx = db::begin(&db, user.scope()).await?;
    let before = store::users::get(&mut tx, Some(agency_id), *id)
        .await?
        .filter(|r| r.role == Role::Collector)
        .map(User::from)
        .ok_or(ApiError::NotFound)?;
    let changes = CollectorChanges {
        full_name: patch.full_name.as_deref().map(str::trim),
        email: patch.email.as_deref(),
        commission_rate: patch.commission_rate,
        account_limit: patch.account_limit,
        is_active: patch.is_active,
    };
    let after = store::users::update_collector(&mut tx, agency_id, *id, &changes)
        .await?
        .map(User::from)
        .ok_or(ApiError::NotFound)?;
    if before.is_active && !after.is_active {
        store::sessions::revoke_all(&mut tx, after.id, "deactivated").await?;
    }
    let change =
        Change::updated("collector.update", "user", after.id, &before.audit_snapshot(), &after.audit_snapshot());
    audit::record(&mut tx, &Actor::from(&user), change).await?;
    tx.commit().await?;
    Ok(HttpResponse::Ok().json(after))
}
