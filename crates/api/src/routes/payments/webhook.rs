//! The card processor's webhook (Stripe's format). The signature header is
//! `Stripe-Signature: t=<unix time>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>` (the
//! scheme of [`crate::signature`], which DebtFlow's own webhooks use too); a
//! signature older than the tolerance (5 minutes) or not matching is a 400 and changes
//! nothing. Each event is handled once: its id is recorded with its effects, in one
//! transaction, and a replayed event changes nothing.
//!
//! - `payment_intent.succeeded`: the pending card payment whose reference is the
//!   intent's id posts — or, when its account can no longer take it, is held
//!   `unapplied` for a manager: the answer is 2xx once the money is recorded, so the
//!   processor does not retry money that has arrived.
//! - `payment_intent.payment_failed`: it fails.
//! - `charge.refunded`: the charge's `amount_refunded` (minor units, cumulative) is
//!   refunded on the payment of its `payment_intent`, the part not refunded yet.
//!
//! Other event types are acknowledged and ignored. An event naming a payment DebtFlow
//! does not know is a 404, so the processor retries it later.

use crate::{
    audit::Actor,
    auth::RequestContext,
    clock::Clock,
    config::MoneySettings,
    db::{self, Scope},
    problem::{responses, ApiError},
    services::payments::processor::{handle, Handled, Happened, ProcessorEvent},
    signature::verify,
};
use actix_web::{post, web, HttpRequest, HttpResponse};
use serde::Deserialize;
use sqlx::PgPool;

pub const SIGNATURE_HEADER: &str = "Stripe-Signature";

#[derive(Debug, Deserialize)]
struct Event {
    id: String,
    #[serde(rename = "type")]
    kind: String,
    data: EventData,
}

#[derive(Debug, Deserialize)]
struct EventData {
    object: EventObject,
}

#[derive(Debug, Deserialize)]
struct EventObject {
    id: String,
    /// Charges name their payment intent.
    payment_intent: Option<String>,
    /// Charges: how much has been refunded in all, in minor units.
    amount_refunded: Option<i64>,
}

/// Receive an event from the card processor (Stripe-style signature).
#[utoipa::path(
    tag = "payments",
    operation_id = "receiveProcessorEvent",
    // Public: the processor authenticates with the `Stripe-Signature` header, checked here.
    security(()),
    params(("Stripe-Signature" = String, Header, description = "`t=<unix time>,v1=<hex HMAC-SHA256(secret, \"t.body\")>`")),
    request_body(content = Object, description = "The processor's event, as it sends it"),
    responses(
        (status = 200, description = "Handled, a replay, or ignored", body = Object, example = json!({"received": true})),
        (status = 400, response = responses::BadRequest),
        (status = 404, response = responses::NotFound),
        (status = 409, response = responses::Conflict),
        (status = 422, response = responses::Invalid),
    )
)]
#[post("/payments/webhook/stripe")]
pub async fn stripe(
    req: HttpRequest,
    body: web::Bytes,
    db: web::Data<PgPool>,
    settings: web::Data<MoneySettings>,
    clock: web::Data<Clock>,
) -> Result<HttpResponse, ApiError> {
    if !crate::edge::json::is_json(&req) {
        return Err(ApiError::UnsupportedMediaType("JSON (Content-Type: application/json)"));
    }
    let header = req
        .headers()
        .get(SIGNATURE_HEADER)
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| ApiError::BadRequest(format!("the {SIGNATURE_HEADER} header is required")))?;
    let now = clock.now();
    verify(settings.webhook_secret.expose(), header, &body, now.timestamp(), settings.webhook_tolerance_secs)
        .map_err(|why| ApiError::BadRequest(format!("bad {SIGNATURE_HEADER}: {why}")))?;
    let event: Event = serde_json::from_slice(&body)
        .map_err(|e| ApiError::BadRequest(format!("the body is not a processor event: {e}")))?;
    let object = event.data.object;
    let (reference, happened) = match event.kind.as_str() {
        "payment_intent.succeeded" => (object.id, Happened::Succeeded),
        "payment_intent.payment_failed" => (object.id, Happened::Failed),
        "charge.refunded" => (
            object
                .payment_intent
                .ok_or_else(|| ApiError::BadRequest("a charge.refunded event must name its payment_intent".into()))?,
            Happened::Refunded { total_minor: object.amount_refunded.unwrap_or(0) },
        ),
        _ => return Ok(received(false)),
    };
    let event = ProcessorEvent { id: event.id, kind: event.kind, reference, happened };
    let mut tx = db::begin(&db, Scope::Platform).await?;
    let actor = Actor::anonymous(RequestContext::of(&req));
    let handled = handle(&mut tx, &actor, &event, now).await?;
    tx.commit().await?;
    Ok(received(handled == Handled::Replay))
}

fn received(duplicate: bool) -> HttpResponse {
    HttpResponse::Ok().json(serde_json::json!({ "received": true, "duplicate": duplicate }))
}
