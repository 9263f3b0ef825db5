//! Pure display helpers: money, dates, labels, URL encoding. No browser calls except
//! `today` and `local_datetime`, so everything else is unit-tested on the host.

use chrono::{DateTime, NaiveDate, SecondsFormat, Timelike, Utc};
use debtflow_domain::{Currency, Priority};
use rust_decimal::{Decimal, RoundingStrategy};

/// `1250.5`, `USD` → `1,250.50 USD`.
pub fn money(value: &Decimal, currency: &str) -> String {
    let places = Currency::parse(currency).map(|c| c.minor_units()).unwrap_or(2);
    let value = value.round_dp_with_strategy(places, RoundingStrategy::MidpointNearestEven);
    let text = format!("{:.*}", places as usize, value.abs());
    let (int, frac) = text.split_once('.').map(|(i, f)| (i, Some(f))).unwrap_or((text.as_str(), None));
    let grouped = grouped(int);
    let sign = if value.is_sign_negative() && !value.is_zero() { "-" } else { "" };
    match frac {
        Some(f) => format!("{sign}{grouped}.{f} {currency}"),
        None => format!("{sign}{grouped} {currency}"),
    }
}

/// `1234567` → `1,234,567`.
pub fn count(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    format!("{}{}", if n < 0 { "-" } else { "" }, grouped(&digits))
}

/// Digits with a comma every three from the right.
fn grouped(digits: &str) -> String {
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (n, ch) in digits.chars().enumerate() {
        if n > 0 && (digits.len() - n).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// `2026-11-23T08:03:59.123Z` → `2026-11-23 08:03` (UTC).
pub fn datetime(at: &DateTime<Utc>) -> String {
    format!("{} {:02}:{:02}", at.date_naive(), at.hour(), at.minute())
}

/// An instant as the API writes it, for `<time datetime>`: `2026-11-23T08:03:59.123Z`.
pub fn iso(at: &DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

/// An instant in the browser's time zone: 13:03 UTC is `2026-11-23 08:03` in New York.
pub fn local_datetime(at: &DateTime<Utc>) -> String {
    let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(at.timestamp_millis() as f64));
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}",
        d.get_full_year(),
        d.get_month() + 1,
        d.get_date(),
        d.get_hours(),
        d.get_minutes()
    )
}

/// `in_contact` → `In contact`.
pub fn label(snake: &str) -> String {
    let text = snake.replace('_', " ");
    let mut chars = text.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => text,
    }
}

/// The priority marker: 0 low … 3 urgent.
pub fn priority(p: Priority) -> &'static str {
    match p.value() {
        3 => "Urgent",
        2 => "High",
        1 => "Normal",
        _ => "Low",
    }
}

/// Percent-encodes a query value (RFC 3986 unreserved characters kept).
pub fn url_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => out.push(b as char),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// `2026-03-10` (as the API and `<input type=date>` write dates) → the date; anything
/// else, or a day that does not exist, → `None`. By hand: chrono's format parser would
/// add some 8 KB to the wasm for this one format.
pub fn date(text: &str) -> Option<NaiveDate> {
    let mut parts = text.trim().splitn(3, '-');
    let mut part = |len: std::ops::RangeInclusive<usize>| {
        parts.next().filter(|p| len.contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit()))
    };
    let (y, m, d) = (part(4..=4)?, part(2..=2)?, part(2..=2)?);
    NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
}

/// Today in the browser's time zone.
pub fn today() -> NaiveDate {
    let d = js_sys::Date::new_0();
    NaiveDate::from_ymd_opt(d.get_full_year() as i32, d.get_month() + 1, d.get_date()).unwrap_or_default()
}

/// A ratio as a percentage: `0.1235` → `12.4%`; `—` when there is none.
pub fn percent(ratio: Option<Decimal>) -> String {
    ratio
        .map(|r| {
            format!(
                "{}%",
                (r * Decimal::ONE_HUNDRED)
                    .round_dp_with_strategy(1, RoundingStrategy::MidpointAwayFromZero)
                    .normalize()
            )
        })
        .unwrap_or_else(|| "—".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn dates_are_read_as_the_api_writes_them() {
        assert_eq!(date("2026-03-10"), NaiveDate::from_ymd_opt(2026, 3, 10));
        assert_eq!(date(" 2024-02-29 "), NaiveDate::from_ymd_opt(2024, 2, 29));
        for bad in ["2026-02-30", "2026-3-10", "26-03-10", "2026-03-10x", "2026-03", "", "+026-03-10", "2026-13-01"] {
            assert_eq!(date(bad), None, "{bad}");
        }
    }

    #[test]
    fn money_groups_thousands_and_pads_minor_units() {
        assert_eq!(money(&d("1250.5"), "USD"), "1,250.50 USD");
        assert_eq!(money(&d("0"), "USD"), "0.00 USD");
        assert_eq!(money(&d("1234567.891"), "EUR"), "1,234,567.89 EUR");
        assert_eq!(money(&d("999"), "USD"), "999.00 USD");
        assert_eq!(money(&d("-45.1"), "USD"), "-45.10 USD");
    }

    #[test]
    fn counts_group_thousands() {
        assert_eq!(count(0), "0");
        assert_eq!(count(999), "999");
        assert_eq!(count(1_000), "1,000");
        assert_eq!(count(-1_234_567), "-1,234,567");
    }

    #[test]
    fn money_follows_the_currency_exponent() {
        assert_eq!(money(&d("1500"), "JPY"), "1,500 JPY");
        assert_eq!(money(&d("12.5"), "KWD"), "12.500 KWD");
    }

    #[test]
    fn labels_and_dates() {
        assert_eq!(label("in_contact"), "In contact");
        assert_eq!(label("payment_plan"), "Payment plan");
        let at = "2026-11-23T08:03:59.123Z".parse().unwrap();
        assert_eq!(datetime(&at), "2026-11-23 08:03");
        assert_eq!(iso(&at), "2026-11-23T08:03:59.123Z");
        assert_eq!(priority(Priority::try_from(3).unwrap()), "Urgent");
    }

    #[test]
    fn url_encoding_keeps_unreserved() {
        assert_eq!(url_encode("90+"), "90%2B");
        assert_eq!(url_encode("a b,c"), "a%20b%2Cc");
        assert_eq!(url_encode("Smith-Jones_1.~"), "Smith-Jones_1.~");
        assert_eq!(url_encode("é"), "%C3%A9");
    }

    #[test]
    fn percentages() {
        assert_eq!(percent(Some(d("0.1235"))), "12.4%");
        assert_eq!(percent(Some(d("0.5000"))), "50%");
        assert_eq!(percent(Some(d("0"))), "0%");
        assert_eq!(percent(None), "—");
    }
}
