//! The analytics the dashboard reads: the period's figures beside the previous
//! period's (`/analytics/dashboard`), the payment trend, the aging report and the
//! collectors' performance. Amounts and ratios come as decimal strings and stay so
//! (formatted by `crate::format`); a collector's answers are their own figures (the API
//! scopes them).

use super::{enc, get, ApiResult};
use chrono::NaiveDate;
use debtflow_domain::{analytics::Interval, AccountStatus, Bucket};
use serde::Deserialize;

/// Business dates `from` to `to`, both included.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
pub struct Span {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

/// A collector as the reports name them.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct Named {
    pub id: String,
    pub name: String,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct Dashboard {
    pub period: Span,
    pub previous_period: Span,
    /// Set when the figures are one collector's.
    pub collector: Option<Named>,
    pub current: Figures,
    pub previous: Figures,
    pub plans_on_track: i64,
    pub plans_late: i64,
    pub payments_awaiting_approval: i64,
    pub plans_awaiting_approval: i64,
}

/// One period's figures.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct Figures {
    pub collected: String,
    pub received: String,
    pub refunded: String,
    pub payments: i64,
    pub plans_defaulted: i64,
    /// At the period's end (`None`: the daily job recorded nothing that day).
    pub portfolio: Option<Portfolio>,
    pub recovery_rate: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct Portfolio {
    pub active_accounts: i64,
    pub balance_to_recover: String,
    pub by_status: Vec<StatusFigure>,
    pub by_bucket: Vec<BucketFigure>,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct StatusFigure {
    pub status: AccountStatus,
    pub accounts: i64,
    pub balance: String,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct BucketFigure {
    pub bucket: Bucket,
    pub accounts: i64,
    pub balance: String,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct Trends {
    pub period: Span,
    pub interval: Interval,
    pub buckets: Vec<TrendBucket>,
    pub totals: Money,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct TrendBucket {
    /// The first day of the day, ISO week or month.
    pub start: NaiveDate,
    #[serde(flatten)]
    pub money: Money,
}

/// Payments received and money moved.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
pub struct Money {
    pub payments: i64,
    pub received: String,
    pub refunded: String,
    pub collected: String,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct Aging {
    pub as_of: NaiveDate,
    /// Per bucket, every bucket present.
    pub totals: Vec<AgingRow>,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct AgingRow {
    pub bucket: Bucket,
    pub accounts: i64,
    pub balance: String,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct CollectorsReport {
    pub period: Span,
    /// By name.
    pub collectors: Vec<CollectorFigures>,
    pub totals: CollectorTotals,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct CollectorFigures {
    pub collector: Named,
    pub is_active: bool,
    #[serde(flatten)]
    pub figures: CollectorTotals,
}

/// A collector's figures; the portfolio ones are `None` when the daily job recorded
/// nothing on the period's last day.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
pub struct CollectorTotals {
    pub assigned: Option<i64>,
    pub on_plan: Option<i64>,
    pub worked: i64,
    pub collected: String,
    pub commission: String,
    pub recovery_rate: Option<String>,
    pub conversion: Option<String>,
    pub average_days_to_first_payment: Option<String>,
}

fn span_query(span: Span) -> String {
    format!("from={}&to={}", enc(&span.from.to_string()), enc(&span.to.to_string()))
}

pub async fn dashboard(span: Span) -> ApiResult<Dashboard> {
    get(&format!("/analytics/dashboard?{}", span_query(span))).await
}

pub async fn trends(span: Span, interval: Interval) -> ApiResult<Trends> {
    get(&format!("/analytics/payments/trends?interval={interval}&{}", span_query(span))).await
}

/// The aging report today (live).
pub async fn aging() -> ApiResult<Aging> {
    get("/analytics/aging-report").await
}

pub async fn collectors(span: Span) -> ApiResult<CollectorsReport> {
    get(&format!("/analytics/collectors?{}", span_query(span))).await
}
