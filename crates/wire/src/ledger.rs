//! An account's double-entry ledger, as its journal.

use chrono::{DateTime, Utc};
use debtflow_domain::ledger::{EntryKind, LedgerAccount};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The account's ledger: its balance and its journal entries, newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Ledger {
    /// The account's current balance: the sum of its receivable lines.
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "1250.00"))]
    pub balance: Decimal,
    pub items: Vec<JournalEntry>,
    /// Pass as `cursor` for the next page; `null` on the last page.
    pub next_cursor: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct JournalEntry {
    pub entry_id: Uuid,
    pub kind: EntryKind,
    pub posted_at: DateTime<Utc>,
    /// The entry this one reverses (a refund its payment, a waiver its fee).
    pub reverses: Option<Uuid>,
    pub lines: Vec<JournalLine>,
}

/// One side of an entry: exactly one of `debit` and `credit` is non-zero.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct JournalLine {
    pub ledger_account: LedgerAccount,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "125.50"))]
    pub debit: Decimal,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "0.00"))]
    pub credit: Decimal,
}
