//! `PATCH /accounts/{id}`: contact data, priority and due date
//! (`services::accounts::update`).

use super::AccountDetail;
use crate::{
    audit::Actor,
    auth::{policy::Operation, AuthUser},
    clock::Clock,
    crypto::FieldCipher,
    db,
    edge::json::Json,
    problem::{responses, ApiError},
    services::accounts::update::{self as service, Update},
};
use actix_web::{patch, web, HttpResponse};
use debtflow_domain::date::BusinessDate;
use debtflow_domain::Priority;
use serde::{de::IgnoredAny, Deserialize};
use sqlx::PgPool;
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

/// Contact data, priority and due date. Status, balances, days past due, bucket and
/// collector are computed or changed by their own operations: naming one is a 422.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AccountPatch {
    pub priority: Option<Priority>,
    pub due_date: Option<BusinessDate>,
    #[validate(length(min = 1, max = 40))]
    #[schema(min_length = 1, max_length = 40)]
    pub phone: Option<String>,
    #[validate(email)]
    pub email: Option<String>,
    #[validate(length(min = 1, max = 500))]
    #[schema(min_length = 1, max_length = 500)]
    pub address: Option<String>,
    /// The debtor's IANA time zone, for the calling hours; without one, the zone their
    /// US address gives (state and ZIP), else the agency's.
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    #[schema(example = "America/Chicago")]
    pub time_zone: Option<String>,
    #[schema(ignore)]
    status: Option<IgnoredAny>,
    #[schema(ignore)]
    current_balance: Option<IgnoredAny>,
    #[schema(ignore)]
    original_balance: Option<IgnoredAny>,
    #[schema(ignore)]
    days_past_due: Option<IgnoredAny>,
    #[schema(ignore)]
    bucket: Option<IgnoredAny>,
    #[schema(ignore)]
    collector_id: Option<IgnoredAny>,
}

impl AccountPatch {
    /// The first read-only field the body names.
    fn read_only_field(&self) -> Option<&'static str> {
        [
            ("status", self.status.is_some()),
            ("current_balance", self.current_balance.is_some()),
            ("original_balance", self.original_balance.is_some()),
            ("days_past_due", self.days_past_due.is_some()),
            ("bucket", self.bucket.is_some()),
            ("collector_id", self.collector_id.is_some()),
        ]
        .into_iter()
        .find_map(|(name, named)| named.then_some(name))
    }
}

/// Change an account's contact data, the debtor's time zone, priority or due date.
#[utoipa::path(
    tag = "accounts",
    operation_id = "updateAccount",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Account id")),
    request_body = AccountPatch,
    responses(
        (status = 200, description = "The account as changed", body = AccountDetail),
        (status = 400, response = responses::BadRequest),
        (status = 401, response = responses::Unauthorized),
        (status = 403, response = responses::Forbidden),
        (status = 404, response = responses::NotFound),
        (status = 422, response = responses::Invalid),
    )
)]
#[patch("/accounts/{id}")]
pub async fn update(
    user: AuthUser,
    id: web::Path<Uuid>,
    body: Json<AccountPatch>,
    db: web::Data<PgPool>,
    clock: web::Data<Clock>,
    cipher: web::Data<FieldCipher>,
) -> Result<HttpResponse, ApiError> {
    user.require(Operation::WorkAccount)?;
    let patch = body.into_inner()?;
    if let Some(field) = patch.read_only_field() {
        return Err(ApiError::field(field, "is computed by DebtFlow and read-only"));
    }
    let cmd = Update {
        account_id: *id,
        priority: patch.priority,
        due_date: patch.due_date.map(Into::into),
        phone: patch.phone,
        email: patch.email,
        address: patch.address,
        time_zone: patch.time_zone,
    };
    let mut tx = db::begin(&db, user.scope()).await?;
    service::update(&mut tx, &Actor::from(&user), cmd, clock.now()).await?;
    let after = super::get::detail(&mut tx, &user, *id, &cipher, clock.now()).await?;
    tx.commit().await?;
    Ok(HttpResponse::Ok().json(after))
}
