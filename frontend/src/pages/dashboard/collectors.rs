//! Collector performance: one row per collector for the period, sortable by every
//! column (sorted here: the report is one page of the agency's collectors), each name a
//! link to that collector's accounts. Scrolls inside its box on a phone. The rows are
//! markup ([`super::markup`]), redrawn on each sort.

use super::{links, markup::esc};
use crate::format::percent;
use crate::{
    api::analytics::{CollectorFigures, CollectorTotals, CollectorsReport},
    format::money,
};
use leptos::prelude::*;
use rust_decimal::Decimal;
use std::{cmp::Ordering, fmt::Write};

/// A column of the table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Column {
    Name,
    Assigned,
    OnPlan,
    Worked,
    Collected,
    Commission,
    RecoveryRate,
    Conversion,
    DaysToFirstPayment,
}

impl Column {
    pub const ALL: [Column; 9] = [
        Column::Name,
        Column::Assigned,
        Column::OnPlan,
        Column::Worked,
        Column::Collected,
        Column::Commission,
        Column::RecoveryRate,
        Column::Conversion,
        Column::DaysToFirstPayment,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Column::Name => "name",
            Column::Assigned => "assigned",
            Column::OnPlan => "on_plan",
            Column::Worked => "worked",
            Column::Collected => "collected",
            Column::Commission => "commission",
            Column::RecoveryRate => "recovery_rate",
            Column::Conversion => "conversion",
            Column::DaysToFirstPayment => "days_to_first_payment",
        }
    }

    pub fn heading(self) -> &'static str {
        match self {
            Column::Name => "Collector",
            Column::Assigned => "Assigned",
            Column::OnPlan => "On a plan",
            Column::Worked => "Worked",
            Column::Collected => "Collected",
            Column::Commission => "Commission",
            Column::RecoveryRate => "Recovery rate",
            Column::Conversion => "Conversion",
            Column::DaysToFirstPayment => "Days to 1st payment",
        }
    }

    /// The first click sorts names A–Z and figures largest first.
    pub fn first_ascending(self) -> bool {
        self == Column::Name
    }

    /// The row's figure in this column, as a number to sort by (`None`: not known).
    fn number(self, row: &CollectorFigures) -> Option<Decimal> {
        let f = &row.figures;
        match self {
            Column::Name => None,
            Column::Assigned => f.assigned.map(Decimal::from),
            Column::OnPlan => f.on_plan.map(Decimal::from),
            Column::Worked => Some(Decimal::from(f.worked)),
            Column::Collected => Some(f.collected),
            Column::Commission => Some(f.commission),
            Column::RecoveryRate => f.recovery_rate,
            Column::Conversion => f.conversion,
            Column::DaysToFirstPayment => f.average_days_to_first_payment,
        }
    }
}

/// The sort in effect: a column and its direction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sort {
    pub column: Column,
    pub ascending: bool,
}

impl Default for Sort {
    fn default() -> Self {
        Sort { column: Column::Collected, ascending: false }
    }
}

impl Sort {
    /// Clicking `column`: the same column flips, another starts in its first direction.
    pub fn by(self, column: Column) -> Sort {
        if self.column == column {
            Sort { column, ascending: !self.ascending }
        } else {
            Sort { column, ascending: column.first_ascending() }
        }
    }
}

/// The rows in `sort` order; unknown figures last either way, ties by name.
pub fn sorted(mut rows: Vec<CollectorFigures>, sort: Sort) -> Vec<CollectorFigures> {
    // Case-blind, ASCII only (Unicode case tables would weigh on the wasm).
    let by_name = |a: &CollectorFigures, b: &CollectorFigures| {
        let key = |r: &CollectorFigures| r.collector.name.bytes().map(|c| c.to_ascii_lowercase()).collect::<Vec<u8>>();
        key(a).cmp(&key(b))
    };
    rows.sort_by(|a, b| {
        let primary = match sort.column {
            Column::Name => {
                let o = by_name(a, b);
                if sort.ascending {
                    o
                } else {
                    o.reverse()
                }
            }
            column => match (column.number(a), column.number(b)) {
                (Some(x), Some(y)) => {
                    let o = x.cmp(&y);
                    if sort.ascending {
                        o
                    } else {
                        o.reverse()
                    }
                }
                (Some(_), None) => Ordering::Less,
                (None, Some(_)) => Ordering::Greater,
                (None, None) => Ordering::Equal,
            },
        };
        primary.then_with(|| by_name(a, b))
    });
    rows
}

fn days(d: &Option<Decimal>) -> String {
    d.map(|d| d.to_string()).unwrap_or_else(|| "—".into())
}

fn count(n: Option<i64>) -> String {
    n.map(|n| n.to_string()).unwrap_or_else(|| "—".into())
}

/// A row's cells after its heading cell, as markup.
fn cells(out: &mut String, f: &CollectorTotals, currency: &str) {
    let _ = write!(
        out,
        r#"<td class="num">{}</td><td class="num">{}</td><td class="num">{}</td><td class="num" data-testid="collector-collected">{}</td><td class="num">{}</td><td class="num">{}</td><td class="num">{}</td><td class="num">{}</td>"#,
        count(f.assigned),
        count(f.on_plan),
        f.worked,
        esc(&money(&f.collected, currency)),
        esc(&money(&f.commission, currency)),
        percent(f.recovery_rate),
        percent(f.conversion),
        esc(&days(&f.average_days_to_first_payment)),
    );
}

/// The table's rows in `sort` order, as markup; each name links to the collector's
/// accounts.
pub fn rows_html(rows: &[CollectorFigures], sort: Sort, currency: &str) -> String {
    let mut out = String::new();
    for r in sorted(rows.to_vec(), sort) {
        let _ = write!(
            out,
            r#"<tr data-testid="collector-row" data-collector="{id}"><th scope="row"><a href="{href}">{name}</a>{inactive}</th>"#,
            id = r.collector.id,
            href = esc(&links::collector(r.collector.id)),
            name = esc(&r.collector.name),
            inactive = if r.is_active { "" } else { r#"<small class="muted"> (inactive)</small>"# },
        );
        cells(&mut out, &r.figures, currency);
        out.push_str("</tr>");
    }
    out
}

/// The collectors' table: the headings are buttons that sort; the rows are markup
/// redrawn on each sort.
#[component]
pub fn CollectorsTable(report: CollectorsReport, currency: String) -> impl IntoView {
    let sort = RwSignal::new(Sort::default());
    let mut totals = String::from(r#"<tr><th scope="row">All collectors</th>"#);
    cells(&mut totals, &report.totals, &currency);
    totals.push_str("</tr>");
    let rows = report.collectors;
    let header = move |column: Column| {
        let aria = move || match sort.get() {
            Sort { column: c, ascending: true } if c == column => "ascending",
            Sort { column: c, .. } if c == column => "descending",
            _ => "none",
        };
        view! {
            <th scope="col" class=if column == Column::Name { "" } else { "num" } aria-sort=aria>
                <button class="sort" data-sort=column.key() on:click=move |_| sort.update(|s| *s = s.by(column))>
                    {column.heading()}
                    {move || match aria() {
                        "ascending" => " ▲",
                        "descending" => " ▼",
                        _ => "",
                    }}
                </button>
            </th>
        }
    };
    view! {
        <section class="card" aria-labelledby="collectors-h" data-testid="collectors">
            <h2 id="collectors-h">"Collector performance"</h2>
            <div class="table-wrap">
                <table class="collectors" data-testid="collectors-table">
                    <thead>
                        <tr>{Column::ALL.map(header)}</tr>
                    </thead>
                    <tbody inner_html=move || rows_html(&rows, sort.get(), &currency)></tbody>
                    <tfoot inner_html=totals></tfoot>
                </table>
            </div>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{
        api::analytics::CollectorTotals,
        fixtures::{d, id},
    };
    use debtflow_wire::reports::CollectorRef;

    fn row(name: &str, collected: &str, recovery: Option<&str>) -> CollectorFigures {
        CollectorFigures {
            collector: CollectorRef { id: id(name.len() as u128), name: name.into() },
            is_active: true,
            figures: CollectorTotals {
                collected: d(collected),
                commission: Decimal::ZERO,
                recovery_rate: recovery.map(d),
                ..Default::default()
            },
        }
    }

    fn names(rows: &[CollectorFigures]) -> Vec<&str> {
        rows.iter().map(|r| r.collector.name.as_str()).collect()
    }

    #[test]
    fn sorts_figures_as_numbers_not_text() {
        let rows = vec![row("Ann", "900.00", None), row("Bob", "12000.00", None), row("Cy", "80.50", None)];
        let desc = sorted(rows.clone(), Sort::default());
        assert_eq!(names(&desc), ["Bob", "Ann", "Cy"]);
        let asc = sorted(rows, Sort { column: Column::Collected, ascending: true });
        assert_eq!(names(&asc), ["Cy", "Ann", "Bob"]);
    }

    #[test]
    fn unknown_figures_go_last_both_ways() {
        let rows = vec![row("Ann", "0", None), row("Bob", "0", Some("0.2")), row("Cy", "0", Some("0.5"))];
        let by = |ascending| names(&sorted(rows.clone(), Sort { column: Column::RecoveryRate, ascending })).join(",");
        assert_eq!(by(false), "Cy,Bob,Ann");
        assert_eq!(by(true), "Bob,Cy,Ann");
    }

    #[test]
    fn names_sort_case_blind_and_ties_by_name() {
        let rows = vec![row("bob", "5", None), row("Ann", "5", None), row("Cy", "5", None)];
        assert_eq!(names(&sorted(rows.clone(), Sort { column: Column::Name, ascending: true })), ["Ann", "bob", "Cy"]);
        assert_eq!(names(&sorted(rows.clone(), Sort { column: Column::Name, ascending: false })), ["Cy", "bob", "Ann"]);
        // Equal figures: by name.
        assert_eq!(names(&sorted(rows, Sort::default())), ["Ann", "bob", "Cy"]);
    }

    #[test]
    fn rows_are_escaped_links_to_the_collectors_accounts() {
        let mut r = row("O'Hara <script>", "12.50", Some("0.25"));
        r.is_active = false;
        let html = rows_html(&[r], Sort::default(), "USD");
        let id = "00000000-0000-0000-0000-00000000000f";
        assert!(html.starts_with(&format!(r#"<tr data-testid="collector-row" data-collector="{id}"><th scope="row"><a href="/accounts?collector={id}">O&#39;Hara &lt;script&gt;</a><small class="muted"> (inactive)</small></th>"#)), "{html}");
        assert!(html.contains(r#"<td class="num" data-testid="collector-collected">12.50 USD</td>"#));
        assert!(html.contains(r#"<td class="num">25%</td>"#));
    }

    #[test]
    fn clicking_flips_the_same_column_and_starts_others_in_their_direction() {
        let s = Sort::default();
        assert_eq!(s.by(Column::Collected), Sort { column: Column::Collected, ascending: true });
        assert_eq!(s.by(Column::Name), Sort { column: Column::Name, ascending: true });
        assert_eq!(s.by(Column::Worked), Sort { column: Column::Worked, ascending: false });
        assert_eq!(s.by(Column::Name).by(Column::Name), Sort { column: Column::Name, ascending: false });
    }
}
