use super::Payment;
use crate::{
    audit::Actor,
    auth::{policy::Operation, AuthUser},
    clock::Clock,
    config::MoneySettings,
    edge::json::Json,
    idempotency::{self, Begin, IdempotencyKey},
    problem::{responses, ApiError},
    services::payments::record::{self, record_locked, Answer, RecordPayment},
};
use actix_web::{http::StatusCode, post, web, HttpResponse};
use debtflow_domain::date::BusinessDate;
use debtflow_domain::decimal::PlainDecimal;
use debtflow_domain::payment::{Metadata, PaymentMethod};
use serde::{Deserialize, Serialize};
use sqlx::PgPool;
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

#[derive(Debug, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewPayment {
    pub account_id: Uuid,
    /// A decimal string in the account's currency, greater than zero and at most
    /// what the account still owes.
    #[schema(example = "125.50")]
    pub amount: PlainDecimal,
    pub method: PaymentMethod,
    /// When the debtor paid: not in the future; more than the approval window
    /// (default 7 days) back, the payment waits for a manager's approval.
    pub paid_on: BusinessDate,
    /// The bank's UTR or the processor's payment id; unique within the agency.
    #[validate(length(min = 1, max = 255))]
    #[schema(min_length = 1, max_length = 255)]
    pub reference: Option<String>,
    /// What the client keeps with the payment (an order number, a terminal id).
    pub metadata: Option<Metadata>,
}

/// Record a payment. Cash, checks and bank transfers post at once (`completed`); a
/// card payment is `pending` until the processor confirms it; a payment dated more
/// than the approval window back is `pending_approval`, posts nothing, and notifies
/// the managers. Money in hand for an account that takes no payments (not yet
/// assigned, settled, closed) is never refused: it is `unapplied`, held in suspense
/// for a manager to apply or refund. Requires an `Idempotency-Key`: a retry replays
/// the first answer.
#[utoipa::path(
    tag = "payments",
    operation_id = "createPayment",
    security(("bearer" = [])),
    params(("Idempotency-Key" = crate::idempotency::HeaderValue, Header, description = "Unique per payment; a retry with the same key and body replays the answer")),
    request_body = NewPayment,
    responses(
        (status = 201, description = "The payment recorded", body = Payment,
         headers(("Idempotent-Replayed" = String, description = "`true` when this is the saved answer of an earlier request"))),
        (status = 400, response = responses::BadRequest),
        (status = 401, response = responses::Unauthorized),
        (status = 403, response = responses::Forbidden),
        (status = 409, response = responses::Conflict),
        (status = 422, response = responses::Invalid),
    )
)]
#[post("/payments")]
pub async fn create(
    user: AuthUser,
    key: IdempotencyKey,
    body: Json<NewPayment>,
    db: web::Data<PgPool>,
    settings: web::Data<MoneySettings>,
    clock: web::Data<Clock>,
) -> Result<HttpResponse, ApiError> {
    user.require(Operation::RecordPayment)?;
    let new = body.into_inner()?;
    // The account is locked in the same round trip as the key is claimed.
    let lock = record::opening(user.reach(), new.account_id);
    let mut claim = match idempotency::begin_then(&db, &settings, &user, &key, &new, &lock).await? {
        Begin::Fresh(claim) => claim,
        Begin::Replay(saved) => return Ok(saved),
    };
    let command = RecordPayment {
        account_id: new.account_id,
        amount: new.amount.0,
        method: new.method,
        paid_on: new.paid_on.0,
        reference: new.reference,
        metadata: new.metadata.unwrap_or_default(),
    };
    let actor = Actor::from(&user);
    // The server's window; the agency's own, if it chose one, wins.
    let default_window = settings.approval_after_days;
    let (tx, key) = claim.split();
    let answer = Answer { key, status: StatusCode::CREATED.as_u16() as i16 };
    let recorded = record_locked(tx, Some(answer), &actor, user.reach(), command, default_window, clock.now()).await?;
    if let Some(body) = recorded.answer {
        claim.answered(StatusCode::CREATED, body);
    }
    idempotency::finish(claim, StatusCode::CREATED, &Payment::from(recorded.payment)).await
}
