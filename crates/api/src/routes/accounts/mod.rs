//! `/accounts`: debtors' accounts — create, read, change contact data and priority,
//! move through the lifecycle, add notes, read the timeline. Collectors reach only
//! the accounts assigned to them; another's is a 404.

pub mod assign;
pub mod create;
pub mod fees;
pub mod get;
pub mod ledger;
pub mod list;
pub mod notes;
pub mod pauses;
pub mod timeline;
pub mod transition;
pub mod update;

use crate::{crypto::FieldCipher, store::accounts::AccountRow};
use chrono::{DateTime, NaiveDate, Utc};
use debtflow_domain::{account::days_past_due, AccountStatus, Bucket, Priority};
use rust_decimal::Decimal;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Debtor {
    pub id: Uuid,
    pub full_name: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub address: Option<String>,
    pub date_of_birth: Option<NaiveDate>,
    /// Masked: `***-**-1234`. Stored encrypted (AES-256-GCM).
    #[schema(example = "***-**-1234")]
    pub ssn_last4: Option<String>,
    pub external_ref: Option<String>,
}

/// An account as the API shows it. Status, balances, days past due and bucket are
/// computed by DebtFlow and read-only.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Account {
    pub id: Uuid,
    pub external_ref: String,
    pub status: AccountStatus,
    pub priority: Priority,
    #[schema(value_type = String, example = "1250.00")]
    pub original_balance: Decimal,
    #[schema(value_type = String, example = "1250.00")]
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
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AccountDetail {
    #[serde(flatten)]
    pub account: Account,
    pub collector: Option<CollectorRef>,
    /// The open dispute, while the account is DISPUTED.
    pub dispute: Option<OpenDispute>,
    /// The plan being paid (active), or else the one waiting for approval, or else the
    /// newest draft.
    pub plan: Option<crate::routes::plans::Plan>,
    pub allowed_transitions: Vec<AccountStatus>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CollectorRef {
    pub id: Uuid,
    pub full_name: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OpenDispute {
    pub id: Uuid,
    pub reason: String,
    pub opened_by: Uuid,
    pub opened_at: DateTime<Utc>,
}

impl Account {
    pub fn from_row(r: AccountRow, cipher: &FieldCipher) -> Self {
        let money = |d: Decimal| super::amount(d, &r.currency);
        let dpd = days_past_due(r.aging_anchor, r.today);
        Account {
            id: r.id,
            external_ref: r.external_ref,
            status: r.status,
            priority: r.priority,
            original_balance: money(r.original_balance),
            current_balance: money(r.current_balance),
            currency: r.currency,
            days_past_due: dpd,
            bucket: Bucket::of(dpd),
            collector_id: r.collector_id,
            delinquency_date: r.delinquency_date,
            due_date: r.due_date,
            next_installment_due: r.next_installment_due,
            creditor: r.creditor,
            original_creditor: r.original_creditor,
            debtor: Debtor {
                id: r.debtor_id,
                full_name: r.debtor_full_name,
                phone: r.debtor_phone,
                email: r.debtor_email,
                address: r.debtor_address,
                date_of_birth: r.debtor_date_of_birth,
                ssn_last4: r.debtor_ssn_last4_enc.and_then(|enc| cipher.decrypt(&enc)).map(|d| format!("***-**-{d}")),
                external_ref: r.debtor_external_ref,
            },
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}
