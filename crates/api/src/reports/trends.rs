//! Payment trends: money received per day, week or month, gaps filled with zeros.

use super::{period_filters, Column, Report};
pub use debtflow_wire::reports::{Money, TrendBucket, Trends};

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
