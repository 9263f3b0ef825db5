//! The KPI cards: a period's figure beside the previous period's, with the change said
//! by an arrow and a sign (▲ +12.5 %), not by colour alone; the colour only adds
//! whether the change is good news for that figure. Written as markup ([`super::markup`]).

use super::{links, markup::esc};
use crate::{
    api::analytics::{Dashboard, Figures, Portfolio},
    format::{money, percent},
};
use debtflow_domain::AccountStatus;
use rust_decimal::{Decimal, RoundingStrategy};
use std::fmt::Write;

/// Which way a figure moved.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Trend {
    Up,
    Down,
    Flat,
}

/// A figure's change against the previous period, as shown: `▲ +12.5%`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    pub trend: Trend,
    /// `+12.5%`, `-3%`, `0%`, `new` (nothing before), `+1.2 pts` (a ratio).
    pub text: String,
}

impl Change {
    pub fn arrow(&self) -> &'static str {
        match self.trend {
            Trend::Up => "▲",
            Trend::Down => "▼",
            Trend::Flat => "=",
        }
    }

    /// In words, for screen readers: "up 12.5%".
    pub fn spoken(&self) -> String {
        match self.trend {
            Trend::Up => format!("up {}", self.text.trim_start_matches('+')),
            Trend::Down => format!("down {}", self.text.trim_start_matches('-')),
            Trend::Flat => "unchanged".into(),
        }
    }
}

fn trend_of(delta: Decimal) -> Trend {
    if delta.is_sign_positive() && !delta.is_zero() {
        Trend::Up
    } else if delta.is_sign_negative() && !delta.is_zero() {
        Trend::Down
    } else {
        Trend::Flat
    }
}

/// `+12.5` (one place, half away from zero, no trailing zero) from a signed decimal; a
/// change too small for one place says so (`+<0.1`) rather than `0`.
fn signed(d: Decimal) -> String {
    let r = d.round_dp_with_strategy(1, RoundingStrategy::MidpointAwayFromZero).normalize();
    match (r.is_zero(), d.is_zero()) {
        (_, true) => "0".into(),
        (true, false) if d.is_sign_positive() => "+<0.1".into(),
        (true, false) => "-<0.1".into(),
        (false, _) if r.is_sign_positive() => format!("+{r}"),
        (false, _) => r.to_string(),
    }
}

/// The relative change from `previous` to `current`, in percent of `previous`.
pub fn change(current: Decimal, previous: Decimal) -> Change {
    let delta = current - previous;
    let trend = trend_of(delta);
    let text = if previous.is_zero() {
        if delta.is_zero() {
            "0%".into()
        } else {
            "new".into()
        }
    } else {
        format!("{}%", signed(delta / previous.abs() * Decimal::ONE_HUNDRED))
    };
    Change { trend, text }
}

/// The change of a ratio (`0.1235` is 12.35 %), in percentage points; none when either
/// side has no ratio.
pub fn point_change(current: Option<Decimal>, previous: Option<Decimal>) -> Option<Change> {
    let (c, p) = (current?, previous?);
    let delta = (c - p) * Decimal::ONE_HUNDRED;
    Some(Change { trend: trend_of(delta), text: format!("{} pts", signed(delta)) })
}

/// Whether a rise is good news (collected) or bad news (plans defaulted).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Sense {
    UpIsGood,
    DownIsGood,
}

fn tone(change: &Change, sense: Sense) -> &'static str {
    match (change.trend, sense) {
        (Trend::Flat, _) => "flat",
        (Trend::Up, Sense::UpIsGood) | (Trend::Down, Sense::DownIsGood) => "good",
        _ => "bad",
    }
}

/// One card: a label, the value (a link to the accounts behind it, when the worklist
/// can show them), and the change against the previous value.
struct Card<'a> {
    testid: &'a str,
    label: &'a str,
    value: String,
    change: Option<(Change, Sense, String)>,
    note: Option<String>,
    href: Option<String>,
}

impl Card<'_> {
    fn write(&self, out: &mut String) {
        let _ = write!(out, r#"<li class="kpi card" data-testid="{}"><h3>{}</h3>"#, self.testid, esc(self.label));
        match &self.href {
            Some(href) => {
                let _ = write!(
                    out,
                    r#"<a class="value" data-testid="value" href="{}">{}</a>"#,
                    esc(href),
                    esc(&self.value)
                );
            }
            None => {
                let _ = write!(out, r#"<span class="value" data-testid="value">{}</span>"#, esc(&self.value));
            }
        }
        if let Some((c, sense, before)) = &self.change {
            let trend = match c.trend {
                Trend::Up => "up",
                Trend::Down => "down",
                Trend::Flat => "flat",
            };
            let _ = write!(
                out,
                r#"<p class="change {tone}" data-testid="change" data-trend="{trend}"><span aria-hidden="true">{arrow} {text}</span><span class="sr-only">{spoken} from {before}</span><span class="before" aria-hidden="true"> vs {before}</span></p>"#,
                tone = tone(c, *sense),
                arrow = c.arrow(),
                text = esc(&c.text),
                spoken = esc(&c.spoken()),
                before = esc(before),
            );
        }
        if let Some(note) = &self.note {
            let _ = write!(out, r#"<p class="note muted">{}</p>"#, esc(note));
        }
        out.push_str("</li>");
    }
}

/// The period's KPI cards, as markup. `approvals`: whether the user decides what waits
/// for approval (the card then links to the approvals).
pub fn cards(dashboard: &Dashboard, currency: &str, approvals: bool) -> String {
    let (now, before) = (&dashboard.current, &dashboard.previous);
    let m = |d: &Decimal| money(d, currency);
    let ratio = |f: &Figures| f.recovery_rate;
    let both = |pick: fn(&Portfolio) -> Decimal| -> Option<Change> {
        Some(change(pick(now.portfolio.as_ref()?), pick(before.portfolio.as_ref()?)))
    };
    let stock =
        |f: &Figures, show: &dyn Fn(&Portfolio) -> String| f.portfolio.as_ref().map(show).unwrap_or_else(|| "—".into());
    let count = |p: &Portfolio| p.active_accounts.to_string();
    let owed = |p: &Portfolio| m(&p.balance_to_recover);
    let stock_note = if now.portfolio.is_none() || before.portfolio.is_none() {
        "No portfolio was recorded at the end of one of the two periods"
    } else {
        "At the period's end"
    };
    let awaiting = dashboard.payments_awaiting_approval + dashboard.plans_awaiting_approval;
    let counted = |n: i64, p: i64| change(Decimal::from(n), Decimal::from(p));
    let cards = [
        Card {
            testid: "kpi-collected",
            label: "Collected",
            value: m(&now.collected),
            change: Some((change(now.collected, before.collected), Sense::UpIsGood, m(&before.collected))),
            note: Some(format!("Received {} · refunded {}", m(&now.received), m(&now.refunded))),
            href: None,
        },
        Card {
            testid: "kpi-payments",
            label: "Payments received",
            value: now.payments.to_string(),
            change: Some((counted(now.payments, before.payments), Sense::UpIsGood, before.payments.to_string())),
            note: None,
            href: None,
        },
        Card {
            testid: "kpi-recovery",
            label: "Recovery rate",
            value: percent(now.recovery_rate),
            change: point_change(ratio(now), ratio(before))
                .map(|c| (c, Sense::UpIsGood, percent(before.recovery_rate))),
            note: Some("Collected ÷ (collected + balance to recover)".into()),
            href: None,
        },
        Card {
            testid: "kpi-active",
            label: "Active accounts",
            value: stock(now, &count),
            change: both(|p| Decimal::from(p.active_accounts)).map(|c| (c, Sense::DownIsGood, stock(before, &count))),
            note: Some(stock_note.into()),
            href: Some(links::open_accounts()),
        },
        Card {
            testid: "kpi-balance",
            label: "Balance to recover",
            value: stock(now, &owed),
            change: both(|p| p.balance_to_recover).map(|c| (c, Sense::DownIsGood, stock(before, &owed))),
            note: Some(stock_note.into()),
            href: Some(links::open_accounts()),
        },
        Card {
            testid: "kpi-defaulted",
            label: "Plans defaulted",
            value: now.plans_defaulted.to_string(),
            change: Some((
                counted(now.plans_defaulted, before.plans_defaulted),
                Sense::DownIsGood,
                before.plans_defaulted.to_string(),
            )),
            note: None,
            href: None,
        },
        Card {
            testid: "kpi-plans",
            label: "Active plans today",
            value: format!("{} on track", dashboard.plans_on_track),
            change: None,
            note: Some(format!("{} late (an installment missed)", dashboard.plans_late)),
            href: Some(links::status(AccountStatus::PaymentPlan)),
        },
        Card {
            testid: "kpi-written-off",
            label: "Written off",
            value: m(&now.written_off),
            change: Some((change(now.written_off, before.written_off), Sense::DownIsGood, m(&before.written_off))),
            note: Some(match now.write_offs {
                1 => "1 write-off approved by the board".into(),
                n => format!("{n} write-offs approved by the board"),
            }),
            href: None,
        },
        Card {
            testid: "kpi-legal",
            label: "In legal now",
            value: dashboard.accounts_in_legal.to_string(),
            change: None,
            note: Some("Accounts with a legal case filed and not closed".into()),
            href: None,
        },
        Card {
            testid: "kpi-awaiting",
            label: "Awaiting approval now",
            value: awaiting.to_string(),
            change: None,
            note: Some(format!(
                "{} plan(s), {} backdated payment(s)",
                dashboard.plans_awaiting_approval, dashboard.payments_awaiting_approval
            )),
            href: approvals.then(|| "/approvals".to_string()),
        },
    ];
    let mut out = String::from(r#"<ul class="kpis" aria-label="Key figures">"#);
    for card in &cards {
        card.write(&mut out);
    }
    out.push_str("</ul>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::{d, day};

    #[test]
    fn changes_say_direction_and_sign() {
        assert_eq!(change(d("1250"), d("1000")), Change { trend: Trend::Up, text: "+25%".into() });
        assert_eq!(change(d("900"), d("1000")), Change { trend: Trend::Down, text: "-10%".into() });
        assert_eq!(change(d("1000"), d("1000")), Change { trend: Trend::Flat, text: "0%".into() });
        assert_eq!(change(d("1"), d("3")), Change { trend: Trend::Down, text: "-66.7%".into() });
        assert_eq!(change(d("1000.50"), d("1000")).text, "+0.1%");
        assert_eq!(change(d("1000.01"), d("1000")), Change { trend: Trend::Up, text: "+<0.1%".into() });
        assert_eq!(change(d("999.99"), d("1000")).text, "-<0.1%");
    }

    #[test]
    fn nothing_before_is_new_not_infinite() {
        assert_eq!(change(d("10"), d("0")), Change { trend: Trend::Up, text: "new".into() });
        assert_eq!(change(d("0"), d("0")), Change { trend: Trend::Flat, text: "0%".into() });
    }

    #[test]
    fn a_negative_previous_still_says_the_right_direction() {
        // Refunds exceeded receipts before: −100 → 50 is a rise.
        let c = change(d("50"), d("-100"));
        assert_eq!((c.trend, c.text.as_str()), (Trend::Up, "+150%"));
    }

    #[test]
    fn ratios_change_in_points() {
        let c = point_change(Some(d("0.1235")), Some(d("0.1000"))).unwrap();
        assert_eq!((c.trend, c.text.as_str()), (Trend::Up, "+2.4 pts"));
        assert_eq!(point_change(Some(d("0.1")), None), None);
        assert_eq!(point_change(Some(d("0.1")), Some(d("0.1"))).unwrap().text, "0 pts");
    }

    #[test]
    fn changes_are_spoken_and_toned() {
        let up = change(d("2"), d("1"));
        assert_eq!((up.arrow(), up.spoken().as_str()), ("▲", "up 100%"));
        let down = change(d("1"), d("2"));
        assert_eq!((down.arrow(), down.spoken().as_str()), ("▼", "down 50%"));
        assert_eq!(tone(&up, Sense::UpIsGood), "good");
        assert_eq!(tone(&up, Sense::DownIsGood), "bad");
        assert_eq!(tone(&down, Sense::DownIsGood), "good");
        assert_eq!(tone(&change(d("1"), d("1")), Sense::UpIsGood), "flat");
    }

    fn figures(collected: &str, portfolio: Option<i64>) -> Figures {
        Figures {
            collected: d(collected),
            received: d(collected),
            refunded: Decimal::ZERO,
            payments: 2,
            plans_defaulted: 0,
            write_offs: 0,
            written_off: Decimal::ZERO,
            portfolio: portfolio.map(|n| Portfolio {
                active_accounts: n,
                balance_to_recover: d("100"),
                by_status: vec![],
                by_bucket: vec![],
            }),
            recovery_rate: None,
        }
    }

    fn dashboard(previous_portfolio: Option<i64>) -> Dashboard {
        let span = debtflow_domain::analytics::Period::new(day("2026-11-01"), day("2026-11-30"), 31).unwrap();
        Dashboard {
            period: span,
            previous_period: span,
            collector: None,
            current: figures("1250.00", Some(10)),
            previous: figures("1000.00", previous_portfolio),
            plans_on_track: 3,
            plans_late: 1,
            payments_awaiting_approval: 1,
            plans_awaiting_approval: 2,
            accounts_in_legal: 0,
        }
    }

    #[test]
    fn cards_say_value_change_and_previous_value() {
        let html = cards(&dashboard(Some(12)), "USD", true);
        assert_eq!(html.matches(r#"<li class="kpi card""#).count(), 10);
        assert!(html.contains(r#"data-testid="kpi-collected"><h3>Collected</h3><span class="value" data-testid="value">1,250.00 USD</span><p class="change good" data-testid="change" data-trend="up"><span aria-hidden="true">▲ +25%</span><span class="sr-only">up 25% from 1,000.00 USD</span>"#), "{html}");
        // Fewer active accounts is good news, said with ▼ and a sign.
        assert!(html.contains(
            r#"<p class="change good" data-testid="change" data-trend="down"><span aria-hidden="true">▼ -16.7%</span>"#
        ));
        assert!(html.contains(r#"href="/approvals">3</a>"#));
    }

    #[test]
    fn write_offs_and_legal_cases_are_counted() {
        let mut d = dashboard(Some(12));
        d.current.write_offs = 2;
        d.current.written_off = crate::fixtures::d("3000.00");
        d.previous.written_off = crate::fixtures::d("1000.00");
        d.accounts_in_legal = 4;
        let html = cards(&d, "USD", true);
        let card = |id: &str| {
            html.split(&format!(r#"data-testid="{id}""#)).nth(1).unwrap().split("</li>").next().unwrap().to_string()
        };
        let written = card("kpi-written-off");
        assert!(written.contains(r#"data-testid="value">3,000.00 USD</span>"#), "{written}");
        // More written off is bad news, said with ▲ and a sign.
        assert!(
            written.contains(
                r#"<p class="change bad" data-testid="change" data-trend="up"><span aria-hidden="true">▲ +200%</span>"#
            ),
            "{written}"
        );
        assert!(written.contains("2 write-offs approved by the board"));
        let legal = card("kpi-legal");
        assert!(legal.contains(r#"data-testid="value">4</span>"#), "{legal}");
        assert!(!legal.contains("data-testid=\"change\""), "a stock of now: no change");
    }

    #[test]
    fn no_previous_portfolio_no_change_said() {
        let html = cards(&dashboard(None), "USD", false);
        let active = html.split(r#"data-testid="kpi-active""#).nth(1).unwrap().split("</li>").next().unwrap();
        assert!(!active.contains("data-testid=\"change\""), "{active}");
        assert!(active.contains("No portfolio was recorded"));
        assert!(!html.contains("/approvals"), "no link for who does not decide");
    }
}
