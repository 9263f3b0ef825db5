//! Remedial recovery: legal cases and their hearings, recovery actions and their
//! milestones, write-off requests (`debtflow_domain::remedial`).

use chrono::{DateTime, NaiveDate, Utc};
use debtflow_domain::remedial::{
    legal::{CaseOutcome, LegalCaseStatus},
    recovery::{RecoveryKind, RecoveryStatus},
    write_off::WriteOffStatus,
};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A legal case on an account, with its hearings (earliest first).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LegalCase {
    pub id: Uuid,
    pub account_id: Uuid,
    pub status: LegalCaseStatus,
    #[cfg_attr(feature = "openapi", schema(example = "Circuit Court of Cook County"))]
    pub court: String,
    #[cfg_attr(feature = "openapi", schema(example = "2026-M1-004512"))]
    pub case_number: Option<String>,
    /// The agency's counsel on the case.
    pub counsel: Option<String>,
    /// In the account's currency.
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "4250.00"))]
    pub amount_claimed: Decimal,
    pub currency: String,
    pub filed_on: Option<NaiveDate>,
    pub judgment_on: Option<NaiveDate>,
    /// The judgment, or how the case ended without one.
    pub outcome: Option<CaseOutcome>,
    pub closed_on: Option<NaiveDate>,
    /// The earliest hearing without an outcome, from the day on: rolled up each morning
    /// by the `next_hearing_rollup` job.
    pub next_hearing_at: Option<DateTime<Utc>>,
    pub notes: Option<String>,
    pub created_by: Uuid,
    pub created_by_name: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub hearings: Vec<Hearing>,
}

/// A hearing of a legal case; its outcome and next step once it has taken place.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Hearing {
    pub id: Uuid,
    pub case_id: Uuid,
    pub starts_at: DateTime<Utc>,
    #[cfg_attr(feature = "openapi", schema(example = "Courtroom 1402, Daley Center"))]
    pub venue: String,
    #[cfg_attr(feature = "openapi", schema(example = "Pre-trial conference"))]
    pub purpose: String,
    pub outcome: Option<String>,
    pub next_step: Option<String>,
    pub scheduled_by: Uuid,
    pub scheduled_at: DateTime<Utc>,
    pub recorded_by: Option<Uuid>,
    pub recorded_at: Option<DateTime<Utc>>,
}

/// A recovery action on an account, with its milestones in order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RecoveryAction {
    pub id: Uuid,
    pub account_id: Uuid,
    pub kind: RecoveryKind,
    pub status: RecoveryStatus,
    /// The agency's business date it was initiated.
    pub initiated_on: NaiveDate,
    pub notes: Option<String>,
    pub initiated_by: Uuid,
    pub initiated_by_name: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// When it completed or was cancelled.
    pub ended_on: Option<NaiveDate>,
    pub cancel_reason: Option<String>,
    pub milestones: Vec<Milestone>,
}

/// A step of a recovery action, with its target date.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Milestone {
    pub id: Uuid,
    pub position: i16,
    #[cfg_attr(feature = "openapi", schema(example = "Notice of sale published"))]
    pub name: String,
    pub target_on: NaiveDate,
    pub done_on: Option<NaiveDate>,
    pub done_by: Option<Uuid>,
    /// The first day the `milestone_overdue_scan` found it past its target, not done.
    pub overdue_since: Option<NaiveDate>,
}

/// A request to write off an account's balance, and the board's decision.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WriteOff {
    pub id: Uuid,
    pub account_id: Uuid,
    #[cfg_attr(feature = "openapi", schema(example = "ACC-10042"))]
    pub account_ref: String,
    pub debtor_name: String,
    pub status: WriteOffStatus,
    /// The whole balance when it was recommended.
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "1830.00"))]
    pub amount: Decimal,
    /// The account's balance now: once it differs from `amount`, approval is refused.
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "1830.00"))]
    pub current_balance: Decimal,
    pub currency: String,
    pub reason: String,
    pub created_by: Uuid,
    pub created_by_name: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub recommended_by: Option<Uuid>,
    pub recommended_by_name: Option<String>,
    pub recommended_at: Option<DateTime<Utc>>,
    pub decided_by: Option<Uuid>,
    pub decided_by_name: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
    pub decided_on: Option<NaiveDate>,
    /// The board's minutes of the decision.
    pub minutes: Option<String>,
    /// The `write_off` journal entry an approval posted.
    pub entry_id: Option<Uuid>,
}
