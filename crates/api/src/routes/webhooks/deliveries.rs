//! `GET /webhooks/{id}/deliveries` — an endpoint's deliveries with every attempt — and
//! `POST /webhooks/deliveries/{id}/replay` (`services::webhooks`).

use super::WebhookDelivery;
use crate::{
    audit::Actor,
    auth::{policy::Operation, AuthUser},
    clock::Clock,
    db,
    edge::query::Query,
    pagination::{self, Page, PageSize},
    problem::{responses, ApiError},
    services::webhooks::{self as service, DeliveryWithAttempts},
};
use actix_web::{get, post, web, HttpResponse};
use debtflow_domain::webhook::DeliveryStatus;
use serde::Deserialize;
use sqlx::PgPool;
use utoipa::IntoParams;
use uuid::Uuid;
use validator::Validate;

/// The list's name in its cursors.
const LIST: &str = "webhook-deliveries";

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct DeliveryQuery {
    /// Only the deliveries in this status (`failed`: what to look at, and replay).
    pub status: Option<DeliveryStatus>,
    /// Page size, 1–200 (default 50).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 200)]
    pub limit: Option<PageSize>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// An endpoint's deliveries, the newest first, each with its attempts and the event's
/// `data` as sent.
#[utoipa::path(
    tag = "webhooks",
    operation_id = "listWebhookDeliveries",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Webhook endpoint id"), DeliveryQuery),
    responses(
        (status = 200, description = "A page of deliveries, newest first", body = Page<WebhookDelivery>),
        (status = 401, response = responses::Unauthorized),
        (status = 403, response = responses::Forbidden),
        (status = 404, response = responses::NotFound),
        (status = 422, response = responses::Invalid),
    )
)]
#[get("/webhooks/{id}/deliveries")]
pub async fn list(
    user: AuthUser,
    id: web::Path<Uuid>,
    query: Query<DeliveryQuery>,
    db: web::Data<PgPool>,
) -> Result<HttpResponse, ApiError> {
    user.require(Operation::ManageWebhooks)?;
    let q = query.into_inner()?;
    let limit = pagination::limit(q.limit);
    let before = pagination::decode_time(LIST, q.cursor.as_deref())?;
    let mut tx = db::begin(&db, user.scope()).await?;
    let rows = service::deliveries(&mut tx, &Actor::from(&user), *id, q.status, before, limit + 1).await?;
    tx.commit().await?;
    let key = |d: &DeliveryWithAttempts| pagination::time_key(d.delivery.created_at, d.delivery.id);
    Ok(HttpResponse::Ok().json(pagination::page(rows, limit, LIST, key, WebhookDelivery::from)))
}

/// Send a delivery again — whatever its status — with the same event and event id:
/// it is pending at once, with a new day of retries. Audited as
/// `webhook_delivery.replay`.
#[utoipa::path(
    tag = "webhooks",
    operation_id = "replayWebhookDelivery",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Webhook delivery id")),
    responses(
        (status = 202, description = "Pending again; it is sent shortly", body = WebhookDelivery),
        (status = 401, response = responses::Unauthorized),
        (status = 403, response = responses::Forbidden),
        (status = 404, response = responses::NotFound),
    )
)]
#[post("/webhooks/deliveries/{id}/replay")]
pub async fn replay(
    user: AuthUser,
    id: web::Path<Uuid>,
    db: web::Data<PgPool>,
    clock: web::Data<Clock>,
) -> Result<HttpResponse, ApiError> {
    user.require(Operation::ManageWebhooks)?;
    let mut tx = db::begin(&db, user.scope()).await?;
    let delivery = service::replay(&mut tx, &Actor::from(&user), *id, clock.now()).await?;
    tx.commit().await?;
    Ok(HttpResponse::Accepted().json(WebhookDelivery::from(delivery)))
}
