//! The card processor's webhook (Stripe's format). The signature header is
//! `Stripe-Signature: t=<unix time>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`; a
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
};
use actix_web::{post, web, HttpRequest, HttpResponse};
use hmac::{Hmac, Mac};
use serde::Deserialize;
use sha2::Sha256;
use sqlx::PgPool;

pub const SIGNATURE_HEADER: &str = "Stripe-Signature";

/// Checks a signature header against the raw body at `now` (unix seconds).
pub fn verify(secret: &str, header: &str, body: &[u8], now: i64, tolerance_secs: i64) -> Result<(), &'static str> {
    let mut timestamp = None;
    let mut signatures = Vec::new();
    for part in header.split(',') {
        match part.trim().split_once('=') {
            Some(("t", t)) => timestamp = t.parse::<i64>().ok(),
            Some(("v1", v)) => signatures.push(hex::decode(v).map_err(|_| "a v1 signature is not hex")?),
            _ => {}
        }
    }
    let timestamp = timestamp.ok_or("the signature has no timestamp")?;
    if (now - timestamp).abs() > tolerance_secs {
        return Err("the signature's timestamp is outside the tolerance");
    }
    let mac = || {
        let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes keys of any length");
        mac.update(timestamp.to_string().as_bytes());
        mac.update(b".");
        mac.update(body);
        mac
    };
    // `verify_slice` compares in constant time.
    if signatures.iter().any(|sig| mac().verify_slice(sig).is_ok()) {
        Ok(())
    } else {
        Err("no v1 signature matches")
    }
}

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

#[cfg(test)]
mod tests {
    use super::*;

    fn sign(secret: &str, t: i64, body: &[u8]) -> String {
        let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
        mac.update(format!("{t}.").as_bytes());
        mac.update(body);
        format!("t={t},v1={}", hex::encode(mac.finalize().into_bytes()))
    }

    #[test]
    fn signatures_are_checked_with_their_time() {
        let body = br#"{"id":"evt_1"}"#;
        let header = sign("whsec_x", 1_000_000, body);
        assert_eq!(verify("whsec_x", &header, body, 1_000_100, 300), Ok(()));
        assert!(verify("whsec_y", &header, body, 1_000_100, 300).is_err(), "another secret");
        assert!(verify("whsec_x", &header, br#"{"id":"evt_2"}"#, 1_000_100, 300).is_err(), "another body");
        assert!(verify("whsec_x", &header, body, 1_000_301, 300).is_err(), "too old");
        assert!(verify("whsec_x", "v1=00", body, 1_000_000, 300).is_err(), "no timestamp");
        assert!(verify("whsec_x", "t=1000000,v1=zz", body, 1_000_000, 300).is_err(), "not hex");
        let two = format!("{},v1={}", sign("whsec_x", 1_000_000, body), "00".repeat(32));
        assert_eq!(verify("whsec_x", &two, body, 1_000_000, 300), Ok(()), "any matching v1 will do");
    }
}
