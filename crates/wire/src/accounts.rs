//! Accounts: the account, its debtor and detail, its timeline, fees, pauses and assignment.

use crate::plans::Plan;
use chrono::{DateTime, NaiveDate, Utc};
use debtflow_domain::{
    contact::{Channel, Direction, Flag, Outcome},
    fee::{FeeKind, FeeStatus},
    promise::PromiseStatus,
    AccountStatus, Bucket, Priority,
};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Debtor {
    pub id: Uuid,
    pub full_name: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub address: Option<String>,
    pub date_of_birth: Option<NaiveDate>,
    /// Masked: `***-**-1234`. Stored encrypted (AES-256-GCM).
    #[cfg_attr(feature = "openapi", schema(example = "***-**-1234"))]
    pub ssn_last4: Option<String>,
    pub external_ref: Option<String>,
    /// The debtor's time zone, for the calling hours: their own (set by `PATCH`), else
    /// the one their US address gives (state and ZIP); `null`: the agency's.
    #[cfg_attr(feature = "openapi", schema(example = "America/Chicago"))]
    pub time_zone: Option<String>,
}

/// An account as the API shows it. Status, balances, days past due and bucket are
/// computed by DebtFlow and read-only.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Account {
    pub id: Uuid,
    pub external_ref: String,
    pub status: AccountStatus,
    pub priority: Priority,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "1250.00"))]
    pub original_balance: Decimal,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "1250.00"))]
    pub current_balance: Decimal,
    pub currency: String,
    /// Days since the delinquency date, in the agency's time zone, not counting days
    /// spent disputed or in a delinquency pause.
    pub days_past_due: u32,
    pub bucket: Bucket,
    pub collector_id: Option<Uuid>,
    pub delinquency_date: NaiveDate,
    pub due_date: Option<NaiveDate>,
    /// The due date of the oldest unpaid installment of the active plan, if any.
    pub next_installment_due: Option<NaiveDate>,
    pub creditor: String,
    pub original_creditor: Option<String>,
    pub debtor: Debtor,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// The account detail: the account, who works it, its open dispute, its current plan,
/// and the statuses a person may move it to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AccountDetail {
    #[serde(flatten)]
    pub account: Account,
    pub collector: Option<CollectorRef>,
    /// The open dispute, while the account is DISPUTED.
    pub dispute: Option<OpenDispute>,
    /// The plan being paid (active), or else the one waiting for approval, or else the
    /// newest draft.
    pub plan: Option<Plan>,
    pub allowed_transitions: Vec<AccountStatus>,
}

/// The collector an account is assigned to. (Its schema's name differs from the
/// reports' `CollectorRef`, which names collectors by `name`: one document, one name
/// per schema.)
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = AssignedCollector))]
pub struct CollectorRef {
    pub id: Uuid,
    pub full_name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OpenDispute {
    pub id: Uuid,
    pub reason: String,
    pub opened_by: Uuid,
    pub opened_at: DateTime<Utc>,
}

/// How many accounts the worklist's filters select.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AccountCount {
    #[cfg_attr(feature = "openapi", schema(example = 1234))]
    pub total: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Pause {
    pub id: Uuid,
    pub account_id: Uuid,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub reason: String,
}

/// One thing that happened to an account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TimelineEvent {
    pub id: Uuid,
    pub occurred_at: DateTime<Utc>,
    /// `created`, `note`, `status_change`, `assignment`.
    pub kind: String,
    pub actor_id: Option<Uuid>,
    /// Who did it, by name; `null` for the system (jobs, imports) or someone outside the
    /// agency.
    #[cfg_attr(feature = "openapi", schema(example = "Sarah Mitchell"))]
    pub actor_name: Option<String>,
    /// The note, or the reason of a status change.
    pub body: Option<String>,
    /// Kind-specific details, e.g. `{"from": "assigned", "to": "in_contact"}`.
    pub data: serde_json::Value,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Assignment {
    pub account_id: Uuid,
    pub collector_id: Uuid,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BulkAssignment {
    pub assignments: Vec<Assignment>,
    /// What each collector received in this request.
    pub shares: Vec<CollectorShare>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CollectorShare {
    pub collector_id: Uuid,
    pub accounts: u32,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "12500.00"))]
    pub balance: Decimal,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Fee {
    pub id: Uuid,
    pub account_id: Uuid,
    pub kind: FeeKind,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "25.00"))]
    pub amount: Decimal,
    /// Paid by payments allocated to it.
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "0.00"))]
    pub paid_amount: Decimal,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "0.00"))]
    pub waived_amount: Decimal,
    pub status: FeeStatus,
    pub reason: String,
    pub assessed_by: Uuid,
    pub waived_by: Option<Uuid>,
    pub waive_reason: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// The account's validation notice (Regulation F § 1006.34), as sent: the letter
/// itself is `GET /accounts/{id}/validation-notice/letter`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ValidationNotice {
    pub account_id: Uuid,
    pub sent_on: NaiveDate,
    /// The last day the debtor may dispute: five business days for the post, then 30 days.
    pub period_ends_on: NaiveDate,
    /// The letter, as a contact attempt.
    pub contact_id: Uuid,
    pub itemization: NoticeItemization,
    pub sent_by: Uuid,
    pub created_at: DateTime<Utc>,
}

/// The debt as the notice itemised it: owed then + interest + fees − credits = owed now.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NoticeItemization {
    /// The itemisation date: the account's delinquency date.
    pub date: NaiveDate,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "1250.50"))]
    pub owed_then: Decimal,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "0.00"))]
    pub interest: Decimal,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "25.00"))]
    pub fees: Decimal,
    /// Paid or credited since the itemisation date.
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "100.00"))]
    pub credits: Decimal,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "1175.50"))]
    pub owed_now: Decimal,
}

/// A promise to pay: an amount by a date, pending until the daily evaluation finds it
/// kept (paid within the agency's grace days) or broken, or a person cancels it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Promise {
    pub id: Uuid,
    pub account_id: Uuid,
    /// The promises made together share it.
    pub series_id: Uuid,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "150.00"))]
    pub amount: Decimal,
    pub due_on: NaiveDate,
    /// The business date it was made: payments from then on count.
    pub made_on: NaiveDate,
    pub status: PromiseStatus,
    /// The contact attempt in which the debtor made it.
    pub contact_id: Option<Uuid>,
    pub note: Option<String>,
    pub made_by: Uuid,
    #[cfg_attr(feature = "openapi", schema(example = "Sarah Mitchell"))]
    pub made_by_name: Option<String>,
    pub made_at: DateTime<Utc>,
    /// The day the payment that kept it was made.
    pub kept_on: Option<NaiveDate>,
    /// The business date the evaluation decided it.
    pub evaluated_on: Option<NaiveDate>,
    pub cancelled_at: Option<DateTime<Utc>>,
    pub cancel_reason: Option<String>,
}

/// An attempt to reach the debtor, as recorded: never changed afterwards.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ContactAttempt {
    pub id: Uuid,
    pub account_id: Uuid,
    pub channel: Channel,
    pub direction: Direction,
    pub outcome: Outcome,
    /// The phone number, email address or postal address used.
    #[cfg_attr(feature = "openapi", schema(example = "+1 555 0100"))]
    pub used: Option<String>,
    pub notes: Option<String>,
    pub occurred_at: DateTime<Utc>,
    /// Who recorded it (`null`: the system).
    pub recorded_by: Option<Uuid>,
    #[cfg_attr(feature = "openapi", schema(example = "Sarah Mitchell"))]
    pub recorded_by_name: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// What stops contact with the debtor on a channel (`channel` null: on every one),
/// until it is cleared.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ContactBlock {
    pub id: Uuid,
    pub debtor_id: Uuid,
    pub flag: Flag,
    /// `null`: every channel (bankruptcy, deceased and cease and desist always are).
    pub channel: Option<Channel>,
    #[cfg_attr(feature = "openapi", schema(example = "Letter from the debtor's attorney, 2026-11-30."))]
    pub reason: String,
    pub set_by: Uuid,
    pub set_by_name: Option<String>,
    pub set_at: DateTime<Utc>,
    pub cleared_by: Option<Uuid>,
    pub cleared_at: Option<DateTime<Utc>>,
}
