use super::Payment;
use crate::{
    audit::{self, Actor, Change},
    auth::{policy::Operation, AuthUser},
    config::MoneySettings,
    edge::json::Json,
    idempotency::{self, Begin, IdempotencyKey},
    posting,
    problem::{responses, ApiError},
    routes::accounts::reach,
    store,
};
use actix_web::{http::StatusCode, post, web, HttpResponse};
use debtflow_domain::Money;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use sqlx::PgPool;
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

#[derive(Debug, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewRefund {
    /// At most what is still refundable (the amount less earlier refunds).
    #[schema(value_type = String, example = "25.00")]
    pub amount: Decimal,
    #[validate(length(min = 1, max = 1000))]
    pub reason: String,
}

/// Refund a completed payment in full or in part: a reversing ledger entry; the
/// balance goes back up, fees it paid reopen, the collector's commission is reversed
/// pro rata, and an account this refund reopens goes back to the status it was
/// settled from. Requires an `Idempotency-Key`.
#[utoipa::path(
    tag = "payments",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Payment id"),
           ("Idempotency-Key" = String, Header, description = "A retry with the same key and body replays the answer")),
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
) -> Result<HttpResponse, ApiError> {
    user.require(Operation::RefundPayment)?;
    let new = body.into_inner();
    let mut claim = match idempotency::begin(&db, &settings, &user, &key, &new).await? {
        Begin::Fresh(claim) => claim,
        Begin::Replay(saved) => return Ok(saved),
    };
    let tx = &mut *claim.tx;
    let reach = reach(&user);
    let account_id = store::payments::get(tx, reach, *id, false).await?.ok_or(ApiError::NotFound)?.account_id;
    let mut account = store::accounts::lock_money(tx, reach, account_id).await?.ok_or(ApiError::NotFound)?;
    let before = store::payments::get(tx, reach, *id, true).await?.ok_or(ApiError::NotFound)?;
    let amount = Money::new(new.amount, account.currency()?).map_err(|e| ApiError::field("amount", e.to_string()))?;
    let actor = Actor::from(&user);
    posting::refund_payment(tx, &mut account, &before, amount, new.reason.trim(), &actor).await?;
    let after = store::payments::get(tx, reach, *id, false).await?.ok_or(ApiError::NotFound)?;
    let change = Change::updated(
        "payment.refund",
        "payment",
        *id,
        &serde_json::json!({ "status": before.status.0, "refunded_amount": before.refunded_amount }),
        &serde_json::json!({ "status": after.status.0, "refunded_amount": after.refunded_amount,
                             "reason": new.reason.trim() }),
    );
    audit::record(tx, &actor, change).await?;
    idempotency::finish(claim, StatusCode::OK, &Payment::from(after)).await
}
