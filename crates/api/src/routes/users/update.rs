use super::User;
use crate::{
    audit::Actor,
    auth::{policy::Operation, AuthUser},
    db,
    edge::json::Json,
    problem::{responses, ApiError},
    services::staff::{self, StaffPatch},
};
use actix_web::{patch, web, HttpResponse};
use debtflow_domain::decimal::PlainDecimal;
use debtflow_domain::Role;
use rust_decimal::Decimal;
use serde::Deserialize;
use sqlx::PgPool;
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

/// What an agency admin may change about a staff member. Absent fields stay as they are.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserPatch {
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub full_name: Option<String>,
    #[validate(email, length(max = 254))]
    #[schema(max_length = 254)]
    pub email: Option<String>,
    /// Any agency role. A collector who holds accounts being worked keeps the role
    /// until they are reassigned; becoming a collector needs a rate and a limit.
    pub role: Option<Role>,
    /// `false` deactivates (every session ends at once); `true` reactivates.
    pub is_active: Option<bool>,
    /// Collectors only.
    #[schema(example = "0.12")]
    pub commission_rate: Option<PlainDecimal>,
    /// Collectors only, 0–100000.
    pub account_limit: Option<i32>,
}

impl From<UserPatch> for StaffPatch {
    fn from(p: UserPatch) -> Self {
        StaffPatch {
            full_name: p.full_name,
            email: p.email,
            role: p.role,
            is_active: p.is_active,
            commission_rate: p.commission_rate.map(Decimal::from),
            account_limit: p.account_limit,
        }
    }
}

/// Change, deactivate or reactivate a staff member of the caller's agency.
///
/// A new role or a deactivation ends the user's sessions at once. Refused (409) when
/// it would leave the agency without an active agency admin (`last-agency-admin`) or
/// take a collector who holds accounts out of the role (`holds-accounts`). Audited as
/// `user.update` with before and after.
#[utoipa::path(
    tag = "users",
    operation_id = "updateUser",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "User id")),
    request_body = UserPatch,
    responses(
        (status = 200, description = "The user as changed", body = User),
        (status = 401, response = responses::Unauthorized),
        (status = 403, response = responses::Forbidden),
        (status = 404, response = responses::NotFound),
        (status = 409, response = responses::Conflict),
    )
)]
#[patch("/users/{id}")]
pub async fn update(
    user: AuthUser,
    id: web::Path<Uuid>,
    body: Json<UserPatch>,
    db: web::Data<PgPool>,
) -> Result<HttpResponse, ApiError> {
    user.require(Operation::ManageStaff)?;
    let mut tx = db::begin(&db, user.scope()).await?;
    let row = staff::update(&mut tx, &Actor::from(&user), *id, None, body.into_inner()?.into()).await?;
    tx.commit().await?;
    Ok(HttpResponse::Ok().json(User::from(row)))
}
