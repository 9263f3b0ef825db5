//! The analytics' rules: report periods, the intervals trends are counted in, the
//! ratios every report shows, and what became of an installment a plan promised.
//!
//! Every figure is defined once here or in the README's "Figures" table; the store
//! sums money as decimals and the ratios are computed here from those sums, never
//! from floats.

use crate::names::named_enum;
use crate::plan::{installment_status, InstallmentStatus, Terms};
use crate::Money;
use chrono::{Datelike, Days, Months, NaiveDate};
use rust_decimal::{Decimal, RoundingStrategy};

/// The longest period a daily trend covers (a year, leap day included).
pub const MAX_DAILY_DAYS: i64 = 366;
/// The longest period any report covers (ten years).
pub const MAX_PERIOD_DAYS: i64 = 3_660;

pub use crate::date::EARLIEST;

/// Business dates `from` to `to`, both included, in the agency's calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(try_from = "Dates")]
pub struct Period {
    from: NaiveDate,
    to: NaiveDate,
}

/// A period as written, checked by [`Period::new`] (with no limit on its length) when read.
#[derive(serde::Deserialize)]
struct Dates {
    from: NaiveDate,
    to: NaiveDate,
}

impl TryFrom<Dates> for Period {
    type Error = PeriodError;
    fn try_from(d: Dates) -> Result<Self, PeriodError> {
        Period::new(d.from, d.to, i64::MAX)
    }
}

/// Why dates do not make a period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PeriodError {
    /// `from` is after `to`.
    Reversed,
    /// Longer than the report allows (its limit in days).
    TooLong(i64),
    /// Before [`EARLIEST`].
    TooEarly,
}

impl std::fmt::Display for PeriodError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PeriodError::Reversed => f.write_str("must not be after `to`"),
            PeriodError::TooLong(days) => write!(f, "the period may cover at most {days} days"),
            PeriodError::TooEarly => write!(f, "must not be before {EARLIEST}"),
        }
    }
}

impl Period {
    /// The period, if `from` ≤ `to`, neither before [`EARLIEST`], and it covers at most
    /// `max_days` days.
    pub fn new(from: NaiveDate, to: NaiveDate, max_days: i64) -> Result<Self, PeriodError> {
        day(from)?;
        if from > to {
            return Err(PeriodError::Reversed);
        }
        let period = Period { from, to };
        if period.days() > max_days {
            return Err(PeriodError::TooLong(max_days));
        }
        Ok(period)
    }

    pub fn from(&self) -> NaiveDate {
        self.from
    }

    pub fn to(&self) -> NaiveDate {
        self.to
    }

    /// Days covered, both ends included.
    pub fn days(&self) -> i64 {
        (self.to - self.from).num_days() + 1
    }

    /// The period of equal length that ends the day before this one starts (what the
    /// dashboard compares with).
    pub fn previous(&self) -> Period {
        let to = self.from - Days::new(1);
        Period { from: to - Days::new(self.days() as u64 - 1), to }
    }
}

/// `date`, if a report may read it (not before [`EARLIEST`]).
pub fn day(date: NaiveDate) -> Result<NaiveDate, PeriodError> {
    if date < EARLIEST {
        return Err(PeriodError::TooEarly);
    }
    Ok(date)
}

named_enum!(
    /// The buckets a trend counts in: days, ISO weeks (from Monday), calendar months.
    Interval { Day => "day", Week => "week", Month => "month" }
);

impl Interval {
    /// The first day of the bucket holding `date`.
    pub fn start(self, date: NaiveDate) -> NaiveDate {
        match self {
            Interval::Day => date,
            Interval::Week => date - Days::new(u64::from(date.weekday().num_days_from_monday())),
            Interval::Month => date.with_day(1).unwrap_or(date),
        }
    }

    /// The first day of the bucket after the one starting `start`.
    fn next(self, start: NaiveDate) -> NaiveDate {
        match self {
            Interval::Day => start + Days::new(1),
            Interval::Week => start + Days::new(7),
            Interval::Month => start + Months::new(1),
        }
    }

    /// The starts of every bucket the period touches, in order (the first may start
    /// before the period: a week or month is counted whole only inside the period).
    pub fn buckets(self, period: Period) -> Vec<NaiveDate> {
        let mut starts = Vec::new();
        let mut start = self.start(period.from());
        while start <= period.to() {
            starts.push(start);
            start = self.next(start);
        }
        starts
    }

    /// How many days a trend in this interval may cover.
    pub fn max_days(self) -> i64 {
        match self {
            Interval::Day => MAX_DAILY_DAYS,
            Interval::Week | Interval::Month => MAX_PERIOD_DAYS,
        }
    }
}

/// `part ÷ whole` to four decimal places (0.1235 is 12.35 %), half away from zero;
/// none when the whole is zero.
pub fn ratio(part: Decimal, whole: Decimal) -> Option<Decimal> {
    if whole.is_zero() {
        return None;
    }
    let mut r = (part / whole).round_dp_with_strategy(4, RoundingStrategy::MidpointAwayFromZero);
    r.rescale(4);
    Some(r)
}

/// `total ÷ count` to one decimal place (days on average), half away from zero; none
/// for no count.
pub fn average(total: Decimal, count: i64) -> Option<Decimal> {
    if count == 0 {
        return None;
    }
    let mut a = (total / Decimal::from(count)).round_dp_with_strategy(1, RoundingStrategy::MidpointAwayFromZero);
    a.rescale(1);
    Some(a)
}

/// The recovery rate of a period: what was collected in it (net of refunds) over what
/// was collectible in it — that plus the balance still to recover at its end.
pub fn recovery_rate(collected: Decimal, to_recover_at_end: Decimal) -> Option<Decimal> {
    ratio(collected, collected + to_recover_at_end)
}

named_enum!(
    /// What became of an installment, as of a day.
    InstallmentOutcome {
        OnTime => "on_time",
        Late => "late",
        Missed => "missed",
        Open => "open",
    }
);

impl InstallmentOutcome {
    /// Paid in full within its grace days (`on_time`) or after them (`late`); not
    /// paid in full and past its grace days today (`missed`: the plan's
    /// [`installment_status`] is late or missed); otherwise still `open`. `paid_on` is
    /// the day of the payment that completed it.
    pub fn of(
        amount: Money,
        paid: Money,
        due_date: NaiveDate,
        paid_on: Option<NaiveDate>,
        today: NaiveDate,
        terms: Terms,
    ) -> InstallmentOutcome {
        let deadline = due_date + Days::new(u64::from(terms.grace_days));
        match (installment_status(amount, paid, due_date, today, terms), paid_on) {
            (InstallmentStatus::Paid, Some(day)) if day <= deadline => InstallmentOutcome::OnTime,
            (InstallmentStatus::Paid, _) => InstallmentOutcome::Late,
            (InstallmentStatus::Late | InstallmentStatus::Missed, _) => InstallmentOutcome::Missed,
            _ => InstallmentOutcome::Open,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Currency;

    fn date(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn a_period_is_ordered_bounded_and_has_a_previous_of_equal_length() {
        let march = Period::new(date("2026-03-01"), date("2026-03-31"), 366).unwrap();
        assert_eq!(march.days(), 31);
        let before = march.previous();
        assert_eq!((before.from(), before.to()), (date("2026-01-29"), date("2026-02-28")));
        assert_eq!(before.days(), 31);
        assert_eq!(Period::new(date("2026-03-02"), date("2026-03-01"), 366), Err(PeriodError::Reversed));
        assert!(Period::new(date("2024-01-01"), date("2024-12-31"), MAX_DAILY_DAYS).is_ok(), "a leap year");
        assert_eq!(Period::new(date("2024-01-01"), date("2025-01-01"), MAX_DAILY_DAYS), Err(PeriodError::TooLong(366)));
        assert_eq!(Period::new(date("2026-05-05"), date("2026-05-05"), 1).unwrap().days(), 1);
        assert_eq!(Period::new(date("1899-12-31"), date("1900-01-05"), 366), Err(PeriodError::TooEarly));
        assert_eq!(Period::new(date("1900-01-01"), date("1900-01-05"), 366).unwrap().days(), 5);
        assert_eq!(day(date("-5000-01-01")), Err(PeriodError::TooEarly));
    }

    #[test]
    fn buckets_start_on_mondays_and_firsts_and_cover_the_period() {
        let period = Period::new(date("2026-01-29"), date("2026-03-02"), 366).unwrap();
        assert_eq!(Interval::Day.buckets(period).len(), 33);
        assert_eq!(
            Interval::Week.buckets(period),
            ["2026-01-26", "2026-02-02", "2026-02-09", "2026-02-16", "2026-02-23", "2026-03-02"].map(date)
        );
        assert_eq!(Interval::Month.buckets(period), ["2026-01-01", "2026-02-01", "2026-03-01"].map(date));
        assert_eq!(Interval::Week.start(date("2026-03-08")), date("2026-03-02"), "a Sunday is in Monday's week");
    }

    #[test]
    fn ratios_round_to_four_places_and_need_a_whole() {
        assert_eq!(ratio(Decimal::ONE, Decimal::from(3)), Some(Decimal::new(3333, 4)));
        assert_eq!(ratio(Decimal::from(2), Decimal::from(3)), Some(Decimal::new(6667, 4)));
        assert_eq!(ratio(Decimal::ONE, Decimal::ZERO), None);
        assert_eq!(recovery_rate(Decimal::from(25), Decimal::from(75)), Some(Decimal::new(25, 2)));
        assert_eq!(recovery_rate(Decimal::ZERO, Decimal::ZERO), None);
        assert_eq!(ratio(Decimal::ZERO, Decimal::ONE).map(|r| r.to_string()).as_deref(), Some("0.0000"));
        assert_eq!(average(Decimal::from(25), 2).map(|a| a.to_string()).as_deref(), Some("12.5"));
        assert_eq!(average(Decimal::from(7), 3).map(|a| a.to_string()).as_deref(), Some("2.3"));
        assert_eq!(average(Decimal::ZERO, 0), None);
    }

    #[test]
    fn an_installment_is_on_time_late_missed_or_open() {
        let usd = |s: &str| Money::new(s.parse().unwrap(), Currency::parse("USD").unwrap()).unwrap();
        let terms = Terms { grace_days: 3, default_threshold_days: 30 };
        let due = date("2026-03-01");
        let of = |paid: &str, paid_on: Option<&str>, today: &str| {
            InstallmentOutcome::of(usd("50.00"), usd(paid), due, paid_on.map(date), date(today), terms)
        };
        assert_eq!(of("50.00", Some("2026-02-20"), "2026-03-10"), InstallmentOutcome::OnTime, "early");
        assert_eq!(of("50.00", Some("2026-03-04"), "2026-03-10"), InstallmentOutcome::OnTime, "last day of grace");
        assert_eq!(of("50.00", Some("2026-03-05"), "2026-03-10"), InstallmentOutcome::Late);
        assert_eq!(of("10.00", None, "2026-03-05"), InstallmentOutcome::Missed, "past grace, part paid");
        assert_eq!(of("0", None, "2026-04-15"), InstallmentOutcome::Missed, "past the default threshold");
        assert_eq!(of("0", None, "2026-03-04"), InstallmentOutcome::Open, "still in grace");
        assert_eq!(of("0", None, "2026-02-01"), InstallmentOutcome::Open, "not yet due");
    }
}
