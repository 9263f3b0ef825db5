use crate::{
    audit::Actor,
    auth::{policy::Operation, AuthUser},
    db,
    edge::json::Json,
    problem::{responses, ApiError},
    routes::users::User,
    services::staff::{self, StaffPatch},
};
use actix_web::{patch, web, HttpResponse};
use debtflow_domain::decimal::PlainDecimal;
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
    #[schema(min_length = 1, max_length = 200)]
    pub full_name: Option<String>,
    #[validate(email)]
    pub email: Option<String>,
    #[schema(example = "0.12")]
    pub commission_rate: Option<PlainDecimal>,
    #[validate(range(min = 0, max = 100000))]
    pub account_limit: Option<i32>,
    /// `false` deactivates: the collector cannot log in and every token stops at once.
    pub is_active: Option<bool>,
}

/// Change or deactivate a collector of the caller's agency.
#[utoipa::path(
    tag = "collectors",
    operation_id = "updateCollector",
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
    let p = body.into_inner()?;
    let patch = StaffPatch {
        full_name: p.full_name,
        email: p.email,
        is_active: p.is_active,
        commission_rate: p.commission_rate.map(Decimal::from),
        account_limit: p.account_limit,
        role: None,
    };
    let mut tx = db::begin(&db, user.scope()).await?;
    let row = staff::update(&mut tx, &Actor::from(&user), *id, Some(Role::Collector), patch).await?;
    tx.commit().await?;
    Ok(HttpResponse::Ok().json(User::from(row)))
}
