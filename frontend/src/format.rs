//! Pure display helpers: money, dates, labels, URL encoding. No browser calls except
//! `today` and `local_datetime`, so everything else is unit-tested on the host.

use chrono::NaiveDate;
use debtflow_domain::Currency;
use rust_decimal::{Decimal, RoundingStrategy};
use std::str::FromStr;

/// `1250.5`, `USD` → `1,250.50 USD`; an unparsable amount is shown as given.
pub fn money(amount: &str, currency: &str) -> String {
    let Ok(value) = Decimal::from_str(amount.trim()) else {
        return format!("{amount} {currency}");
    };
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

/// `2026-11-23T08:03:59.123Z` → `2026-11-23 08:03`.
pub fn datetime(iso: &str) -> String {
    match iso.split_once('T') {
        Some((d, t)) => format!("{d} {}", t.get(..5).unwrap_or(t)),
        None => iso.to_string(),
    }
}

/// An instant (`2026-11-23T13:03:59.123Z`) in the browser's time zone:
/// `2026-11-23 08:03` in New York; an unreadable one as [`datetime`] shows it.
pub fn local_datetime(iso: &str) -> String {
    let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_str(iso));
    if d.get_time().is_nan() {
        return datetime(iso);
    }
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
pub fn priority(p: i16) -> &'static str {
    match p {
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
pub fn percent(ratio: Option<&str>) -> String {
    ratio
        .and_then(|r| Decimal::from_str(r.trim()).ok())
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
        assert_eq!(money("1250.5", "USD"), "1,250.50 USD");
        assert_eq!(money("0", "USD"), "0.00 USD");
        assert_eq!(money("1234567.891", "EUR"), "1,234,567.89 EUR");
        assert_eq!(money("999", "USD"), "999.00 USD");
        assert_eq!(money("-45.1", "USD"), "-45.10 USD");
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
        assert_eq!(money("1500", "JPY"), "1,500 JPY");
        assert_eq!(money("12.5", "KWD"), "12.500 KWD");
    }

    #[test]
    fn money_shows_garbage_as_given() {
        assert_eq!(money("n/a", "USD"), "n/a USD");
    }

    #[test]
    fn labels_and_dates() {
        assert_eq!(label("in_contact"), "In contact");
        assert_eq!(label("payment_plan"), "Payment plan");
        assert_eq!(datetime("2026-11-23T08:03:59.123Z"), "2026-11-23 08:03");
        assert_eq!(datetime("2026-11-23"), "2026-11-23");
        assert_eq!(priority(3), "Urgent");
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
        assert_eq!(percent(Some("0.1235")), "12.4%");
        assert_eq!(percent(Some("0.5000")), "50%");
        assert_eq!(percent(Some("0")), "0%");
        assert_eq!(percent(None), "—");
        assert_eq!(percent(Some("x")), "—");
    }
}
