use super::Agency;
use crate::{
    auth::{policy::Operation, AuthUser},
    db,
    problem::{responses, ApiError},
    store,
};
use actix_web::{get, web, HttpResponse};
use sqlx::PgPool;
use uuid::Uuid;

/// One agency: the caller's own (another agency's is a 404), any for platform admins.
#[utoipa::path(
    tag = "agencies",
    operation_id = "getAgency",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Agency id")),
    responses(
        (status = 200, description = "The agency", body = Agency),
        (status = 401, response = responses::Unauthorized),
        (status = 404, response = responses::NotFound),
    )
)]
#[get("/agencies/{id}")]
pub async fn get(user: AuthUser, id: web::Path<Uuid>, db: web::Data<PgPool>) -> Result<HttpResponse, ApiError> {
    user.require(Operation::ReadAgencies)?;
    let mut tx = db::begin(&db, user.scope()).await?;
    let agency = store::agencies::get(&mut tx, user.agency_id, *id).await?.ok_or(ApiError::NotFound)?;
    tx.commit().await?;
    Ok(HttpResponse::Ok().json(Agency::from(agency)))
}
