//! The dashboard: a period's figures beside the previous period's of equal length.

use super::{cell, percent, period_filters, Column, Report};
use debtflow_domain::{AccountStatus, Bucket};
pub use debtflow_wire::reports::{BucketFigure, Dashboard, Figures, Portfolio, StatusFigure};

impl Report for Dashboard {
    const TITLE: &'static str = "Dashboard";
    const FILE: &'static str = "dashboard";

    fn filters(&self) -> Vec<(String, String)> {
        let mut filters = period_filters(self.period, self.collector.as_ref());
        let previous = format!("{} to {}", self.previous_period.from(), self.previous_period.to());
        filters.push(("Compared with".to_owned(), previous));
        filters
    }

    fn columns(&self) -> Vec<Column> {
        vec![Column::text("Figure"), Column::number("This period"), Column::number("Previous period")]
    }

    fn rows(&self) -> Vec<Vec<String>> {
        let periods = [&self.current, &self.previous];
        let row = |name: &str, [now, before]: [String; 2]| vec![name.to_owned(), now, before];
        let flow = |f: &dyn Fn(&Figures) -> String| periods.map(f);
        let stock = |f: &dyn Fn(&Portfolio) -> String| periods.map(|x| x.portfolio.as_ref().map(f).unwrap_or_default());
        let today = |value: i64| [value.to_string(), String::new()];
        let mut rows = vec![
            row("Active accounts", stock(&|p| p.active_accounts.to_string())),
            row("Balance to recover", stock(&|p| p.balance_to_recover.to_string())),
            row("Received", flow(&|x| x.received.to_string())),
            row("Refunded", flow(&|x| x.refunded.to_string())),
            row("Collected", flow(&|x| x.collected.to_string())),
            row("Payments", flow(&|x| x.payments.to_string())),
            row("Recovery rate", flow(&|x| percent(x.recovery_rate))),
        ];
        for status in AccountStatus::ALL {
            let accounts = |p: &Portfolio| cell(p.by_status.iter().find(|s| s.status == status).map(|s| s.accounts));
            rows.push(row(&format!("Accounts {status}"), stock(&accounts)));
        }
        for bucket in Bucket::ALL {
            let balance = |p: &Portfolio| cell(p.by_bucket.iter().find(|b| b.bucket == bucket).map(|b| b.balance));
            rows.push(row(&format!("Balance {bucket} days"), stock(&balance)));
        }
        rows.push(row("Plans defaulted", flow(&|x| x.plans_defaulted.to_string())));
        rows.push(row("Plans on track (today)", today(self.plans_on_track)));
        rows.push(row("Plans late (today)", today(self.plans_late)));
        rows.push(row("Payments awaiting approval", today(self.payments_awaiting_approval)));
        rows.push(row("Plans awaiting approval", today(self.plans_awaiting_approval)));
        rows
    }

    fn totals(&self) -> Option<Vec<String>> {
        None
    }
}
