//! Applying unapplied money: the manager's answer to the unapplied-payments queue
//! (`GET /payments?status=unapplied`).

use super::Payment;
use crate::{
    audit::Actor,
    auth::{policy::Operation, AuthUser},
    clock::Clock,
    config::MoneySettings,
    edge::json,
    idempotency::{self, Begin, IdempotencyKey},
    problem::{responses, ApiError},
    services::payments::apply::apply as apply_payment,
};
use actix_web::{http::StatusCode, post, web, HttpResponse};
use serde::{Deserialize, Serialize};
use sqlx::PgPool;
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

#[derive(Debug, Default, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Application {
    /// The account to apply it to; the account the payment named when absent (say,
    /// once a NEW account has been assigned). It must be worked and owe at least the
    /// payment's amount.
    pub account_id: Option<Uuid>,
}

/// Apply an unapplied payment to an account: it posts there like any payment
/// (allocation, commission, plan installments) and becomes `completed`. Requires an
/// `Idempotency-Key`.
#[utoipa::path(
    tag = "payments",
    operation_id = "applyPayment",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Payment id"),
           ("Idempotency-Key" = crate::idempotency::HeaderValue, Header, description = "A retry with the same key and body replays the answer")),
    request_body(content = Option<Application>, description = "Optional: `{}` or no body applies it to its own account"),
    responses(
        (status = 200, description = "The payment, completed on the account", body = Payment),
        (status = 400, response = responses::BadRequest),
        (status = 401, response = responses::Unauthorized),
        (status = 403, response = responses::Forbidden),
        (status = 404, response = responses::NotFound),
        (status = 409, response = responses::Conflict),
        (status = 422, response = responses::Invalid),
    )
)]
#[post("/payments/{id}/apply")]
pub async fn apply(
    user: AuthUser,
    key: IdempotencyKey,
    id: web::Path<Uuid>,
    body: web::Bytes,
    db: web::Data<PgPool>,
    settings: web::Data<MoneySettings>,
    clock: web::Data<Clock>,
) -> Result<HttpResponse, ApiError> {
    user.require(Operation::DecidePayment)?;
    let application: Application = json::parse_optional(&body)?.unwrap_or_default();
    let mut claim = match idempotency::begin(&db, &settings, &user, &key, &application).await? {
        Begin::Fresh(claim) => claim,
        Begin::Replay(saved) => return Ok(saved),
    };
    let actor = Actor::from(&user);
    let payment = apply_payment(&mut claim.tx, &actor, user.reach(), *id, application.account_id, clock.now()).await?;
    idempotency::finish(claim, StatusCode::OK, &Payment::from(payment)).await
}
