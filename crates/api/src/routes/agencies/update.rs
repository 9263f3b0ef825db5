use super::Agency;
use crate::{
    audit::{self, Actor, Change},
    auth::{policy::Operation, AuthUser},
    db,
    edge::json::Json,
    problem::{responses, ApiError},
    services::Refusal,
    store::{self, agencies::AgencyChanges, StoreError},
};
use actix_web::{patch, web, HttpResponse};
use debtflow_domain::payment::AllocationOrder;
use serde::Deserialize;
use sqlx::PgPool;
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

/// The fields an agency admin may change. `currency` is fixed once balances exist
/// in it; naming it (or any other field) is a 422.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AgencyPatch {
    #[validate(length(min = 1, max = 200))]
    pub name: Option<String>,
    #[validate(length(min = 1, max = 100))]
    pub licence_number: Option<String>,
    /// An IANA time zone, e.g. `Europe/London`.
    #[validate(length(min = 1, max = 64))]
    pub time_zone: Option<String>,
    /// Merged key by key into the current settings. DebtFlow reads
    /// `payment_allocation`: `principal_first` (the default) or `fees_first`, the
    /// order in which payments pay the principal and the fees; `plan_grace_days` and
    /// `plan_default_threshold_days`, the days new plans start with (3 and 30).
    pub settings: Option<serde_json::Map<String, serde_json::Value>>,
}

/// Change the caller's agency (platform admins: any agency).
#[utoipa::path(
    tag = "agencies",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Agency id")),
    request_body = AgencyPatch,
    responses(
        (status = 200, description = "The agency as changed", body = Agency),
        (status = 400, response = responses::BadRequest),
        (status = 401, response = responses::Unauthorized),
        (status = 403, response = responses::Forbidden),
        (status = 404, response = responses::NotFound),
        (status = 409, response = responses::Conflict),
        (status = 422, response = responses::Invalid),
    )
)]
#[patch("/agencies/{id}")]
pub async fn update(
    user: AuthUser,
    id: web::Path<Uuid>,
    body: Json<AgencyPatch>,
    db: web::Data<PgPool>,
) -> Result<HttpResponse, ApiError> {
    user.require(Operation::UpdateAgency)?;
    let patch = body.into_inner();
    let mut tx = db::begin(&db, user.scope()).await?;
    let before = store::agencies::get(&mut tx, user.agency_id, *id).await?.ok_or(ApiError::NotFound)?;
    if let Some(zone) = &patch.time_zone {
        if !store::agencies::time_zone_exists(&mut tx, zone).await? {
            return Err(ApiError::field("time_zone", "is not an IANA time zone"));
        }
    }
    // Settings DebtFlow reads itself are checked; others are kept as given.
    if let Some(order) = patch.settings.as_ref().and_then(|s| s.get("payment_allocation")) {
        let known = order.as_str().and_then(|o| o.parse::<AllocationOrder>().ok());
        if known.is_none() {
            return Err(ApiError::field("settings.payment_allocation", "must be `principal_first` or `fees_first`"));
        }
    }
    for name in ["plan_grace_days", "plan_default_threshold_days"] {
        if let Some(days) = patch.settings.as_ref().and_then(|s| s.get(name)) {
            if days.as_u64().is_none_or(|d| d > 365) {
                return Err(ApiError::field(format!("settings.{name}"), "must be a whole number of days, 0 to 365"));
            }
        }
    }
    let settings = patch.settings.map(serde_json::Value::Object);
    let changes = AgencyChanges {
        name: patch.name.as_deref(),
        licence_number: patch.licence_number.as_deref(),
        time_zone: patch.time_zone.as_deref(),
        settings: settings.as_ref(),
    };
    let after = store::agencies::update(&mut tx, *id, &changes).await.map_err(StoreError::from).map_err(|e| match e
        .duplicate()
    {
        Some("agencies_licence_number_key") => ApiError::Refused(Refusal::DuplicateLicence),
        _ => e.into(),
    })?;
    let (before, after) = (Agency::from(before), Agency::from(after.ok_or(ApiError::NotFound)?));
    let snapshot = |a: &Agency| serde_json::json!({"name": a.name, "licence_number": a.licence_number, "time_zone": a.time_zone, "settings": a.settings});
    let change = Change::updated("agency.update", "agency", after.id, &snapshot(&before), &snapshot(&after));
    audit::record(&mut tx, &Actor::from(&user), change.in_agency(Some(after.id))).await?;
    tx.commit().await?;
    Ok(HttpResponse::Ok().json(after))
}
