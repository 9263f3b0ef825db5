//! The agency's webhook endpoints (`/webhooks`) and their deliveries: list, register
//! (answered with the signing secret, this once), change (or rotate the secret: the new
//! one in that answer only), delete; an endpoint's deliveries with every attempt, and
//! replaying one. The rules of an endpoint are the domain's `webhook`, which the form
//! pre-checks.
//!
//! The API defines these answers in `crates/api` (`routes/webhooks`), not in
//! `debtflow-wire`: the structs below read the fields the SPA shows.

use super::{delete, enc, get, paged, patch, post, ApiResult, Page};
use chrono::{DateTime, Utc};
use debtflow_domain::webhook::{DeliveryStatus, EventType};
use serde::Deserialize;
use serde_json::{json, Value};
use uuid::Uuid;

/// An endpoint that receives some of the agency's events.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct WebhookEndpoint {
    pub id: Uuid,
    pub url: String,
    pub description: Option<String>,
    pub event_types: Vec<EventType>,
    /// An inactive endpoint receives nothing.
    pub active: bool,
    /// After a rotation, until when the former secret also signs.
    pub previous_secret_expires_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    /// The signing secret: only in the answer that made it (registration, rotation).
    #[serde(default)]
    pub secret: Option<String>,
}

/// One event's delivery to one endpoint, with its attempts.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct WebhookDelivery {
    pub id: Uuid,
    /// The event's id, the same on every attempt (the receiver's idempotency key).
    pub event_id: Uuid,
    pub event_type: EventType,
    pub event_created_at: DateTime<Utc>,
    /// The event's `data`, as sent.
    pub data: Value,
    pub status: DeliveryStatus,
    pub attempt_count: i32,
    /// When a pending delivery is tried next.
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub last_status_code: Option<i16>,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub delivered_at: Option<DateTime<Utc>>,
    /// Every attempt, the first first.
    pub attempts: Vec<WebhookAttempt>,
}

/// One attempt to deliver.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct WebhookAttempt {
    pub number: i32,
    pub attempted_at: DateTime<Utc>,
    /// The receiver's answer (`None`: none — refused, timed out, unreachable).
    pub status_code: Option<i16>,
    /// Why it failed (`None`: it succeeded).
    pub error: Option<String>,
    pub duration_ms: i32,
}

/// The agency's endpoints, the newest first.
pub async fn list() -> ApiResult<Vec<WebhookEndpoint>> {
    get("/webhooks").await
}

/// `POST /webhooks` with `url`, `event_types` and maybe `description`: the endpoint and
/// its secret.
pub async fn create(body: &Value) -> ApiResult<WebhookEndpoint> {
    post("/webhooks", body, None).await
}

/// `PATCH /webhooks/{id}`: only the fields given change.
pub async fn update(id: Uuid, body: &Value) -> ApiResult<WebhookEndpoint> {
    patch(&format!("/webhooks/{id}"), body).await
}

/// A new signing secret, in this answer only; the former one signs too for 24 hours.
pub async fn rotate_secret(id: Uuid) -> ApiResult<WebhookEndpoint> {
    update(id, &json!({ "rotate_secret": true })).await
}

/// Removes the endpoint: it receives nothing more.
pub async fn remove(id: Uuid) -> ApiResult<()> {
    delete(&format!("/webhooks/{id}")).await
}

/// A page of the endpoint's deliveries, the newest first (only `status`'s, if given).
pub async fn deliveries(
    id: Uuid,
    status: Option<DeliveryStatus>,
    limit: u32,
    cursor: &str,
) -> ApiResult<Page<WebhookDelivery>> {
    let filters = status.map(|s| format!("status={}", enc(s.as_str()))).unwrap_or_default();
    get(&format!("/webhooks/{id}/deliveries?{}", paged(&filters, limit, cursor))).await
}

/// Sends a delivery again now (202): pending, with a new day of retries.
pub async fn replay(id: Uuid) -> ApiResult<WebhookDelivery> {
    post(&format!("/webhooks/deliveries/{id}/replay"), &json!({}), None).await
}
