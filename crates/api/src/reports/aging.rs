//! The aging report: active accounts and their balance per aging bucket on a day.

use super::{Column, Report};
pub use debtflow_wire::reports::{AgingReport, AgingRow, AgingSource};
use rust_decimal::Decimal;

impl Report for AgingReport {
    const TITLE: &'static str = "Aging report";
    const FILE: &'static str = "aging-report";

    fn filters(&self) -> Vec<(String, String)> {
        let mut filters = vec![("As of".to_owned(), self.as_of.to_string())];
        if let Some(c) = &self.collector {
            filters.push(("Collector".to_owned(), c.name.clone()));
        }
        filters
    }

    fn columns(&self) -> Vec<Column> {
        let mut columns = if self.by_collector { vec![Column::text("Collector")] } else { Vec::new() };
        columns.extend([Column::text("Bucket"), Column::number("Accounts"), Column::number("Balance")]);
        columns
    }

    fn rows(&self) -> Vec<Vec<String>> {
        self.rows.iter().map(|r| cells(self, r, r.collector.as_ref().map_or("(none)", |c| c.name.as_str()))).collect()
    }

    fn totals(&self) -> Option<Vec<String>> {
        let accounts: i64 = self.totals.iter().map(|r| r.accounts).sum();
        let balance: Decimal = self.totals.iter().map(|r| r.balance).sum();
        let mut row =
            if self.by_collector { vec!["Total".to_owned(), String::new()] } else { vec!["Total".to_owned()] };
        row.extend([accounts.to_string(), balance.to_string()]);
        Some(row)
    }
}

/// One row's cells, after its collector's when the report is by collector.
fn cells(report: &AgingReport, r: &AgingRow, collector: &str) -> Vec<String> {
    let mut row = if report.by_collector { vec![collector.to_owned()] } else { Vec::new() };
    row.extend([r.bucket.to_string(), r.accounts.to_string(), r.balance.to_string()]);
    row
}
