//! `POST`/`GET /webhooks`, `GET`/`PATCH`/`DELETE /webhooks/{id}`: register, read,
//! change (URL, event types, description, active; rotate the secret) and remove the
//! agency's webhook endpoints (`services::webhooks`).

use super::WebhookEndpoint;
use crate::{
    audit::Actor,
    auth::{policy::Operation, AuthUser},
    clock::Clock,
    config::WebhookSettings,
    crypto::FieldCipher,
    db,
    edge::json::Json,
    problem::{responses, ApiError},
    services::webhooks::{self as service, Changes, Keys, NewEndpointCommand},
};
use actix_web::{delete, get, http::header, patch, post, web, HttpResponse};
use debtflow_domain::webhook::EventType;
use serde::Deserialize;
use sqlx::PgPool;
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

/// A new endpoint. The signing secret is made by DebtFlow and returned once.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewWebhook {
    /// `https://` (plain `http://` only on a development server), a public host, no
    /// credentials or fragment; at most 2048 characters.
    #[schema(example = "https://crm.example.com/debtflow/events", max_length = 2048, pattern = r"^https?://\S+$")]
    pub url: String,
    /// The event types to receive: at least one, each once.
    #[schema(example = json!(["payment.completed", "account.status_changed"]), min_items = 1)]
    pub event_types: Vec<EventType>,
    /// What it is, for the agency's own people (at most 200 characters).
    #[schema(example = "Creditor CRM (production)")]
    pub description: Option<String>,
}

/// What to change; a field left out keeps its value.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WebhookChanges {
    pub url: Option<String>,
    pub event_types: Option<Vec<EventType>>,
    /// `""` removes it.
    pub description: Option<String>,
    /// `false` stops deliveries: the pending ones are given up (and can be replayed once
    /// it is active again) and no event is kept for it meanwhile.
    pub active: Option<bool>,
    /// `true`: make a new signing secret, returned this once; the former one keeps
    /// signing too (a second `v1`) for 24 hours.
    #[serde(default)]
    pub rotate_secret: bool,
}

fn keys<'a>(settings: &WebhookSettings, cipher: &'a FieldCipher) -> Keys<'a> {
    Keys { allow_http: settings.allow_http, cipher }
}

/// An answer that holds a secret: never cached.
fn secret_answer(mut answer: actix_web::HttpResponseBuilder, endpoint: WebhookEndpoint) -> HttpResponse {
    answer.insert_header((header::CACHE_CONTROL, "no-store")).json(endpoint)
}

/// Register an endpoint for some of the agency's events.
///
/// Returns it with its signing secret (`whsec_…`), this once: keep it to verify the
/// `DebtFlow-Signature` of what is sent. Audited as `webhook.create`, without the secret.
#[utoipa::path(
    tag = "webhooks",
    operation_id = "createWebhook",
    security(("bearer" = [])),
    request_body = NewWebhook,
    responses(
        (status = 201, description = "The endpoint, with its secret (shown once)", body = WebhookEndpoint),
        (status = 400, response = responses::BadRequest),
        (status = 401, response = responses::Unauthorized),
        (status = 403, response = responses::Forbidden),
        (status = 422, response = responses::Invalid),
    )
)]
#[post("/webhooks")]
pub async fn create(
    user: AuthUser,
    body: Json<NewWebhook>,
    db: web::Data<PgPool>,
    clock: web::Data<Clock>,
    settings: web::Data<WebhookSettings>,
    cipher: web::Data<FieldCipher>,
) -> Result<HttpResponse, ApiError> {
    user.require(Operation::ManageWebhooks)?;
    let b = body.into_inner()?;
    let cmd = NewEndpointCommand { url: b.url, description: b.description, event_types: b.event_types };
    let mut tx = db::begin(&db, user.scope()).await?;
    let (row, secret) =
        service::create(&mut tx, &Actor::from(&user), cmd, keys(&settings, &cipher), clock.now()).await?;
    tx.commit().await?;
    Ok(secret_answer(HttpResponse::Created(), WebhookEndpoint::of(row, Some(secret))))
}

/// The agency's endpoints, the newest first (never their secrets).
#[utoipa::path(
    tag = "webhooks",
    operation_id = "listWebhooks",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The endpoints", body = Vec<WebhookEndpoint>),
        (status = 401, response = responses::Unauthorized),
        (status = 403, response = responses::Forbidden),
    )
)]
#[get("/webhooks")]
pub async fn list(user: AuthUser, db: web::Data<PgPool>) -> Result<HttpResponse, ApiError> {
    user.require(Operation::ManageWebhooks)?;
    let mut tx = db::begin(&db, user.scope()).await?;
    let rows = service::list(&mut tx, &Actor::from(&user)).await?;
    tx.commit().await?;
    Ok(HttpResponse::Ok().json(rows.into_iter().map(WebhookEndpoint::from).collect::<Vec<_>>()))
}

/// An endpoint (never its secret).
#[utoipa::path(
    tag = "webhooks",
    operation_id = "getWebhook",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Webhook endpoint id")),
    responses(
        (status = 200, description = "The endpoint", body = WebhookEndpoint),
        (status = 401, response = responses::Unauthorized),
        (status = 403, response = responses::Forbidden),
        (status = 404, response = responses::NotFound),
    )
)]
#[get("/webhooks/{id}")]
pub async fn get(user: AuthUser, id: web::Path<Uuid>, db: web::Data<PgPool>) -> Result<HttpResponse, ApiError> {
    user.require(Operation::ManageWebhooks)?;
    let mut tx = db::begin(&db, user.scope()).await?;
    let row = service::get(&mut tx, &Actor::from(&user), *id).await?;
    tx.commit().await?;
    Ok(HttpResponse::Ok().json(WebhookEndpoint::from(row)))
}

/// Change an endpoint: its URL, event types, description, whether it is active; or
/// rotate its secret (`rotate_secret: true`: the new one is in this answer, this once).
/// Audited as `webhook.update` with what changed, never a secret.
#[utoipa::path(
    tag = "webhooks",
    operation_id = "updateWebhook",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Webhook endpoint id")),
    request_body = WebhookChanges,
    responses(
        (status = 200, description = "The endpoint (with its new secret after a rotation)", body = WebhookEndpoint),
        (status = 400, response = responses::BadRequest),
        (status = 401, response = responses::Unauthorized),
        (status = 403, response = responses::Forbidden),
        (status = 404, response = responses::NotFound),
        (status = 422, response = responses::Invalid),
    )
)]
#[patch("/webhooks/{id}")]
pub async fn update(
    user: AuthUser,
    id: web::Path<Uuid>,
    body: Json<WebhookChanges>,
    db: web::Data<PgPool>,
    clock: web::Data<Clock>,
    settings: web::Data<WebhookSettings>,
    cipher: web::Data<FieldCipher>,
) -> Result<HttpResponse, ApiError> {
    user.require(Operation::ManageWebhooks)?;
    let b = body.into_inner()?;
    let changes = Changes {
        url: b.url,
        description: b.description.map(Some),
        event_types: b.event_types,
        active: b.active,
        rotate_secret: b.rotate_secret,
    };
    let mut tx = db::begin(&db, user.scope()).await?;
    let (row, secret) =
        service::update(&mut tx, &Actor::from(&user), *id, changes, keys(&settings, &cipher), clock.now()).await?;
    tx.commit().await?;
    Ok(secret_answer(HttpResponse::Ok(), WebhookEndpoint::of(row, secret)))
}

/// Remove an endpoint: it receives nothing more and its pending deliveries are given
/// up; it is kept, hidden, with its deliveries, for the audit trail (`webhook.delete`).
#[utoipa::path(
    tag = "webhooks",
    operation_id = "deleteWebhook",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Webhook endpoint id")),
    responses(
        (status = 204, description = "Removed"),
        (status = 401, response = responses::Unauthorized),
        (status = 403, response = responses::Forbidden),
        (status = 404, response = responses::NotFound),
    )
)]
#[delete("/webhooks/{id}")]
pub async fn remove(
    user: AuthUser,
    id: web::Path<Uuid>,
    db: web::Data<PgPool>,
    clock: web::Data<Clock>,
) -> Result<HttpResponse, ApiError> {
    user.require(Operation::ManageWebhooks)?;
    let mut tx = db::begin(&db, user.scope()).await?;
    service::delete(&mut tx, &Actor::from(&user), *id, clock.now()).await?;
    tx.commit().await?;
    Ok(HttpResponse::NoContent().finish())
}
