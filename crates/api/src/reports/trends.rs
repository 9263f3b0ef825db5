//! Payment trends: money received per day, week or month, gaps filled with zeros.

use super::{period_filters, CollectorRef, Column, Period, Report};
use chrono::NaiveDate;
use debtflow_domain::{analytics::Interval, payment::PaymentMethod};
use rust_decimal::Decimal;
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug, Clone, Serialize, ToSchema)]
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

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TrendBucket {
    /// The first day of the day, ISO week (Monday) or month.
    pub start: NaiveDate,
    /// With `by_method`; money that named no payment has none.
    pub method: Option<PaymentMethod>,
    #[serde(flatten)]
    pub money: Money,
}

/// Payments received and money moved.
#[derive(Debug, Clone, Default, PartialEq, Serialize, ToSchema)]
pub struct Money {
    pub payments: i64,
    #[schema(value_type = String, example = "1300.00")]
    pub received: Decimal,
    #[schema(value_type = String, example = "50.00")]
    pub refunded: Decimal,
    /// received − refunded.
    #[schema(value_type = String, example = "1250.00")]
    pub collected: Decimal,
}

impl Report for Trends {
    const TITLE: &'static str = "Payment trends";
    const FILE: &'static str = "payment-trends";

    fn filters(&self) -> Vec<(String, String)> {
        let mut filters = period_filters(self.period, self.collector.as_ref());
        filters.push(("Interval".to_owned(), self.interval.to_string()));
        filters
    }

    fn columns(&self) -> Vec<Column> {
        let mut columns = vec![Column::text("Start")];
        if self.by_method {
            columns.push(Column::text("Method"));
        }
        columns.extend([
            Column::number("Payments"),
            Column::number("Received"),
            Column::number("Refunded"),
            Column::number("Collected"),
        ]);
        columns
    }

    fn rows(&self) -> Vec<Vec<String>> {
        self.buckets
            .iter()
            .map(|b| {
                let mut row = vec![b.start.to_string()];
                if self.by_method {
                    row.push(b.method.map(|m| m.to_string()).unwrap_or_default());
                }
                row.extend(money(&b.money));
                row
            })
            .collect()
    }

    fn totals(&self) -> Option<Vec<String>> {
        let mut row = vec!["Total".to_owned()];
        if self.by_method {
            row.push(String::new());
        }
        row.extend(money(&self.totals));
        Some(row)
    }
}

fn money(m: &Money) -> [String; 4] {
    [m.payments.to_string(), m.received.to_string(), m.refunded.to_string(), m.collected.to_string()]
}
