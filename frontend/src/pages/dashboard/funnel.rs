//! The status funnel: the portfolio's accounts per status, from new to closed (and
//! disputed aside), each a link to those accounts in the worklist. Bars are HTML
//! markup ([`super::markup`]), their length a share of the largest status; the count
//! and balance are written beside.

use super::{links, markup::esc};
use crate::{
    api::analytics::Portfolio,
    chart::{num, share},
    format::{label, money},
};
use debtflow_domain::AccountStatus;
use rust_decimal::Decimal;
use std::fmt::Write;

/// The statuses in the funnel's order with their accounts and balance (a status the
/// portfolio does not list has none).
pub fn stages(portfolio: &Portfolio) -> Vec<(AccountStatus, i64, Decimal)> {
    AccountStatus::ALL
        .iter()
        .map(|s| {
            let figure = portfolio.by_status.iter().find(|f| f.status == *s);
            (*s, figure.map_or(0, |f| f.accounts), figure.map_or(Decimal::ZERO, |f| f.balance))
        })
        .collect()
}

/// The funnel card, as markup.
pub fn funnel_card(portfolio: Option<&Portfolio>, currency: &str, to: chrono::NaiveDate) -> String {
    let mut out = format!(
        r#"<section class="card" aria-labelledby="funnel-h" data-testid="funnel"><h2 id="funnel-h">Accounts by status on {to}</h2>"#
    );
    match portfolio {
        None => {
            let _ = write!(
                out,
                r#"<p class="empty">No portfolio was recorded on {to}: pick a period that ends today.</p>"#
            );
        }
        Some(p) => {
            let stages = stages(p);
            let largest = stages.iter().map(|(_, n, _)| *n).max().unwrap_or(0) as f64;
            out.push_str(r#"<ol class="funnel">"#);
            for (status, accounts, balance) in stages {
                let _ = write!(
                    out,
                    r#"<li{aside} data-testid="funnel-stage" data-status="{s}"><a href="{href}"><span class="name">{name}</span><span class="track" aria-hidden="true"><span class="fill status-{s}" style="width: {width}%"></span></span><span class="count" data-testid="funnel-count">{accounts}</span><span class="sum muted">{sum}</span></a></li>"#,
                    aside = if status == AccountStatus::Disputed { r#" class="aside""# } else { "" },
                    s = status.as_str(),
                    href = esc(&links::status(status)),
                    name = esc(&label(status.as_str())),
                    width = num(share(accounts as f64, largest)),
                    sum = esc(&money(&balance, currency)),
                );
            }
            out.push_str("</ol>");
        }
    }
    out.push_str("</section>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::d;
    use debtflow_wire::reports::StatusFigure;

    #[test]
    fn every_status_in_funnel_order_missing_ones_at_zero() {
        let p = Portfolio {
            active_accounts: 3,
            balance_to_recover: d("300"),
            by_status: vec![
                StatusFigure { status: AccountStatus::Disputed, accounts: 1, balance: d("100") },
                StatusFigure { status: AccountStatus::New, accounts: 2, balance: d("200") },
            ],
            by_bucket: vec![],
        };
        let s = stages(&p);
        assert_eq!(s.len(), 8);
        assert_eq!(s[0], (AccountStatus::New, 2, d("200")));
        assert_eq!(s[1], (AccountStatus::Assigned, 0, d("0")));
        assert_eq!(s[7], (AccountStatus::Disputed, 1, d("100")));
        let html = funnel_card(Some(&p), "USD", "2026-12-01".parse().unwrap());
        assert!(html.contains(r#"<li data-testid="funnel-stage" data-status="new"><a href="/accounts?status=new"><span class="name">New</span><span class="track" aria-hidden="true"><span class="fill status-new" style="width: 100%"></span></span><span class="count" data-testid="funnel-count">2</span>"#), "{html}");
        assert!(html.contains(r#"style="width: 50%""#));
        assert!(html.contains(r#"<li class="aside" data-testid="funnel-stage" data-status="disputed">"#));
        assert!(
            funnel_card(None, "USD", "2026-11-30".parse().unwrap()).contains("No portfolio was recorded on 2026-11-30")
        );
    }
}
