//! `POST /accounts/{id}/transition`: a person moves an account through its lifecycle,
//! with a reason (`services::accounts::transition`).

use super::AccountDetail;
use crate::{
    audit::Actor,
    auth::{policy::Operation, AuthUser},
    clock::Clock,
    crypto::FieldCipher,
    db,
    edge::json::Json,
    problem::{responses, ApiError, Problem},
    services::accounts::transition::{self as service, Transition},
};
use actix_web::{post, web, HttpResponse};
use debtflow_domain::{account::status::UnknownStatus, AccountStatus};
use serde::Deserialize;
use sqlx::PgPool;
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TransitionRequest {
    /// The status to move to (`in_contact`; the upper-case `IN_CONTACT` is accepted too).
    #[schema(
        example = "in_contact",
        pattern = r"^((new|assigned|in_contact|negotiating|payment_plan|settled|closed|disputed)|(NEW|ASSIGNED|IN_CONTACT|NEGOTIATING|PAYMENT_PLAN|SETTLED|CLOSED|DISPUTED))$"
    )]
    pub to: String,
    /// Why; kept on the timeline and in the audit trail.
    #[validate(length(min = 1, max = 1000))]
    #[schema(min_length = 1, max_length = 1000)]
    pub reason: String,
}

/// Move an account to another status. Only the moves a person may make are allowed
/// here (`allowed_transitions` of the account); the others happen through assignment,
/// plans and payments. A refused move is a 409 listing the allowed targets.
#[utoipa::path(
    tag = "accounts",
    operation_id = "transitionAccount",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Account id")),
    request_body = TransitionRequest,
    responses(
        (status = 200, description = "The account, moved", body = AccountDetail),
        (status = 400, response = responses::BadRequest),
        (status = 401, response = responses::Unauthorized),
        (status = 403, response = responses::Forbidden),
        (status = 404, response = responses::NotFound),
        (status = 409, description = "Not allowed from the current status; `allowed_transitions` lists what is", body = Problem, content_type = "application/problem+json"),
        (status = 422, response = responses::Invalid),
    )
)]
#[post("/accounts/{id}/transition")]
pub async fn transition(
    user: AuthUser,
    id: web::Path<Uuid>,
    body: Json<TransitionRequest>,
    db: web::Data<PgPool>,
    clock: web::Data<Clock>,
    cipher: web::Data<FieldCipher>,
) -> Result<HttpResponse, ApiError> {
    user.require(Operation::WorkAccount)?;
    let request = body.into_inner()?;
    let to: AccountStatus = request.to.parse().map_err(|e: UnknownStatus| ApiError::field("to", e.to_string()))?;
    let cmd = Transition { account_id: *id, to, reason: request.reason };
    let mut tx = db::begin(&db, user.scope()).await?;
    service::transition(&mut tx, &Actor::from(&user), cmd, clock.now()).await?;
    let detail = super::get::detail(&mut tx, &user, *id, &cipher, clock.now()).await?;
    tx.commit().await?;
    Ok(HttpResponse::Ok().json(detail))
}
