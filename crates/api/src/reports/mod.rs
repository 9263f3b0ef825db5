//! Reports: the analytics figures as JSON, CSV and PDF. Each report is a typed
//! structure (its JSON, documented in the OpenAPI spec) that also lays itself out as
//! a [`Table`] ([`Report`]), which the CSV and PDF exports print — so the three
//! formats show the same figures.

pub mod aging;
pub mod collectors;
pub mod compliance;
pub mod dashboard;
pub mod pdf;
pub mod reconciliation;
pub mod table;
pub mod trends;

use chrono::{DateTime, Utc};
pub use debtflow_domain::analytics::Period;
pub use debtflow_wire::reports::CollectorRef;
use rust_decimal::Decimal;
pub use table::{Align, Column, Table};

/// A report as a table.
pub trait Report {
    /// "Aging report".
    const TITLE: &'static str;
    /// The file name's stem ("aging-report").
    const FILE: &'static str;
    /// What it was run for, as printed above the table.
    fn filters(&self) -> Vec<(String, String)>;
    fn columns(&self) -> Vec<Column>;
    fn rows(&self) -> Vec<Vec<String>>;
    /// The totals row, when the rows add up.
    fn totals(&self) -> Option<Vec<String>>;

    fn table(&self, agency: &str, generated_at: DateTime<Utc>) -> Table {
        Table {
            title: Self::TITLE.to_owned(),
            agency: agency.to_owned(),
            filters: self.filters(),
            generated_at,
            columns: self.columns(),
            rows: self.rows(),
            totals: self.totals(),
        }
    }
}

/// A ratio as a cell: "12.35%", blank when there is none.
pub fn percent(ratio: Option<Decimal>) -> String {
    ratio.map(|r| format!("{}%", (r * Decimal::ONE_HUNDRED).round_dp(2))).unwrap_or_default()
}

/// An optional figure as a cell, blank when unknown.
pub fn cell<T: ToString>(value: Option<T>) -> String {
    value.map(|v| v.to_string()).unwrap_or_default()
}

/// The filters every period report prints.
pub fn period_filters(period: Period, collector: Option<&CollectorRef>) -> Vec<(String, String)> {
    let mut filters = vec![("From".to_owned(), period.from().to_string()), ("To".to_owned(), period.to().to_string())];
    if let Some(c) = collector {
        filters.push(("Collector".to_owned(), c.name.clone()));
    }
    filters
}
