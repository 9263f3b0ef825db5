use super::Payment;
use crate::{
    audit::Actor,
    auth::{policy::Operation, AuthUser},
    clock::Clock,
    config::MoneySettings,
    edge::json::Json,
    idempotency::{self, Begin, IdempotencyKey},
    problem::{responses, ApiError},
    services::payments::refund::refund as refund_payment,
};
use actix_web::{http::StatusCode, post, web, HttpResponse};
use debtflow_domain::decimal::PlainDecimal;
use serde::{Deserialize, Serialize};
use sqlx::PgPool;
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

#[derive(Debug, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewRefund {
    /// At most what is still refundable (the amount less earlier refunds).
    #[schema(example = "25.00")]
    pub amount: PlainDecimal,
    #[validate(length(min = 1, max = 1000))]
    #[schema(min_length = 1, max_length = 1000)]
    pub reason: String,
}

/// Refund a completed payment in full or in part: a reversing ledger entry; the
/// balance goes back up, fees it paid reopen, the collector's commission is reversed
/// pro rata, installments it paid are taken back newest first (a completed plan
/// reopens and its settlement write-off is reversed), and an account this refund
/// reopens goes back to the status it was settled from. An unapplied payment is
/// refunded out of suspense. Requires an `Idempotency-Key`.
#[utoipa::path(
    tag = "payments",
    operation_id = "refundPayment",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Payment id"),
           ("Idempotency-Key" = crate::idempotency::HeaderValue, Header, description = "A retry with the same key and body replays the answer")),
    request_body = NewRefund,
    responses(
        (status = 200, description = "The payment, refunded or partially refunded", body = Payment),
        (status = 400, response = responses::BadRequest),
        (status = 401, response = responses::Unauthorized),
        (status = 403, response = responses::Forbidden),
        (status = 404, response = responses::NotFound),
        (status = 409, response = responses::Conflict),
        (status = 422, response = responses::Invalid),
    )
)]
#[post("/payments/{id}/refund")]
pub async fn refund(
    user: AuthUser,
    key: IdempotencyKey,
    id: web::Path<Uuid>,
    body: Json<NewRefund>,
    db: web::Data<PgPool>,
    settings: web::Data<MoneySettings>,
    clock: web::Data<Clock>,
) -> Result<HttpResponse, ApiError> {
    user.require(Operation::RefundPayment)?;
    let new = body.into_inner()?;
    let mut claim = match idempotency::begin(&db, &settings, &user, &key, &new).await? {
        Begin::Fresh(claim) => claim,
        Begin::Replay(saved) => return Ok(saved),
    };
    let actor = Actor::from(&user);
    let reason = new.reason.trim();
    let payment = refund_payment(&mut claim.tx, &actor, user.reach(), *id, new.amount.0, reason, clock.now()).await?;
    idempotency::finish(claim, StatusCode::OK, &Payment::from(payment)).await
}
