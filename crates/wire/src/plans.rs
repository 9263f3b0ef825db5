//! Payment plans and their schedules.

use chrono::{DateTime, NaiveDate, Utc};
use debtflow_domain::plan::{Frequency, InstallmentStatus, PlanStatus};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A plan with its schedule, as of today in the agency's time zone.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Plan {
    pub id: Uuid,
    pub account_id: Uuid,
    pub status: PlanStatus,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "900.00"))]
    pub total: Decimal,
    pub currency: String,
    /// `null` for a schedule entered by hand.
    pub frequency: Option<Frequency>,
    pub grace_days: u32,
    pub default_threshold_days: u32,
    /// Approved below the balance: the rest is written off when the plan completes.
    pub settlement: bool,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "300.00"))]
    pub paid: Decimal,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "600.00"))]
    pub remaining: Decimal,
    pub note: Option<String>,
    pub created_by: Uuid,
    /// Who proposed it, by name: what a manager deciding on it reads.
    pub created_by_name: Option<String>,
    pub decided_by: Option<Uuid>,
    pub decided_at: Option<DateTime<Utc>>,
    pub ended_at: Option<DateTime<Utc>>,
    pub end_reason: Option<String>,
    pub created_at: DateTime<Utc>,
    pub installments: Vec<PlanInstallment>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlanInstallment {
    /// 1-based position in the schedule.
    pub number: u32,
    pub due_date: NaiveDate,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "300.00"))]
    pub amount: Decimal,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "300.00"))]
    pub paid: Decimal,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "0.00"))]
    pub remaining: Decimal,
    pub status: InstallmentStatus,
}
