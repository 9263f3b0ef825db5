//! `POST /accounts/{id}/pauses`: pause an account's aging (`services::accounts::pauses`).

use crate::{
    audit::Actor,
    auth::{policy::Operation, AuthUser},
    clock::Clock,
    db,
    edge::json::Json,
    problem::{responses, ApiError},
    services::accounts::pauses::{self as service, Paused},
};
use actix_web::{post, web, HttpResponse};
use debtflow_domain::date::BusinessDate;
pub use debtflow_wire::accounts::Pause;
use serde::Deserialize;
use sqlx::PgPool;
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewPause {
    /// The first day the account does not age (default today).
    pub starts_on: Option<BusinessDate>,
    /// The last day it does not age.
    pub ends_on: BusinessDate,
    #[validate(length(min = 1, max = 1000))]
    #[schema(min_length = 1, max_length = 1000)]
    pub reason: String,
}

/// Pause the account's aging: its days past due do not grow from `starts_on` to
/// `ends_on` (the dpd_aging job counts the days paused, like the days disputed).
#[utoipa::path(
    tag = "accounts",
    operation_id = "pauseAccountAging",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Account id")),
    request_body = NewPause,
    responses(
        (status = 201, description = "The pause", body = Pause),
        (status = 400, response = responses::BadRequest),
        (status = 401, response = responses::Unauthorized),
        (status = 403, response = responses::Forbidden),
        (status = 404, response = responses::NotFound),
        (status = 422, response = responses::Invalid),
    )
)]
#[post("/accounts/{id}/pauses")]
pub async fn create(
    user: AuthUser,
    id: web::Path<Uuid>,
    body: Json<NewPause>,
    db: web::Data<PgPool>,
    clock: web::Data<Clock>,
) -> Result<HttpResponse, ApiError> {
    user.require(Operation::PauseAging)?;
    let new = body.into_inner()?;
    let cmd = service::Pause {
        account_id: *id,
        starts_on: new.starts_on.map(Into::into),
        ends_on: new.ends_on.0,
        reason: new.reason,
    };
    let mut tx = db::begin(&db, user.scope()).await?;
    let paused = service::pause(&mut tx, &Actor::from(&user), cmd, clock.now()).await?;
    tx.commit().await?;
    Ok(HttpResponse::Created().json(Pause::from(paused)))
}

impl From<Paused> for Pause {
    fn from(p: Paused) -> Self {
        Pause { id: p.id, account_id: p.account_id, starts_on: p.starts_on, ends_on: p.ends_on, reason: p.reason }
    }
}
