//! Days past due and aging buckets: computed, never typed in.
//!
//! Days past due count whole calendar days from the delinquency date (the first
//! missed payment) to the as-of date, both business dates in the agency's time zone;
//! never negative; and days the account spent disputed or in a delinquency pause do
//! not count. So they are counted from the account's *aging anchor*, the delinquency
//! date moved forward by those days, which the dpd_aging job keeps (a set-based SQL
//! statement in crates/api/src/store/aging.rs; its bucket is the SQL function
//! `aging_bucket`, which a test holds equal to [`Bucket::of`]). Buckets: 0-30, 31-60,
//! 61-90, 90+ (91 days and more).

use serde::{Deserialize, Serialize};
use std::fmt;

/// Days past due on `as_of` of an account aging from `delinquency_date` (its aging
/// anchor).
pub fn days_past_due(delinquency_date: chrono::NaiveDate, as_of: chrono::NaiveDate) -> u32 {
    u32::try_from((as_of - delinquency_date).num_days()).unwrap_or(0)
}

/// A delinquency date (the first missed payment) a new account may have: not after the
/// agency's `today`, as an account cannot be late before it was due.
pub fn check_delinquency_date(
    delinquency_date: chrono::NaiveDate,
    today: chrono::NaiveDate,
) -> Result<(), &'static str> {
    if delinquency_date > today {
        Err("must not be in the future")
    } else {
        Ok(())
    }
}

/// An aging bucket.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Bucket {
    #[serde(rename = "0-30")]
    Current,
    #[serde(rename = "31-60")]
    Days31To60,
    #[serde(rename = "61-90")]
    Days61To90,
    #[serde(rename = "90+")]
    Over90,
}

impl Bucket {
    pub const ALL: [Bucket; 4] = [Bucket::Current, Bucket::Days31To60, Bucket::Days61To90, Bucket::Over90];

    pub fn of(days_past_due: u32) -> Bucket {
        match days_past_due {
            0..=30 => Bucket::Current,
            31..=60 => Bucket::Days31To60,
            61..=90 => Bucket::Days61To90,
            _ => Bucket::Over90,
        }
    }

    /// The days past due the bucket holds: `(first, last)`, `last` open for 90+.
    pub fn days(self) -> (u32, Option<u32>) {
        match self {
            Bucket::Current => (0, Some(30)),
            Bucket::Days31To60 => (31, Some(60)),
            Bucket::Days61To90 => (61, Some(90)),
            Bucket::Over90 => (91, None),
        }
    }

    /// The aging anchors an account in this bucket has on `today`: `(earliest,
    /// latest)`, the earliest open for 90+ (a worklist filter by bucket is a range of
    /// anchors, which an index serves).
    pub fn anchors(self, today: chrono::NaiveDate) -> (Option<chrono::NaiveDate>, Option<chrono::NaiveDate>) {
        let (first, last) = self.days();
        let latest = today.checked_sub_days(chrono::Days::new(u64::from(first)));
        let earliest = last.and_then(|last| today.checked_sub_days(chrono::Days::new(u64::from(last))));
        (earliest, latest)
    }

    /// The wire and database name (`31-60`).
    pub fn as_str(self) -> &'static str {
        match self {
            Bucket::Current => "0-30",
            Bucket::Days31To60 => "31-60",
            Bucket::Days61To90 => "61-90",
            Bucket::Over90 => "90+",
        }
    }
}

impl fmt::Display for Bucket {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Bucket {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Bucket::ALL.into_iter().find(|b| b.as_str() == s).ok_or_else(|| format!("unknown bucket `{s}`"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn date(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn buckets_change_at_31_61_and_91_days() {
        let cases =
            [(0, "0-30"), (30, "0-30"), (31, "31-60"), (60, "31-60"), (61, "61-90"), (90, "61-90"), (91, "90+")];
        for (days, bucket) in cases {
            assert_eq!(Bucket::of(days).as_str(), bucket, "{days} days");
            assert_eq!(bucket.parse::<Bucket>(), Ok(Bucket::of(days)));
        }
    }

    #[test]
    fn each_bucket_holds_exactly_the_days_that_fall_in_it() {
        for dpd in 0..400 {
            let (first, last) = Bucket::of(dpd).days();
            assert!(dpd >= first && last.is_none_or(|last| dpd <= last), "{dpd}");
        }
    }

    #[test]
    fn an_anchor_is_in_a_bucket_exactly_when_its_days_past_due_are() {
        let today = date("2026-11-23");
        for bucket in Bucket::ALL {
            let (earliest, latest) = bucket.anchors(today);
            for days in 0..400 {
                let anchor = today - chrono::Days::new(days);
                let within = earliest.is_none_or(|e| anchor >= e) && latest.is_none_or(|l| anchor <= l);
                assert_eq!(within, Bucket::of(days_past_due(anchor, today)) == bucket, "{bucket}, {days} days");
            }
        }
    }

    #[test]
    fn days_past_due_count_calendar_days_and_never_go_negative() {
        assert_eq!(days_past_due(date("2026-01-31"), date("2026-03-02")), 30);
        assert_eq!(days_past_due(date("2024-02-28"), date("2024-03-01")), 2, "leap year");
        assert_eq!(days_past_due(date("2026-05-01"), date("2026-04-01")), 0, "not yet delinquent");
    }

    #[test]
    fn delinquency_dates_are_not_in_the_future() {
        let today = chrono::NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
        assert!(check_delinquency_date(today, today).is_ok());
        assert!(check_delinquency_date(today.succ_opt().unwrap(), today).is_err());
    }

    #[test]
    fn buckets_become_delinquency_date_ranges() {
        let today: NaiveDate = "2026-06-30".parse().unwrap();
        let d = |s: &str| Some(s.parse::<NaiveDate>().unwrap());
        assert_eq!(Bucket::Current.anchors(today), (d("2026-05-31"), d("2026-06-30")));
        assert_eq!(Bucket::Days31To60.anchors(today), (d("2026-05-01"), d("2026-05-30")));
        assert_eq!(Bucket::Over90.anchors(today), (None, d("2026-03-31")));
        for (bucket, (from, to)) in Bucket::ALL.map(|b| (b, b.anchors(today))) {
            for date in [from, to].into_iter().flatten() {
                let dpd = days_past_due(date, today);
                assert_eq!(Bucket::of(dpd), bucket, "{date}");
            }
        }
    }
}
