//! `/notifications/preferences`: how each kind of notification reaches the caller —
//! in the app or not, and mailed at once, in a daily or weekly digest, or not at all.
//! Mandatory kinds (escalations to admins) stay in the app whatever is asked.

use crate::{
    audit::Actor,
    auth::{policy::Operation, AuthUser},
    clock::Clock,
    db,
    edge::json::Json,
    problem::{responses, ApiError},
    services::notifications as service,
    store::{self, notifications::PreferenceRow},
};
use actix_web::{get, put, web, HttpResponse};
use debtflow_domain::notification::{NotificationKind, Preference};
pub use debtflow_wire::notifications::KindPreference;
use serde::Deserialize;
use sqlx::PgPool;
use std::collections::HashMap;
use utoipa::ToSchema;

impl From<PreferenceRow> for KindPreference {
    fn from(p: PreferenceRow) -> Self {
        KindPreference { kind: p.kind, in_app: p.in_app, email: p.email, mandatory: p.mandatory, chosen: p.chosen }
    }
}

/// The kinds to change, each with its new preference; kinds left out keep theirs.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(
    value_type = HashMap<NotificationKind, Preference>,
    example = json!({ "account_assigned": { "in_app": true, "email": "daily_digest" } })
)]
// Kinds are read as text and parsed by the handler, so an unknown one is named like any field.
pub struct PreferenceChanges(pub HashMap<String, Preference>);

impl validator::Validate for PreferenceChanges {
    fn validate(&self) -> Result<(), validator::ValidationErrors> {
        Ok(())
    }
}

/// The caller's preference for every kind of notification.
#[utoipa::path(
    tag = "notifications",
    operation_id = "getNotificationPreferences",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Every kind's preference", body = Vec<KindPreference>),
        (status = 401, response = responses::Unauthorized),
    )
)]
#[get("/notifications/preferences")]
pub async fn get(user: AuthUser, db: web::Data<PgPool>) -> Result<HttpResponse, ApiError> {
    user.require(Operation::ReadNotifications)?;
    let mut tx = db::begin(&db, user.scope()).await?;
    let rows = store::notifications::preferences(&mut tx, user.id).await?;
    tx.commit().await?;
    Ok(HttpResponse::Ok().json(rows.into_iter().map(KindPreference::from).collect::<Vec<_>>()))
}

/// Change the caller's preferences for some kinds (all or none).
#[utoipa::path(
    tag = "notifications",
    operation_id = "setNotificationPreferences",
    security(("bearer" = [])),
    request_body = PreferenceChanges,
    responses(
        (status = 200, description = "Every kind's preference, after", body = Vec<KindPreference>),
        (status = 401, response = responses::Unauthorized),
        (status = 422, response = responses::Invalid),
    )
)]
#[put("/notifications/preferences")]
pub async fn put(
    user: AuthUser,
    body: Json<PreferenceChanges>,
    db: web::Data<PgPool>,
    clock: web::Data<Clock>,
) -> Result<HttpResponse, ApiError> {
    user.require(Operation::ReadNotifications)?;
    let mut changes = Vec::new();
    for (kind, preference) in body.into_inner()?.0 {
        let kind: NotificationKind = kind.parse().map_err(|e: String| ApiError::field(kind.clone(), e))?;
        changes.push((kind, preference));
    }
    changes.sort_by_key(|(kind, _)| kind.as_str());
    let mut tx = db::begin(&db, user.scope()).await?;
    let rows = service::set_preferences(&mut tx, &Actor::from(&user), &changes, clock.now()).await?;
    tx.commit().await?;
    Ok(HttpResponse::Ok().json(rows.into_iter().map(KindPreference::from).collect::<Vec<_>>()))
}
