use super::Agency;
use crate::{
    audit::Actor,
    auth::{policy::Operation, AuthUser},
    db,
    problem::{responses, ApiError},
    services::agencies,
};
use actix_web::{post, web, HttpResponse};
use sqlx::PgPool;
use uuid::Uuid;

/// Close an agency (platform admins).
///
/// Its users cannot sign in and every session of theirs ends at once; its daily jobs
/// stop. Nothing is deleted: the books and the audit trail stay, and reopening it
/// restores access. Audited as `agency.deactivate`.
#[utoipa::path(
    tag = "agencies",
    operation_id = "deactivateAgency",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Agency id")),
    responses(
        (status = 200, description = "The agency, closed", body = Agency),
        (status = 401, response = responses::Unauthorized),
        (status = 403, response = responses::Forbidden),
        (status = 404, response = responses::NotFound),
    )
)]
#[post("/agencies/{id}/deactivate")]
pub async fn deactivate(user: AuthUser, id: web::Path<Uuid>, db: web::Data<PgPool>) -> Result<HttpResponse, ApiError> {
    set(user, *id, db, false).await
}

/// Reopen a closed agency (platform admins). Audited as `agency.reactivate`.
#[utoipa::path(
    tag = "agencies",
    operation_id = "reactivateAgency",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Agency id")),
    responses(
        (status = 200, description = "The agency, open", body = Agency),
        (status = 401, response = responses::Unauthorized),
        (status = 403, response = responses::Forbidden),
        (status = 404, response = responses::NotFound),
    )
)]
#[post("/agencies/{id}/reactivate")]
pub async fn reactivate(user: AuthUser, id: web::Path<Uuid>, db: web::Data<PgPool>) -> Result<HttpResponse, ApiError> {
    set(user, *id, db, true).await
}

async fn set(user: AuthUser, id: Uuid, db: web::Data<PgPool>, active: bool) -> Result<HttpResponse, ApiError> {
    user.require(Operation::ManageAgencies)?;
    let mut tx = db::begin(&db, user.scope()).await?;
    let row = agencies::set_active(&mut tx, &Actor::from(&user), id, active).await?;
    tx.commit().await?;
    Ok(HttpResponse::Ok().json(Agency::from(row)))
}
