//! `GET /imports` (history, newest first) and `GET /imports/{id}` (one, with its
//! progress while it runs).

use super::Import;
use crate::{
    auth::{policy::Operation, AuthUser},
    db,
    edge::query::Query,
    pagination::{self, Page},
    problem::{responses, ApiError},
    store::{self, imports::ImportRow},
};
use actix_web::{get, web, HttpResponse};
use sqlx::PgPool;
use uuid::Uuid;

/// The agency's imports, newest first.
#[utoipa::path(
    tag = "imports",
    operation_id = "listImports",
    security(("bearer" = [])),
    params(crate::pagination::PageQuery),
    responses(
        (status = 200, description = "A page of imports, newest first", body = Page<Import>),
        (status = 401, response = responses::Unauthorized),
        (status = 403, response = responses::Forbidden),
        (status = 422, response = responses::Invalid),
    )
)]
#[get("/imports")]
pub async fn list(
    user: AuthUser,
    query: Query<crate::pagination::PageQuery>,
    db: web::Data<PgPool>,
) -> Result<HttpResponse, ApiError> {
    user.require(Operation::ReadImports)?;
    let agency_id = user.agency_id.ok_or(ApiError::Forbidden)?;
    let query = query.into_inner()?;
    let limit = pagination::limit(query.limit);
    let before = pagination::decode_time("imports", query.cursor.as_deref())?;
    let mut tx = db::begin(&db, user.scope()).await?;
    let rows = store::imports::list(&mut tx, agency_id, before, limit + 1).await?;
    tx.commit().await?;
    let key = |r: &ImportRow| pagination::time_key(r.created_at, r.id);
    Ok(HttpResponse::Ok().json(crate::pagination::page(rows, limit, "imports", key, Import::from)))
}

/// One import: its status and counts (read it again to follow a running import).
#[utoipa::path(
    tag = "imports",
    operation_id = "getImport",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Import id")),
    responses(
        (status = 200, description = "The import", body = Import),
        (status = 401, response = responses::Unauthorized),
        (status = 403, response = responses::Forbidden),
        (status = 404, response = responses::NotFound),
        (status = 422, response = responses::Invalid),
    )
)]
#[get("/imports/{id}")]
pub async fn get(user: AuthUser, id: web::Path<Uuid>, db: web::Data<PgPool>) -> Result<HttpResponse, ApiError> {
    user.require(Operation::ReadImports)?;
    let agency_id = user.agency_id.ok_or(ApiError::Forbidden)?;
    let mut tx = db::begin(&db, user.scope()).await?;
    let row = store::imports::get(&mut tx, agency_id, *id).await?.ok_or(ApiError::NotFound)?;
    tx.commit().await?;
    Ok(HttpResponse::Ok().json(Import::from(row)))
}
