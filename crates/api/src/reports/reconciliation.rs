//! The daily reconciliation: a day's money in and out per method and per ledger
//! account, and every variance between the ledger, the payments and the processor.

use super::{Column, Report};
use chrono::NaiveDate;
use debtflow_domain::{ledger::LedgerAccount, payment::PaymentMethod};
use rust_decimal::Decimal;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Reconciliation {
    pub date: NaiveDate,
    /// Whether the day reconciles: no variance.
    pub reconciled: bool,
    /// Cash per payment method (`null`: cash that names no payment).
    pub methods: Vec<MethodLine>,
    /// Every ledger account the day's entries touched.
    pub ledger: Vec<LedgerLine>,
    pub variances: Vec<VarianceLine>,
    /// The day's cash: the methods summed.
    #[schema(value_type = String, example = "1300.00")]
    pub cash_in: Decimal,
    #[schema(value_type = String, example = "50.00")]
    pub cash_out: Decimal,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MethodLine {
    pub method: Option<PaymentMethod>,
    pub payments: i64,
    #[schema(value_type = String, example = "1300.00")]
    pub received: Decimal,
    #[schema(value_type = String, example = "50.00")]
    pub refunded: Decimal,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LedgerLine {
    pub ledger_account: LedgerAccount,
    #[schema(value_type = String, example = "1300.00")]
    pub debit: Decimal,
    #[schema(value_type = String, example = "1300.00")]
    pub credit: Decimal,
}

/// One disagreement.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct VarianceLine {
    /// `cash_without_payment` (a cash entry naming no payment), `posted_without_money`
    /// (a posted payment with no money in the ledger), `amount_mismatch` (money in ≠ the
    /// payment's amount), `money_on_unposted_payment` (money in on a pending, failed or
    /// rejected payment), `refund_mismatch` (money out ≠ the refunded amount),
    /// `processor_success_not_posted`, `processor_failure_posted`.
    pub check: String,
    pub payment_id: Option<Uuid>,
    pub entry_id: Option<Uuid>,
    pub reference: Option<String>,
    pub method: Option<PaymentMethod>,
    #[schema(value_type = String, example = "125.00")]
    pub expected: Decimal,
    #[schema(value_type = String, example = "0.00")]
    pub actual: Decimal,
    pub detail: String,
}

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
