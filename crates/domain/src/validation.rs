//! The validation notice of US Regulation F (12 CFR 1006.34): what the debtor is told
//! the debt is, itemised, and until when they may dispute it.
//!
//! - **The validation period** ends 30 days after the debtor receives the notice
//!   (§ 1006.34(b)(5)); a collector may assume receipt on any date up to five days —
//!   excluding legal public holidays, Saturdays and Sundays — after sending it. So
//!   [`period_end`] is the send date, plus five such days ([`assumed_received`]), plus
//!   30 calendar days. The holidays are the eleven US federal ones (5 U.S.C. 6103), with
//!   their observed days when they fall on a weekend.
//! - **The itemisation** (§ 1006.34(c)(2)(vi)–(viii)): what was owed on the itemisation
//!   date, the interest and fees charged since, what was paid or credited since, and what
//!   is owed now — [`Itemization::new`] derives the credits, so the four figures always
//!   add up.
//! - A dispute received within the period pauses collection until the debt is verified
//!   (§ 1006.34(c)(3)); the API blocks contact with the debtor meanwhile.

use chrono::{Datelike, Days, NaiveDate, Weekday};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// Business days after sending by which the notice is assumed received.
pub const RECEIPT_BUSINESS_DAYS: u32 = 5;
/// Days after receipt the debtor has to dispute.
pub const VALIDATION_DAYS: u64 = 30;

/// The debt as the notice itemises it; all amounts in the account's currency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Itemization {
    /// The itemisation date: the reference date the amounts run from.
    pub date: NaiveDate,
    /// Owed on the itemisation date.
    pub owed_then: Decimal,
    /// Interest charged since.
    pub interest: Decimal,
    /// Fees charged since (net of those waived).
    pub fees: Decimal,
    /// Paid or credited since: `owed_then + interest + fees − owed_now`.
    pub credits: Decimal,
    pub owed_now: Decimal,
}

impl Itemization {
    /// The itemisation from what was owed then, the charges since and what is owed now;
    /// the payments and credits are what makes the figures add up.
    pub fn new(date: NaiveDate, owed_then: Decimal, interest: Decimal, fees: Decimal, owed_now: Decimal) -> Self {
        let credits = owed_then + interest + fees - owed_now;
        Itemization { date, owed_then, interest, fees, credits, owed_now }
    }
}

/// Whether the debtor is assumed to have the notice sent on `sent_on`: five days after
/// it, not counting Saturdays, Sundays and federal holidays.
pub fn assumed_received(sent_on: NaiveDate) -> NaiveDate {
    let mut day = sent_on;
    let mut counted = 0;
    while counted < RECEIPT_BUSINESS_DAYS {
        day = day.succ_opt().unwrap_or(NaiveDate::MAX);
        if day == NaiveDate::MAX {
            return day;
        }
        if is_business_day(day) {
            counted += 1;
        }
    }
    day
}

/// The last day the debtor may dispute a notice sent on `sent_on`.
pub fn period_end(sent_on: NaiveDate) -> NaiveDate {
    assumed_received(sent_on).checked_add_days(Days::new(VALIDATION_DAYS)).unwrap_or(NaiveDate::MAX)
}

/// Not a Saturday, a Sunday or a federal holiday (as observed).
pub fn is_business_day(day: NaiveDate) -> bool {
    !matches!(day.weekday(), Weekday::Sat | Weekday::Sun) && !is_federal_holiday(day)
}

/// A US federal holiday, or the weekday it is observed on when it falls on a weekend
/// (Saturday's on the Friday before, Sunday's on the Monday after).
pub fn is_federal_holiday(day: NaiveDate) -> bool {
    let year = day.year();
    // The next year's New Year's Day may be observed on this year's 31 December.
    [year, year + 1].into_iter().flat_map(holidays).any(|h| observed(h) == day)
}

fn observed(holiday: NaiveDate) -> NaiveDate {
    match holiday.weekday() {
        Weekday::Sat => holiday.pred_opt().unwrap_or(holiday),
        Weekday::Sun => holiday.succ_opt().unwrap_or(holiday),
        _ => holiday,
    }
}

/// The year's eleven federal holidays, on their actual dates (5 U.S.C. 6103(a)).
fn holidays(year: i32) -> Vec<NaiveDate> {
    let fixed = |m, d| NaiveDate::from_ymd_opt(year, m, d);
    let nth = |m, weekday, n| NaiveDate::from_weekday_of_month_opt(year, m, weekday, n);
    let last_monday_of_may = (1..=5).rev().find_map(|n| nth(5, Weekday::Mon, n));
    [
        fixed(1, 1),
        nth(1, Weekday::Mon, 3),
        nth(2, Weekday::Mon, 3),
        last_monday_of_may,
        fixed(6, 19),
        fixed(7, 4),
        nth(9, Weekday::Mon, 1),
        nth(10, Weekday::Mon, 2),
        fixed(11, 11),
        nth(11, Weekday::Thu, 4),
        fixed(12, 25),
    ]
    .into_iter()
    .flatten()
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn the_federal_holidays_of_2026_as_observed() {
        let observed: Vec<NaiveDate> =
            (0..365).map(|i| d("2026-01-01") + Days::new(i)).filter(|day| is_federal_holiday(*day)).collect();
        let expected = [
            "2026-01-01",
            "2026-01-19",
            "2026-02-16",
            "2026-05-25",
            "2026-06-19",
            "2026-07-03",
            "2026-09-07",
            "2026-10-12",
            "2026-11-11",
            "2026-11-26",
            "2026-12-25",
        ];
        assert_eq!(observed, expected.map(d), "4 July 2026 is a Saturday: observed on Friday the 3rd");
        assert!(is_federal_holiday(d("2027-12-31")), "New Year's Day 2028 is a Saturday");
        assert!(is_federal_holiday(d("2023-01-02")), "New Year's Day 2023 was a Sunday");
        assert!(is_federal_holiday(d("2021-05-31")), "the last Monday of a May with five");
    }

    #[test]
    fn the_period_ends_thirty_days_after_five_business_days() {
        // Monday 2 Nov 2026: received Monday 9th, period to 9 December.
        assert_eq!(assumed_received(d("2026-11-02")), d("2026-11-09"));
        assert_eq!(period_end(d("2026-11-02")), d("2026-12-09"));
        // Sent Monday 23 Nov: Thanksgiving (26th) and the weekend do not count.
        assert_eq!(assumed_received(d("2026-11-23")), d("2026-12-01"));
        // Sent on a Friday: Mon–Fri of the next week.
        assert_eq!(assumed_received(d("2026-12-04")), d("2026-12-11"));
        // Around Christmas and New Year's Day.
        assert_eq!(assumed_received(d("2026-12-21")), d("2026-12-29"));
        assert_eq!(period_end(d("2026-12-21")), d("2027-01-28"));
        assert_eq!(period_end(NaiveDate::MAX), NaiveDate::MAX, "no panic at the end of time");
    }

    #[test]
    fn the_itemization_adds_up() {
        let i = Itemization::new(
            d("2026-01-15"),
            Decimal::new(125050, 2),
            Decimal::ZERO,
            Decimal::new(2500, 2),
            Decimal::new(117550, 2),
        );
        assert_eq!(i.credits, Decimal::new(10000, 2));
        assert_eq!(i.owed_then + i.interest + i.fees - i.credits, i.owed_now);
    }
}
