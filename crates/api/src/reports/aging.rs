//! The aging report: active accounts and their balance per aging bucket on a day.

use super::{CollectorRef, Column, Report};
use chrono::NaiveDate;
use debtflow_domain::Bucket;
use rust_decimal::Decimal;
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug, Clone, Serialize, ToSchema)]
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AgingSource {
    Live,
    Snapshot,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AgingRow {
    pub collector: Option<CollectorRef>,
    pub bucket: Bucket,
    pub accounts: i64,
    #[schema(value_type = String, example = "1200.00")]
    pub balance: Decimal,
}

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
        self.rows.iter().map(|r| self.row(r, r.collector.as_ref().map_or("(none)", |c| c.name.as_str()))).collect()
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

impl AgingReport {
    fn row(&self, r: &AgingRow, collector: &str) -> Vec<String> {
        let mut row = if self.by_collector { vec![collector.to_owned()] } else { Vec::new() };
        row.extend([r.bucket.to_string(), r.accounts.to_string(), r.balance.to_string()]);
        row
    }
}
