//! Repayment compliance: the installments due in a period, and what became of them.

use super::{period_filters, CollectorRef, Column, Period, Report};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// How the rows group the installments.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ComplianceBy {
    #[default]
    Collector,
    Plan,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Compliance {
    pub period: Period,
    /// Set when the figures are one collector's.
    pub collector: Option<CollectorRef>,
    pub by: ComplianceBy,
    /// Per collector (by name; accounts without one last) or per plan (a page, by plan
    /// id).
    pub rows: Vec<ComplianceRow>,
    /// Every installment due in the period (not only this page's).
    pub totals: Installments,
    /// With `by=plan`: pass as `cursor` for the next page; `null` on the last page.
    pub next_cursor: Option<String>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ComplianceRow {
    /// The account's collector (`null`: none).
    pub collector: Option<CollectorRef>,
    /// With `by=plan`: the plan and its account.
    pub plan_id: Option<Uuid>,
    pub account_id: Option<Uuid>,
    pub account_ref: Option<String>,
    #[serde(flatten)]
    pub installments: Installments,
}

/// Installments due, by what became of them today: paid in full within the plan's
/// grace days (`on_time`) or after (`late`); not paid in full and past the grace days
/// (`missed`); neither yet (`open`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, ToSchema)]
pub struct Installments {
    pub due: i64,
    pub on_time: i64,
    pub late: i64,
    pub missed: i64,
    pub open: i64,
    #[schema(value_type = String, example = "500.00")]
    pub amount_due: Decimal,
    #[schema(value_type = String, example = "350.00")]
    pub amount_paid: Decimal,
    /// on_time ÷ (due − open): of the installments whose time has come, the share
    /// paid on time.
    #[schema(value_type = Option<String>, example = "0.7500")]
    pub on_time_rate: Option<Decimal>,
}

impl Report for Compliance {
    const TITLE: &'static str = "Repayment compliance";
    const FILE: &'static str = "repayment-compliance";

    fn filters(&self) -> Vec<(String, String)> {
        let mut filters = period_filters(self.period, self.collector.as_ref());
        let by = match self.by {
            ComplianceBy::Collector => "collector",
            ComplianceBy::Plan => "plan",
        };
        filters.push(("By".to_owned(), by.to_owned()));
        filters
    }

    fn columns(&self) -> Vec<Column> {
        let mut columns = vec![Column::text("Collector")];
        if self.by == ComplianceBy::Plan {
            columns.extend([Column::text("Plan"), Column::text("Account")]);
        }
        columns.extend([
            Column::number("Due"),
            Column::number("On time"),
            Column::number("Late"),
            Column::number("Missed"),
            Column::number("Open"),
            Column::number("Amount due"),
            Column::number("Amount paid"),
            Column::number("On-time rate"),
        ]);
        columns
    }

    fn rows(&self) -> Vec<Vec<String>> {
        self.rows.iter().map(|r| Compliance::cells(self.by, r)).collect()
    }

    fn totals(&self) -> Option<Vec<String>> {
        let mut row = vec!["Total".to_owned()];
        if self.by == ComplianceBy::Plan {
            row.extend([String::new(), String::new()]);
        }
        row.extend(installments(&self.totals));
        Some(row)
    }
}

impl Compliance {
    /// One row's cells as the table prints them under `by` (also each line of the
    /// streamed CSV of every plan).
    pub fn cells(by: ComplianceBy, r: &ComplianceRow) -> Vec<String> {
        let mut row = vec![r.collector.as_ref().map_or_else(|| "(none)".to_owned(), |c| c.name.clone())];
        if by == ComplianceBy::Plan {
            row.push(r.plan_id.map(|id| id.to_string()).unwrap_or_default());
            row.push(r.account_ref.clone().unwrap_or_default());
        }
        row.extend(installments(&r.installments));
        row
    }
}

fn installments(i: &Installments) -> [String; 8] {
    [
        i.due.to_string(),
        i.on_time.to_string(),
        i.late.to_string(),
        i.missed.to_string(),
        i.open.to_string(),
        i.amount_due.to_string(),
        i.amount_paid.to_string(),
        super::percent(i.on_time_rate),
    ]
}
