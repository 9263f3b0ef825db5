use crate::{
    auth::{policy::Operation, session, AuthUser},
    problem::{responses, ApiError},
};
use actix_web::{post, web, HttpResponse};
use sqlx::PgPool;

/// Log out: revoke the caller's session. Its refresh token and every access token
/// of it stop working at once. (An API key has no session: it is revoked instead.)
#[utoipa::path(
    tag = "auth",
    operation_id = "logout",
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Session revoked"),
        (status = 401, response = responses::Unauthorized),
        (status = 403, response = responses::Forbidden),
    )
)]
#[post("/auth/logout")]
pub async fn create(user: AuthUser, db: web::Data<PgPool>) -> Result<HttpResponse, ApiError> {
    user.require(Operation::ReadOwnProfile)?;
    session::logout(&db, &user).await?;
    Ok(HttpResponse::NoContent().finish())
}
