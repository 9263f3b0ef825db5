use crate::{
    auth::{policy::Operation, AuthUser},
    db,
    problem::{responses, ApiError},
    routes::users::User,
    store,
};
use actix_web::{get, web, HttpResponse};
use debtflow_domain::Role;
use sqlx::PgPool;
use uuid::Uuid;

/// One collector of the caller's agency.
#[utoipa::path(
    tag = "collectors",
    operation_id = "getCollector",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Collector (user) id")),
    responses(
        (status = 200, description = "The collector", body = User),
        (status = 401, response = responses::Unauthorized),
        (status = 403, response = responses::Forbidden),
        (status = 404, response = responses::NotFound),
    )
)]
#[get("/collectors/{id}")]
pub async fn get(user: AuthUser, id: web::Path<Uuid>, db: web::Data<PgPool>) -> Result<HttpResponse, ApiError> {
    user.require(Operation::ReadCollectors)?;
    let mut tx = db::begin(&db, user.scope()).await?;
    let row = store::users::get(&mut tx, user.agency_id, *id).await?;
    tx.commit().await?;
    match row.filter(|r| r.role == Role::Collector) {
        Some(row) => Ok(HttpResponse::Ok().json(User::from(row))),
        None => Err(ApiError::NotFound),
    }
}
