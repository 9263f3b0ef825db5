use crate::{
    auth::{policy::Operation, AuthUser},
    db,
    problem::{responses, ApiError},
    routes::agencies::Agency,
    store,
};
use actix_web::{get, web, HttpResponse};
use debtflow_domain::Role;
use serde::Serialize;
use sqlx::PgPool;
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Debug, Serialize, ToSchema)]
pub struct Me {
    pub id: Uuid,
    pub username: String,
    pub full_name: String,
    pub role: Role,
    /// The caller's agency; `null` for platform admins.
    pub agency: Option<Agency>,
}

/// The caller: id, username, full name, role and agency.
#[utoipa::path(
    tag = "auth",
    security(("bearer" = [])),
    responses((status = 200, description = "The caller", body = Me), (status = 401, response = responses::Unauthorized))
)]
#[get("/auth/me")]
pub async fn get(user: AuthUser, db: web::Data<PgPool>) -> Result<HttpResponse, ApiError> {
    user.require(Operation::ReadOwnProfile)?;
    let mut tx = db::begin(&db, user.scope()).await?;
    let me = store::users::get(&mut tx, user.agency_id, user.id).await?.ok_or(ApiError::NotFound)?;
    let agency = match user.agency_id {
        Some(id) => store::agencies::get(&mut tx, Some(id), id).await?.map(Agency::from),
        None => None,
    };
    tx.commit().await?;
    Ok(HttpResponse::Ok().json(Me { id: me.id, username: me.username, full_name: me.full_name, role: me.role, agency }))
}
