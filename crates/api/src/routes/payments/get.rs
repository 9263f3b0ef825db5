use super::Payment;
use crate::{
    auth::{policy::Operation, AuthUser},
    db,
    problem::{responses, ApiError},
    store,
};
use actix_web::{get, web, HttpResponse};
use sqlx::PgPool;
use uuid::Uuid;

/// One payment (a collector's: on their own accounts only).
#[utoipa::path(
    tag = "payments",
    operation_id = "getPayment",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Payment id")),
    responses(
        (status = 200, description = "The payment", body = Payment),
        (status = 401, response = responses::Unauthorized),
        (status = 404, response = responses::NotFound),
        (status = 422, response = responses::Invalid),
    )
)]
#[get("/payments/{id}")]
pub async fn get(user: AuthUser, id: web::Path<Uuid>, db: web::Data<PgPool>) -> Result<HttpResponse, ApiError> {
    user.require(Operation::ReadMoney)?;
    let mut tx = db::begin(&db, user.scope()).await?;
    let row = store::payments::get(&mut tx, user.reach(), *id).await?.ok_or(ApiError::NotFound)?;
    tx.commit().await?;
    Ok(HttpResponse::Ok().json(Payment::from(row)))
}
