use crate::{
    audit::Actor,
    auth::{policy::Operation, AuthUser},
    db,
    edge::json::Json,
    problem::{responses, ApiError},
    routes::users::TemporaryPassword,
    services::{
        agencies,
        staff::{Credential, NewStaff},
    },
    store::agencies::NewAgency,
};
use actix_web::{post, web, HttpResponse};
use debtflow_domain::{Currency, Role};
pub use debtflow_wire::agencies::CreatedAgency;
use serde::Deserialize;
use sqlx::PgPool;
use utoipa::ToSchema;
use validator::Validate;

/// The agency's first agency admin.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FirstAdmin {
    #[validate(custom(function = "crate::routes::users::username"))]
    #[schema(example = "acme.admin", pattern = "^[a-z0-9][a-z0-9._-]{1,62}$")]
    pub username: String,
    #[validate(length(min = 1, max = 200))]
    #[schema(example = "Alex Admin", min_length = 1, max_length = 200)]
    pub full_name: String,
    #[validate(email, length(max = 254))]
    #[schema(max_length = 254)]
    pub email: Option<String>,
}

/// A new agency and its first agency admin.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewAgencyRequest {
    #[validate(length(min = 1, max = 200))]
    #[schema(example = "Acme Recoveries", min_length = 1, max_length = 200)]
    pub name: String,
    /// Unique on the platform.
    #[validate(length(min = 1, max = 100))]
    #[schema(example = "ACME-2026-0042", min_length = 1, max_length = 100)]
    pub licence_number: String,
    /// ISO 4217 (`USD`, `EUR`, `GBP`, …); fixed for the agency's life.
    #[schema(example = "USD", pattern = "^[A-Z]{3}$")]
    pub currency: String,
    /// An IANA time zone: the agency's business dates.
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    #[schema(example = "America/Chicago")]
    pub time_zone: String,
    #[validate(nested)]
    pub admin: FirstAdmin,
}

/// Open an agency with its first agency admin (platform admins).
///
/// The admin gets a temporary password, returned this once, to be changed at first
/// login; from then on they manage the agency's staff and settings. Audited as
/// `agency.create` and `user.create`.
#[utoipa::path(
    tag = "agencies",
    operation_id = "createAgency",
    security(("bearer" = [])),
    request_body = NewAgencyRequest,
    responses(
        (status = 201, description = "The agency, its admin and their temporary password", body = CreatedAgency),
        (status = 401, response = responses::Unauthorized),
        (status = 403, response = responses::Forbidden),
        (status = 409, response = responses::Conflict),
    )
)]
#[post("/agencies")]
pub async fn create(
    user: AuthUser,
    body: Json<NewAgencyRequest>,
    db: web::Data<PgPool>,
) -> Result<HttpResponse, ApiError> {
    user.require(Operation::ManageAgencies)?;
    let new = body.into_inner()?;
    let currency = Currency::parse(&new.currency).map_err(|e| ApiError::field("currency", e.to_string()))?;
    let (credential, temporary_password) = Credential::temporary().await?;
    let agency = NewAgency {
        name: new.name.trim(),
        licence_number: new.licence_number.trim(),
        currency,
        time_zone: &new.time_zone,
    };
    let admin = NewStaff {
        username: new.admin.username,
        full_name: new.admin.full_name,
        email: new.admin.email,
        role: Role::AgencyAdmin,
        commission_rate: None,
        account_limit: None,
    };
    let mut tx = db::begin(&db, user.scope()).await?;
    let (agency, admin) = agencies::create(&mut tx, &Actor::from(&user), &agency, admin, &credential).await?;
    tx.commit().await?;
    Ok(HttpResponse::Created().json(CreatedAgency {
        agency: agency.into(),
        admin: admin.into(),
        password: TemporaryPassword { temporary_password },
    }))
}
