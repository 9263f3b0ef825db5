//! The one way the API takes a decimal number (an amount, a rate, a bound): a JSON
//! string of digits with an optional minus sign and fraction — `"1250.50"`, `"0.10"`,
//! `"-3"`. Nothing looser: no exponent (`"1e2"`), underscore (`"1_000"`), plus sign,
//! bare point (`"10."`, `".5"`), spaces or grouping, and no JSON number, which a
//! parser reads as a binary float before anyone sees it. People type amounts with
//! grouping in the SPA ([`crate::Money::typed`]); the SPA sends them plain.

use rust_decimal::Decimal;
use serde::{de, Deserialize, Deserializer, Serialize};
use std::{fmt, str::FromStr};

/// What a plain decimal looks like, as the OpenAPI schema says it.
/// At most 16 digits before the point and 12 after: 28 in all, what a Decimal holds.
pub const PATTERN: &str = r"^-?[0-9]{1,16}(\.[0-9]{1,12})?$";

/// A decimal number written as a string: digits with an optional minus sign and
/// fraction (`1250.50`); no exponent, grouping or plus sign, and not a JSON number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(transparent)]
#[cfg_attr(
    feature = "openapi",
    derive(utoipa::ToSchema),
    schema(value_type = String, pattern = r"^-?[0-9]{1,16}(\.[0-9]{1,12})?$", example = "125.50")
)]
pub struct PlainDecimal(pub Decimal);

/// Why a text is not a plain decimal.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("must be a decimal number written with digits and an optional point, such as \"1250.50\"")]
pub struct NotPlainDecimal;

impl FromStr for PlainDecimal {
    type Err = NotPlainDecimal;

    fn from_str(text: &str) -> Result<Self, NotPlainDecimal> {
        let digits = |s: &str, most: usize| (1..=most).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit());
        let unsigned = text.strip_prefix('-').unwrap_or(text);
        let well_formed = match unsigned.split_once('.') {
            Some((whole, fraction)) => digits(whole, 16) && digits(fraction, 12),
            None => digits(unsigned, 16),
        };
        if !well_formed {
            return Err(NotPlainDecimal);
        }
        Decimal::from_str_exact(text).map(PlainDecimal).map_err(|_| NotPlainDecimal)
    }
}

impl From<PlainDecimal> for Decimal {
    fn from(value: PlainDecimal) -> Decimal {
        value.0
    }
}

impl<'de> Deserialize<'de> for PlainDecimal {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Text;
        impl de::Visitor<'_> for Text {
            type Value = PlainDecimal;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a decimal number in a string, such as \"1250.50\"")
            }
            fn visit_str<E: de::Error>(self, text: &str) -> Result<PlainDecimal, E> {
                text.parse().map_err(E::custom)
            }
        }
        d.deserialize_str(Text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn only_digits_an_optional_minus_and_fraction() {
        for good in ["0", "10", "1250.50", "-3", "0.10", "007.5", "9999999999999999.999999999999"] {
            assert_eq!(good.parse::<PlainDecimal>().unwrap().0, Decimal::from_str(good).unwrap(), "{good}");
        }
        for bad in [
            "",
            "1_000",
            "1e2",
            "1E2",
            "+10",
            "10.",
            ".5",
            "-",
            "-.5",
            " 10",
            "10 ",
            "1,000",
            "0x10",
            "1.2.3",
            "NaN",
            "\u{663}",
            "--1",
            "99999999999999999999999999999999",
            "12345678901234567",
            "1.1234567890123",
        ] {
            assert_eq!(bad.parse::<PlainDecimal>(), Err(NotPlainDecimal), "{bad:?} accepted");
        }
    }

    #[test]
    fn json_takes_strings_and_never_numbers() {
        let amount: PlainDecimal = serde_json::from_str("\"12.50\"").unwrap();
        assert_eq!(amount.0.to_string(), "12.50");
        for bad in ["12.5", "12", "\"1e2\"", "null", "true"] {
            let err = serde_json::from_str::<PlainDecimal>(bad).unwrap_err().to_string();
            assert!(err.contains("decimal number"), "{bad}: {err}");
        }
        assert_eq!(serde_json::to_string(&amount).unwrap(), "\"12.50\"");
    }

    #[cfg(feature = "openapi")]
    #[test]
    fn the_schema_publishes_the_pattern() {
        use utoipa::PartialSchema;
        let schema = serde_json::to_value(PlainDecimal::schema()).unwrap();
        assert_eq!(schema["pattern"], PATTERN);
        assert_eq!(schema["type"], "string");
    }

    proptest! {
        #[test]
        fn every_decimal_the_api_shows_reads_back(units in -9_999_999_999_999_999i64..=9_999_999_999_999_999, scale in 0u32..=12) {
            let shown = Decimal::new(units, scale);
            prop_assert_eq!(shown.to_string().parse::<PlainDecimal>().unwrap().0, shown);
        }

        #[test]
        fn the_parser_takes_what_the_published_pattern_describes(text in "[-+0-9._eE ]{0,12}|-?[0-9]{14,18}(\\.[0-9]{10,14})?") {
            let pattern = regex::Regex::new(PATTERN).unwrap();
            prop_assert_eq!(text.parse::<PlainDecimal>().is_ok(), pattern.is_match(&text));
        }
    }
}
