use super::TemporaryPassword;
use crate::{
    audit::Actor,
    auth::{policy::Operation, AuthUser},
    db,
    edge::json::Json,
    problem::{responses, ApiError},
    services::staff::{self, Credential, NewStaff},
};
use actix_web::{post, web, HttpResponse};
use debtflow_domain::decimal::PlainDecimal;
use debtflow_domain::Role;
pub use debtflow_wire::users::CreatedUser;
use rust_decimal::Decimal;
use serde::Deserialize;
use sqlx::PgPool;
use utoipa::ToSchema;
use validator::Validate;

/// A staff member to add. Collectors need a commission rate and an account limit;
/// other roles take neither.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewUser {
    /// Lower-case letters, digits, `.`, `_`, `-`; 2–63 characters; unique on the platform.
    #[validate(custom(function = "crate::routes::users::username"))]
    #[schema(example = "maria.gomez", pattern = "^[a-z0-9][a-z0-9._-]{1,62}$")]
    pub username: String,
    #[validate(length(min = 1, max = 200))]
    #[schema(example = "Maria Gomez", min_length = 1, max_length = 200)]
    pub full_name: String,
    #[validate(email, length(max = 254))]
    #[schema(max_length = 254)]
    #[schema(example = "maria.gomez@example.com")]
    pub email: Option<String>,
    /// Any agency role (`admin` is the platform's own).
    pub role: Role,
    /// Collectors only: 0–1 with at most 4 decimals, as a decimal string.
    #[schema(example = "0.10")]
    pub commission_rate: Option<PlainDecimal>,
    /// Collectors only: the most accounts they may hold, 0–100000.
    pub account_limit: Option<i32>,
}

/// Add a staff member of any agency role to the caller's agency.
///
/// The server makes up a temporary password and returns it this once; the user must
/// change it at first login (until then every other route answers 403
/// `password-change-required`). Audited as `user.create`.
#[utoipa::path(
    tag = "users",
    operation_id = "createUser",
    security(("bearer" = [])),
    request_body = NewUser,
    responses(
        (status = 201, description = "The user added, with their temporary password", body = CreatedUser),
        (status = 401, response = responses::Unauthorized),
        (status = 403, response = responses::Forbidden),
        (status = 409, response = responses::Conflict),
    )
)]
#[post("/users")]
pub async fn create(user: AuthUser, body: Json<NewUser>, db: web::Data<PgPool>) -> Result<HttpResponse, ApiError> {
    user.require(Operation::ManageStaff)?;
    let new = body.into_inner()?;
    let (credential, temporary_password) = Credential::temporary().await?;
    let command = NewStaff {
        username: new.username,
        full_name: new.full_name,
        email: new.email,
        role: new.role,
        commission_rate: new.commission_rate.map(Decimal::from),
        account_limit: new.account_limit,
    };
    let mut tx = db::begin(&db, user.scope()).await?;
    let row = staff::create(&mut tx, &Actor::from(&user), command, &credential).await?;
    tx.commit().await?;
    Ok(HttpResponse::Created()
        .json(CreatedUser { user: row.into(), password: TemporaryPassword { temporary_password } }))
}
