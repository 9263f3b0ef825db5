//! Collector performance: each collector's portfolio, work and money in a period.

use super::{cell, percent, period_filters, CollectorRef, Column, Period, Report};
use rust_decimal::Decimal;
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CollectorsReport {
    pub period: Period,
    /// Set when the report is one collector's.
    pub collector: Option<CollectorRef>,
    /// By name.
    pub collectors: Vec<CollectorFigures>,
    /// The agency's (or the collector's) figures: sums, and ratios of the sums.
    pub totals: CollectorTotals,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CollectorFigures {
    pub collector: CollectorRef,
    pub is_active: bool,
    #[serde(flatten)]
    pub figures: CollectorTotals,
}

/// A collector's figures. The portfolio figures (`assigned`, `on_plan`, `conversion`,
/// `average_days_to_first_payment`, `recovery_rate`) are as of the period's end — live,
/// or as the daily job recorded that day; `null` when it did not.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct CollectorTotals {
    /// Accounts assigned to them, in any status.
    pub assigned: Option<i64>,
    /// Of those, on a payment plan.
    pub on_plan: Option<i64>,
    /// Accounts they wrote a note on or moved to another status in the period.
    pub worked: i64,
    /// Money posted in the period on their accounts: received − refunded.
    #[schema(value_type = String, example = "1250.00")]
    pub collected: Decimal,
    /// Commission expense posted for them in the period (net of reversals).
    #[schema(value_type = String, example = "125.00")]
    pub commission: Decimal,
    /// collected ÷ (collected + their active accounts' balance at the period's end).
    #[schema(value_type = Option<String>, example = "0.1235")]
    pub recovery_rate: Option<Decimal>,
    /// Accounts ever paid ÷ assigned.
    #[schema(value_type = Option<String>, example = "0.4000")]
    pub conversion: Option<Decimal>,
    /// Over the accounts ever paid: days from placement to the first payment (one place).
    #[schema(value_type = Option<String>, example = "12.5")]
    pub average_days_to_first_payment: Option<Decimal>,
}

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
