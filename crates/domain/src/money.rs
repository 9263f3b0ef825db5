//! Money: an exact decimal amount in one ISO 4217 currency.
//!
//! The one rounding rule of DebtFlow lives here: **banker's rounding (half to even) to
//! the currency's minor unit** ([`Money::round`]). Amounts typed by people are never
//! rounded silently: [`Money::new`] refuses more decimals than the currency has.
//! Amounts are `rust_decimal::Decimal`, stored as `NUMERIC(19,4)`; never `f64`.

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};
use std::{fmt, str::FromStr};

/// Amounts must stay below 10^15: `NUMERIC(19,4)` holds 15 integer digits.
const MAX_ABS: i64 = 1_000_000_000_000_000;

/// Why an amount or currency was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("`{0}` is not an ISO 4217 currency code (three upper-case letters, e.g. USD)")]
    BadCurrency(String),
    #[error("{currency} has {minor_units} decimal places; `{amount}` has more")]
    TooPrecise { amount: Decimal, currency: Currency, minor_units: u32 },
    #[error("`{0}` is out of range")]
    OutOfRange(Decimal),
    #[error("cannot combine {0} with {1}")]
    CurrencyMismatch(Currency, Currency),
    #[error("cannot split an amount into {0} parts")]
    BadSplit(usize),
}

/// An ISO 4217 alphabetic currency code, e.g. `USD`: one of [`ISO_4217`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Currency([u8; 3]);

/// The ISO 4217 codes of the currencies in circulation (list one, as of 2026), and
/// those withdrawn since 2020 (ANG, BGN, CUC, HRK, SLL, ZWL), so that books opened in
/// them still read. Not the funds, precious metals, SDR or test codes: no agency
/// collects in them.
pub const ISO_4217: [&str; 161] = [
    "AED", "AFN", "ALL", "AMD", "ANG", "AOA", "ARS", "AUD", "AWG", "AZN", "BAM", "BBD", "BDT", "BGN", "BHD", "BIF",
    "BMD", "BND", "BOB", "BRL", "BSD", "BTN", "BWP", "BYN", "BZD", "CAD", "CDF", "CHF", "CLP", "CNY", "COP", "CRC",
    "CUC", "CUP", "CVE", "CZK", "DJF", "DKK", "DOP", "DZD", "EGP", "ERN", "ETB", "EUR", "FJD", "FKP", "GBP", "GEL",
    "GHS", "GIP", "GMD", "GNF", "GTQ", "GYD", "HKD", "HNL", "HRK", "HTG", "HUF", "IDR", "ILS", "INR", "IQD", "IRR",
    "ISK", "JMD", "JOD", "JPY", "KES", "KGS", "KHR", "KMF", "KPW", "KRW", "KWD", "KYD", "KZT", "LAK", "LBP", "LKR",
    "LRD", "LSL", "LYD", "MAD", "MDL", "MGA", "MKD", "MMK", "MNT", "MOP", "MRU", "MUR", "MVR", "MWK", "MXN", "MYR",
    "MZN", "NAD", "NGN", "NIO", "NOK", "NPR", "NZD", "OMR", "PAB", "PEN", "PGK", "PHP", "PKR", "PLN", "PYG", "QAR",
    "RON", "RSD", "RUB", "RWF", "SAR", "SBD", "SCR", "SDG", "SEK", "SGD", "SHP", "SLE", "SLL", "SOS", "SRD", "SSP",
    "STN", "SVC", "SYP", "SZL", "THB", "TJS", "TMT", "TND", "TOP", "TRY", "TTD", "TWD", "TZS", "UAH", "UGX", "USD",
    "UYU", "UZS", "VED", "VES", "VND", "VUV", "WST", "XAF", "XCD", "XCG", "XOF", "XPF", "YER", "ZAR", "ZMW", "ZWG",
    "ZWL",
];

impl Currency {
    pub const USD: Currency = Currency(*b"USD");

    pub fn parse(code: &str) -> Result<Self, MoneyError> {
        match code.as_bytes() {
            &[a, b, c] if ISO_4217.contains(&code) => Ok(Currency([a, b, c])),
            _ => Err(MoneyError::BadCurrency(code.to_owned())),
        }
    }

    pub fn code(&self) -> &str {
        // Built only from three ASCII letters.
        std::str::from_utf8(&self.0).unwrap_or("XXX")
    }

    /// Decimal places of the currency's minor unit (ISO 4217 exponent).
    pub fn minor_units(&self) -> u32 {
        match &self.0 {
            b"BIF" | b"CLP" | b"DJF" | b"GNF" | b"ISK" | b"JPY" | b"KMF" | b"KRW" | b"PYG" | b"RWF" | b"UGX"
            | b"VND" | b"VUV" | b"XAF" | b"XOF" | b"XPF" => 0,
            b"BHD" | b"IQD" | b"JOD" | b"KWD" | b"LYD" | b"OMR" | b"TND" => 3,
            _ => 2,
        }
    }

    /// `amount` as it is shown: with exactly the minor unit's decimal places ("12.50").
    pub fn shown(&self, mut amount: Decimal) -> Decimal {
        amount.rescale(self.minor_units());
        amount
    }
}

/// `amount` as the API shows it in the currency stored as `code`: with exactly its
/// minor unit ("12.50"); a code that is no currency (none is stored) as dollars.
pub fn shown_in(code: &str, amount: Decimal) -> Decimal {
    Currency::parse(code).unwrap_or(Currency::USD).shown(amount)
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for Currency {
    type Err = MoneyError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Currency::parse(s)
    }
}

impl Serialize for Currency {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

impl<'de> Deserialize<'de> for Currency {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Currency::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// An amount of one currency, always within the currency's minor unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Money {
    amount: Decimal,
    currency: Currency,
}

impl Money {
    /// An exact amount as given by a person or a file: more decimals than the
    /// currency has is an error, not a rounding.
    pub fn new(amount: Decimal, currency: Currency) -> Result<Self, MoneyError> {
        let minor_units = currency.minor_units();
        if amount.normalize().scale() > minor_units {
            return Err(MoneyError::TooPrecise { amount, currency, minor_units });
        }
        Self::checked(amount, currency)
    }

    /// A computed amount (a rate applied, a share taken) rounded half-to-even to the
    /// currency's minor unit. The only place DebtFlow rounds money.
    pub fn round(amount: Decimal, currency: Currency) -> Result<Self, MoneyError> {
        let rounded = amount.round_dp_with_strategy(currency.minor_units(), RoundingStrategy::MidpointNearestEven);
        Self::checked(rounded, currency)
    }

    pub fn zero(currency: Currency) -> Self {
        Money { amount: Decimal::ZERO.with_minor(currency), currency }
    }

    fn checked(amount: Decimal, currency: Currency) -> Result<Self, MoneyError> {
        if amount.abs() >= Decimal::from(MAX_ABS) {
            return Err(MoneyError::OutOfRange(amount));
        }
        Ok(Money { amount: amount.with_minor(currency), currency })
    }

    pub fn amount(&self) -> Decimal {
        self.amount
    }

    pub fn currency(&self) -> Currency {
        self.currency
    }

    pub fn is_positive(&self) -> bool {
        self.amount > Decimal::ZERO
    }

    pub fn is_zero(&self) -> bool {
        self.amount.is_zero()
    }

    pub fn checked_add(self, other: Money) -> Result<Money, MoneyError> {
        self.same_currency(other)?;
        Self::checked(self.amount + other.amount, self.currency)
    }

    pub fn checked_sub(self, other: Money) -> Result<Money, MoneyError> {
        self.same_currency(other)?;
        Self::checked(self.amount - other.amount, self.currency)
    }

    fn same_currency(&self, other: Money) -> Result<(), MoneyError> {
        if self.currency == other.currency {
            Ok(())
        } else {
            Err(MoneyError::CurrencyMismatch(self.currency, other.currency))
        }
    }

    /// Splits into `parts` amounts of equal size in the minor unit, the last one
    /// absorbing the remainder, so the parts always sum to the whole.
    pub fn split(self, parts: usize) -> Result<Vec<Money>, MoneyError> {
        if parts == 0 {
            return Err(MoneyError::BadSplit(parts));
        }
        let n = Decimal::from(parts as u64);
        let share = (self.amount / n).round_dp_with_strategy(self.currency.minor_units(), RoundingStrategy::ToZero);
        let last = self.amount - share * Decimal::from(parts as u64 - 1);
        let mut out = vec![Money { amount: share.with_minor(self.currency), currency: self.currency }; parts - 1];
        out.push(Money { amount: last.with_minor(self.currency), currency: self.currency });
        Ok(out)
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.amount, self.currency)
    }
}

/// Fills `parts` in turn with `amount`, each up to what it has room for: the shares
/// taken (parts that get nothing left out) and what is left over. Payments filling a
/// balance's parts and plan installments, and refunds emptying them, are all this.
pub fn fill<Id>(
    amount: Money,
    parts: impl IntoIterator<Item = (Id, Money)>,
) -> Result<(Vec<(Id, Money)>, Money), MoneyError> {
    let mut left = amount;
    let mut shares = Vec::new();
    for (id, room) in parts {
        if !left.is_positive() {
            break;
        }
        let share = if room.amount() < left.amount() { room } else { left };
        if share.is_positive() {
            shares.push((id, share));
            left = left.checked_sub(share)?;
        }
    }
    Ok((shares, left))
}

/// Gives every amount of a currency the same number of decimals ("12.50", not "12.5").
trait WithMinor {
    fn with_minor(self, currency: Currency) -> Decimal;
}

impl WithMinor for Decimal {
    fn with_minor(mut self, currency: Currency) -> Decimal {
        self.rescale(currency.minor_units());
        self
    }
}

/// Why an amount typed by a person was refused, said to that person.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TypedAmountError {
    #[error("Enter an amount.")]
    Empty,
    #[error("Enter an amount like 1,250.00.")]
    NotAnAmount,
    #[error("{currency} amounts have at most {minor_units} decimal places.")]
    TooPrecise { currency: Currency, minor_units: u32 },
    #[error("Enter an amount greater than zero.")]
    NotPositive,
    #[error("This amount is too large.")]
    TooLarge,
}

impl Money {
    /// A positive amount as a person types it in a form: plain (`1250.5`) or grouped
    /// the way the app shows amounts (`1,250.50`: commas between groups of three
    /// digits), spaces around it ignored; never rounded (more decimals than the
    /// currency has is an error). The SPA checks its forms with this before sending.
    pub fn typed(text: &str, currency: Currency) -> Result<Money, TypedAmountError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(TypedAmountError::Empty);
        }
        let (whole, fraction) = match text.split_once('.') {
            Some((w, f)) => (w, Some(f)),
            None => (text, None),
        };
        let whole_ok = if whole.contains(',') {
            let mut groups = whole.split(',');
            let first = groups.next().unwrap_or_default();
            (1..=3).contains(&first.len())
                && first.bytes().all(|b| b.is_ascii_digit())
                && groups.all(|g| g.len() == 3 && g.bytes().all(|b| b.is_ascii_digit()))
        } else {
            whole.strip_prefix('-').unwrap_or(whole).bytes().all(|b| b.is_ascii_digit())
        };
        let fraction_ok = fraction.is_none_or(|f| !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()));
        if !whole_ok || !fraction_ok || whole.is_empty() && fraction.is_none() {
            return Err(TypedAmountError::NotAnAmount);
        }
        let plain = text.replace(',', "");
        let amount = Decimal::from_str(&plain).map_err(|_| TypedAmountError::NotAnAmount)?;
        match Money::new(amount, currency) {
            Err(MoneyError::TooPrecise { minor_units, .. }) => {
                Err(TypedAmountError::TooPrecise { currency, minor_units })
            }
            Err(_) => Err(TypedAmountError::TooLarge),
            Ok(m) if !m.is_positive() => Err(TypedAmountError::NotPositive),
            Ok(m) => Ok(m),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn currency_codes_are_iso_4217s() {
        for good in ISO_4217 {
            assert_eq!(Currency::parse(good).unwrap().code(), good);
        }
        let mut sorted = ISO_4217.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), ISO_4217.len(), "each code once");
        for bad in ["eur", "EURO", "E1R", "", "€", "XYZ", "XXX", "XAU", "ABC"] {
            assert!(Currency::parse(bad).is_err(), "{bad} accepted");
        }
    }

    #[test]
    fn amounts_carry_the_currency_minor_unit() {
        assert_eq!(Money::new(d("12.5"), Currency::USD).unwrap().amount().to_string(), "12.50");
        let jpy = Currency::parse("JPY").unwrap();
        assert_eq!(Money::new(d("1200"), jpy).unwrap().amount().to_string(), "1200");
        let kwd = Currency::parse("KWD").unwrap();
        assert_eq!(Money::new(d("1.005"), kwd).unwrap().amount().to_string(), "1.005");
    }

    #[test]
    fn typed_amounts_are_never_rounded_silently() {
        let err = Money::new(d("10.005"), Currency::USD).unwrap_err();
        assert!(matches!(err, MoneyError::TooPrecise { minor_units: 2, .. }));
        // Trailing zeros are not extra precision.
        assert!(Money::new(d("10.5000"), Currency::USD).is_ok());
    }

    #[test]
    fn computed_amounts_round_half_to_even() {
        let r = |s| Money::round(d(s), Currency::USD).unwrap().amount().to_string();
        assert_eq!(r("2.345"), "2.34");
        assert_eq!(r("2.355"), "2.36");
        assert_eq!(r("-2.345"), "-2.34");
        assert_eq!(r("2.3451"), "2.35");
    }

    #[test]
    fn amounts_beyond_numeric_19_4_are_refused() {
        assert!(Money::new(d("999999999999999.99"), Currency::USD).is_ok());
        assert!(matches!(Money::new(d("1000000000000000"), Currency::USD), Err(MoneyError::OutOfRange(_))));
    }

    #[test]
    fn currencies_do_not_mix() {
        let eur = Money::new(d("1"), Currency::parse("EUR").unwrap()).unwrap();
        let usd = Money::new(d("1"), Currency::USD).unwrap();
        assert!(matches!(usd.checked_add(eur), Err(MoneyError::CurrencyMismatch(..))));
    }

    #[test]
    fn split_gives_the_remainder_to_the_last_part() {
        let parts = Money::new(d("100"), Currency::USD).unwrap().split(3).unwrap();
        let amounts: Vec<String> = parts.iter().map(|m| m.amount().to_string()).collect();
        assert_eq!(amounts, ["33.33", "33.33", "33.34"]);
        assert!(Money::zero(Currency::USD).split(0).is_err());
    }

    proptest! {
        #[test]
        fn split_parts_always_sum_to_the_whole(cents in 0i64..10_000_000_000, parts in 1usize..400) {
            let whole = Money::new(Decimal::new(cents, 2), Currency::USD).unwrap();
            let split = whole.split(parts).unwrap();
            prop_assert_eq!(split.len(), parts);
            let sum = split.iter().try_fold(Money::zero(Currency::USD), |acc, m| acc.checked_add(*m)).unwrap();
            prop_assert_eq!(sum, whole);
            prop_assert!(split.iter().all(|m| m.amount() >= Decimal::ZERO));
            // Equal shares, the last one at most `parts - 1` cents bigger.
            let spread = split[parts - 1].amount() - split[0].amount();
            prop_assert!(spread >= Decimal::ZERO && spread < Decimal::new(parts as i64, 2));
        }

        #[test]
        fn rounding_is_within_half_a_minor_unit(units in -1_000_000_000_000i64..1_000_000_000_000, scale in 0u32..8) {
            let raw = Decimal::new(units, scale);
            let rounded = Money::round(raw, Currency::USD).unwrap();
            prop_assert!((rounded.amount() - raw).abs() <= Decimal::new(5, 3));
            prop_assert_eq!(Money::new(rounded.amount(), Currency::USD).unwrap(), rounded);
        }
    }

    #[test]
    fn typed_amounts_accept_the_apps_own_format_and_say_what_is_wrong() {
        let usd = Currency::USD;
        let ok = |t: &str| Money::typed(t, usd).map(|m| m.amount().to_string());
        assert_eq!(ok("1,000.00"), Ok("1000.00".into()));
        assert_eq!(ok(" 1250.5 "), Ok("1250.50".into()));
        assert_eq!(ok("12,345,678.9"), Ok("12345678.90".into()));
        assert_eq!(ok(".5"), Ok("0.50".into()));
        assert_eq!(ok("7"), Ok("7.00".into()));
        assert_eq!(Money::typed("", usd), Err(TypedAmountError::Empty));
        for bad in ["1,00.00", "1.000,00", "12a", "1,2345", ",100", "1.", "1..2", "$100", "1 000", "."] {
            assert_eq!(Money::typed(bad, usd), Err(TypedAmountError::NotAnAmount), "{bad}");
        }
        assert_eq!(Money::typed("0", usd), Err(TypedAmountError::NotPositive));
        assert_eq!(Money::typed("-5.00", usd), Err(TypedAmountError::NotPositive));
        assert_eq!(Money::typed("1.005", usd), Err(TypedAmountError::TooPrecise { currency: usd, minor_units: 2 }));
        assert_eq!(Money::typed("1.005", usd).unwrap_err().to_string(), "USD amounts have at most 2 decimal places.");
        assert_eq!(Money::typed("1000000000000000", usd), Err(TypedAmountError::TooLarge));
        let jpy = Currency::parse("JPY").unwrap();
        assert_eq!(Money::typed("1,500", jpy).map(|m| m.amount().to_string()), Ok("1500".into()));
        assert!(Money::typed("1,500.5", jpy).is_err());
    }
}
