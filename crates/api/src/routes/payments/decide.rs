//! A manager's decision on a backdated payment: approve (it posts) or reject.

use super::Payment;
use crate::{
    audit::{self, Actor, Change},
    auth::{policy::Operation, AuthUser},
    config::MoneySettings,
    edge::json,
    idempotency::{self, Begin, IdempotencyKey},
    posting,
    problem::{responses, ApiError},
    routes::accounts::reach,
    services::{Entity, Refusal},
    store,
};
use actix_web::{http::StatusCode, post, web, HttpResponse};
use debtflow_domain::payment::{self, PaymentStatus};
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
    pub reason: Option<String>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Verdict {
    Approve,
    Reject,
}

/// Approve a payment waiting for approval: it posts now (the account must still owe
/// its amount). Requires an `Idempotency-Key`.
#[utoipa::path(
    tag = "payments",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Payment id"),
           ("Idempotency-Key" = String, Header, description = "A retry with the same key replays the answer")),
    request_body(content = Decision, description = "Optional: `{}` or no body"),
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
) -> Result<HttpResponse, ApiError> {
    decide(user, key, *id, &body, db, settings, Verdict::Approve).await
}

/// Reject a payment waiting for approval: it never posts. Requires an
/// `Idempotency-Key`.
#[utoipa::path(
    tag = "payments",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Payment id"),
           ("Idempotency-Key" = String, Header, description = "A retry with the same key replays the answer")),
    request_body(content = Decision, description = "Optional: `{}` or no body"),
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
) -> Result<HttpResponse, ApiError> {
    decide(user, key, *id, &body, db, settings, Verdict::Reject).await
}

async fn decide(
    user: AuthUser,
    key: IdempotencyKey,
    id: Uuid,
    body: &[u8],
    db: web::Data<PgPool>,
    settings: web::Data<MoneySettings>,
    verdict: Verdict,
) -> Result<HttpResponse, ApiError> {
    user.require(Operation::DecidePayment)?;
    let decision: Decision = json::parse_optional(body)?.unwrap_or(Decision { reason: None });
    let mut claim = match idempotency::begin(&db, &settings, &user, &key, &decision).await? {
        Begin::Fresh(claim) => claim,
        Begin::Replay(saved) => return Ok(saved),
    };
    let tx = &mut *claim.tx;
    let reach = reach(&user);
    // The account first, then the payment: the order every money request locks in.
    let account_id = store::payments::get(tx, reach, id, false).await?.ok_or(ApiError::NotFound)?.account_id;
    let mut account = store::accounts::lock_money(tx, reach, account_id).await?.ok_or(ApiError::NotFound)?;
    let before = store::payments::get(tx, reach, id, true).await?.ok_or(ApiError::NotFound)?;
    if before.status.0 != PaymentStatus::PendingApproval {
        let pending = [PaymentStatus::PendingApproval];
        return Err(Refusal::wrong_status(Entity::Payment, before.status.0, "a decision", pending).into());
    }
    let actor = Actor::from(&user);
    let action = match verdict {
        Verdict::Approve => {
            let others = store::payments::pending_total(tx, account.agency_id, account.id, Some(id)).await?;
            let available = account.money(account.current_balance - others)?;
            payment::check_covered(account.money(before.amount)?, available)
                .map_err(|e| posting::refused("amount", e))?;
            posting::post_payment(tx, &mut account, &before, Some(user.id), &actor).await?;
            "payment.approve"
        }
        Verdict::Reject => {
            store::payments::close_unposted(tx, account.agency_id, id, PaymentStatus::Rejected, Some(user.id)).await?;
            "payment.reject"
        }
    };
    let after = store::payments::get(tx, reach, id, false).await?.ok_or(ApiError::NotFound)?;
    let change = Change::updated(
        action,
        "payment",
        id,
        &serde_json::json!({ "status": before.status.0 }),
        &serde_json::json!({ "status": after.status.0, "reason": decision.reason }),
    );
    audit::record(tx, &actor, change).await?;
    idempotency::finish(claim, StatusCode::OK, &Payment::from(after)).await
}
