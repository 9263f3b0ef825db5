//! Reports: the dashboard, trends, aging, collectors, compliance, reconciliation.

use chrono::NaiveDate;
use debtflow_domain::{
    analytics::{Interval, Period},
    ledger::LedgerAccount,
    payment::PaymentMethod,
    AccountStatus, Bucket,
};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AgingReport {
    pub as_of: NaiveDate,
    /// `live` (today: the accounts as they are) or `snapshot` (a past day, as the daily
    /// aging job recorded it).
    pub source: AgingSource,
    /// Set when the figures are one collector's.
    pub collector: Option<CollectorRef>,
    pub by_collector: bool,
    /// Per bucket (per collector and bucket with `by_collector`: accounts without a
    /// collector have none), every bucket present.
    pub rows: Vec<AgingRow>,
    /// Per bucket.
    pub totals: Vec<AgingRow>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AgingRow {
    pub collector: Option<CollectorRef>,
    pub bucket: Bucket,
    pub accounts: i64,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "1200.00"))]
    pub balance: Decimal,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CollectorsReport {
    pub period: Period,
    /// Set when the report is one collector's.
    pub collector: Option<CollectorRef>,
    /// By name.
    pub collectors: Vec<CollectorFigures>,
    /// The agency's (or the collector's) figures: sums, and ratios of the sums.
    pub totals: CollectorTotals,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CollectorFigures {
    pub collector: CollectorRef,
    pub is_active: bool,
    #[serde(flatten)]
    pub figures: CollectorTotals,
}

/// A collector's figures. The portfolio figures (`assigned`, `on_plan`, `conversion`,
/// `average_days_to_first_payment`, `recovery_rate`) are as of the period's end — live,
/// or as the daily job recorded that day; `null` when it did not.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CollectorTotals {
    /// Accounts assigned to them, in any status.
    pub assigned: Option<i64>,
    /// Of those, on a payment plan.
    pub on_plan: Option<i64>,
    /// Accounts they wrote a note on or moved to another status in the period.
    pub worked: i64,
    /// Money posted in the period on their accounts: received − refunded.
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "1250.00"))]
    pub collected: Decimal,
    /// Commission expense posted for them in the period (net of reversals).
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "125.00"))]
    pub commission: Decimal,
    /// collected ÷ (collected + their active accounts' balance at the period's end).
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, example = "0.1235"))]
    pub recovery_rate: Option<Decimal>,
    /// Accounts ever paid ÷ assigned.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, example = "0.4000"))]
    pub conversion: Option<Decimal>,
    /// Over the accounts ever paid: days from placement to the first payment (one place).
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, example = "12.5"))]
    pub average_days_to_first_payment: Option<Decimal>,
    /// Promises to pay they recorded that the daily evaluation found kept in the period.
    pub promises_kept: i64,
    /// … and found broken in the period.
    pub promises_broken: i64,
    /// kept ÷ (kept + broken); pending and cancelled promises do not count.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, example = "0.7500"))]
    pub promise_kept_rate: Option<Decimal>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Compliance {
    pub period: Period,
    /// Set when the figures are one collector's.
    pub collector: Option<CollectorRef>,
    pub by: ComplianceBy,
    /// Per collector (by name; accounts without one last) or per plan (a page, by plan
    /// id).
    pub rows: Vec<ComplianceRow>,
    /// Every installment due in the period (not only this page's).
    pub totals: Installments,
    /// With `by=plan`: pass as `cursor` for the next page; `null` on the last page.
    pub next_cursor: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ComplianceRow {
    /// The account's collector (`null`: none).
    pub collector: Option<CollectorRef>,
    /// With `by=plan`: the plan and its account.
    pub plan_id: Option<Uuid>,
    pub account_id: Option<Uuid>,
    pub account_ref: Option<String>,
    #[serde(flatten)]
    pub installments: Installments,
}

/// Installments due, by what became of them today: paid in full within the plan's
/// grace days (`on_time`) or after (`late`); not paid in full and past the grace days
/// (`missed`); neither yet (`open`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Installments {
    pub due: i64,
    pub on_time: i64,
    pub late: i64,
    pub missed: i64,
    pub open: i64,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "500.00"))]
    pub amount_due: Decimal,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "350.00"))]
    pub amount_paid: Decimal,
    /// on_time ÷ (due − open): of the installments whose time has come, the share
    /// paid on time.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, example = "0.7500"))]
    pub on_time_rate: Option<Decimal>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Dashboard {
    pub period: Period,
    /// The period of equal length just before.
    pub previous_period: Period,
    /// Set when the figures are one collector's.
    pub collector: Option<CollectorRef>,
    pub current: Figures,
    pub previous: Figures,
    /// Active plans today: on track, or with an installment missed.
    pub plans_on_track: i64,
    pub plans_late: i64,
    /// Waiting for a manager's decision now.
    pub payments_awaiting_approval: i64,
    pub plans_awaiting_approval: i64,
    /// Accounts with a legal case filed and not closed, now.
    pub accounts_in_legal: i64,
}

/// One period's figures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Figures {
    /// Money posted in the period: received, refunded, and collected (received −
    /// refunded).
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "1250.00"))]
    pub collected: Decimal,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "1300.00"))]
    pub received: Decimal,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "50.00"))]
    pub refunded: Decimal,
    /// Payments received in the period (money-in entries).
    pub payments: i64,
    /// Plans that defaulted in the period.
    pub plans_defaulted: i64,
    /// Write-offs the board approved in the period, and what they wrote off.
    pub write_offs: i64,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "1830.00"))]
    pub written_off: Decimal,
    /// The portfolio at the period's end: live when the period ends today or later,
    /// as the daily aging job recorded it otherwise; `null` when it recorded nothing
    /// that day.
    pub portfolio: Option<Portfolio>,
    /// collected ÷ (collected + balance to recover at the period's end), four places;
    /// `null` without a portfolio or when both are zero.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, example = "0.1235"))]
    pub recovery_rate: Option<Decimal>,
}

/// Accounts and balances on a day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Portfolio {
    /// Accounts neither settled nor closed, and what they still owe.
    pub active_accounts: i64,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "48250.00"))]
    pub balance_to_recover: Decimal,
    /// Every status, with its accounts and their balance.
    pub by_status: Vec<StatusFigure>,
    /// Active accounts by aging bucket.
    pub by_bucket: Vec<BucketFigure>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StatusFigure {
    pub status: AccountStatus,
    pub accounts: i64,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "1200.00"))]
    pub balance: Decimal,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BucketFigure {
    pub bucket: Bucket,
    pub accounts: i64,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "1200.00"))]
    pub balance: Decimal,
}

/// A collector as the reports name them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CollectorRef {
    pub id: Uuid,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Reconciliation {
    pub date: NaiveDate,
    /// Whether the day reconciles: no variance.
    pub reconciled: bool,
    /// Cash per payment method (`null`: cash that names no payment).
    pub methods: Vec<MethodLine>,
    /// Every ledger account the day's entries touched.
    pub ledger: Vec<LedgerLine>,
    pub variances: Vec<VarianceLine>,
    /// The day's cash: the methods summed.
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "1300.00"))]
    pub cash_in: Decimal,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "50.00"))]
    pub cash_out: Decimal,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LedgerLine {
    pub ledger_account: LedgerAccount,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "1300.00"))]
    pub debit: Decimal,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "1300.00"))]
    pub credit: Decimal,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MethodLine {
    pub method: Option<PaymentMethod>,
    pub payments: i64,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "1300.00"))]
    pub received: Decimal,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "50.00"))]
    pub refunded: Decimal,
}

/// One disagreement.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VarianceLine {
    /// `cash_without_payment` (a cash entry naming no payment), `posted_without_money`
    /// (a posted payment with no money in the ledger), `amount_mismatch` (money in ≠ the
    /// payment's amount), `money_on_unposted_payment` (money in on a pending, failed or
    /// rejected payment), `refund_mismatch` (money out ≠ the refunded amount),
    /// `processor_success_not_posted`, `processor_failure_posted`.
    pub check: String,
    pub payment_id: Option<Uuid>,
    pub entry_id: Option<Uuid>,
    pub reference: Option<String>,
    pub method: Option<PaymentMethod>,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "125.00"))]
    pub expected: Decimal,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "0.00"))]
    pub actual: Decimal,
    pub detail: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Trends {
    pub period: Period,
    pub interval: Interval,
    /// Set when the figures are one collector's.
    pub collector: Option<CollectorRef>,
    /// Whether each bucket is split by payment method.
    pub by_method: bool,
    /// One per interval (per interval and method with `by_method`), in order; a week
    /// or month cut by the period counts only its days inside it.
    pub buckets: Vec<TrendBucket>,
    pub totals: Money,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TrendBucket {
    /// The first day of the day, ISO week (Monday) or month.
    pub start: NaiveDate,
    /// With `by_method`; money that named no payment has none.
    pub method: Option<PaymentMethod>,
    #[serde(flatten)]
    pub money: Money,
}

/// Payments received and money moved.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Money {
    pub payments: i64,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "1300.00"))]
    pub received: Decimal,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "50.00"))]
    pub refunded: Decimal,
    /// received − refunded.
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "1250.00"))]
    pub collected: Decimal,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AgingSource {
    Live,
    Snapshot,
}

/// How the rows group the installments.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ComplianceBy {
    #[default]
    Collector,
    Plan,
}
