//! A manager's decision on a backdated payment: approve (it posts) or reject.

use super::Payment;
use crate::{
    audit::Actor,
    auth::{policy::Operation, AuthUser},
    clock::Clock,
    config::MoneySettings,
    edge::json,
    idempotency::{self, Begin, IdempotencyKey},
    problem::{responses, ApiError},
    services::payments::decide::{decide, Verdict},
};
use actix_web::{http::StatusCode, post, web, HttpResponse};
use serde::{Deserialize, Serialize};
use sqlx::PgPool;
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

#[derive(Debug, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Decision {
    /// Why; kept in the audit trail.
    #[validate(length(min = 1, max = 1000))]
    #[schema(min_length = 1, max_length = 1000)]
    pub reason: Option<String>,
}

/// Approve a payment waiting for approval: it posts now — or, when its account can no
/// longer take it (settled, closed, owing less), it is held `unapplied` for a manager
/// to apply or refund. Requires an `Idempotency-Key`.
#[utoipa::path(
    tag = "payments",
    operation_id = "approvePayment",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Payment id"),
           ("Idempotency-Key" = crate::idempotency::HeaderValue, Header, description = "A retry with the same key replays the answer")),
    request_body(content = Option<Decision>, description = "Optional: `{}` or no body"),
    responses(
        (status = 200, description = "The payment, completed", body = Payment),
        (status = 400, response = responses::BadRequest),
        (status = 401, response = responses::Unauthorized),
        (status = 403, response = responses::Forbidden),
        (status = 404, response = responses::NotFound),
        (status = 409, response = responses::Conflict),
        (status = 422, response = responses::Invalid),
    )
)]
#[post("/payments/{id}/approve")]
pub async fn approve(
    user: AuthUser,
    key: IdempotencyKey,
    id: web::Path<Uuid>,
    body: web::Bytes,
    db: web::Data<PgPool>,
    settings: web::Data<MoneySettings>,
    clock: web::Data<Clock>,
) -> Result<HttpResponse, ApiError> {
    handle(user, key, *id, &body, (&db, &settings, &clock), Verdict::Approve).await
}

/// Reject a payment waiting for approval: it never posts. Requires an
/// `Idempotency-Key`.
#[utoipa::path(
    tag = "payments",
    operation_id = "rejectPayment",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Payment id"),
           ("Idempotency-Key" = crate::idempotency::HeaderValue, Header, description = "A retry with the same key replays the answer")),
    request_body(content = Option<Decision>, description = "Optional: `{}` or no body"),
    responses(
        (status = 200, description = "The payment, rejected", body = Payment),
        (status = 400, response = responses::BadRequest),
        (status = 401, response = responses::Unauthorized),
        (status = 403, response = responses::Forbidden),
        (status = 404, response = responses::NotFound),
        (status = 409, response = responses::Conflict),
        (status = 422, response = responses::Invalid),
    )
)]
#[post("/payments/{id}/reject")]
pub async fn reject(
    user: AuthUser,
    key: IdempotencyKey,
    id: web::Path<Uuid>,
    body: web::Bytes,
    db: web::Data<PgPool>,
    settings: web::Data<MoneySettings>,
    clock: web::Data<Clock>,
) -> Result<HttpResponse, ApiError> {
    handle(user, key, *id, &body, (&db, &settings, &clock), Verdict::Reject).await
}

async fn handle(
    user: AuthUser,
    key: IdempotencyKey,
    id: Uuid,
    body: &[u8],
    (db, settings, clock): (&PgPool, &MoneySettings, &Clock),
    verdict: Verdict,
) -> Result<HttpResponse, ApiError> {
    user.require(Operation::DecidePayment)?;
    let decision: Decision = json::parse_optional(body)?.unwrap_or(Decision { reason: None });
    let mut claim = match idempotency::begin(db, settings, &user, &key, &decision).await? {
        Begin::Fresh(claim) => claim,
        Begin::Replay(saved) => return Ok(saved),
    };
    let reason = decision.reason.as_deref();
    let actor = Actor::from(&user);
    let payment = decide(&mut claim.tx, &actor, user.reach(), id, verdict, reason, clock.now()).await?;
    idempotency::finish(claim, StatusCode::OK, &Payment::from(payment)).await
}
