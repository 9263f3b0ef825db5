//! The analytics the dashboard reads: the period's figures beside the previous
//! period's (`/analytics/dashboard`), the payment trend, the aging report and the
//! collectors' performance. Amounts and ratios come as decimal strings and stay so
//! (formatted by `crate::format`); a collector's answers are their own figures (the API
//! scopes them).
//!
//! The four answers are read as JSON values and then into these types by hand
//! ([`Read`]): one request function for all four and no derived `Deserialize` keeps
//! the dashboard some 40 KB lighter in the wasm every first visit downloads. A field
//! missing or of the wrong type is a decoding problem, as with a derived reader.

use super::{enc, get, ApiResult, Problem};
use chrono::NaiveDate;
use debtflow_domain::{analytics::Interval, AccountStatus, Bucket};
use futures_util::future::join_all;
use serde_json::Value;

/// Business dates `from` to `to`, both included.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Span {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

/// A collector as the reports name them.
#[derive(Clone, Debug, PartialEq)]
pub struct Named {
    pub id: String,
    pub name: String,
}

#[derive(Clone, Debug, PartialEq)]
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
#[derive(Clone, Debug, PartialEq)]
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

#[derive(Clone, Debug, PartialEq)]
pub struct Portfolio {
    pub active_accounts: i64,
    pub balance_to_recover: String,
    pub by_status: Vec<StatusFigure>,
    pub by_bucket: Vec<BucketFigure>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct StatusFigure {
    pub status: AccountStatus,
    pub accounts: i64,
    pub balance: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct BucketFigure {
    pub bucket: Bucket,
    pub accounts: i64,
    pub balance: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Trends {
    pub period: Span,
    pub interval: Interval,
    pub buckets: Vec<TrendBucket>,
    pub totals: Money,
}

#[derive(Clone, Debug, PartialEq)]
pub struct TrendBucket {
    /// The first day of the day, ISO week or month.
    pub start: NaiveDate,
    pub money: Money,
}

/// Payments received and money moved.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Money {
    pub payments: i64,
    pub received: String,
    pub refunded: String,
    pub collected: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Aging {
    pub as_of: NaiveDate,
    /// Per bucket, every bucket present.
    pub totals: Vec<AgingRow>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct AgingRow {
    pub bucket: Bucket,
    pub accounts: i64,
    pub balance: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct CollectorsReport {
    pub period: Span,
    /// By name.
    pub collectors: Vec<CollectorFigures>,
    pub totals: CollectorTotals,
}

#[derive(Clone, Debug, PartialEq)]
pub struct CollectorFigures {
    pub collector: Named,
    pub is_active: bool,
    pub figures: CollectorTotals,
}

/// A collector's figures; the portfolio ones are `None` when the daily job recorded
/// nothing on the period's last day.
#[derive(Clone, Debug, Default, PartialEq)]
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

// ----- reading the JSON -----------------------------------------------------------

/// A wire type read from its JSON value (`None`: not of the documented shape).
pub trait Read: Sized {
    fn read(v: &Value) -> Option<Self>;
}

fn text(v: &Value, k: &str) -> Option<String> {
    v.get(k)?.as_str().map(str::to_owned)
}

/// A nullable string (`Some(None)` for null).
fn text_or_null(v: &Value, k: &str) -> Option<Option<String>> {
    match v.get(k)? {
        Value::Null => Some(None),
        x => x.as_str().map(|s| Some(s.to_owned())),
    }
}

fn int(v: &Value, k: &str) -> Option<i64> {
    v.get(k)?.as_i64()
}

fn int_or_null(v: &Value, k: &str) -> Option<Option<i64>> {
    match v.get(k)? {
        Value::Null => Some(None),
        x => x.as_i64().map(Some),
    }
}

fn date(v: &Value, k: &str) -> Option<NaiveDate> {
    crate::format::date(v.get(k)?.as_str()?)
}

fn list<T: Read>(v: &Value, k: &str) -> Option<Vec<T>> {
    v.get(k)?.as_array()?.iter().map(T::read).collect()
}

/// A nullable object.
fn object_or_null<T: Read>(v: &Value, k: &str) -> Option<Option<T>> {
    match v.get(k)? {
        Value::Null => Some(None),
        x => T::read(x).map(Some),
    }
}

fn named<T: Copy>(all: &[T], name: &str, as_str: fn(T) -> &'static str) -> Option<T> {
    all.iter().copied().find(|x| as_str(*x) == name)
}

impl Read for Span {
    fn read(v: &Value) -> Option<Self> {
        Some(Span { from: date(v, "from")?, to: date(v, "to")? })
    }
}

impl Read for Named {
    fn read(v: &Value) -> Option<Self> {
        Some(Named { id: text(v, "id")?, name: text(v, "name")? })
    }
}

impl Read for Dashboard {
    fn read(v: &Value) -> Option<Self> {
        Some(Dashboard {
            period: Span::read(v.get("period")?)?,
            previous_period: Span::read(v.get("previous_period")?)?,
            collector: object_or_null(v, "collector")?,
            current: Figures::read(v.get("current")?)?,
            previous: Figures::read(v.get("previous")?)?,
            plans_on_track: int(v, "plans_on_track")?,
            plans_late: int(v, "plans_late")?,
            payments_awaiting_approval: int(v, "payments_awaiting_approval")?,
            plans_awaiting_approval: int(v, "plans_awaiting_approval")?,
        })
    }
}

impl Read for Figures {
    fn read(v: &Value) -> Option<Self> {
        Some(Figures {
            collected: text(v, "collected")?,
            received: text(v, "received")?,
            refunded: text(v, "refunded")?,
            payments: int(v, "payments")?,
            plans_defaulted: int(v, "plans_defaulted")?,
            portfolio: object_or_null(v, "portfolio")?,
            recovery_rate: text_or_null(v, "recovery_rate")?,
        })
    }
}

impl Read for Portfolio {
    fn read(v: &Value) -> Option<Self> {
        Some(Portfolio {
            active_accounts: int(v, "active_accounts")?,
            balance_to_recover: text(v, "balance_to_recover")?,
            by_status: list(v, "by_status")?,
            by_bucket: list(v, "by_bucket")?,
        })
    }
}

impl Read for StatusFigure {
    fn read(v: &Value) -> Option<Self> {
        Some(StatusFigure {
            status: named(&AccountStatus::ALL, v.get("status")?.as_str()?, AccountStatus::as_str)?,
            accounts: int(v, "accounts")?,
            balance: text(v, "balance")?,
        })
    }
}

impl Read for BucketFigure {
    fn read(v: &Value) -> Option<Self> {
        let row = AgingRow::read(v)?;
        Some(BucketFigure { bucket: row.bucket, accounts: row.accounts, balance: row.balance })
    }
}

impl Read for Trends {
    fn read(v: &Value) -> Option<Self> {
        Some(Trends {
            period: Span::read(v.get("period")?)?,
            interval: named(Interval::ALL, v.get("interval")?.as_str()?, Interval::as_str)?,
            buckets: list(v, "buckets")?,
            totals: Money::read(v.get("totals")?)?,
        })
    }
}

impl Read for TrendBucket {
    fn read(v: &Value) -> Option<Self> {
        Some(TrendBucket { start: date(v, "start")?, money: Money::read(v)? })
    }
}

impl Read for Money {
    fn read(v: &Value) -> Option<Self> {
        Some(Money {
            payments: int(v, "payments")?,
            received: text(v, "received")?,
            refunded: text(v, "refunded")?,
            collected: text(v, "collected")?,
        })
    }
}

impl Read for Aging {
    fn read(v: &Value) -> Option<Self> {
        Some(Aging { as_of: date(v, "as_of")?, totals: list(v, "totals")? })
    }
}

impl Read for AgingRow {
    fn read(v: &Value) -> Option<Self> {
        Some(AgingRow {
            bucket: named(&Bucket::ALL, v.get("bucket")?.as_str()?, Bucket::as_str)?,
            accounts: int(v, "accounts")?,
            balance: text(v, "balance")?,
        })
    }
}

impl Read for CollectorsReport {
    fn read(v: &Value) -> Option<Self> {
        Some(CollectorsReport {
            period: Span::read(v.get("period")?)?,
            collectors: list(v, "collectors")?,
            totals: CollectorTotals::read(v.get("totals")?)?,
        })
    }
}

impl Read for CollectorFigures {
    fn read(v: &Value) -> Option<Self> {
        Some(CollectorFigures {
            collector: Named::read(v.get("collector")?)?,
            is_active: v.get("is_active")?.as_bool()?,
            figures: CollectorTotals::read(v)?,
        })
    }
}

impl Read for CollectorTotals {
    fn read(v: &Value) -> Option<Self> {
        Some(CollectorTotals {
            assigned: int_or_null(v, "assigned")?,
            on_plan: int_or_null(v, "on_plan")?,
            worked: int(v, "worked")?,
            collected: text(v, "collected")?,
            commission: text(v, "commission")?,
            recovery_rate: text_or_null(v, "recovery_rate")?,
            conversion: text_or_null(v, "conversion")?,
            average_days_to_first_payment: text_or_null(v, "average_days_to_first_payment")?,
        })
    }
}

/// An answer read as `T`, or the problem it was.
fn decode<T: Read>(answer: ApiResult<Value>, what: &str) -> ApiResult<T> {
    T::read(&answer?).ok_or_else(|| Problem::decode(format!("the {what} is not of the documented shape")))
}

// ----- the requests -------------------------------------------------------------------

/// Everything the dashboard shows for `span`, asked at once (four requests in
/// parallel; the collectors' only `with_collectors`).
pub struct Answers {
    pub dashboard: ApiResult<Dashboard>,
    pub trends: ApiResult<Trends>,
    pub aging: ApiResult<Aging>,
    pub collectors: Option<ApiResult<CollectorsReport>>,
}

pub async fn dashboard_answers(span: Span, interval: Interval, with_collectors: bool) -> Answers {
    let period = format!("from={}&to={}", enc(&span.from.to_string()), enc(&span.to.to_string()));
    let mut paths = vec![
        format!("/analytics/dashboard?{period}"),
        format!("/analytics/payments/trends?interval={interval}&{period}"),
        // The aging today (live), whatever the period.
        "/analytics/aging-report".to_string(),
    ];
    if with_collectors {
        paths.push(format!("/analytics/collectors?{period}"));
    }
    let mut answers = join_all(paths.iter().map(|p| get::<Value>(p))).await.into_iter();
    let mut next = || answers.next().unwrap_or_else(|| Err(Problem::decode("no answer")));
    Answers {
        dashboard: decode(next(), "dashboard"),
        trends: decode(next(), "payment trend"),
        aging: decode(next(), "aging report"),
        collectors: with_collectors.then(|| decode(next(), "collectors' report")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_the_dashboard_as_documented() {
        let v = json!({
            "period": {"from": "2026-11-02", "to": "2026-12-01"},
            "previous_period": {"from": "2026-10-03", "to": "2026-11-01"},
            "collector": {"id": "c1", "name": "Sarah Mitchell"},
            "current": {"collected": "17611.76", "received": "17611.76", "refunded": "0.00", "payments": 40,
                "plans_defaulted": 1, "recovery_rate": "0.0353", "portfolio": {"active_accounts": 141,
                "balance_to_recover": "480656.35", "by_status": [{"status": "in_contact", "accounts": 32, "balance": "1.00"}],
                "by_bucket": [{"bucket": "90+", "accounts": 87, "balance": "2.00"}]}},
            "previous": {"collected": "0.00", "received": "0.00", "refunded": "0.00", "payments": 0,
                "plans_defaulted": 0, "portfolio": null, "recovery_rate": null},
            "plans_on_track": 7, "plans_late": 2, "payments_awaiting_approval": 1, "plans_awaiting_approval": 2
        });
        let d = Dashboard::read(&v).expect("the documented shape");
        assert_eq!(d.period.to.to_string(), "2026-12-01");
        assert_eq!(d.collector.map(|c| c.name), Some("Sarah Mitchell".into()));
        assert_eq!(d.current.recovery_rate.as_deref(), Some("0.0353"));
        let p = d.current.portfolio.expect("a portfolio");
        assert_eq!(p.by_status[0].status, AccountStatus::InContact);
        assert_eq!(p.by_bucket[0].bucket, Bucket::Over90);
        assert_eq!((d.previous.portfolio, d.previous.recovery_rate), (None, None));
        assert_eq!(d.plans_awaiting_approval, 2);
    }

    #[test]
    fn a_missing_or_mistyped_field_is_refused() {
        let ok = json!({"bucket": "0-30", "accounts": 3, "balance": "10.00"});
        assert!(AgingRow::read(&ok).is_some());
        assert!(AgingRow::read(&json!({"bucket": "0-30", "accounts": "3", "balance": "10.00"})).is_none());
        assert!(AgingRow::read(&json!({"bucket": "91+", "accounts": 3, "balance": "10.00"})).is_none());
        assert!(AgingRow::read(&json!({"bucket": "0-30", "balance": "10.00"})).is_none());
        let problem = decode::<AgingRow>(Ok(json!({})), "aging report").unwrap_err();
        assert_eq!(problem.detail, "the aging report is not of the documented shape");
    }

    #[test]
    fn reads_trends_and_collectors() {
        let t = Trends::read(&json!({"period": {"from": "2026-11-30", "to": "2026-12-01"}, "interval": "week",
            "buckets": [{"start": "2026-11-30", "method": null, "payments": 2, "received": "5.00", "refunded": "1.00",
            "collected": "4.00"}], "totals": {"payments": 2, "received": "5.00", "refunded": "1.00", "collected": "4.00"}}))
        .expect("trends");
        assert_eq!((t.interval, t.buckets[0].money.collected.as_str()), (Interval::Week, "4.00"));
        let c = CollectorsReport::read(&json!({"period": {"from": "2026-11-30", "to": "2026-12-01"}, "collectors": [
            {"collector": {"id": "a", "name": "Ann"}, "is_active": false, "assigned": null, "on_plan": 1, "worked": 3,
             "collected": "9.00", "commission": "0.90", "recovery_rate": "0.5", "conversion": null,
             "average_days_to_first_payment": "2.5"}],
            "totals": {"assigned": 4, "on_plan": 1, "worked": 3, "collected": "9.00", "commission": "0.90",
             "recovery_rate": null, "conversion": null, "average_days_to_first_payment": null}}))
        .expect("collectors");
        let ann = &c.collectors[0];
        assert_eq!((ann.is_active, ann.figures.assigned, ann.figures.on_plan), (false, None, Some(1)));
        assert_eq!(c.totals.assigned, Some(4));
    }
}
