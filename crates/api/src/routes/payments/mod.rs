//! `/payments`: recording payments, approving backdated ones, refunds, applying
//! unapplied money, and the card processor's webhook. Every request that moves money
//! carries an Idempotency-Key ([`crate::idempotency`]); each handler parses, checks the
//! role table and calls one use case of [`crate::services::payments`].

pub mod apply;
pub mod create;
pub mod decide;
pub mod get;
pub mod list;
pub mod refund;
pub mod webhook;

use crate::store::payments::PaymentRow;
use chrono::{DateTime, NaiveDate, Utc};
use debtflow_domain::payment::{PaymentMethod, PaymentStatus};
use rust_decimal::Decimal;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

/// A payment as the API shows it. Amounts are decimal strings in the account's
/// currency.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Payment {
    pub id: Uuid,
    pub account_id: Uuid,
    /// The account's external reference (the creditor's).
    #[schema(example = "ACC-2024-0042")]
    pub account_ref: String,
    /// The account's debtor.
    #[schema(example = "Maria Garcia")]
    pub debtor_name: String,
    #[schema(value_type = String, example = "125.50")]
    pub amount: Decimal,
    #[schema(example = "USD")]
    pub currency: String,
    pub method: PaymentMethod,
    pub status: PaymentStatus,
    /// The business date the debtor paid.
    pub paid_on: NaiveDate,
    /// The bank's UTR or the processor's payment id; unique within the agency.
    pub reference: Option<String>,
    #[schema(value_type = String, example = "0.00")]
    pub refunded_amount: Decimal,
    pub metadata: serde_json::Value,
    pub recorded_by: Option<Uuid>,
    /// Who recorded it, by name (`null`: the system, or a processor's webhook).
    pub recorded_by_name: Option<String>,
    /// The manager who approved or rejected a backdated payment.
    pub decided_by: Option<Uuid>,
    pub decided_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

impl From<PaymentRow> for Payment {
    fn from(r: PaymentRow) -> Self {
        Payment {
            id: r.id,
            account_id: r.account_id,
            account_ref: r.account_ref,
            debtor_name: r.debtor_name,
            amount: super::amount(r.amount, &r.currency),
            refunded_amount: super::amount(r.refunded_amount, &r.currency),
            currency: r.currency,
            method: r.method,
            status: r.status,
            paid_on: r.paid_on,
            reference: r.reference,
            metadata: r.metadata,
            recorded_by: r.recorded_by,
            recorded_by_name: r.recorded_by_name,
            decided_by: r.decided_by,
            decided_at: r.decided_at,
            created_at: r.created_at,
        }
    }
}
