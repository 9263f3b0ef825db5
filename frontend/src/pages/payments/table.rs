//! The table of payments, as markup ([`crate::markup`]): when paid, whose account,
//! how much, how, where it stands, and who recorded it. At phone width each row is a
//! card (`table.cards`).

use crate::{api::Payment, format, markup::esc};

/// The payments as table markup.
pub fn payments_html(payments: &[Payment]) -> String {
    let mut html = String::from(concat!(
        r#"<table class="payments cards" data-testid="payments"><thead><tr>"#,
        r#"<th scope="col">Paid on</th><th scope="col">Debtor</th><th scope="col">Account</th>"#,
        r#"<th scope="col" class="num">Amount</th><th scope="col">Method</th><th scope="col">Status</th>"#,
        r#"<th scope="col">Reference</th><th scope="col">Recorded by</th></tr></thead><tbody>"#
    ));
    for p in payments {
        html.push_str(&row_html(p));
    }
    html.push_str("</tbody></table>");
    html
}

fn row_html(p: &Payment) -> String {
    let refunded = Some(p.refunded_amount)
        .filter(|r| !r.is_zero())
        .map(|r| format!(r#"<small class="muted">{} refunded</small>"#, esc(&format::money(&r, &p.currency))))
        .unwrap_or_default();
    let status = p.status.as_str();
    format!(
        concat!(
            r#"<tr data-testid="payment"><td data-label="Paid on">{paid_on}</td>"#,
            r#"<td data-label="Debtor"><a href="/accounts/{account}?tab=payments">{debtor}</a></td>"#,
            r#"<td data-label="Account">{account_ref}</td>"#,
            r#"<td data-label="Amount" class="num">{amount}{refunded}</td>"#,
            r#"<td data-label="Method">{method}</td>"#,
            r#"<td data-label="Status"><span class="badge payment-{status}">{status_label}</span></td>"#,
            r#"<td data-label="Reference">{reference}</td><td data-label="Recorded by">{recorded_by}</td></tr>"#
        ),
        paid_on = p.paid_on,
        account = p.account_id,
        debtor = esc(&p.debtor_name),
        account_ref = esc(&p.account_ref),
        amount = esc(&format::money(&p.amount, &p.currency)),
        method = esc(&format::label(p.method.as_str())),
        status_label = esc(&format::label(status)),
        reference = esc(p.reference.as_deref().unwrap_or("—")),
        recorded_by = esc(p.recorded_by_name.as_deref().unwrap_or("The system")),
        refunded = refunded,
        status = status,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::{at, d, day, id};
    use debtflow_domain::payment::{PaymentMethod, PaymentStatus};

    #[test]
    fn a_row_links_its_account_and_escapes_what_it_shows() {
        let p = Payment {
            id: id(1),
            account_id: id(0xa1),
            account_ref: "ACC-1".into(),
            debtor_name: "O'Brien <Pat>".into(),
            amount: d("125.50"),
            currency: "USD".into(),
            method: PaymentMethod::BankTransfer,
            status: PaymentStatus::Completed,
            paid_on: day("2026-11-30"),
            reference: None,
            refunded_amount: d("25.00"),
            metadata: serde_json::Value::Null,
            recorded_by: None,
            recorded_by_name: None,
            decided_by: None,
            decided_at: None,
            created_at: at("2026-11-30T10:00:00Z"),
        };
        let html = payments_html(&[p]);
        assert!(
            html.contains(
                r#"<a href="/accounts/00000000-0000-0000-0000-0000000000a1?tab=payments">O&#39;Brien &lt;Pat&gt;</a>"#
            ),
            "{html}"
        );
        assert!(html.contains("Bank transfer") && html.contains("The system") && html.contains("refunded"));
        assert_eq!(html.matches(r#"data-testid="payment""#).count(), 1);
    }
}
