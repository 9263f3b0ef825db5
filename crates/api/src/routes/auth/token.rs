use crate::{
    auth::{
        session::{self, TokenPair},
        throttle::LoginLimits,
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
pub struct Credentials {
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    #[schema(example = "sarah.mitchell")]
    pub username: String,
    #[validate(length(min = 1, max = 128))]
    #[schema(min_length = 1, max_length = 128)]
    #[schema(example = "Collector@2026")]
    pub password: String,
}

/// Log in: exchange a username and password for an access and a refresh token.
///
/// Wrong usernames and wrong passwords get the same 401. Repeated failures make the
/// client wait, longer each time (429); many more, from many clients, lock the username
/// until they are 15 minutes old or an agency admin unlocks it (423); many failures
/// from one address throttle it (429). Each with `Retry-After`.
#[utoipa::path(
    tag = "auth",
    operation_id = "login",
    // Public: the way to get a token.
    security(()),
    request_body = Credentials,
    responses(
        (status = 200, description = "Logged in", body = TokenPair),
        (status = 400, response = responses::BadRequest),
        (status = 401, description = "Invalid username or password", body = Problem, content_type = "application/problem+json"),
        (status = 422, response = responses::Invalid),
        (status = 423, description = "Too many failed logins for this username; see `Retry-After`", body = Problem, content_type = "application/problem+json"),
        (status = 429, response = responses::TooManyRequests),
    )
)]
#[post("/auth/token")]
pub async fn create(
    body: Json<Credentials>,
    context: RequestContext,
    db: web::Data<PgPool>,
    keys: web::Data<TokenKeys>,
    limits: web::Data<LoginLimits>,
) -> Result<HttpResponse, ApiError> {
    let Credentials { username, password } = body.into_inner()?;
    let pair = session::login(&db, &keys, **limits, &username, &password, context).await?;
    Ok(HttpResponse::Ok().json(pair))
}
