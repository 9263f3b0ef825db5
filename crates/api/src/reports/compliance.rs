//! Repayment compliance: the installments due in a period, and what became of them.

use super::{period_filters, Column, Report};
pub use debtflow_wire::reports::{Compliance, ComplianceBy, ComplianceRow, Installments};

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
        self.rows.iter().map(|r| cells(self.by, r)).collect()
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
