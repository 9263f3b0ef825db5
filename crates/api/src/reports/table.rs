//! A report as a table: what the CSV and the PDF exports of every report are made of.
//! Each report's JSON answer turns into one (`Tabular`), with its cells already
//! written as the reader sees them (money to the cent, dates ISO 8601).

use chrono::{DateTime, Utc};

/// How a column's cells line up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    /// Numbers and money.
    Right,
}

/// A column: its heading and alignment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    pub heading: &'static str,
    pub align: Align,
}

impl Column {
    pub const fn text(heading: &'static str) -> Self {
        Self { heading, align: Align::Left }
    }

    pub const fn number(heading: &'static str) -> Self {
        Self { heading, align: Align::Right }
    }
}

/// A report ready to print.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// "Aging report".
    pub title: String,
    /// The agency's name.
    pub agency: String,
    /// The filters it was run with, as label and value ("From", "2026-01-01").
    pub filters: Vec<(String, String)>,
    pub generated_at: DateTime<Utc>,
    pub columns: Vec<Column>,
    /// One cell per column in each row.
    pub rows: Vec<Vec<String>>,
    /// The totals row, one cell per column (blank where nothing adds up).
    pub totals: Option<Vec<String>>,
}
