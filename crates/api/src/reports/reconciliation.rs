//! The daily reconciliation: a day's money in and out per method and per ledger
//! account, and every variance between the ledger, the payments and the processor.

use super::{Column, Report};
pub use debtflow_wire::reports::{LedgerLine, MethodLine, Reconciliation, VarianceLine};

impl Report for Reconciliation {
    const TITLE: &'static str = "Daily reconciliation";
    const FILE: &'static str = "reconciliation";

    fn filters(&self) -> Vec<(String, String)> {
        let verdict = if self.reconciled { "reconciled" } else { "variances found" };
        vec![("Date".to_owned(), self.date.to_string()), ("Result".to_owned(), verdict.to_owned())]
    }

    fn columns(&self) -> Vec<Column> {
        vec![
            Column::text("Section"),
            Column::text("Item"),
            Column::number("In / debit / expected"),
            Column::number("Out / credit / actual"),
            Column::text("Detail"),
        ]
    }

    fn rows(&self) -> Vec<Vec<String>> {
        let methods = self.methods.iter().map(|m| {
            let name = m.method.map_or_else(|| "(no payment)".to_owned(), |m| m.to_string());
            vec![
                "cash".into(),
                name,
                m.received.to_string(),
                m.refunded.to_string(),
                format!("{} payments", m.payments),
            ]
        });
        let ledger = self.ledger.iter().map(|l| {
            vec![
                "ledger".into(),
                l.ledger_account.to_string(),
                l.debit.to_string(),
                l.credit.to_string(),
                String::new(),
            ]
        });
        let variances = self.variances.iter().map(|v| {
            let what = v.payment_id.or(v.entry_id).map(|id| id.to_string()).unwrap_or_default();
            vec![format!("variance: {}", v.check), what, v.expected.to_string(), v.actual.to_string(), v.detail.clone()]
        });
        methods.chain(ledger).chain(variances).collect()
    }

    fn totals(&self) -> Option<Vec<String>> {
        Some(vec![
            "Total cash".into(),
            String::new(),
            self.cash_in.to_string(),
            self.cash_out.to_string(),
            format!("{} variances", self.variances.len()),
        ])
    }
}
