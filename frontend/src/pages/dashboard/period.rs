//! The dashboard's period, as kept in the URL query so a link reproduces the view:
//! `?period=7d|30d|90d|month` (the last 30 days when absent), or a custom
//! `?from=YYYY-MM-DD&to=YYYY-MM-DD`; and the trend interval that suits its length.

use crate::api::analytics::Span;
use chrono::{Datelike, Days, NaiveDate};
use debtflow_domain::analytics::{Interval, Period, PeriodError, EARLIEST, MAX_PERIOD_DAYS};

/// A period the user chose: relative to the agency's today, or fixed dates.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Range {
    /// The last `n` days, today included.
    Last(u32),
    /// From the first of this month to today.
    ThisMonth,
    /// Fixed dates, both included (a valid period: `from` ≤ `to`, not too long).
    Custom(NaiveDate, NaiveDate),
}

impl Default for Range {
    fn default() -> Self {
        Range::Last(30)
    }
}

/// The ranges offered as one-click choices, with their labels.
pub const PRESETS: [(Range, &str); 4] = [
    (Range::Last(7), "Last 7 days"),
    (Range::Last(30), "Last 30 days"),
    (Range::Last(90), "Last 90 days"),
    (Range::ThisMonth, "This month"),
];

impl Range {
    /// Reads the range from a query lookup; anything unreadable is the default.
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Self {
        match get("period").as_deref().map(str::trim) {
            Some("7d") => Range::Last(7),
            Some("30d") => Range::Last(30),
            Some("90d") => Range::Last(90),
            Some("month") => Range::ThisMonth,
            _ => {
                let date = |k: &str| get(k).and_then(|v| crate::format::date(&v));
                match (date("from"), date("to")) {
                    (Some(from), Some(to)) => custom(from, to).unwrap_or_default(),
                    _ => Range::default(),
                }
            }
        }
    }

    /// The query string that reproduces the range.
    pub fn to_query(self) -> String {
        match self {
            Range::Last(n) => format!("period={n}d"),
            Range::ThisMonth => "period=month".into(),
            Range::Custom(from, to) => format!("from={from}&to={to}"),
        }
    }

    /// The dates it covers when the agency's business date is `today`.
    pub fn span(&self, today: NaiveDate) -> Span {
        match *self {
            Range::Last(n) => {
                Span { from: today.checked_sub_days(Days::new(u64::from(n.max(1)) - 1)).unwrap_or(today), to: today }
            }
            Range::ThisMonth => Span { from: today.with_day(1).unwrap_or(today), to: today },
            Range::Custom(from, to) => Span { from, to },
        }
    }

    pub fn is_custom(&self) -> bool {
        matches!(self, Range::Custom(..))
    }
}

/// The custom range `from`–`to`, or why the API would refuse it (the domain's rule).
pub fn custom(from: NaiveDate, to: NaiveDate) -> Result<Range, String> {
    Period::new(from, to, MAX_PERIOD_DAYS).map(|p| Range::Custom(p.from(), p.to())).map_err(|e| match e {
        PeriodError::Reversed => "The start date must not be after the end date.".to_string(),
        PeriodError::TooLong(days) => format!("A period covers at most {days} days."),
        PeriodError::TooEarly => format!("The dates start on {EARLIEST} at the earliest."),
    })
}

/// Reads the two date inputs of the custom form (`YYYY-MM-DD`, as `<input type=date>`
/// gives them) into a range, or the sentence to show beside them.
pub fn parse_custom(from: &str, to: &str) -> Result<Range, String> {
    let parse = crate::format::date;
    match (parse(from), parse(to)) {
        (Some(f), Some(t)) => custom(f, t),
        _ => Err("Enter both dates.".into()),
    }
}

/// The trend's interval for a span: days up to three months, weeks up to two years,
/// months beyond (some 13 to 105 bars at most, never over the API's 366 daily buckets).
pub fn interval_for(span: Span) -> Interval {
    let days = (span.to - span.from).num_days() + 1;
    match days {
        ..=92 => Interval::Day,
        93..=731 => Interval::Week,
        _ => Interval::Month,
    }
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/// `Nov` (chrono's `format` is not used: its formatting machinery would weigh on the
/// wasm for three names).
fn month_short(date: NaiveDate) -> &'static str {
    MONTHS[date.month0() as usize].get(..3).unwrap_or("")
}

/// A bucket's start as an axis label: `03 Nov` for a day or week, `Nov 2026` for a month.
pub fn bucket_label(start: NaiveDate, interval: Interval) -> String {
    match interval {
        Interval::Month => format!("{} {}", month_short(start), start.year()),
        Interval::Day | Interval::Week => format!("{:02} {}", start.day(), month_short(start)),
    }
}

/// What a bucket covers, for its tooltip and table row.
pub fn bucket_name(start: NaiveDate, interval: Interval) -> String {
    let date = format!("{:02} {} {}", start.day(), month_short(start), start.year());
    match interval {
        Interval::Day => format!("{} {date}", DAYS[start.weekday().num_days_from_monday() as usize]),
        Interval::Week => format!("Week of {date}"),
        Interval::Month => format!("{} {}", MONTHS[start.month0() as usize], start.year()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn lookup(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        move |k| map.get(k).cloned()
    }

    #[test]
    fn presets_round_trip_through_the_url() {
        for (range, _) in PRESETS {
            let q = range.to_query();
            let (k, v) = q.split_once('=').unwrap();
            assert_eq!(Range::from_lookup(lookup(&[(k, v)])), range, "{q}");
        }
        assert_eq!(Range::from_lookup(lookup(&[])), Range::Last(30));
    }

    #[test]
    fn a_custom_range_round_trips_and_a_bad_one_is_the_default() {
        let r = Range::from_lookup(lookup(&[("from", "2026-01-01"), ("to", "2026-03-31")]));
        assert_eq!(r, Range::Custom(d("2026-01-01"), d("2026-03-31")));
        assert_eq!(r.to_query(), "from=2026-01-01&to=2026-03-31");
        for bad in [
            [("from", "2026-03-31"), ("to", "2026-01-01")],
            [("from", "1800-01-01"), ("to", "2026-01-01")],
            [("from", "2026-02-30"), ("to", "2026-03-01")],
            [("from", "2026-01-01"), ("to", "")],
        ] {
            assert_eq!(Range::from_lookup(lookup(&bad)), Range::Last(30), "{bad:?}");
        }
        // A known period name wins over dates.
        assert_eq!(
            Range::from_lookup(lookup(&[("period", "7d"), ("from", "2026-01-01"), ("to", "2026-01-02")])),
            Range::Last(7)
        );
        assert_eq!(Range::from_lookup(lookup(&[("period", "12d")])), Range::Last(30));
    }

    #[test]
    fn spans_end_today_in_the_agency_calendar() {
        let today = d("2026-12-02");
        assert_eq!(Range::Last(7).span(today), Span { from: d("2026-11-26"), to: today });
        assert_eq!(Range::Last(30).span(today), Span { from: d("2026-11-03"), to: today });
        assert_eq!(Range::Last(90).span(today), Span { from: d("2026-09-04"), to: today });
        assert_eq!(Range::ThisMonth.span(today), Span { from: d("2026-12-01"), to: today });
        assert_eq!(Range::ThisMonth.span(d("2026-12-01")), Span { from: d("2026-12-01"), to: d("2026-12-01") });
        let fixed = Range::Custom(d("2025-01-01"), d("2025-12-31"));
        assert_eq!(fixed.span(today), Span { from: d("2025-01-01"), to: d("2025-12-31") });
    }

    #[test]
    fn the_custom_form_says_what_is_wrong() {
        assert_eq!(parse_custom("2026-01-01", "2026-01-31"), Ok(Range::Custom(d("2026-01-01"), d("2026-01-31"))));
        assert_eq!(parse_custom("", "2026-01-31"), Err("Enter both dates.".into()));
        assert_eq!(
            parse_custom("2026-02-01", "2026-01-31"),
            Err("The start date must not be after the end date.".into())
        );
        assert_eq!(parse_custom("2000-01-01", "2026-01-31"), Err("A period covers at most 3660 days.".into()));
        assert_eq!(
            parse_custom("1899-12-31", "1900-01-31"),
            Err("The dates start on 1900-01-01 at the earliest.".into())
        );
    }

    #[test]
    fn longer_periods_trend_in_longer_intervals() {
        let span = |from: &str, to: &str| Span { from: d(from), to: d(to) };
        assert_eq!(interval_for(span("2026-11-03", "2026-12-02")), Interval::Day);
        assert_eq!(interval_for(span("2026-09-01", "2026-12-01")), Interval::Day); // 92 days
        assert_eq!(interval_for(span("2026-09-01", "2026-12-02")), Interval::Week);
        assert_eq!(interval_for(span("2025-01-01", "2026-12-31")), Interval::Week); // 730 days
        assert_eq!(interval_for(span("2020-01-01", "2026-12-31")), Interval::Month);
    }

    #[test]
    fn bucket_labels() {
        assert_eq!(bucket_label(d("2026-11-03"), Interval::Day), "03 Nov");
        assert_eq!(bucket_label(d("2026-11-01"), Interval::Month), "Nov 2026");
        assert_eq!(bucket_name(d("2026-11-02"), Interval::Week), "Week of 02 Nov 2026");
        assert_eq!(bucket_name(d("2026-11-03"), Interval::Day), "Tue 03 Nov 2026");
        assert_eq!(bucket_name(d("2026-11-01"), Interval::Month), "November 2026");
    }
}
