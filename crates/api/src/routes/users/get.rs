use super::User;
use crate::{
    auth::{policy::Operation, AuthUser},
    db,
    problem::{responses, ApiError},
    store,
};
use actix_web::{get, web, HttpResponse};
use sqlx::PgPool;
use uuid::Uuid;

/// One user of the caller's agency (platform admins: any).
#[utoipa::path(
    tag = "users",
    operation_id = "getUser",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "User id")),
    responses(
        (status = 200, description = "The user", body = User),
        (status = 401, response = responses::Unauthorized),
        (status = 403, response = responses::Forbidden),
        (status = 404, response = responses::NotFound),
    )
)]
#[get("/users/{id}")]
pub async fn get(user: AuthUser, id: web::Path<Uuid>, db: web::Data<PgPool>) -> Result<HttpResponse, ApiError> {
    user.require(Operation::ReadUsers)?;
    let mut tx = db::begin(&db, user.scope()).await?;
    let row = store::users::get(&mut tx, user.agency_id, *id).await?.ok_or(ApiError::NotFound)?;
    tx.commit().await?;
    Ok(HttpResponse::Ok().json(User::from(row)))
}
