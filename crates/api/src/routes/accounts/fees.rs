//! Fees on an account: assess (raises the balance), list, waive (what is unpaid).

use crate::{
    audit::Actor,
    auth::{policy::Operation, AuthUser},
    clock::Clock,
    config::MoneySettings,
    db,
    edge::json::Json,
    idempotency::{self, Begin, IdempotencyKey},
    problem::{responses, ApiError},
    routes::amount,
    services::fees::{self, AssessFee},
    store::{self, fees::FeeRow},
};
use actix_web::{get, http::StatusCode, post, web, HttpResponse};
use debtflow_domain::decimal::PlainDecimal;
use debtflow_domain::fee::FeeKind;
pub use debtflow_wire::accounts::Fee;
use serde::{Deserialize, Serialize};
use sqlx::PgPool;
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

impl From<FeeRow> for Fee {
    fn from(r: FeeRow) -> Self {
        Fee {
            id: r.id,
            account_id: r.account_id,
            kind: r.kind,
            amount: amount(r.amount, &r.currency),
            paid_amount: amount(r.paid_amount, &r.currency),
            waived_amount: amount(r.waived_amount, &r.currency),
            status: r.status,
            reason: r.reason,
            assessed_by: r.assessed_by,
            waived_by: r.waived_by,
            waive_reason: r.waive_reason,
            created_at: r.created_at,
        }
    }
}

#[derive(Debug, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewFee {
    pub kind: FeeKind,
    #[schema(example = "25.00")]
    pub amount: PlainDecimal,
    #[validate(length(min = 1, max = 1000))]
    #[schema(min_length = 1, max_length = 1000)]
    pub reason: String,
}

#[derive(Debug, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Waiver {
    #[validate(length(min = 1, max = 1000))]
    #[schema(min_length = 1, max_length = 1000)]
    pub reason: String,
}

/// Assess a fee: it raises the balance at once, status `waiting` until payments cover
/// it. Payments pay fees after the principal, or before it when the agency's setting
/// `payment_allocation` is `fees_first`. Requires an `Idempotency-Key`.
#[utoipa::path(
    tag = "accounts",
    operation_id = "createFee",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Account id"),
           ("Idempotency-Key" = crate::idempotency::HeaderValue, Header, description = "A retry with the same key and body replays the answer")),
    request_body = NewFee,
    responses(
        (status = 201, description = "The fee assessed", body = Fee),
        (status = 400, response = responses::BadRequest),
        (status = 401, response = responses::Unauthorized),
        (status = 403, response = responses::Forbidden),
        (status = 404, response = responses::NotFound),
        (status = 409, response = responses::Conflict),
        (status = 422, response = responses::Invalid),
    )
)]
#[post("/accounts/{id}/fees")]
pub async fn create(
    user: AuthUser,
    key: IdempotencyKey,
    id: web::Path<Uuid>,
    body: Json<NewFee>,
    db: web::Data<PgPool>,
    settings: web::Data<MoneySettings>,
    clock: web::Data<Clock>,
) -> Result<HttpResponse, ApiError> {
    user.require(Operation::ManageFees)?;
    let new = body.into_inner()?;
    let mut claim = match idempotency::begin(&db, &settings, &user, &key, &new).await? {
        Begin::Fresh(claim) => claim,
        Begin::Replay(saved) => return Ok(saved),
    };
    let command =
        AssessFee { account_id: *id, kind: new.kind, amount: new.amount.0, reason: new.reason.trim().to_owned() };
    let fee = fees::assess(&mut claim.tx, &Actor::from(&user), user.reach(), command, clock.now()).await?;
    idempotency::finish(claim, StatusCode::CREATED, &Fee::from(fee)).await
}

/// The account's fees, oldest first.
#[utoipa::path(
    tag = "accounts",
    operation_id = "listFees",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Account id")),
    responses(
        (status = 200, description = "Every fee of the account, oldest first", body = Vec<Fee>),
        (status = 401, response = responses::Unauthorized),
        (status = 404, response = responses::NotFound),
        (status = 422, response = responses::Invalid),
    )
)]
#[get("/accounts/{id}/fees")]
pub async fn list(
    user: AuthUser,
    id: web::Path<Uuid>,
    db: web::Data<PgPool>,
    clock: web::Data<Clock>,
) -> Result<HttpResponse, ApiError> {
    user.require(Operation::ReadMoney)?;
    let mut tx = db::begin(&db, user.scope()).await?;
    let account = store::accounts::get(&mut tx, user.reach(), *id, clock.now()).await?.ok_or(ApiError::NotFound)?;
    let rows = store::fees::list(&mut tx, account.agency_id, account.id).await?;
    tx.commit().await?;
    let fees: Vec<Fee> = rows.into_iter().map(Fee::from).collect();
    Ok(HttpResponse::Ok().json(fees))
}

/// Waive what a waiting fee still owes: a reversing entry for that part; the balance
/// goes down (to zero settles the account). Requires an `Idempotency-Key`.
#[utoipa::path(
    tag = "accounts",
    operation_id = "waiveFee",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Account id"), ("fee_id" = Uuid, Path, description = "Fee id"),
           ("Idempotency-Key" = crate::idempotency::HeaderValue, Header, description = "A retry with the same key and body replays the answer")),
    request_body = Waiver,
    responses(
        (status = 200, description = "The fee, waived", body = Fee),
        (status = 400, response = responses::BadRequest),
        (status = 401, response = responses::Unauthorized),
        (status = 403, response = responses::Forbidden),
        (status = 404, response = responses::NotFound),
        (status = 409, response = responses::Conflict),
        (status = 422, response = responses::Invalid),
    )
)]
#[post("/accounts/{id}/fees/{fee_id}/waive")]
pub async fn waive(
    user: AuthUser,
    key: IdempotencyKey,
    path: web::Path<(Uuid, Uuid)>,
    body: Json<Waiver>,
    db: web::Data<PgPool>,
    settings: web::Data<MoneySettings>,
    clock: web::Data<Clock>,
) -> Result<HttpResponse, ApiError> {
    user.require(Operation::ManageFees)?;
    let (id, fee_id) = path.into_inner();
    let waiver = body.into_inner()?;
    let mut claim = match idempotency::begin(&db, &settings, &user, &key, &waiver).await? {
        Begin::Fresh(claim) => claim,
        Begin::Replay(saved) => return Ok(saved),
    };
    let actor = Actor::from(&user);
    let reason = waiver.reason.trim();
    let fee = fees::waive(&mut claim.tx, &actor, user.reach(), id, fee_id, reason, clock.now()).await?;
    idempotency::finish(claim, StatusCode::OK, &Fee::from(fee)).await
}
