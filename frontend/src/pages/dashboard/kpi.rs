//! The KPI cards: a period's figure beside the previous period's, with the change said
//! by an arrow and a sign (▲ +12.5 %), not by colour alone; the colour only adds
//! whether the change is good news for that figure.

use crate::{
    api::analytics::{Dashboard, Figures, Portfolio},
    format::money,
};
use debtflow_domain::AccountStatus;
use leptos::prelude::*;
use leptos_router::components::A;
use rust_decimal::{Decimal, RoundingStrategy};
use std::str::FromStr;

use super::links;

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

/// A ratio as a percentage: `0.1235` → `12.4%`; `—` when there is none.
pub fn percent(ratio: Option<&str>) -> String {
    ratio
        .and_then(|r| Decimal::from_str(r.trim()).ok())
        .map(|r| format!("{}%", (r * Decimal::ONE_HUNDRED).round_dp_with_strategy(1, RoundingStrategy::MidpointAwayFromZero).normalize()))
        .unwrap_or_else(|| "—".into())
}

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s.trim()).unwrap_or_default()
}

/// Whether a rise is good news (collected), bad news (plans defaulted), or neither.
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
#[component]
fn Card(
    testid: &'static str,
    label: &'static str,
    #[prop(into)] value: String,
    #[prop(optional_no_strip)] change: Option<Change>,
    #[prop(optional)] sense: Option<Sense>,
    #[prop(optional, into)] before: Option<String>,
    #[prop(optional, into)] note: Option<String>,
    #[prop(optional_no_strip)] href: Option<String>,
) -> impl IntoView {
    let change_view = change.map(|c| {
        let class = format!("change {}", tone(&c, sense.unwrap_or(Sense::UpIsGood)));
        let before = before.unwrap_or_default();
        view! {
            <p class=class data-testid="change" data-trend=format!("{:?}", c.trend).to_lowercase()>
                <span aria-hidden="true">{format!("{} {}", c.arrow(), c.text)}</span>
                <span class="sr-only">{format!("{} from {before}", c.spoken())}</span>
                <span class="before" aria-hidden="true">{format!(" vs {before}")}</span>
            </p>
        }
    });
    let value_view = match href {
        Some(href) => view! { <A href=href attr:class="value" attr:data-testid="value">{value}</A> }.into_any(),
        None => view! { <span class="value" data-testid="value">{value}</span> }.into_any(),
    };
    view! {
        <li class="kpi card" data-testid=testid>
            <h3>{label}</h3>
            {value_view}
            {change_view}
            {note.map(|n| view! { <p class="note muted">{n}</p> })}
        </li>
    }
}

/// The period's KPI cards. `approvals`: whether the user decides what waits for
/// approval (the card then links to the approvals).
#[component]
pub fn Kpis(dashboard: Dashboard, currency: String, approvals: bool) -> impl IntoView {
    let (now, before) = (&dashboard.current, &dashboard.previous);
    let m = |s: &str| money(s, &currency);
    let ratio = |f: &Figures| f.recovery_rate.as_deref().and_then(|r| Decimal::from_str(r).ok());
    let stock = |pick: fn(&Portfolio) -> Decimal| -> Option<Change> {
        Some(change(pick(now.portfolio.as_ref()?), pick(before.portfolio.as_ref()?)))
    };
    let dash = || "—".to_string();
    // The portfolio at the period's end, as recorded (or not) then.
    let (active_now, active_before) = (
        now.portfolio.as_ref().map(|p| p.active_accounts.to_string()).unwrap_or_else(dash),
        before.portfolio.as_ref().map(|p| p.active_accounts.to_string()).unwrap_or_else(dash),
    );
    let (balance_now, balance_before) = (
        now.portfolio.as_ref().map(|p| m(&p.balance_to_recover)).unwrap_or_else(dash),
        before.portfolio.as_ref().map(|p| m(&p.balance_to_recover)).unwrap_or_else(dash),
    );
    let unrecorded = (now.portfolio.is_none() || before.portfolio.is_none())
        .then(|| "No portfolio was recorded on one of the two periods' last days.".to_string());
    let awaiting = dashboard.payments_awaiting_approval + dashboard.plans_awaiting_approval;

    view! {
        <ul class="kpis" aria-label="Key figures">
            <Card
                testid="kpi-collected"
                label="Collected"
                value=m(&now.collected)
                change=Some(change(dec(&now.collected), dec(&before.collected)))
                before=m(&before.collected)
                note=format!("Received {} · refunded {}", m(&now.received), m(&now.refunded))
            />
            <Card
                testid="kpi-payments"
                label="Payments received"
                value=now.payments.to_string()
                change=Some(change(Decimal::from(now.payments), Decimal::from(before.payments)))
                before=before.payments.to_string()
            />
            <Card
                testid="kpi-recovery"
                label="Recovery rate"
                value=percent(now.recovery_rate.as_deref())
                change=point_change(ratio(now), ratio(before))
                before=percent(before.recovery_rate.as_deref())
                note="Collected ÷ (collected + balance to recover)"
            />
            <Card
                testid="kpi-active"
                label="Active accounts"
                value=active_now
                change=stock(|p| Decimal::from(p.active_accounts))
                sense=Sense::DownIsGood
                before=active_before
                href=Some(links::open_accounts())
                note=unrecorded.clone().unwrap_or_else(|| "At the period's end".into())
            />
            <Card
                testid="kpi-balance"
                label="Balance to recover"
                value=balance_now
                change=stock(|p| dec(&p.balance_to_recover))
                sense=Sense::DownIsGood
                before=balance_before
                href=Some(links::open_accounts())
                note=unrecorded.unwrap_or_else(|| "At the period's end".into())
            />
            <Card
                testid="kpi-defaulted"
                label="Plans defaulted"
                value=now.plans_defaulted.to_string()
                change=Some(change(Decimal::from(now.plans_defaulted), Decimal::from(before.plans_defaulted)))
                sense=Sense::DownIsGood
                before=before.plans_defaulted.to_string()
            />
            <Card
                testid="kpi-plans"
                label="Active plans today"
                value=format!("{} on track", dashboard.plans_on_track)
                note=format!("{} late (an installment missed)", dashboard.plans_late)
                href=Some(links::status(AccountStatus::PaymentPlan))
            />
            <Card
                testid="kpi-awaiting"
                label="Awaiting approval now"
                value=awaiting.to_string()
                note=format!(
                    "{} plan(s), {} backdated payment(s)",
                    dashboard.plans_awaiting_approval,
                    dashboard.payments_awaiting_approval,
                )
                href=approvals.then(|| "/approvals".to_string())
            />
        </ul>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

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

    #[test]
    fn percentages() {
        assert_eq!(percent(Some("0.1235")), "12.4%");
        assert_eq!(percent(Some("0.5000")), "50%");
        assert_eq!(percent(Some("0")), "0%");
        assert_eq!(percent(None), "—");
        assert_eq!(percent(Some("x")), "—");
    }
}
