//! The analytics the dashboard reads: the period's figures beside the previous
//! period's (`/analytics/dashboard`), the payment trend, the aging report and the
//! collectors' performance. Amounts and ratios come as decimal strings and stay so
//! (formatted by `crate::format`); a collector's answers are their own figures (the API
//! scopes them).
//!
//! The four answers are read as JSON values and then into these types by hand
//! ([`read::Read`]): one request function for all four and no derived `Deserialize` keeps
//! the dashboard some 40 KB lighter in the wasm every first visit downloads. A field
//! missing or of the wrong type is a decoding problem, as with a derived reader.

mod read;

use read::decode;

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
    use super::read::Read;
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
