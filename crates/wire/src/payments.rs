//! Payments and what waits for a manager's approval.

use chrono::{DateTime, NaiveDate, Utc};
use debtflow_domain::payment::{PaymentMethod, PaymentStatus};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A payment as the API shows it. Amounts are decimal strings in the account's
/// currency.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Payment {
    pub id: Uuid,
    pub account_id: Uuid,
    /// The account's external reference (the creditor's).
    #[cfg_attr(feature = "openapi", schema(example = "ACC-2024-0042"))]
    pub account_ref: String,
    /// The account's debtor.
    #[cfg_attr(feature = "openapi", schema(example = "Maria Garcia"))]
    pub debtor_name: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "125.50"))]
    pub amount: Decimal,
    #[cfg_attr(feature = "openapi", schema(example = "USD"))]
    pub currency: String,
    pub method: PaymentMethod,
    pub status: PaymentStatus,
    /// The business date the debtor paid.
    pub paid_on: NaiveDate,
    /// The bank's UTR or the processor's payment id; unique within the agency.
    pub reference: Option<String>,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "0.00"))]
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

/// What waits for a decision in the caller's agency.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PendingApprovals {
    /// Plans submitted for approval.
    pub plans: i64,
    /// Payments dated beyond the approval window.
    pub payments: i64,
}
