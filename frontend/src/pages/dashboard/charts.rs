//! The dashboard's charts, drawn as SVG markup ([`super::markup`]) from the geometry of
//! [`crate::chart`]: the payment trend (money collected per day, week or month) and the
//! aging report (accounts and balance per bucket). Each SVG is an image with a title
//! and a description; the figures themselves are in a table beside it (the aging's,
//! always shown, links each bucket to its accounts) or behind "Show as table" (the
//! trend's, a `<details>` disclosure).

use super::{
    links,
    markup::esc,
    period::{bucket_label, bucket_name},
};
use crate::{
    api::analytics::{AgingReport, Trends},
    chart::{self, compact, num, Frame},
    format::money,
};
use rust_decimal::{prelude::ToPrimitive, Decimal};
use std::fmt::Write;

/// One bar: its axis label (maybe blank), value, and what its tooltip says.
#[derive(Clone, Debug, PartialEq)]
pub struct Bar {
    pub label: String,
    pub value: f64,
    pub tip: String,
    /// Printed above the bar (few bars only).
    pub value_label: Option<String>,
}

/// An amount as a pixel-geometry number.
pub fn plot_value(d: &Decimal) -> f64 {
    d.to_f64().unwrap_or(0.0)
}

/// What a bar chart shows beside its bars.
pub struct Spec<'a> {
    /// For the title's and description's ids.
    pub id: &'a str,
    pub title: &'a str,
    pub desc: &'a str,
    /// The view box; the chart scales to its box's width.
    pub width: f64,
    pub height: f64,
    /// The most category labels printed under the axis.
    pub max_labels: usize,
}

/// The SVG of a vertical bar chart: an image titled and described for screen readers,
/// a round axis with its grid, one bar per value with its tooltip, and as many category
/// labels as fit. Markup, not a `view!`: a chart is drawn once per answer, and as a
/// string it costs the wasm a fraction of what a typed view tree of SVG would.
pub fn bar_chart(spec: &Spec, bars: &[Bar]) -> String {
    let frame = Frame { width: spec.width, height: spec.height, left: 44.0, right: 8.0, top: 18.0, bottom: 24.0 };
    let values: Vec<f64> = bars.iter().map(|b| b.value).collect();
    let layout = chart::bars(&values, frame, 4, if bars.len() > 12 { 0.75 } else { 0.55 });
    let every = chart::label_every(bars.len(), spec.max_labels);
    let id = esc(spec.id);
    let mut svg = format!(
        r#"<svg class="chart" viewBox="0 0 {w} {h}" role="img" aria-labelledby="{id}-title {id}-desc" data-testid="{id}-chart"><title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>"#,
        w = num(spec.width),
        h = num(spec.height),
        title = esc(spec.title),
        desc = esc(spec.desc),
    );
    let (left, right) = (num(frame.plot_left()), num(frame.plot_right()));
    for (value, y) in &layout.ticks {
        let _ = write!(
            svg,
            r#"<line class="grid" x1="{left}" x2="{right}" y1="{y}" y2="{y}"/><text class="tick" x="{x}" y="{ty}" text-anchor="end">{label}</text>"#,
            y = num(*y),
            x = num(frame.plot_left() - 6.0),
            ty = num(*y + 4.0),
            label = compact(*value),
        );
    }
    let _ = write!(svg, r#"<line class="axis" x1="{left}" x2="{right}" y1="{b}" y2="{b}"/>"#, b = num(layout.baseline));
    for (i, (bar, b)) in bars.iter().zip(&layout.bars).enumerate() {
        let _ = write!(
            svg,
            r#"<g class="bar"><rect x="{}" y="{}" width="{}" height="{}"><title>{}</title></rect>"#,
            num(b.x),
            num(b.y),
            num(b.width),
            num(b.height),
            esc(&bar.tip)
        );
        if let Some(l) = &bar.value_label {
            let _ = write!(
                svg,
                r#"<text class="value" x="{}" y="{}" text-anchor="middle">{}</text>"#,
                num(b.center),
                num(b.y - 4.0),
                esc(l)
            );
        }
        // Every `every`-th label, evenly spaced.
        if i % every == 0 {
            let _ = write!(
                svg,
                r#"<text class="label" x="{}" y="{}" text-anchor="middle">{}</text>"#,
                num(b.center),
                num(frame.plot_bottom() + 16.0),
                esc(&bar.label)
            );
        }
        svg.push_str("</g>");
    }
    svg.push_str("</svg>");
    svg
}

/// The payment trend card: money collected per interval as bars, its table behind a
/// "Show as table" disclosure.
pub fn trend_card(trends: &Trends, currency: &str) -> String {
    let interval = trends.interval;
    let per = interval.as_str();
    let best =
        trends.buckets.iter().max_by(|a, b| plot_value(&a.money.collected).total_cmp(&plot_value(&b.money.collected)));
    let desc = match best {
        Some(b) if plot_value(&b.money.collected) > 0.0 => format!(
            "{} collected from {} to {} in {} payment(s); the most in one {per}: {} ({}).",
            money(&trends.totals.collected, currency),
            trends.period.from(),
            trends.period.to(),
            trends.totals.payments,
            money(&b.money.collected, currency),
            bucket_name(b.start, interval),
        ),
        _ => format!("Nothing collected from {} to {}.", trends.period.from(), trends.period.to()),
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
                money(&b.money.collected, currency),
                b.money.payments
            ),
            value_label: None,
        })
        .collect();
    let title = format!("Money collected per {per}, {} to {}", trends.period.from(), trends.period.to());
    let spec = Spec { id: "trend", title: &title, desc: &desc, width: 640.0, height: 220.0, max_labels: 8 };
    let mut out = format!(
        r#"<section class="card trend" aria-labelledby="trend-h" data-testid="trend"><h2 id="trend-h">Money collected per {per}</h2>{}<details data-testid="trend-details"><summary>Show as table</summary><div class="table-wrap"><table data-testid="trend-table"><thead><tr><th scope="col">{}</th><th scope="col" class="num">Payments</th><th scope="col" class="num">Received</th><th scope="col" class="num">Refunded</th><th scope="col" class="num">Collected</th></tr></thead><tbody>"#,
        bar_chart(&spec, &bars),
        crate::format::label(per),
    );
    let row = |out: &mut String, head: &str, m: &crate::api::analytics::Money, testid: &str| {
        let _ = write!(
            out,
            r#"<tr><th scope="row">{}</th><td class="num">{}</td><td class="num">{}</td><td class="num">{}</td><td class="num"{testid}>{}</td></tr>"#,
            esc(head),
            m.payments,
            money(&m.received, currency),
            money(&m.refunded, currency),
            money(&m.collected, currency),
        );
    };
    for b in &trends.buckets {
        row(&mut out, &bucket_name(b.start, interval), &b.money, "");
    }
    out.push_str("</tbody><tfoot>");
    row(&mut out, "Total", &trends.totals, r#" data-testid="trend-total""#);
    out.push_str("</tfoot></table></div></details></section>");
    out
}

/// The aging today: two bar charts (accounts, balance) and their table, whose buckets
/// link to their accounts in the worklist.
pub fn aging_card(aging: &AgingReport, currency: &str) -> String {
    let rows = &aging.totals;
    let bar = |r: &crate::api::analytics::AgingRow, value: f64, tip: String, label: String| Bar {
        label: r.bucket.as_str().to_string(),
        value,
        tip,
        value_label: Some(label),
    };
    let accounts: Vec<Bar> = rows
        .iter()
        .map(|r| {
            bar(r, r.accounts as f64, format!("{} days: {} account(s)", r.bucket, r.accounts), r.accounts.to_string())
        })
        .collect();
    let balance: Vec<Bar> = rows
        .iter()
        .map(|r| {
            let v = plot_value(&r.balance);
            bar(r, v, format!("{} days: {}", r.bucket, money(&r.balance, currency)), compact(v))
        })
        .collect();
    let said = rows
        .iter()
        .map(|r| format!("{} days: {} account(s), {}", r.bucket, r.accounts, money(&r.balance, currency)))
        .collect::<Vec<_>>()
        .join("; ");
    let spec = |id, title| Spec { id, title, desc: &said, width: 240.0, height: 170.0, max_labels: 4 };
    let mut out = format!(
        r#"<section class="card aging" aria-labelledby="aging-h" data-testid="aging"><h2 id="aging-h">Aging today ({})</h2><div class="pair">{}{}</div><div class="table-wrap"><table class="compact" data-testid="aging-table"><caption class="sr-only">Active accounts and balance per aging bucket</caption><thead><tr><th scope="col">Days past due</th><th scope="col" class="num">Accounts</th><th scope="col" class="num">Balance</th></tr></thead><tbody>"#,
        aging.as_of,
        bar_chart(&spec("aging-accounts", "Active accounts per aging bucket"), &accounts),
        bar_chart(&spec("aging-balance", "Balance per aging bucket"), &balance),
    );
    for r in rows {
        let _ = write!(
            out,
            r#"<tr data-testid="aging-row" data-bucket="{b}"><th scope="row"><a href="{href}">{b} days</a></th><td class="num" data-testid="aging-accounts">{}</td><td class="num" data-testid="aging-balance">{}</td></tr>"#,
            r.accounts,
            money(&r.balance, currency),
            b = esc(r.bucket.as_str()),
            href = esc(&links::bucket(r.bucket)),
        );
    }
    out.push_str("</tbody></table></div></section>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn three() -> Vec<Bar> {
        ["a", "b", "c"]
            .iter()
            .zip([10.0, 40.0, 0.0])
            .map(|(l, v)| Bar { label: l.to_string(), value: v, tip: format!("{l}: {v}"), value_label: None })
            .collect()
    }

    #[test]
    fn a_chart_is_a_described_image_with_a_bar_per_value() {
        let spec =
            Spec { id: "t", title: "Money <in>", desc: "Most on \"b\"", width: 300.0, height: 150.0, max_labels: 8 };
        let svg = bar_chart(&spec, &three());
        assert!(
            svg.starts_with(r#"<svg class="chart" viewBox="0 0 300 150" role="img" aria-labelledby="t-title t-desc""#)
        );
        assert!(svg.contains(r#"<title id="t-title">Money &lt;in&gt;</title>"#), "{svg}");
        assert!(svg.contains(r#"<desc id="t-desc">Most on &quot;b&quot;</desc>"#));
        assert_eq!(svg.matches("<rect ").count(), 3);
        assert!(svg.contains("<title>b: 40</title>"));
        // The axis: 0 to 40 by 10, a grid line and a label per tick.
        assert_eq!(svg.matches(r#"class="grid""#).count(), 5);
        assert!(svg.contains(">40</text>"));
        assert!(svg.ends_with("</g></svg>"));
    }

    #[test]
    fn labels_thin_out_on_long_charts() {
        let bars: Vec<Bar> = (0..30)
            .map(|i| Bar { label: format!("d{i}"), value: 1.0, tip: String::new(), value_label: None })
            .collect();
        let spec = Spec { id: "t", title: "", desc: "", width: 480.0, height: 220.0, max_labels: 8 };
        let svg = bar_chart(&spec, &bars);
        assert_eq!(svg.matches(r#"class="label""#).count(), 8, "every 4th of 30: 0, 4, … 28");
        assert!(svg.contains(">d28</text>") && !svg.contains(">d29</text>"));
    }

    #[test]
    fn the_aging_table_links_each_bucket_to_its_active_accounts() {
        use crate::{api::analytics::AgingRow, fixtures::d};
        use debtflow_domain::Bucket;
        use debtflow_wire::reports::AgingSource;
        let aging = AgingReport {
            as_of: "2026-12-01".parse().unwrap(),
            source: AgingSource::Live,
            collector: None,
            by_collector: false,
            rows: Vec::new(),
            totals: Bucket::ALL
                .iter()
                .map(|b| AgingRow { collector: None, bucket: *b, accounts: 2, balance: d("10.00") })
                .collect(),
        };
        let html = aging_card(&aging, "USD");
        assert_eq!(html.matches(r#"data-testid="aging-row""#).count(), 4);
        assert!(html.contains(r#"<a href="/accounts?status=new%2Cassigned%2Cin_contact%2Cnegotiating%2Cpayment_plan%2Cdisputed&amp;bucket=90%2B">90+ days</a>"#), "{html}");
        assert!(html.contains(r#"<td class="num" data-testid="aging-balance">10.00 USD</td>"#));
        assert_eq!(html.matches("<svg ").count(), 2);
    }

    #[test]
    fn plot_values_read_decimals() {
        use crate::fixtures::d;
        assert_eq!(plot_value(&d("1250.50")), 1250.5);
        assert_eq!(plot_value(&d("-3")), -3.0);
    }
}
