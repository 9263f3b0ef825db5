use super::check_commission_rate;
use crate::{
    audit::{self, Actor, Change},
    auth::{password, policy::Operation, AuthUser},
    db,
    edge::json::Json,
    problem::{responses, ApiError},
    routes::users::User,
    services::Refusal,
    store::{self, users::NewUser},
};
use actix_web::{post, web, HttpResponse};
use debtflow_domain::Role;
use rust_decimal::Decimal;
use serde::Deserialize;
use sqlx::PgPool;
use utoipa::ToSchema;
use validator::Validate;

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewCollector {
    /// Lower-case letters, digits, `.`, `_`, `-`; 2–63 characters; unique on the platform.
    #[validate(regex(path = *USERNAME, message = "must be 2-63 lower-case letters, digits, '.', '_' or '-'"))]
    #[schema(example = "ana.lopez")]
    pub username: String,
    #[validate(length(min = 1, max = 200))]
    #[schema(example = "Ana Lopez")]
    pub full_name: String,
    #[validate(email)]
    pub email: Option<String>,
    /// At least 12 characters.
    #[schema(example = "correct horse battery")]
    pub password: String,
    /// 0–1 as a decimal string, e.g. `"0.10"`.
    #[schema(value_type = String, example = "0.10")]
    pub commission_rate: Decimal,
    #[validate(range(min = 0, max = 100000))]
    pub account_limit: i32,
}

static USERNAME: std::sync::LazyLock<regex::Regex> =
    std::sync::LazyLock::new(|| regex::Regex::new("^[a-z0-9][a-z0-9._-]{1,62}$").expect("a valid regex"));

/// Add a collector to the caller's agency.
#[utoipa::path(
    tag = "collectors",
    security(("bearer" = [])),
    request_body = NewCollector,
    responses(
        (status = 201, description = "The collector created", body = User),
        (status = 400, response = responses::BadRequest),
        (status = 401, response = responses::Unauthorized),
        (status = 403, response = responses::Forbidden),
        (status = 409, response = responses::Conflict),
        (status = 422, response = responses::Invalid),
    )
)]
#[post("/collectors")]
pub async fn create(user: AuthUser, body: Json<NewCollector>, db: web::Data<PgPool>) -> Result<HttpResponse, ApiError> {
    user.require(Operation::ManageCollectors)?;
    let new = body.into_inner();
    password::check_policy(&new.password).map_err(|m| ApiError::field("password", m))?;
    check_commission_rate(new.commission_rate)?;
    let agency_id = user.agency_id.ok_or(ApiError::Forbidden)?;
    let hash = password::hash_off_thread(&new.password).await.map_err(ApiError::internal)?;

    let mut tx = db::begin(&db, user.scope()).await?;
    let row = store::users::insert_if_absent(
        &mut *tx,
        &NewUser {
            agency_id: Some(agency_id),
            username: &new.username,
            full_name: new.full_name.trim(),
            email: new.email.as_deref(),
            role: Role::Collector,
            password_hash: &hash,
            commission_rate: Some(new.commission_rate),
            account_limit: Some(new.account_limit),
        },
    )
    .await?
    .ok_or_else(|| Refusal::UsernameTaken { username: new.username.clone() })?;
    let collector = User::from(row);
    audit::record(
        &mut tx,
        &Actor::from(&user),
        Change::created("collector.create", "user", collector.id, collector.audit_snapshot()),
    )
    .await?;
    tx.commit().await?;
    Ok(HttpResponse::Created().json(collector))
}
