use crate::{
    auth::{
        session::{self, TokenPair},
        token::TokenKeys,
        RequestContext,
    },
    edge::json::Json,
    problem::{responses, ApiError, Problem},
};
use actix_web::{post, web, HttpResponse};
use serde::Deserialize;
use sqlx::PgPool;
use utoipa::ToSchema;
use validator::Validate;

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefreshRequest {
    /// The refresh token of the last login or refresh.
    #[validate(length(min = 1, max = 256))]
    #[schema(min_length = 1, max_length = 256)]
    pub refresh: String,
}

/// Rotate a refresh token: a new pair for the same session; the presented token dies.
///
/// Presenting a refresh token that was already used revokes its whole session: the
/// legitimate holder and whoever copied it must both log in again.
#[utoipa::path(
    tag = "auth",
    operation_id = "refreshToken",
    // Public: the refresh token in the body is the credential.
    security(()),
    request_body = RefreshRequest,
    responses(
        (status = 200, description = "A new pair; the presented refresh token is spent", body = TokenPair),
        (status = 400, response = responses::BadRequest),
        (status = 401, description = "Refresh token invalid, expired, used or revoked", body = Problem, content_type = "application/problem+json"),
        (status = 422, response = responses::Invalid),
    )
)]
#[post("/auth/token/refresh")]
pub async fn create(
    body: Json<RefreshRequest>,
    context: RequestContext,
    db: web::Data<PgPool>,
    keys: web::Data<TokenKeys>,
) -> Result<HttpResponse, ApiError> {
    let pair = session::refresh(&db, &keys, &body.into_inner()?.refresh, context).await?;
    Ok(HttpResponse::Ok().json(pair))
}
