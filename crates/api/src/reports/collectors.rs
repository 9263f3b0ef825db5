//! Collector performance: each collector's portfolio, work and money in a period.

use super::{cell, percent, period_filters, Column, Report};
pub use debtflow_wire::reports::{CollectorFigures, CollectorTotals, CollectorsReport};

impl Report for CollectorsReport {
    const TITLE: &'static str = "Collector performance";
    const FILE: &'static str = "collectors";

    fn filters(&self) -> Vec<(String, String)> {
        period_filters(self.period, self.collector.as_ref())
    }

    fn columns(&self) -> Vec<Column> {
        vec![
            Column::text("Collector"),
            Column::number("Assigned"),
            Column::number("Worked"),
            Column::number("On plan"),
            Column::number("Collected"),
            Column::number("Commission"),
            Column::number("Recovery rate"),
            Column::number("Conversion"),
            Column::number("Avg days to 1st payment"),
        ]
    }

    fn rows(&self) -> Vec<Vec<String>> {
        self.collectors.iter().map(|c| figures(c.collector.name.clone(), &c.figures)).collect()
    }

    fn totals(&self) -> Option<Vec<String>> {
        Some(figures("Total".to_owned(), &self.totals))
    }
}

fn figures(name: String, f: &CollectorTotals) -> Vec<String> {
    vec![
        name,
        cell(f.assigned),
        f.worked.to_string(),
        cell(f.on_plan),
        f.collected.to_string(),
        f.commission.to_string(),
        percent(f.recovery_rate),
        percent(f.conversion),
        cell(f.average_days_to_first_payment),
    ]
}
