//! The status funnel: the portfolio's accounts per status, from new to closed (and
//! disputed aside), each a link to those accounts in the worklist. Bars are HTML, their
//! length a share of the largest status; the count and balance are written beside.

use super::links;
use crate::{api::analytics::Portfolio, chart::share, format::{label, money}};
use debtflow_domain::AccountStatus;
use leptos::prelude::*;
use leptos_router::components::A;

/// The statuses in the funnel's order with their accounts and balance (a status the
/// portfolio does not list has none).
pub fn stages(portfolio: &Portfolio) -> Vec<(AccountStatus, i64, String)> {
    AccountStatus::ALL
        .iter()
        .map(|s| {
            let figure = portfolio.by_status.iter().find(|f| f.status == *s);
            (*s, figure.map_or(0, |f| f.accounts), figure.map_or_else(|| "0".into(), |f| f.balance.clone()))
        })
        .collect()
}

#[component]
pub fn Funnel(portfolio: Option<Portfolio>, currency: String, to: chrono::NaiveDate) -> impl IntoView {
    let body = match portfolio {
        None => view! {
            <p class="empty">{format!("No portfolio was recorded on {to}: pick a period that ends today.")}</p>
        }
        .into_any(),
        Some(p) => {
            let stages = stages(&p);
            let largest = stages.iter().map(|(_, n, _)| *n).max().unwrap_or(0) as f64;
            let items = stages
                .into_iter()
                .map(|(status, accounts, balance)| {
                    let width = format!("width: {}%", share(accounts as f64, largest));
                    let aside = status == AccountStatus::Disputed;
                    let sum = money(&balance, &currency);
                    view! {
                        <li class:aside=aside data-testid="funnel-stage" data-status=status.as_str()>
                            <A href=links::status(status)>
                                <span class="name">{label(status.as_str())}</span>
                                <span class="track" aria-hidden="true">
                                    <span class=format!("fill status-{status}") style=width></span>
                                </span>
                                <span class="count" data-testid="funnel-count">{accounts}</span>
                                <span class="sum muted">{sum}</span>
                            </A>
                        </li>
                    }
                })
                .collect_view();
            view! { <ol class="funnel">{items}</ol> }.into_any()
        }
    };
    view! {
        <section class="card" aria-labelledby="funnel-h" data-testid="funnel">
            <h2 id="funnel-h">{format!("Accounts by status on {to}")}</h2>
            {body}
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::analytics::StatusFigure;

    #[test]
    fn every_status_in_funnel_order_missing_ones_at_zero() {
        let p = Portfolio {
            active_accounts: 3,
            balance_to_recover: "300".into(),
            by_status: vec![
                StatusFigure { status: AccountStatus::Disputed, accounts: 1, balance: "100".into() },
                StatusFigure { status: AccountStatus::New, accounts: 2, balance: "200".into() },
            ],
            by_bucket: vec![],
        };
        let s = stages(&p);
        assert_eq!(s.len(), 8);
        assert_eq!(s[0], (AccountStatus::New, 2, "200".into()));
        assert_eq!(s[1], (AccountStatus::Assigned, 0, "0".into()));
        assert_eq!(s[7], (AccountStatus::Disputed, 1, "100".into()));
    }
}
