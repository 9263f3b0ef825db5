//! What a webhook request carries: the envelope ([`WebhookEvent`]) and, for each event
//! type, its `data`. Everything in them is what the public API shows of the same things
//! (the `Payment` and `Import` DTOs, plan and account fields): no SSN, no secret.
//!
//! Payment and import events carry the whole resource, as `GET` shows it then. Account
//! and plan events carry what changed and the ids — an account's full view (balance,
//! days past due, aging) is computed as of the day it is read, so a receiver that wants
//! it reads `GET /accounts/{account_id}`.

use chrono::{DateTime, Utc};
use debtflow_domain::{
    plan::{Frequency, PlanStatus},
    webhook::EventType,
    AccountStatus,
};
use debtflow_wire::{imports::Import, payments::Payment};
use rust_decimal::Decimal;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

/// The JSON body of every webhook request (`Content-Type: application/json`), signed in
/// `DebtFlow-Signature`. `id` is the event's: the same on every attempt and replay, so a
/// receiver that has seen it can acknowledge and ignore it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct WebhookEvent {
    /// The event's id (UUID v7), also in `DebtFlow-Event-Id`.
    pub id: Uuid,
    /// What happened, also in `DebtFlow-Event-Type`.
    #[serde(rename = "type")]
    pub event_type: EventType,
    /// When it happened (the transaction that made the change).
    pub created_at: DateTime<Utc>,
    pub agency_id: Uuid,
    /// The event type's payload: `PaymentEventData` (`payment.*`), `AccountStatusChangedData`,
    /// `AccountAssignedData`, `PlanEventData` (`plan.*`) or `ImportFinishedData`.
    #[schema(value_type = Object)]
    pub data: serde_json::Value,
}

/// `data` of `payment.completed` and `payment.refunded`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PaymentEventData {
    /// The payment as it is after the change.
    pub payment: Payment,
    /// `payment.refunded`: this refund (the payment's `refunded_amount` is the total).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refund: Option<RefundData>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RefundData {
    /// The amount this refund gave back, in the payment's currency.
    #[schema(value_type = String, example = "15.00")]
    pub amount: Decimal,
}

/// `data` of `account.status_changed`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AccountStatusChangedData {
    pub account_id: Uuid,
    pub from: AccountStatus,
    pub to: AccountStatus,
    /// Why: the reason a person gave, or what moved it ("the balance reached zero",
    /// "payment plan approved", "assigned to a collector" …).
    pub reason: String,
}

/// `data` of `account.assigned`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AccountAssignedData {
    pub account_id: Uuid,
    /// The collector it was given to.
    pub collector_id: Uuid,
    /// The collector who had it before (`null`: nobody).
    pub previous_collector_id: Option<Uuid>,
    /// Its status after the assignment.
    pub status: AccountStatus,
}

/// `data` of `plan.approved` and `plan.defaulted`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PlanEventData {
    pub plan: PlanSummary,
}

/// A payment plan's terms and state (`GET /plans/{id}` adds its schedule).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PlanSummary {
    pub id: Uuid,
    pub account_id: Uuid,
    pub status: PlanStatus,
    #[schema(value_type = String, example = "900.00")]
    pub total: Decimal,
    pub currency: String,
    /// `null` for a schedule entered by hand.
    pub frequency: Option<Frequency>,
    /// Approved below the balance: the rest is written off when the plan completes.
    pub settlement: bool,
    pub decided_by: Option<Uuid>,
    pub decided_at: Option<DateTime<Utc>>,
    pub ended_at: Option<DateTime<Utc>>,
    pub end_reason: Option<String>,
}

/// `data` of `import.finished`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ImportFinishedData {
    /// The import as it ended: `completed`, `completed_with_errors` or `failed`, with its counts.
    pub import: Import,
}
