//! The dashboard: a period's figures beside the previous period's of equal length.

use super::{cell, percent, period_filters, CollectorRef, Column, Period, Report};
use debtflow_domain::{AccountStatus, Bucket};
use rust_decimal::Decimal;
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Dashboard {
    pub period: Period,
    /// The period of equal length just before.
    pub previous_period: Period,
    /// Set when the figures are one collector's.
    pub collector: Option<CollectorRef>,
    pub current: Figures,
    pub previous: Figures,
    /// Active plans today: on track, or with an installment missed.
    pub plans_on_track: i64,
    pub plans_late: i64,
    /// Waiting for a manager's decision now.
    pub payments_awaiting_approval: i64,
    pub plans_awaiting_approval: i64,
}

/// One period's figures.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Figures {
    /// Money posted in the period: received, refunded, and collected (received −
    /// refunded).
    #[schema(value_type = String, example = "1250.00")]
    pub collected: Decimal,
    #[schema(value_type = String, example = "1300.00")]
    pub received: Decimal,
    #[schema(value_type = String, example = "50.00")]
    pub refunded: Decimal,
    /// Payments received in the period (money-in entries).
    pub payments: i64,
    /// Plans that defaulted in the period.
    pub plans_defaulted: i64,
    /// The portfolio at the period's end: live when the period ends today or later,
    /// as the daily aging job recorded it otherwise; `null` when it recorded nothing
    /// that day.
    pub portfolio: Option<Portfolio>,
    /// collected ÷ (collected + balance to recover at the period's end), four places;
    /// `null` without a portfolio or when both are zero.
    #[schema(value_type = Option<String>, example = "0.1235")]
    pub recovery_rate: Option<Decimal>,
}

/// Accounts and balances on a day.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Portfolio {
    /// Accounts neither settled nor closed, and what they still owe.
    pub active_accounts: i64,
    #[schema(value_type = String, example = "48250.00")]
    pub balance_to_recover: Decimal,
    /// Every status, with its accounts and their balance.
    pub by_status: Vec<StatusFigure>,
    /// Active accounts by aging bucket.
    pub by_bucket: Vec<BucketFigure>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StatusFigure {
    pub status: AccountStatus,
    pub accounts: i64,
    #[schema(value_type = String, example = "1200.00")]
    pub balance: Decimal,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct BucketFigure {
    pub bucket: Bucket,
    pub accounts: i64,
    #[schema(value_type = String, example = "1200.00")]
    pub balance: Decimal,
}

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
