//! `/accounts/{id}/write-offs` and `/write-offs`: requests to write off an account's
//! balance (`services::remedial::write_offs`). Managers draft and recommend; the board
//! (compliance or an agency admin) approves — posting the write-off and closing the
//! account — or rejects, with its minutes. A decision requires an `Idempotency-Key`:
//! a retry replays it instead of deciding twice.

use crate::{
    audit::Actor,
    auth::{policy::Operation, AuthUser},
    clock::Clock,
    config::MoneySettings,
    db,
    edge::json::Json,
    idempotency::{self, Begin, IdempotencyKey},
    problem::{responses, ApiError},
    services::remedial::write_offs::{self as service, Decision},
    store::write_offs::WriteOffRow,
};
use actix_web::{delete, get, http::StatusCode, patch, post, web, HttpResponse};
use debtflow_domain::decimal::PlainDecimal;
use debtflow_domain::remedial::write_off::WriteOffStatus;
pub use debtflow_wire::remedial::WriteOff;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use sqlx::PgPool;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

pub fn configure(cfg: &mut actix_web::web::ServiceConfig) {
    cfg.service(for_account)
        .service(create)
        .service(list)
        .service(get)
        .service(update)
        .service(remove)
        .service(recommend)
        .service(approve)
        .service(reject);
}

impl From<WriteOffRow> for WriteOff {
    fn from(r: WriteOffRow) -> Self {
        WriteOff {
            id: r.id,
            account_id: r.account_id,
            account_ref: r.account_ref,
            debtor_name: r.debtor_name,
            status: r.status,
            amount: crate::routes::amount(r.amount, &r.currency),
            current_balance: crate::routes::amount(r.current_balance, &r.currency),
            currency: r.currency,
            reason: r.reason,
            created_by: r.created_by,
            created_by_name: r.created_by_name,
            created_at: r.created_at,
            updated_at: r.updated_at,
            recommended_by: r.recommended_by,
            recommended_by_name: r.recommended_by_name,
            recommended_at: r.recommended_at,
            decided_by: r.decided_by,
            decided_by_name: r.decided_by_name,
            decided_at: r.decided_at,
            decided_on: r.decided_on,
            minutes: r.minutes,
            entry_id: r.entry_id,
        }
    }
}

fn many(rows: Vec<WriteOffRow>) -> HttpResponse {
    HttpResponse::Ok().json(rows.into_iter().map(WriteOff::from).collect::<Vec<_>>())
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewWriteOff {
    /// The account's whole balance, as a decimal string in its currency.
    #[schema(example = "1830.00")]
    pub amount: PlainDecimal,
    #[validate(length(min = 1, max = 2000))]
    #[schema(min_length = 1, max_length = 2000)]
    #[schema(example = "Debtor deceased; the estate has no assets (probate letter attached).")]
    pub reason: String,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WriteOffChanges {
    #[schema(example = "1830.00")]
    pub amount: Option<PlainDecimal>,
    #[validate(length(min = 1, max = 2000))]
    #[schema(min_length = 1, max_length = 2000)]
    pub reason: Option<String>,
}

#[derive(Debug, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BoardDecision {
    /// The board's minutes of the decision.
    #[validate(length(min = 1, max = 4000))]
    #[schema(min_length = 1, max_length = 4000)]
    #[schema(example = "Board meeting of 2 December 2026: uncollectible, approved unanimously.")]
    pub minutes: String,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct WriteOffFilter {
    /// `recommended`: what waits for the board.
    pub status: Option<WriteOffStatus>,
}

/// The account's write-off requests, the newest first.
#[utoipa::path(
    tag = "remedial",
    operation_id = "listAccountWriteOffs",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Account id")),
    responses(
        (status = 200, description = "The requests", body = Vec<WriteOff>),
        (status = 401, response = responses::Unauthorized),
        (status = 403, response = responses::Forbidden),
        (status = 404, response = responses::NotFound),
    )
)]
#[get("/accounts/{id}/write-offs")]
pub async fn for_account(
    user: AuthUser,
    id: web::Path<Uuid>,
    db: web::Data<PgPool>,
    clock: web::Data<Clock>,
) -> Result<HttpResponse, ApiError> {
    user.require(Operation::ReadAccounts)?;
    let mut tx = db::begin(&db, user.scope()).await?;
    let rows = service::list(&mut tx, &Actor::from(&user), Some(*id), None, clock.now()).await?;
    tx.commit().await?;
    Ok(many(rows))
}

/// Draft a request to write off an account's whole balance (a manager's). The account
/// is being worked or new — not on a payment plan (cancel it first) nor disputed
/// (resolve the dispute first) — and has no other open request.
#[utoipa::path(
    tag = "remedial",
    operation_id = "createWriteOff",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Account id")),
    request_body = NewWriteOff,
    responses(
        (status = 201, description = "The draft", body = WriteOff),
        (status = 400, response = responses::BadRequest),
        (status = 401, response = responses::Unauthorized),
        (status = 403, response = responses::Forbidden),
        (status = 404, response = responses::NotFound),
        (status = 409, response = responses::Conflict),
        (status = 422, response = responses::Invalid),
    )
)]
#[post("/accounts/{id}/write-offs")]
pub async fn create(
    user: AuthUser,
    id: web::Path<Uuid>,
    body: Json<NewWriteOff>,
    db: web::Data<PgPool>,
    clock: web::Data<Clock>,
) -> Result<HttpResponse, ApiError> {
    user.require(Operation::RecommendWriteOff)?;
    let b = body.into_inner()?;
    let mut tx = db::begin(&db, user.scope()).await?;
    let row = service::create(&mut tx, &Actor::from(&user), *id, b.amount.0, &b.reason, clock.now()).await?;
    tx.commit().await?;
    Ok(HttpResponse::Created().json(WriteOff::from(row)))
}

/// The agency's write-off requests, the newest first (at most 200): `?status=recommended`
/// is the board's queue. A collector sees those of their own accounts.
#[utoipa::path(
    tag = "remedial",
    operation_id = "listWriteOffs",
    security(("bearer" = [])),
    params(WriteOffFilter),
    responses(
        (status = 200, description = "The requests", body = Vec<WriteOff>),
        (status = 400, response = responses::BadRequest),
        (status = 401, response = responses::Unauthorized),
        (status = 403, response = responses::Forbidden),
    )
)]
#[get("/write-offs")]
pub async fn list(
    user: AuthUser,
    filter: web::Query<WriteOffFilter>,
    db: web::Data<PgPool>,
    clock: web::Data<Clock>,
) -> Result<HttpResponse, ApiError> {
    user.require(Operation::ReadAccounts)?;
    let mut tx = db::begin(&db, user.scope()).await?;
    let rows = service::list(&mut tx, &Actor::from(&user), None, filter.status, clock.now()).await?;
    tx.commit().await?;
    Ok(many(rows))
}

/// A write-off request.
#[utoipa::path(
    tag = "remedial",
    operation_id = "getWriteOff",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Write-off request id")),
    responses(
        (status = 200, description = "The request", body = WriteOff),
        (status = 401, response = responses::Unauthorized),
        (status = 403, response = responses::Forbidden),
        (status = 404, response = responses::NotFound),
    )
)]
#[get("/write-offs/{id}")]
pub async fn get(
    user: AuthUser,
    id: web::Path<Uuid>,
    db: web::Data<PgPool>,
    clock: web::Data<Clock>,
) -> Result<HttpResponse, ApiError> {
    user.require(Operation::ReadAccounts)?;
    let mut tx = db::begin(&db, user.scope()).await?;
    let row = service::get(&mut tx, &Actor::from(&user), *id, clock.now()).await?;
    tx.commit().await?;
    Ok(HttpResponse::Ok().json(WriteOff::from(row)))
}

/// Change a draft's amount or reason.
#[utoipa::path(
    tag = "remedial",
    operation_id = "updateWriteOff",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Write-off request id")),
    request_body = WriteOffChanges,
    responses(
        (status = 200, description = "The draft", body = WriteOff),
        (status = 400, response = responses::BadRequest),
        (status = 401, response = responses::Unauthorized),
        (status = 403, response = responses::Forbidden),
        (status = 404, response = responses::NotFound),
        (status = 409, response = responses::Conflict),
        (status = 422, response = responses::Invalid),
    )
)]
#[patch("/write-offs/{id}")]
pub async fn update(
    user: AuthUser,
    id: web::Path<Uuid>,
    body: Json<WriteOffChanges>,
    db: web::Data<PgPool>,
    clock: web::Data<Clock>,
) -> Result<HttpResponse, ApiError> {
    user.require(Operation::RecommendWriteOff)?;
    let b = body.into_inner()?;
    let mut tx = db::begin(&db, user.scope()).await?;
    let row =
        service::edit(&mut tx, &Actor::from(&user), *id, b.amount.map(Decimal::from), b.reason.as_deref(), clock.now())
            .await?;
    tx.commit().await?;
    Ok(HttpResponse::Ok().json(WriteOff::from(row)))
}

/// Delete a draft request (kept, hidden: `GET` no longer finds it).
#[utoipa::path(
    tag = "remedial",
    operation_id = "deleteWriteOff",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Write-off request id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, response = responses::Unauthorized),
        (status = 403, response = responses::Forbidden),
        (status = 404, response = responses::NotFound),
        (status = 409, response = responses::Conflict),
    )
)]
#[delete("/write-offs/{id}")]
pub async fn remove(
    user: AuthUser,
    id: web::Path<Uuid>,
    db: web::Data<PgPool>,
    clock: web::Data<Clock>,
) -> Result<HttpResponse, ApiError> {
    user.require(Operation::RecommendWriteOff)?;
    let mut tx = db::begin(&db, user.scope()).await?;
    service::delete(&mut tx, &Actor::from(&user), *id, clock.now()).await?;
    tx.commit().await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Recommend a draft to the board for the account's balance now; compliance and the
/// agency admins are told.
#[utoipa::path(
    tag = "remedial",
    operation_id = "recommendWriteOff",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Write-off request id")),
    responses(
        (status = 200, description = "The request, recommended", body = WriteOff),
        (status = 401, response = responses::Unauthorized),
        (status = 403, response = responses::Forbidden),
        (status = 404, response = responses::NotFound),
        (status = 409, response = responses::Conflict),
        (status = 422, response = responses::Invalid),
    )
)]
#[post("/write-offs/{id}/recommend")]
pub async fn recommend(
    user: AuthUser,
    id: web::Path<Uuid>,
    db: web::Data<PgPool>,
    clock: web::Data<Clock>,
) -> Result<HttpResponse, ApiError> {
    user.require(Operation::RecommendWriteOff)?;
    let mut tx = db::begin(&db, user.scope()).await?;
    let row = service::recommend(&mut tx, &Actor::from(&user), *id, clock.now()).await?;
    tx.commit().await?;
    Ok(HttpResponse::Ok().json(WriteOff::from(row)))
}

/// The board's decision, with its minutes; one who recommended the request may not
/// decide it (422 `decision`).
async fn decide(
    user: AuthUser,
    key: IdempotencyKey,
    id: Uuid,
    body: Json<BoardDecision>,
    (db, settings, clock): (&PgPool, &MoneySettings, &Clock),
    decision: Decision,
) -> Result<HttpResponse, ApiError> {
    user.require(Operation::DecideWriteOff)?;
    let body = body.into_inner()?;
    let mut claim = match idempotency::begin(db, settings, &user, &key, &body).await? {
        Begin::Fresh(claim) => claim,
        Begin::Replay(saved) => return Ok(saved),
    };
    let row = service::decide(&mut claim.tx, &Actor::from(&user), id, decision, &body.minutes, clock.now()).await?;
    idempotency::finish(claim, StatusCode::OK, &WriteOff::from(row)).await
}

/// Approve a recommended write-off: a `write_off` entry takes the receivable to zero
/// through the write-off ledger account (reversible only by a reversing entry), the
/// account is CLOSED and its pending promises to pay cancelled. Refused (409
/// `write-off-balance-changed`) once the balance differs from the amount recommended.
/// Requires an `Idempotency-Key`.
#[utoipa::path(
    tag = "remedial",
    operation_id = "approveWriteOff",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Write-off request id"),
           ("Idempotency-Key" = crate::idempotency::HeaderValue, Header, description = "A retry with the same key replays the answer")),
    request_body = BoardDecision,
    responses(
        (status = 200, description = "The request, approved", body = WriteOff),
        (status = 400, response = responses::BadRequest),
        (status = 401, response = responses::Unauthorized),
        (status = 403, response = responses::Forbidden),
        (status = 404, response = responses::NotFound),
        (status = 409, response = responses::Conflict),
        (status = 422, response = responses::Invalid),
    )
)]
#[post("/write-offs/{id}/approve")]
pub async fn approve(
    user: AuthUser,
    key: IdempotencyKey,
    id: web::Path<Uuid>,
    body: Json<BoardDecision>,
    db: web::Data<PgPool>,
    settings: web::Data<MoneySettings>,
    clock: web::Data<Clock>,
) -> Result<HttpResponse, ApiError> {
    decide(user, key, *id, body, (&db, &settings, &clock), Decision::Approve).await
}

/// Reject a recommended write-off; nothing is posted. Requires an `Idempotency-Key`.
#[utoipa::path(
    tag = "remedial",
    operation_id = "rejectWriteOff",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Write-off request id"),
           ("Idempotency-Key" = crate::idempotency::HeaderValue, Header, description = "A retry with the same key replays the answer")),
    request_body = BoardDecision,
    responses(
        (status = 200, description = "The request, rejected", body = WriteOff),
        (status = 400, response = responses::BadRequest),
        (status = 401, response = responses::Unauthorized),
        (status = 403, response = responses::Forbidden),
        (status = 404, response = responses::NotFound),
        (status = 409, response = responses::Conflict),
        (status = 422, response = responses::Invalid),
    )
)]
#[post("/write-offs/{id}/reject")]
pub async fn reject(
    user: AuthUser,
    key: IdempotencyKey,
    id: web::Path<Uuid>,
    body: Json<BoardDecision>,
    db: web::Data<PgPool>,
    settings: web::Data<MoneySettings>,
    clock: web::Data<Clock>,
) -> Result<HttpResponse, ApiError> {
    decide(user, key, *id, body, (&db, &settings, &clock), Decision::Reject).await
}
