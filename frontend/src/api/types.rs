//! The wire types of the accounts' work (accounts, plans, payments, fees, the ledger,
//! the timeline) and of the caller (`/auth/me`).

use debtflow_domain::{
    fee::{FeeKind, FeeStatus},
    ledger::{EntryKind, LedgerAccount},
    payment::{PaymentMethod, PaymentStatus},
    plan::{Frequency, InstallmentStatus, PlanStatus},
    AccountStatus, Bucket, Role,
};
use serde::Deserialize;
use serde_json::Value;

#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct Agency {
    pub id: String,
    pub name: String,
    pub currency: String,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct Me {
    pub id: String,
    pub username: String,
    pub full_name: String,
    pub role: Role,
    /// Signed in with a temporary password: nothing opens until it is changed.
    #[serde(default)]
    pub password_change_required: bool,
    pub agency: Option<Agency>,
    /// The agency's business date when `/auth/me` answered.
    pub today: Option<String>,
    pub policy: Policy,
}

/// The server's configured rules, so the SPA announces what the server will do.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct Policy {
    /// A payment dated more than this many days back waits for a manager's approval.
    pub payment_approval_after_days: u32,
    /// The server's own window, in force for an agency that chose none.
    #[serde(default)]
    pub default_payment_approval_after_days: u32,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct Debtor {
    pub full_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub address: Option<String>,
    pub date_of_birth: Option<String>,
    pub ssn_last4: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct Account {
    pub id: String,
    pub external_ref: String,
    pub status: AccountStatus,
    pub priority: i16,
    pub original_balance: String,
    pub current_balance: String,
    pub currency: String,
    pub days_past_due: i32,
    pub bucket: Bucket,
    pub delinquency_date: String,
    pub creditor: String,
    pub debtor: Debtor,
    pub collector_id: Option<String>,
    /// The due date of the oldest unpaid installment of the active plan.
    #[serde(default)]
    pub next_installment_due: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct CollectorRef {
    pub id: String,
    pub full_name: String,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct AccountDetail {
    #[serde(flatten)]
    pub account: Account,
    pub allowed_transitions: Vec<AccountStatus>,
    pub collector: Option<CollectorRef>,
    pub dispute: Option<Value>,
    pub plan: Option<Plan>,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct PlanInstallment {
    pub number: i32,
    pub due_date: String,
    pub amount: String,
    pub paid: String,
    pub remaining: String,
    pub status: InstallmentStatus,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct Plan {
    pub id: String,
    pub account_id: String,
    pub status: PlanStatus,
    pub total: String,
    pub currency: String,
    pub frequency: Option<Frequency>,
    pub settlement: bool,
    pub paid: String,
    pub remaining: String,
    pub installments: Vec<PlanInstallment>,
    /// Who proposed it, by name.
    #[serde(default)]
    pub created_by_name: Option<String>,
    #[serde(default)]
    pub created_at: String,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct TimelineEvent {
    pub id: String,
    pub occurred_at: String,
    pub kind: String,
    /// Who did it (`None`: the system).
    #[serde(default)]
    pub actor_name: Option<String>,
    pub body: Option<String>,
    #[serde(default)]
    pub data: Value,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct JournalLine {
    pub ledger_account: LedgerAccount,
    pub debit: String,
    pub credit: String,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct JournalEntry {
    pub entry_id: String,
    pub kind: EntryKind,
    pub posted_at: String,
    pub lines: Vec<JournalLine>,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct Ledger {
    pub balance: String,
    pub items: Vec<JournalEntry>,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct Payment {
    pub id: String,
    pub account_id: String,
    /// The account's external reference and its debtor, as lists show them.
    #[serde(default)]
    pub account_ref: String,
    #[serde(default)]
    pub debtor_name: String,
    pub amount: String,
    pub currency: String,
    pub method: PaymentMethod,
    pub status: PaymentStatus,
    pub paid_on: String,
    pub reference: Option<String>,
    #[serde(default)]
    pub refunded_amount: Option<String>,
    /// Who recorded it, by name (`None`: the system or a processor).
    #[serde(default)]
    pub recorded_by_name: Option<String>,
    #[serde(default)]
    pub created_at: String,
}

/// How many plans and backdated payments wait for a manager.
#[derive(Clone, Copy, Debug, PartialEq, Deserialize)]
pub struct PendingApprovals {
    pub plans: i64,
    pub payments: i64,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct Fee {
    pub id: String,
    pub kind: FeeKind,
    pub amount: String,
    pub paid_amount: String,
    pub waived_amount: String,
    pub status: FeeStatus,
    #[serde(default)]
    pub reason: String,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct User {
    pub id: String,
    pub full_name: String,
    pub is_active: bool,
}
