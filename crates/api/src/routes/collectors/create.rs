use crate::{
    audit::Actor,
    auth::{policy::Operation, AuthUser},
    db,
    edge::json::Json,
    problem::{responses, ApiError},
    routes::users::User,
    services::staff::{self, Credential, NewStaff},
};
use actix_web::{post, web, HttpResponse};
use debtflow_domain::decimal::PlainDecimal;
use debtflow_domain::Role;
use serde::Deserialize;
use sqlx::PgPool;
use utoipa::ToSchema;
use validator::Validate;

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewCollector {
    /// Lower-case letters, digits, `.`, `_`, `-`; 2–63 characters; unique on the platform.
    #[validate(custom(function = "crate::routes::users::username"))]
    #[schema(example = "ana.lopez")]
    pub username: String,
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    #[schema(example = "Ana Lopez")]
    pub full_name: String,
    #[validate(email)]
    pub email: Option<String>,
    /// At least 12 characters; the collector keeps it (no change is required at first
    /// login). `POST /users` issues a temporary password instead.
    #[schema(example = "correct horse battery")]
    pub password: String,
    /// 0–1 as a decimal string, e.g. `"0.10"`.
    #[schema(example = "0.10")]
    pub commission_rate: PlainDecimal,
    #[validate(range(min = 0, max = 100000))]
    pub account_limit: i32,
}

/// Add a collector to the caller's agency, with a password the admin chose.
#[utoipa::path(
    tag = "collectors",
    operation_id = "createCollector",
    security(("bearer" = [])),
    request_body = NewCollector,
    responses(
        (status = 201, description = "The collector created", body = User),
        (status = 401, response = responses::Unauthorized),
        (status = 403, response = responses::Forbidden),
        (status = 409, response = responses::Conflict),
    )
)]
#[post("/collectors")]
pub async fn create(user: AuthUser, body: Json<NewCollector>, db: web::Data<PgPool>) -> Result<HttpResponse, ApiError> {
    user.require(Operation::ManageCollectors)?;
    let new = body.into_inner()?;
    let credential = Credential::chosen(&new.password).await?;
    let command = NewStaff {
        username: new.username,
        full_name: new.full_name,
        email: new.email,
        role: Role::Collector,
        commission_rate: Some(new.commission_rate.0),
        account_limit: Some(new.account_limit),
    };
    let mut tx = db::begin(&db, user.scope()).await?;
    let row = staff::create(&mut tx, &Actor::from(&user), command, &credential).await?;
    tx.commit().await?;
    Ok(HttpResponse::Created().json(User::from(row)))
}
