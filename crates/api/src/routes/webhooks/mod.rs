//! `/webhooks`: the agency's outbound webhook endpoints ([`endpoints`]) and their
//! deliveries, with every attempt, and replays ([`deliveries`]). An agency admin's
//! (`Operation::ManageWebhooks`); each handler parses, checks the role table and calls
//! one use case of [`crate::services::webhooks`]. How events are sent and signed:
//! [`crate::webhooks`].

pub mod deliveries;
pub mod endpoints;

use crate::{
    services::webhooks::DeliveryWithAttempts,
    store::webhooks::{AttemptRow, EndpointRow},
    webhooks::events::{
        AccountAssignedData, AccountStatusChangedData, ImportFinishedData, PaymentEventData, PlanEventData,
        WebhookEvent,
    },
};
use actix_web::web::ServiceConfig;
use chrono::{DateTime, Utc};
use debtflow_domain::webhook::{DeliveryStatus, EventType};
use serde::Serialize;
use utoipa::{OpenApi, ToSchema};
use uuid::Uuid;

/// The webhook routes under `/api/v1`.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(endpoints::create)
        .service(endpoints::list)
        .service(endpoints::get)
        .service(endpoints::update)
        .service(endpoints::remove)
        .service(deliveries::list)
        .service(deliveries::replay);
}

/// Their OpenAPI paths, nested under `/api/v1`, and the schemas of what a receiver is
/// sent (no route returns those).
#[derive(OpenApi)]
#[openapi(
    paths(
        endpoints::create,
        endpoints::list,
        endpoints::get,
        endpoints::update,
        endpoints::remove,
        deliveries::list,
        deliveries::replay,
    ),
    components(schemas(
        WebhookEvent,
        PaymentEventData,
        AccountStatusChangedData,
        AccountAssignedData,
        PlanEventData,
        ImportFinishedData
    ))
)]
pub struct Api;

/// An endpoint that receives the agency's events.
#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookEndpoint {
    pub id: Uuid,
    #[schema(example = "https://crm.example.com/debtflow/events")]
    pub url: String,
    /// What it is, for the agency's own people.
    #[schema(example = "Creditor CRM (production)")]
    pub description: Option<String>,
    /// The event types it receives.
    pub event_types: Vec<EventType>,
    /// An inactive endpoint receives nothing (events are not kept for it).
    pub active: bool,
    /// After a rotation, until when the former secret also signs (a second `v1`).
    pub previous_secret_expires_at: Option<DateTime<Utc>>,
    pub created_by: Uuid,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// The signing secret (`whsec_` and 64 hex digits): only in the answer that made it —
    /// the registration, or a change with `rotate_secret` — and never again.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = "whsec_4f9c2a7d0e1b3c5a6f8e9d0c1b2a3f4e5d6c7b8a9f0e1d2c3b4a5f6e7d8c9b0a")]
    pub secret: Option<String>,
}

impl WebhookEndpoint {
    fn of(r: EndpointRow, secret: Option<String>) -> Self {
        WebhookEndpoint {
            id: r.id,
            url: r.url,
            description: r.description,
            event_types: r.event_types,
            active: r.active,
            previous_secret_expires_at: r.previous_expires_at,
            created_by: r.created_by,
            created_at: r.created_at,
            updated_at: r.updated_at,
            secret,
        }
    }
}

impl From<EndpointRow> for WebhookEndpoint {
    fn from(r: EndpointRow) -> Self {
        WebhookEndpoint::of(r, None)
    }
}

/// One event's delivery to one endpoint, with its attempts.
#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookDelivery {
    pub id: Uuid,
    pub webhook_id: Uuid,
    /// The event's id: the body's `id` and `DebtFlow-Event-Id`, the same on every attempt.
    pub event_id: Uuid,
    pub event_type: EventType,
    pub event_created_at: DateTime<Utc>,
    /// The event's `data`, as sent.
    #[schema(value_type = Object)]
    pub data: serde_json::Value,
    pub status: DeliveryStatus,
    /// Attempts started so far.
    pub attempt_count: i32,
    /// When a `pending` delivery is tried next (`null` once it succeeded or failed).
    pub next_attempt_at: Option<DateTime<Utc>>,
    /// The receiver's status code at the last attempt (`null`: no answer).
    pub last_status_code: Option<i16>,
    /// Why the last attempt failed (or why the delivery was given up).
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    /// When the receiver answered 2xx.
    pub delivered_at: Option<DateTime<Utc>>,
    /// Every attempt, the first first.
    pub attempts: Vec<WebhookAttempt>,
}

/// One attempt to deliver.
#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookAttempt {
    /// Its number (1, 2, …).
    pub number: i32,
    pub attempted_at: DateTime<Utc>,
    /// The receiver's answer (`null`: none — refused, timed out, unreachable).
    pub status_code: Option<i16>,
    /// Why it failed (`null`: it succeeded).
    pub error: Option<String>,
    /// How long the request took.
    pub duration_ms: i32,
}

impl From<DeliveryWithAttempts> for WebhookDelivery {
    fn from(d: DeliveryWithAttempts) -> Self {
        let r = d.delivery;
        WebhookDelivery {
            id: r.id,
            webhook_id: r.endpoint_id,
            event_id: r.event_id,
            event_type: r.event_type,
            event_created_at: r.event_created_at,
            data: r.payload,
            status: r.status,
            attempt_count: r.attempts,
            next_attempt_at: (r.status == DeliveryStatus::Pending).then_some(r.next_attempt_at),
            last_status_code: r.last_status_code,
            last_error: r.last_error,
            created_at: r.created_at,
            delivered_at: r.delivered_at,
            attempts: d.attempts.into_iter().map(WebhookAttempt::from).collect(),
        }
    }
}

impl From<AttemptRow> for WebhookAttempt {
    fn from(a: AttemptRow) -> Self {
        WebhookAttempt {
            number: a.number,
            attempted_at: a.attempted_at,
            status_code: a.status_code,
            error: a.error,
            duration_ms: a.duration_ms,
        }
    }
}
