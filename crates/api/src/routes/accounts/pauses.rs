use super::reach;
use crate::{
    audit::{self, Actor, Change},
    auth::{policy::Operation, AuthUser},
    db,
    edge::json::Json,
    problem::{responses, ApiError},
    store::{self, account_events::NewEvent},
};
use actix_web::{post, web, HttpResponse};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use sqlx::PgPool;
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewPause {
    /// The first day the account does not age (default today).
    pub starts_on: Option<NaiveDate>,
    /// The last day it does not age.
    pub ends_on: NaiveDate,
    #[validate(length(min = 1, max = 1000))]
    pub reason: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Pause {
    pub id: Uuid,
    pub account_id: Uuid,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub reason: String,
}

/// Pause the account's aging: its days past due do not grow from `starts_on` to
/// `ends_on` (the dpd_aging job counts the days paused, like the days disputed).
#[utoipa::path(
    tag = "accounts",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Account id")),
    request_body = NewPause,
    responses(
        (status = 201, description = "The pause", body = Pause),
        (status = 400, response = responses::BadRequest),
        (status = 401, response = responses::Unauthorized),
        (status = 403, response = responses::Forbidden),
        (status = 404, response = responses::NotFound),
        (status = 422, response = responses::Invalid),
    )
)]
#[post("/accounts/{id}/pauses")]
pub async fn create(
    user: AuthUser,
    id: web::Path<Uuid>,
    body: Json<NewPause>,
    db: web::Data<PgPool>,
) -> Result<HttpResponse, ApiError> {
    user.require(Operation::PauseAging)?;
    let new = body.into_inner();
    let mut tx = db::begin(&db, user.scope()).await?;
    let account = store::accounts::get(&mut tx, reach(&user), *id, true).await?.ok_or(ApiError::NotFound)?;
    let starts_on = new.starts_on.unwrap_or(account.today);
    if new.ends_on < starts_on {
        return Err(ApiError::field("ends_on", "must not be before starts_on"));
    }
    let reason = new.reason.trim();
    let pause_id =
        store::accounts::add_pause(&mut tx, account.agency_id, *id, starts_on, new.ends_on, reason, user.id).await?;
    let pause = Pause { id: pause_id, account_id: *id, starts_on, ends_on: new.ends_on, reason: reason.to_owned() };
    let data = serde_json::json!({ "pause_id": pause_id, "starts_on": starts_on, "ends_on": new.ends_on });
    let event = NewEvent {
        agency_id: account.agency_id,
        account_id: *id,
        kind: "pause",
        actor_id: Some(user.id),
        body: Some(reason),
        data: data.clone(),
    };
    store::account_events::insert(&mut tx, &event).await?;
    audit::record(&mut tx, &Actor::from(&user), Change::created("account.pause", "account", *id, data)).await?;
    tx.commit().await?;
    Ok(HttpResponse::Created().json(pause))
}
