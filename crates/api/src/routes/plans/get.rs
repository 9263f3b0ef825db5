use super::{views, Plan};
use crate::{
    auth::{policy::Operation, AuthUser},
    clock::Clock,
    db,
    problem::{responses, ApiError},
    store,
};
use actix_web::{get, web, HttpResponse};
use sqlx::PgPool;
use uuid::Uuid;

/// One plan with its schedule: paid, remaining and status per installment.
#[utoipa::path(
    tag = "plans",
    operation_id = "getPlan",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Plan id")),
    responses(
        (status = 200, description = "The plan", body = Plan),
        (status = 401, response = responses::Unauthorized),
        (status = 404, response = responses::NotFound),
        (status = 422, response = responses::Invalid),
    )
)]
#[get("/plans/{id}")]
pub async fn get(
    user: AuthUser,
    id: web::Path<Uuid>,
    db: web::Data<PgPool>,
    clock: web::Data<Clock>,
) -> Result<HttpResponse, ApiError> {
    user.require(Operation::ReadMoney)?;
    let mut tx = db::begin(&db, user.scope()).await?;
    let row = store::plans::get(&mut tx, user.reach(), *id, clock.now()).await?.ok_or(ApiError::NotFound)?;
    let plan = super::view(&mut tx, row).await?;
    tx.commit().await?;
    Ok(HttpResponse::Ok().json(plan))
}

/// The account's plans, newest first.
#[utoipa::path(
    tag = "plans",
    operation_id = "listAccountPlans",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Account id")),
    responses(
        (status = 200, description = "The account's plans, newest first", body = Vec<Plan>),
        (status = 401, response = responses::Unauthorized),
        (status = 404, response = responses::NotFound),
        (status = 422, response = responses::Invalid),
    )
)]
#[get("/accounts/{id}/plans")]
pub async fn for_account(
    user: AuthUser,
    id: web::Path<Uuid>,
    db: web::Data<PgPool>,
    clock: web::Data<Clock>,
) -> Result<HttpResponse, ApiError> {
    user.require(Operation::ReadMoney)?;
    let mut tx = db::begin(&db, user.scope()).await?;
    let account = store::accounts::get(&mut tx, user.reach(), *id, clock.now()).await?.ok_or(ApiError::NotFound)?;
    let rows = store::plans::for_account(&mut tx, account.agency_id, account.id, clock.now()).await?;
    let plans = views(&mut tx, rows).await?;
    tx.commit().await?;
    Ok(HttpResponse::Ok().json(plans))
}
