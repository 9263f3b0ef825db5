//! `POST /auth/password`: the signed-in user changes their own password.

use crate::{
    auth::{policy::Operation, session, AuthUser},
    edge::json::Json,
    problem::{responses, ApiError},
};
use actix_web::{post, web, HttpResponse};
use serde::Deserialize;
use sqlx::PgPool;
use utoipa::ToSchema;
use validator::Validate;

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordChange {
    /// The password in use now.
    #[validate(length(min = 1, max = 128))]
    #[schema(min_length = 1, max_length = 128)]
    pub current_password: String,
    /// 12 to 128 characters, not one character repeated, not the current one.
    #[validate(length(min = 1, max = 128))]
    #[schema(min_length = 1, max_length = 128)]
    #[schema(example = "correct horse battery staple")]
    pub new_password: String,
}

/// Change your password.
///
/// The current password is required. Every other session of the user ends at once
/// (their refresh and access tokens stop working); this one goes on. Audited.
///
/// A user who signed in with a temporary password must do this first; their access
/// token opens nothing else until they refresh it (`POST /auth/token/refresh`) after
/// the change.
#[utoipa::path(
    tag = "auth",
    operation_id = "changePassword",
    security(("bearer" = [])),
    request_body = PasswordChange,
    responses(
        (status = 204, description = "Changed; the user's other sessions are revoked"),
        (status = 400, response = responses::BadRequest),
        (status = 401, response = responses::Unauthorized),
        (status = 403, response = responses::Forbidden),
        (status = 422, response = responses::Invalid),
    )
)]
#[post("/auth/password")]
pub async fn change(
    user: AuthUser,
    body: Json<PasswordChange>,
    db: web::Data<PgPool>,
) -> Result<HttpResponse, ApiError> {
    user.require(Operation::ReadOwnProfile)?;
    let PasswordChange { current_password, new_password } = body.into_inner()?;
    session::change_password(&db, &user, &current_password, &new_password).await?;
    Ok(HttpResponse::NoContent().finish())
}
