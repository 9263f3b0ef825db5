//! The one range of dates DebtFlow takes from anyone: business dates and timestamps
//! from [`EARLIEST`] (1900-01-01) to [`LATEST`] (2199-12-31). Nothing the product
//! holds is older — imports bound placement and birth dates to 1900 — and nothing a
//! collection plans reaches further; outside it, a date is a typo or an attack
//! (`-5000-01-01` is before PostgreSQL's calendar, `+262142-12-31` overflows date
//! arithmetic). Use cases narrow it further (a payment is not in the future, a pause
//! lasts at most a year); every date a request carries is one of the types below, so
//! no request reaches the database or a date addition with a date outside the range.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{de, Deserialize, Deserializer, Serialize};

pub const EARLIEST: NaiveDate = match NaiveDate::from_ymd_opt(1900, 1, 1) {
    Some(day) => day,
    None => panic!("1900-01-01 is a date"),
};
pub const LATEST: NaiveDate = match NaiveDate::from_ymd_opt(2199, 12, 31) {
    Some(day) => day,
    None => panic!("2199-12-31 is a date"),
};

/// Why a date was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("must be between 1900-01-01 and 2199-12-31")]
pub struct OutOfRange;

/// `date` if it lies in the range.
pub fn check(date: NaiveDate) -> Result<NaiveDate, OutOfRange> {
    if (EARLIEST..=LATEST).contains(&date) {
        Ok(date)
    } else {
        Err(OutOfRange)
    }
}

/// A calendar date (`YYYY-MM-DD`) from 1900-01-01 to 2199-12-31.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
#[cfg_attr(
    feature = "openapi",
    derive(utoipa::ToSchema),
    schema(value_type = String, format = Date, example = "2026-12-01")
)]
pub struct BusinessDate(pub NaiveDate);

impl<'de> Deserialize<'de> for BusinessDate {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let date = NaiveDate::deserialize(d)?;
        check(date).map(BusinessDate).map_err(de::Error::custom)
    }
}

impl From<BusinessDate> for NaiveDate {
    fn from(date: BusinessDate) -> NaiveDate {
        date.0
    }
}

/// An RFC 3339 instant whose UTC date is from 1900-01-01 to 2199-12-31.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
#[cfg_attr(
    feature = "openapi",
    derive(utoipa::ToSchema),
    schema(value_type = String, format = DateTime, example = "2026-12-01T14:30:00Z")
)]
pub struct Timestamp(pub DateTime<Utc>);

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let at = DateTime::<Utc>::deserialize(d)?;
        check(at.date_naive()).map(|_| Timestamp(at)).map_err(de::Error::custom)
    }
}

impl From<Timestamp> for DateTime<Utc> {
    fn from(at: Timestamp) -> DateTime<Utc> {
        at.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(json: &str) -> Result<NaiveDate, String> {
        serde_json::from_str::<BusinessDate>(json).map(|d| d.0).map_err(|e| e.to_string())
    }

    #[test]
    fn dates_inside_the_range_and_none_outside() {
        assert_eq!(date("\"1900-01-01\"").unwrap(), EARLIEST);
        assert_eq!(date("\"2199-12-31\"").unwrap(), LATEST);
        for outside in ["\"1899-12-31\"", "\"2200-01-01\"", "\"-5000-01-01\"", "\"+262142-12-31\"", "\"0000-01-01\""] {
            assert_eq!(date(outside).unwrap_err(), OutOfRange.to_string(), "{outside}");
        }
        assert!(date("\"2026-02-30\"").is_err(), "not a date at all");
    }

    #[test]
    fn timestamps_by_their_utc_date() {
        let at = |json: &str| serde_json::from_str::<Timestamp>(json).map_err(|e| e.to_string());
        assert!(at("\"2026-12-01T14:30:00Z\"").is_ok());
        assert!(at("\"1900-01-01T00:00:00+00:00\"").is_ok());
        assert_eq!(at("\"1900-01-01T00:30:00+01:00\"").unwrap_err(), OutOfRange.to_string(), "1899 in UTC");
        assert_eq!(at("\"+262142-12-31T00:00:00Z\"").unwrap_err(), OutOfRange.to_string());
    }
}
