//! `/accounts/{id}/promises`: promises to pay, made by the collector working the
//! account (`services::accounts::promises`), decided by the daily evaluation.

use crate::{
    audit::Actor,
    auth::{policy::Operation, AuthUser},
    clock::Clock,
    db,
    edge::json::Json,
    problem::{responses, ApiError},
    services::accounts::promises::{self as service, MakePromises},
    store::promises::PromiseRow,
};
use actix_web::{get, post, web, HttpResponse};
use debtflow_domain::date::BusinessDate;
use debtflow_domain::decimal::PlainDecimal;
use debtflow_domain::promise::NewPromise;
pub use debtflow_wire::accounts::Promise;
use serde::{Deserialize, Serialize};
use sqlx::PgPool;
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

impl From<PromiseRow> for Promise {
    fn from(r: PromiseRow) -> Self {
        Promise {
            id: r.id,
            account_id: r.account_id,
            series_id: r.series_id,
            amount: super::super::amount(r.amount, &r.currency),
            due_on: r.due_on,
            made_on: r.made_on,
            status: r.status,
            contact_id: r.contact_id,
            note: r.note,
            made_by: r.made_by,
            made_by_name: r.made_by_name,
            made_at: r.made_at,
            kept_on: r.kept_on,
            evaluated_on: r.evaluated_on,
            cancelled_at: r.cancelled_at,
            cancel_reason: r.cancel_reason,
        }
    }
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PromiseItem {
    /// A decimal string in the account's currency, greater than zero.
    #[schema(example = "150.00")]
    pub amount: PlainDecimal,
    /// From today (the agency's) to 90 days ahead; after the previous item's date.
    pub due_on: BusinessDate,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewPromises {
    /// One promise, or a short series (at most 6) with ascending dates. Together with
    /// the promises still pending they may not exceed the balance.
    #[validate(length(min = 1, max = 6))]
    #[schema(min_items = 1, max_items = 6)]
    pub items: Vec<PromiseItem>,
    /// The contact attempt in which the debtor made them.
    pub contact_id: Option<Uuid>,
    #[validate(length(max = 1000))]
    #[schema(max_length = 1000)]
    #[schema(example = "Will pay from Friday's paycheck.")]
    pub note: Option<String>,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CancelPromise {
    #[validate(length(min = 1, max = 1000))]
    #[schema(min_length = 1, max_length = 1000)]
    #[schema(example = "Recorded on the wrong account.")]
    pub reason: String,
}

/// Record a promise to pay, or a short series of them, on an account in collection.
/// The daily `promise_evaluation` job decides each: kept once payments made from the
/// day it was made cover it by its date plus the agency's grace days
/// (`plan_grace_days`), broken otherwise — which raises the account to the top
/// priority and tells its collector.
#[utoipa::path(
    tag = "accounts",
    operation_id = "createPromise",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Account id")),
    request_body = NewPromises,
    responses(
        (status = 201, description = "The promises, pending, in date order", body = Vec<Promise>),
        (status = 400, response = responses::BadRequest),
        (status = 401, response = responses::Unauthorized),
        (status = 403, response = responses::Forbidden),
        (status = 404, response = responses::NotFound),
        (status = 409, response = responses::Conflict),
        (status = 422, response = responses::Invalid),
    )
)]
#[post("/accounts/{id}/promises")]
pub async fn create(
    user: AuthUser,
    id: web::Path<Uuid>,
    body: Json<NewPromises>,
    db: web::Data<PgPool>,
    clock: web::Data<Clock>,
) -> Result<HttpResponse, ApiError> {
    user.require(Operation::WorkAccount)?;
    let body = body.into_inner()?;
    let items = body.items.iter().map(|i| NewPromise { amount: i.amount.0, due_on: i.due_on.0 }).collect();
    let cmd = MakePromises { account_id: *id, items, contact_id: body.contact_id, note: body.note };
    let mut tx = db::begin(&db, user.scope()).await?;
    let rows = service::make(&mut tx, &Actor::from(&user), cmd, clock.now()).await?;
    tx.commit().await?;
    Ok(HttpResponse::Created().json(rows.into_iter().map(Promise::from).collect::<Vec<_>>()))
}

/// The account's promises to pay, the latest due first.
#[utoipa::path(
    tag = "accounts",
    operation_id = "listPromises",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Account id")),
    responses(
        (status = 200, description = "The account's promises", body = Vec<Promise>),
        (status = 401, response = responses::Unauthorized),
        (status = 403, response = responses::Forbidden),
        (status = 404, response = responses::NotFound),
    )
)]
#[get("/accounts/{id}/promises")]
pub async fn list(
    user: AuthUser,
    id: web::Path<Uuid>,
    db: web::Data<PgPool>,
    clock: web::Data<Clock>,
) -> Result<HttpResponse, ApiError> {
    user.require(Operation::ReadAccounts)?;
    let mut tx = db::begin(&db, user.scope()).await?;
    let rows = service::list(&mut tx, &Actor::from(&user), *id, clock.now()).await?;
    tx.commit().await?;
    Ok(HttpResponse::Ok().json(rows.into_iter().map(Promise::from).collect::<Vec<_>>()))
}

/// Cancel a pending promise (the debtor withdrew it, or it was recorded in error).
/// Audited; a kept or broken promise is final (409).
#[utoipa::path(
    tag = "accounts",
    operation_id = "cancelPromise",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Account id"), ("promise_id" = Uuid, Path, description = "Promise id")),
    request_body = CancelPromise,
    responses(
        (status = 200, description = "The promise, cancelled", body = Promise),
        (status = 400, response = responses::BadRequest),
        (status = 401, response = responses::Unauthorized),
        (status = 403, response = responses::Forbidden),
        (status = 404, response = responses::NotFound),
        (status = 409, response = responses::Conflict),
        (status = 422, response = responses::Invalid),
    )
)]
#[post("/accounts/{id}/promises/{promise_id}/cancel")]
pub async fn cancel(
    user: AuthUser,
    path: web::Path<(Uuid, Uuid)>,
    body: Json<CancelPromise>,
    db: web::Data<PgPool>,
    clock: web::Data<Clock>,
) -> Result<HttpResponse, ApiError> {
    user.require(Operation::WorkAccount)?;
    let (id, promise_id) = path.into_inner();
    let mut tx = db::begin(&db, user.scope()).await?;
    let row =
        service::cancel(&mut tx, &Actor::from(&user), id, promise_id, &body.into_inner()?.reason, clock.now()).await?;
    tx.commit().await?;
    Ok(HttpResponse::Ok().json(Promise::from(row)))
}
