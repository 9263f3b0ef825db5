//! The analytics the dashboard reads: the period's figures beside the previous
//! period's (`/analytics/dashboard`), the payment trend, the aging report and the
//! collectors' performance, as the API's own types (`debtflow_wire::reports`). A
//! collector's answers are their own figures (the API scopes them).

use super::{enc, get, ApiResult};
use chrono::NaiveDate;
use debtflow_domain::analytics::Interval;
pub use debtflow_wire::reports::{
    AgingReport, AgingRow, CollectorFigures, CollectorTotals, CollectorsReport, Dashboard, Figures, Money, Portfolio,
    Trends,
};
use futures_util::future::join;

/// The business dates `from` to `to`, both included, the dashboard asks about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Span {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

// ----- the requests -------------------------------------------------------------------

/// Everything the dashboard shows for `span`, asked at once (four requests in
/// parallel; the collectors' only `with_collectors`).
pub struct Answers {
    pub dashboard: ApiResult<Dashboard>,
    pub trends: ApiResult<Trends>,
    pub aging: ApiResult<AgingReport>,
    pub collectors: Option<ApiResult<CollectorsReport>>,
}

pub async fn dashboard_answers(span: Span, interval: Interval, with_collectors: bool) -> Answers {
    let period = format!("from={}&to={}", enc(&span.from.to_string()), enc(&span.to.to_string()));
    let trends = format!("/analytics/payments/trends?interval={interval}&{period}");
    let collectors = format!("/analytics/collectors?{period}");
    // The aging today (live), whatever the period.
    let ((dashboard, trends), (aging, collectors)) = join(
        join(get(&format!("/analytics/dashboard?{period}")), get(&trends)),
        join(get("/analytics/aging-report"), async {
            if with_collectors {
                Some(get(&collectors).await)
            } else {
                None
            }
        }),
    )
    .await;
    Answers { dashboard, trends, aging, collectors }
}

#[cfg(test)]
mod tests {
    use super::*;
    use debtflow_domain::{AccountStatus, Bucket};
    use serde_json::json;

    #[test]
    fn reads_the_dashboard_as_documented() {
        let v = json!({
            "period": {"from": "2026-11-02", "to": "2026-12-01"},
            "previous_period": {"from": "2026-10-03", "to": "2026-11-01"},
            "collector": {"id": "0193a1b2-0000-7000-8000-0000000000c1", "name": "Sarah Mitchell"},
            "current": {"collected": "17611.76", "received": "17611.76", "refunded": "0.00", "payments": 40,
                "plans_defaulted": 1, "write_offs": 1, "written_off": "1830.00", "recovery_rate": "0.0353", "portfolio": {"active_accounts": 141,
                "balance_to_recover": "480656.35", "by_status": [{"status": "in_contact", "accounts": 32, "balance": "1.00"}],
                "by_bucket": [{"bucket": "90+", "accounts": 87, "balance": "2.00"}]}},
            "previous": {"collected": "0.00", "received": "0.00", "refunded": "0.00", "payments": 0,
                "plans_defaulted": 0, "write_offs": 0, "written_off": "0.00", "portfolio": null, "recovery_rate": null},
            "plans_on_track": 7, "plans_late": 2, "payments_awaiting_approval": 1, "plans_awaiting_approval": 2,
            "accounts_in_legal": 3
        });
        let d: Dashboard = serde_json::from_value(v).expect("the documented shape");
        assert_eq!(d.period.to().to_string(), "2026-12-01");
        assert_eq!(d.collector.map(|c| c.name), Some("Sarah Mitchell".into()));
        assert_eq!(d.current.recovery_rate.map(|r| r.to_string()).as_deref(), Some("0.0353"));
        let p = d.current.portfolio.expect("a portfolio");
        assert_eq!(p.by_status[0].status, AccountStatus::InContact);
        assert_eq!(p.by_bucket[0].bucket, Bucket::Over90);
        assert_eq!((d.previous.portfolio, d.previous.recovery_rate), (None, None));
        assert_eq!(d.plans_awaiting_approval, 2);
    }

    #[test]
    fn a_missing_or_mistyped_field_is_refused() {
        let row = |v| serde_json::from_value::<AgingRow>(v);
        assert!(row(json!({"collector": null, "bucket": "0-30", "accounts": 3, "balance": "10.00"})).is_ok());
        assert!(row(json!({"bucket": "0-30", "accounts": "3", "balance": "10.00"})).is_err());
        assert!(row(json!({"bucket": "91+", "accounts": 3, "balance": "10.00"})).is_err());
        assert!(row(json!({"bucket": "0-30", "balance": "10.00"})).is_err());
        assert!(row(json!({"bucket": "0-30", "accounts": 3, "balance": "ten"})).is_err());
    }

    #[test]
    fn a_reversed_period_is_refused() {
        let period = json!({"from": "2026-12-02", "to": "2026-12-01"});
        assert!(serde_json::from_value::<debtflow_domain::analytics::Period>(period).is_err());
    }
}
