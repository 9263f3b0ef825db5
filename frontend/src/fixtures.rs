//! Test values of the wire types' fields, written as the API writes them.

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use uuid::Uuid;

/// A decimal amount: `d("12.50")`.
pub fn d(s: &str) -> Decimal {
    s.parse().expect("a decimal")
}

/// A business date: `day("2026-12-01")`.
pub fn day(s: &str) -> NaiveDate {
    s.parse().expect("a date")
}

/// An instant: `at("2026-12-01T10:31:07Z")`.
pub fn at(s: &str) -> DateTime<Utc> {
    s.parse().expect("an RFC 3339 instant")
}

/// The `n`th id of a test.
pub fn id(n: u128) -> Uuid {
    Uuid::from_u128(n)
}
