//! The dashboard's charts, drawn as SVG from the geometry of [`crate::chart`]: the
//! payment trend (money collected per day, week or month) and the aging report
//! (accounts and balance per bucket). Each SVG is an image with a title and a
//! description; the figures themselves are in a table beside it (the aging's, always
//! shown, links each bucket to its accounts) or behind "Show as table" (the trend's).

use super::{links, period::{bucket_label, bucket_name}};
use crate::{
    api::analytics::{Aging, Trends},
    chart::{self, compact, num, Frame},
    format::money,
};
use leptos::prelude::*;
use leptos_router::components::A;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use std::str::FromStr;

/// One bar: its axis label (maybe blank), value, and what its tooltip says.
#[derive(Clone, Debug, PartialEq)]
pub struct Bar {
    pub label: String,
    pub value: f64,
    pub tip: String,
    /// Printed above the bar (few bars only).
    pub value_label: Option<String>,
}

/// A decimal string as a pixel-geometry number (0 when unreadable).
pub fn plot_value(s: &str) -> f64 {
    Decimal::from_str(s.trim()).ok().and_then(|d| d.to_f64()).unwrap_or(0.0)
}

/// A vertical bar chart in a `width` × `height` view box that scales to its box's width.
#[component]
pub fn BarChart(
    /// For the title's and description's ids.
    id: &'static str,
    #[prop(into)] title: String,
    #[prop(into)] desc: String,
    bars: Vec<Bar>,
    width: f64,
    height: f64,
    /// The most category labels printed under the axis.
    #[prop(default = 8)]
    max_labels: usize,
    #[prop(optional)] testid: Option<&'static str>,
) -> impl IntoView {
    let frame = Frame { width, height, left: 44.0, right: 8.0, top: 18.0, bottom: 24.0 };
    let values: Vec<f64> = bars.iter().map(|b| b.value).collect();
    let layout = chart::bars(&values, frame, 4, if bars.len() > 12 { 0.75 } else { 0.55 });
    let every = chart::label_every(bars.len(), max_labels);
    let (title_id, desc_id) = (format!("{id}-title"), format!("{id}-desc"));
    let labelled_by = format!("{title_id} {desc_id}");
    let grid = layout
        .ticks
        .iter()
        .map(|(value, y)| {
            view! {
                <line class="grid" x1=num(frame.plot_left()) x2=num(frame.plot_right()) y1=num(*y) y2=num(*y) />
                <text class="tick" x=num(frame.plot_left() - 6.0) y=num(*y + 4.0) text-anchor="end">
                    {compact(*value)}
                </text>
            }
        })
        .collect_view();
    let count = bars.len();
    let marks = bars
        .into_iter()
        .zip(layout.bars.iter().copied())
        .enumerate()
        .map(|(i, (bar, b))| {
            // Every `every`-th label, and the last when the previous shown is far enough.
            let shown = i % every == 0 || (i + 1 == count && i % every >= every.div_ceil(2));
            view! {
                <g class="bar">
                    <rect x=num(b.x) y=num(b.y) width=num(b.width) height=num(b.height)>
                        <title>{bar.tip}</title>
                    </rect>
                    {bar.value_label.map(|l| view! {
                        <text class="value" x=num(b.center) y=num(b.y - 4.0) text-anchor="middle">{l}</text>
                    })}
                    {shown.then(|| view! {
                        <text class="label" x=num(b.center) y=num(frame.plot_bottom() + 16.0) text-anchor="middle">
                            {bar.label}
                        </text>
                    })}
                </g>
            }
        })
        .collect_view();
    view! {
        <svg
            class="chart"
            viewBox=format!("0 0 {} {}", num(width), num(height))
            role="img"
            aria-labelledby=labelled_by
            data-testid=testid
        >
            <title id=title_id>{title}</title>
            <desc id=desc_id>{desc}</desc>
            {grid}
            <line
                class="axis"
                x1=num(frame.plot_left())
                x2=num(frame.plot_right())
                y1=num(layout.baseline)
                y2=num(layout.baseline)
            />
            {marks}
        </svg>
    }
}

/// The payment trend: money collected per interval, with its table behind a toggle.
#[component]
pub fn TrendCard(trends: Trends, currency: String) -> impl IntoView {
    let interval = trends.interval;
    let per = interval.as_str();
    let best = trends
        .buckets
        .iter()
        .max_by(|a, b| plot_value(&a.money.collected).total_cmp(&plot_value(&b.money.collected)));
    let desc = match best {
        Some(b) if plot_value(&b.money.collected) > 0.0 => format!(
            "{} collected from {} to {} in {} payment(s); the most in one {per}: {} ({}).",
            money(&trends.totals.collected, &currency),
            trends.period.from,
            trends.period.to,
            trends.totals.payments,
            money(&b.money.collected, &currency),
            bucket_name(b.start, interval),
        ),
        _ => format!("Nothing collected from {} to {}.", trends.period.from, trends.period.to),
    };
    let bars: Vec<Bar> = trends
        .buckets
        .iter()
        .map(|b| Bar {
            label: bucket_label(b.start, interval),
            value: plot_value(&b.money.collected),
            tip: format!(
                "{}: {} collected, {} payment(s)",
                bucket_name(b.start, interval),
                money(&b.money.collected, &currency),
                b.money.payments
            ),
            value_label: None,
        })
        .collect();
    let table_open = RwSignal::new(false);
    let rows = trends
        .buckets
        .iter()
        .map(|b| {
            view! {
                <tr>
                    <th scope="row">{bucket_name(b.start, interval)}</th>
                    <td class="num">{b.money.payments}</td>
                    <td class="num">{money(&b.money.received, &currency)}</td>
                    <td class="num">{money(&b.money.refunded, &currency)}</td>
                    <td class="num">{money(&b.money.collected, &currency)}</td>
                </tr>
            }
        })
        .collect_view();
    let totals = trends.totals.clone();
    view! {
        <section class="card trend" aria-labelledby="trend-h" data-testid="trend">
            <div class="card-head">
                <h2 id="trend-h">{format!("Money collected per {per}")}</h2>
                <button
                    class="link"
                    aria-expanded=move || table_open.get().to_string()
                    aria-controls="trend-table"
                    data-testid="trend-toggle"
                    on:click=move |_| table_open.update(|o| *o = !*o)
                >
                    {move || if table_open.get() { "Show as chart" } else { "Show as table" }}
                </button>
            </div>
            <div hidden=move || table_open.get()>
                <BarChart
                    id="trend"
                    title=format!("Money collected per {per}, {} to {}", trends.period.from, trends.period.to)
                    desc=desc
                    bars=bars
                    width=480.0
                    height=220.0
                    testid="trend-chart"
                />
            </div>
            <div class="table-wrap" id="trend-table" hidden=move || !table_open.get()>
                <table data-testid="trend-table">
                    <caption class="sr-only">{format!("Payments per {per}")}</caption>
                    <thead>
                        <tr>
                            <th scope="col">{crate::format::label(per)}</th>
                            <th scope="col" class="num">"Payments"</th>
                            <th scope="col" class="num">"Received"</th>
                            <th scope="col" class="num">"Refunded"</th>
                            <th scope="col" class="num">"Collected"</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                    <tfoot>
                        <tr>
                            <th scope="row">"Total"</th>
                            <td class="num">{totals.payments}</td>
                            <td class="num">{money(&totals.received, &currency)}</td>
                            <td class="num">{money(&totals.refunded, &currency)}</td>
                            <td class="num" data-testid="trend-total">{money(&totals.collected, &currency)}</td>
                        </tr>
                    </tfoot>
                </table>
            </div>
        </section>
    }
}

/// The aging report today: two bar charts (accounts, balance) and the table, whose
/// buckets link to their accounts in the worklist.
#[component]
pub fn AgingCard(aging: Aging, currency: String) -> impl IntoView {
    let rows = aging.totals;
    let accounts: Vec<Bar> = rows
        .iter()
        .map(|r| Bar {
            label: r.bucket.as_str().to_string(),
            value: r.accounts as f64,
            tip: format!("{} days: {} account(s)", r.bucket, r.accounts),
            value_label: Some(r.accounts.to_string()),
        })
        .collect();
    let balance: Vec<Bar> = rows
        .iter()
        .map(|r| Bar {
            label: r.bucket.as_str().to_string(),
            value: plot_value(&r.balance),
            tip: format!("{} days: {}", r.bucket, money(&r.balance, &currency)),
            value_label: Some(compact(plot_value(&r.balance))),
        })
        .collect();
    let said = rows
        .iter()
        .map(|r| format!("{} days: {} account(s), {}", r.bucket, r.accounts, money(&r.balance, &currency)))
        .collect::<Vec<_>>()
        .join("; ");
    let table = rows
        .iter()
        .map(|r| {
            view! {
                <tr data-testid="aging-row" data-bucket=r.bucket.as_str()>
                    <th scope="row">
                        <A href=links::bucket(r.bucket)>{format!("{} days", r.bucket)}</A>
                    </th>
                    <td class="num" data-testid="aging-accounts">{r.accounts}</td>
                    <td class="num" data-testid="aging-balance">{money(&r.balance, &currency)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="card aging" aria-labelledby="aging-h" data-testid="aging">
            <h2 id="aging-h">{format!("Aging today ({})", aging.as_of)}</h2>
            <div class="pair">
                <BarChart
                    id="aging-accounts"
                    title="Active accounts per aging bucket"
                    desc=said.clone()
                    bars=accounts
                    width=240.0
                    height=170.0
                    testid="aging-accounts-chart"
                />
                <BarChart
                    id="aging-balance"
                    title="Balance per aging bucket"
                    desc=said
                    bars=balance
                    width=240.0
                    height=170.0
                    testid="aging-balance-chart"
                />
            </div>
            <table class="compact" data-testid="aging-table">
                <caption class="sr-only">"Active accounts and balance per aging bucket"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Days past due"</th>
                        <th scope="col" class="num">"Accounts"</th>
                        <th scope="col" class="num">"Balance"</th>
                    </tr>
                </thead>
                <tbody>{table}</tbody>
            </table>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plot_values_read_decimals() {
        assert_eq!(plot_value("1250.50"), 1250.5);
        assert_eq!(plot_value("-3"), -3.0);
        assert_eq!(plot_value("n/a"), 0.0);
    }
}
