//! The analytics answers read from their JSON by hand ([`Read`]): lighter in the wasm
//! than derived readers.

use super::super::{ApiResult, Problem};
use super::*;
use chrono::NaiveDate;
use serde_json::Value;

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
pub(super) fn decode<T: Read>(answer: ApiResult<Value>, what: &str) -> ApiResult<T> {
    T::read(&answer?).ok_or_else(|| Problem::decode(format!("the {what} is not of the documented shape")))
}
