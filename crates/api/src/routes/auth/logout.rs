use crate::{
    auth::{session, AuthUser},
    problem::{responses, ApiError},
};
use actix_web::{post, web, HttpResponse};
use sqlx::PgPool;

/// Log out: revoke the caller's session. Its refresh token and every access token
/// of it stop working at once.
#[utoipa::path(
    tag = "auth",
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Session revoked"),
        (status = 401, response = responses::Unauthorized),
    )
)]
#[post("/auth/logout")]
pub async fn create(user: AuthUser, db: web::Data<PgPool>) -> Result<HttpResponse, ApiError> {
    session::logout(&db, &user).await?;
    Ok(HttpResponse::NoContent().finish())
}
