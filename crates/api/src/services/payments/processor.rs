//! What the card processor tells us about a card payment, each event handled once:
//! its id is recorded with its effects in one transaction, and a replay changes
//! nothing. A confirmed payment's money is placed like any money in hand — on its
//! account, or unapplied when the account can no longer take it — so the processor is
//! never answered with a refusal that would make it retry for ever.

use super::{lock, place, refund::refund_locked};
use crate::{
    audit::{self, Actor, Change},
    services::{webhooks, ServiceError},
    store::{self, accounts::Reach},
};
use chrono::{DateTime, Utc};
use debtflow_domain::{
    payment::{PaymentCause, PaymentStatus},
    Money,
};
use rust_decimal::Decimal;
use serde_json::json;
use sqlx::PgConnection;

/// What an event says happened to the payment the processor knows by `reference`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Happened {
    Succeeded,
    Failed,
    /// Refunded, `total_minor` in all so far (minor units, cumulative).
    Refunded {
        total_minor: i64,
    },
}

/// One event of the processor.
#[derive(Debug, Clone)]
pub struct ProcessorEvent {
    pub id: String,
    /// The processor's name for the event type, kept with it.
    pub kind: String,
    /// The payment's processor reference (its payment intent).
    pub reference: String,
    pub happened: Happened,
}

/// Whether the event was new or a replay.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Handled {
    Applied,
    Replay,
}

/// Handles the event in a platform-wide transaction (the processor belongs to no
/// agency; the payment tells which). `NotFound` for a payment DebtFlow does not
/// know, so the processor retries later.
pub async fn handle(
    tx: &mut PgConnection,
    actor: &Actor,
    event: &ProcessorEvent,
    now: DateTime<Utc>,
) -> Result<Handled, ServiceError> {
    let found = store::payments::by_processor_ref(tx, &event.reference).await?.ok_or(ServiceError::NotFound)?;
    if !store::payments::record_processor_event(tx, &event.id, &event.kind, found.agency_id, found.id).await? {
        return Ok(Handled::Replay);
    }
    let reach = Reach { agency_id: Some(found.agency_id), collector_id: None };
    let (mut account, payment) = lock(tx, reach, found.id, now).await?;
    let status = payment.status;
    match event.happened {
        Happened::Succeeded if status == PaymentStatus::Pending => {
            place(tx, actor, &mut account, &payment, PaymentCause::Confirmed, now).await?;
        }
        Happened::Failed if status == PaymentStatus::Pending => {
            store::payments::close_unposted(tx, account.agency_id, payment.id, PaymentStatus::Failed, None).await?;
        }
        Happened::Refunded { total_minor } => {
            let total = Decimal::new(total_minor, account.currency.minor_units());
            let now_refunded = Money::new(total - payment.refunded_amount, account.currency)?;
            if now_refunded.is_positive() {
                let why = "refunded by the processor";
                refund_locked(tx, actor, &mut account, &payment, now_refunded, why, now).await?;
            }
        }
        // The payment is past what the event could change (e.g. already failed).
        Happened::Succeeded | Happened::Failed => {}
    }
    let after = store::payments::get(tx, reach, payment.id).await?.ok_or(ServiceError::NotFound)?;
    let change = Change::updated(
        "payment.processor_event",
        "payment",
        payment.id,
        &json!({ "status": status, "refunded_amount": payment.refunded_amount }),
        &json!({ "status": after.status, "refunded_amount": after.refunded_amount,
                 "event": event.id, "event_type": event.kind }),
    );
    audit::record(tx, actor, change.in_agency(Some(account.agency_id))).await?;
    webhooks::payment_changed(tx, Some(&payment), &after, now).await?;
    Ok(Handled::Applied)
}
