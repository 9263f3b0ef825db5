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

/// The range as the OpenAPI schema states it beside `format: date` and `date-time`:
/// a year from 1900 to 2199. (An instant is judged by its UTC date, so one just
/// after midnight on 1900-01-01 at a positive offset is out of range though it
/// matches; the schema cannot say that much.)
pub const DATE_PATTERN: &str = r"^(19|20|21)[0-9]{2}-[0-9]{2}-[0-9]{2}$";
pub const TIMESTAMP_PATTERN: &str = r"^(19|20|21)[0-9]{2}-";

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
    schema(value_type = String, format = Date, pattern = r"^(19|20|21)[0-9]{2}-[0-9]{2}-[0-9]{2}$", example = "2026-12-01")
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
    schema(
        value_type = String,
        format = DateTime,
        pattern = r"^(19|20|21)[0-9]{2}-",
        example = "2026-12-01T14:30:00Z"
    )
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

    #[cfg(feature = "openapi")]
    #[test]
    fn the_schemas_publish_the_patterns() {
        use utoipa::PartialSchema;
        let date = serde_json::to_value(BusinessDate::schema()).unwrap();
        assert_eq!(date["pattern"], DATE_PATTERN);
        let at = serde_json::to_value(Timestamp::schema()).unwrap();
        assert_eq!(at["pattern"], TIMESTAMP_PATTERN);
    }

    proptest::proptest! {
        #[test]
        fn a_well_formed_date_is_taken_exactly_when_the_pattern_matches(year in -1i32..3000, month in 1u32..=12, day in 1u32..=28) {
            let text = if (0..10000).contains(&year) { format!("{year:04}-{month:02}-{day:02}") } else { format!("{year:+}-{month:02}-{day:02}") };
            let pattern = regex::Regex::new(DATE_PATTERN).unwrap();
            proptest::prop_assert_eq!(date(&format!("\"{text}\"")).is_ok(), pattern.is_match(&text), "{}", text);
            let at = serde_json::from_str::<Timestamp>(&format!("\"{text}T12:00:00Z\"")).is_ok();
            proptest::prop_assert_eq!(at, regex::Regex::new(TIMESTAMP_PATTERN).unwrap().is_match(&text), "{}", text);
        }
    }
}
