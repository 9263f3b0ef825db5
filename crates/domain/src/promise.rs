//! Promises to pay: a debtor promises an amount by a date; a series is a few promises
//! made at once.
//!
//! ```text
//! pending ──paid in full within the window──→ kept
//!    │  └──unpaid when the grace days are over──→ broken
//!    └──cancel──→ cancelled
//! ```
//!
//! Kept, broken and cancelled are final.
//!
//! A new series ([`check_series`]) holds 1 to [`MAX_SERIES`] promises, each for a
//! positive amount, due from today to [`MAX_HORIZON_DAYS`] days ahead (further out, a
//! payment plan is the tool), their dates strictly ascending; together with what the
//! debtor already promised and is still pending they may not exceed the balance.
//!
//! A promise is kept when the debtor paid what they promised by its date, plus the
//! agency's grace days; a partial payment does not keep it. [`evaluate`] — what the
//! daily job runs, idempotent for a date — decides, as of a day:
//! - cancelled promises take no part; payments dated after `as_of` are ignored (a job
//!   replayed for an earlier date sees what it saw then), and so are payments for no
//!   positive amount (a payment counts net of what was refunded of it);
//! - payments, in date order, go to the promises in (due date, date made, input order)
//!   order: each to the earliest promise not yet fully paid whose window — the day it
//!   was made to its due date plus the grace days — holds the payment's date; what is
//!   left flows on to the next such promise (one payment made early keeps two
//!   promises), what is left after all of them is not a promise's business;
//! - kept and broken promises take their share too, so one payment never counts twice,
//!   but their verdict is [`Verdict::Unchanged`];
//! - a pending promise fully paid is kept on the day of the payment that completed
//!   it; one not fully paid once its window is over (`as_of` after its due date plus
//!   the grace days) is broken; any other stays pending.
//!
//! A promise for no positive amount (which [`check_series`] refuses) takes no part and
//! stays unchanged. Date arithmetic saturates at the end of the calendar: no input panics.

use crate::names::named_enum;
use chrono::{Days, NaiveDate};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

named_enum!(
    /// Where a promise to pay is in its life: pending until kept, broken or cancelled.
    PromiseStatus as "promise_status" {
        Pending => "pending",
        Kept => "kept",
        Broken => "broken",
        Cancelled => "cancelled",
    }
);

impl PromiseStatus {
    /// Kept, broken or cancelled: it never changes again.
    pub fn is_final(self) -> bool {
        self != PromiseStatus::Pending
    }

    /// Only a pending promise may be cancelled.
    pub fn can_cancel(self) -> bool {
        self == PromiseStatus::Pending
    }
}

/// The most promises made at once (a series).
pub const MAX_SERIES: usize = 6;

/// The last due date of a series is at most this many days after today; beyond that a
/// payment plan is the tool.
pub const MAX_HORIZON_DAYS: i64 = 90;

/// A promise about to be made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewPromise {
    pub amount: Decimal,
    pub due_on: NaiveDate,
}

/// Why a series of promises is refused: the request field at fault (`items`,
/// `items[1].due_on`…, indices from 0) and why — a 422 naming the field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct SeriesError {
    pub field: String,
    pub message: String,
}

fn refuse(field: impl Into<String>, message: impl Into<String>) -> Result<(), SeriesError> {
    Err(SeriesError { field: field.into(), message: message.into() })
}

/// Checks a new series against the rules of the [module](self): its size, each
/// amount and due date, their order, and its sum plus `pending_total` (what the
/// debtor already promised and is still pending) against `balance`. The first
/// rule broken, items in order.
pub fn check_series(
    items: &[NewPromise],
    pending_total: Decimal,
    balance: Decimal,
    today: NaiveDate,
) -> Result<(), SeriesError> {
    if !(1..=MAX_SERIES).contains(&items.len()) {
        return refuse("items", format!("must hold 1 to {MAX_SERIES} promises"));
    }
    let horizon = today.checked_add_days(Days::new(MAX_HORIZON_DAYS as u64)).unwrap_or(NaiveDate::MAX);
    for (i, item) in items.iter().enumerate() {
        if item.amount <= Decimal::ZERO {
            return refuse(format!("items[{i}].amount"), "must be greater than zero");
        }
        let due_on = format!("items[{i}].due_on");
        if item.due_on < today {
            return refuse(due_on, format!("must not be before today ({today})"));
        }
        if item.due_on > horizon {
            return refuse(
                due_on,
                format!(
                    "must be at most {MAX_HORIZON_DAYS} days from today (by {horizon}); beyond, make a payment plan"
                ),
            );
        }
        if i > 0 && item.due_on <= items[i - 1].due_on {
            return refuse(due_on, "must be after the previous promise's date");
        }
    }
    let total = items.iter().try_fold(pending_total, |sum, item| sum.checked_add(item.amount));
    match total {
        Some(total) if total <= balance => Ok(()),
        Some(total) if pending_total.is_zero() => {
            refuse("items", format!("the promises ({total}) exceed the balance {balance}"))
        }
        Some(total) => {
            refuse("items", format!("the promises ({total} with those pending) exceed the balance {balance}"))
        }
        None => refuse("items", format!("the promises exceed the balance {balance}")),
    }
}

/// A promise already made, as the daily job reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Promise {
    pub amount: Decimal,
    pub due_on: NaiveDate,
    pub made_on: NaiveDate,
    pub status: PromiseStatus,
}

/// A completed payment on the account, net of what was refunded of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Paid {
    pub on: NaiveDate,
    pub amount: Decimal,
}

/// What [`evaluate`] decides for one promise.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Still pending: not fully paid, its window not over.
    Pending,
    /// Fully paid; `on` is the day of the payment that completed it.
    Kept { on: NaiveDate },
    /// Not fully paid when its window ended.
    Broken,
    /// Not pending (kept, broken or cancelled) or for no positive amount: left as it is.
    Unchanged,
}

impl Verdict {
    /// The status the promise moves to, if it moves from pending.
    pub fn status(self) -> Option<PromiseStatus> {
        match self {
            Verdict::Kept { .. } => Some(PromiseStatus::Kept),
            Verdict::Broken => Some(PromiseStatus::Broken),
            Verdict::Pending | Verdict::Unchanged => None,
        }
    }
}

impl Promise {
    /// The last day a payment counts for it: its due date plus the grace days.
    fn deadline(&self, grace_days: u32) -> NaiveDate {
        self.due_on.checked_add_days(Days::new(u64::from(grace_days))).unwrap_or(NaiveDate::MAX)
    }

    /// Takes part in the allocation: not cancelled, for a positive amount.
    fn takes_part(&self) -> bool {
        self.status != PromiseStatus::Cancelled && self.amount > Decimal::ZERO
    }
}

/// What the payments gave one promise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
struct Share {
    /// Allocated to it, at most its amount.
    covered: Decimal,
    /// The day of the payment that completed it, once fully paid.
    completed_on: Option<NaiveDate>,
}

/// Allocates the payments to the promises by the rules of the [module](self); one
/// share per promise, in the promises' order.
fn allocate(promises: &[Promise], payments: &[Paid], grace_days: u32, as_of: NaiveDate) -> Vec<Share> {
    let mut shares = vec![Share::default(); promises.len()];
    let mut order: Vec<usize> = (0..promises.len()).filter(|&i| promises[i].takes_part()).collect();
    order.sort_by_key(|&i| (promises[i].due_on, promises[i].made_on, i));
    let mut paid: Vec<&Paid> = payments.iter().filter(|p| p.on <= as_of && p.amount > Decimal::ZERO).collect();
    paid.sort_by_key(|p| p.on);
    for payment in paid {
        let mut left = payment.amount;
        for &i in &order {
            if left.is_zero() {
                break;
            }
            let promise = &promises[i];
            let share = &mut shares[i];
            let owed = promise.amount - share.covered;
            if owed.is_zero() || payment.on < promise.made_on || payment.on > promise.deadline(grace_days) {
                continue;
            }
            let taken = owed.min(left);
            share.covered += taken;
            left -= taken;
            if share.covered == promise.amount {
                share.completed_on = Some(payment.on);
            }
        }
    }
    shares
}

/// The verdict on each promise as of `as_of`, in the promises' order, by the rules of
/// the [module](self). The same inputs always give the same verdicts.
pub fn evaluate(promises: &[Promise], payments: &[Paid], grace_days: u32, as_of: NaiveDate) -> Vec<Verdict> {
    let shares = allocate(promises, payments, grace_days, as_of);
    promises
        .iter()
        .zip(shares)
        .map(|(promise, share)| {
            if promise.status != PromiseStatus::Pending || !promise.takes_part() {
                return Verdict::Unchanged;
            }
            match share.completed_on {
                Some(on) => Verdict::Kept { on },
                None if as_of > promise.deadline(grace_days) => Verdict::Broken,
                None => Verdict::Pending,
            }
        })
        .collect()
}

/// The share of promises kept among those decided: `kept ÷ (kept + broken)` to four
/// places ([`ratio`](crate::analytics::ratio)); none when none was decided. Pending and
/// cancelled promises do not count.
pub fn kept_rate(kept: u64, broken: u64) -> Option<Decimal> {
    crate::analytics::ratio(Decimal::from(kept), Decimal::from(kept) + Decimal::from(broken))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn date(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn dec(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    fn today() -> NaiveDate {
        date("2026-03-01")
    }

    fn days(n: i64) -> NaiveDate {
        today() + chrono::TimeDelta::days(n)
    }

    fn new(amount: &str, due_in: i64) -> NewPromise {
        NewPromise { amount: dec(amount), due_on: days(due_in) }
    }

    fn field(items: &[NewPromise], pending: &str, balance: &str) -> Option<String> {
        check_series(items, dec(pending), dec(balance), today()).err().map(|e| e.field)
    }

    #[test]
    fn statuses_pending_is_the_only_open_one() {
        let open: Vec<_> = PromiseStatus::ALL.iter().copied().filter(|s| !s.is_final()).collect();
        assert_eq!(open, [PromiseStatus::Pending]);
        let cancellable: Vec<_> = PromiseStatus::ALL.iter().copied().filter(|s| s.can_cancel()).collect();
        assert_eq!(cancellable, [PromiseStatus::Pending]);
        assert_eq!("broken".parse(), Ok(PromiseStatus::Broken));
        assert_eq!(serde_json::to_string(&PromiseStatus::Cancelled).unwrap(), "\"cancelled\"");
    }

    #[test]
    fn a_series_holds_one_to_six_promises() {
        let six: Vec<_> = (0..6).map(|i| new("10", i)).collect();
        assert_eq!(field(&six, "0", "1000"), None);
        let seven: Vec<_> = (0..7).map(|i| new("10", i)).collect();
        assert_eq!(field(&seven, "0", "1000").as_deref(), Some("items"));
        assert_eq!(field(&[], "0", "1000").as_deref(), Some("items"));
    }

    #[test]
    fn amounts_are_positive() {
        assert_eq!(field(&[new("10", 1), new("0", 2)], "0", "100").as_deref(), Some("items[1].amount"));
        assert_eq!(field(&[new("-1", 1)], "0", "100").as_deref(), Some("items[0].amount"));
        assert_eq!(field(&[new("0.01", 1)], "0", "100"), None);
    }

    #[test]
    fn due_dates_run_from_today_to_ninety_days_ahead() {
        assert_eq!(field(&[new("10", 0)], "0", "100"), None, "today");
        assert_eq!(field(&[new("10", -1)], "0", "100").as_deref(), Some("items[0].due_on"), "yesterday");
        assert_eq!(field(&[new("10", 90)], "0", "100"), None, "today + 90");
        assert_eq!(field(&[new("10", 1), new("10", 91)], "0", "100").as_deref(), Some("items[1].due_on"));
        let err = check_series(&[new("10", 91)], Decimal::ZERO, dec("100"), today()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "items[0].due_on: must be at most 90 days from today (by 2026-05-30); beyond, make a payment plan"
        );
        assert!(check_series(
            &[NewPromise { amount: Decimal::ONE, due_on: NaiveDate::MAX }],
            Decimal::ZERO,
            dec("9"),
            NaiveDate::MAX
        )
        .is_ok());
    }

    #[test]
    fn due_dates_strictly_ascend() {
        let err = check_series(&[new("10", 5), new("10", 5)], Decimal::ZERO, dec("100"), today()).unwrap_err();
        assert_eq!(err.field, "items[1].due_on");
        assert_eq!(err.message, "must be after the previous promise's date");
        assert_eq!(field(&[new("10", 5), new("10", 6), new("10", 4)], "0", "100").as_deref(), Some("items[2].due_on"));
        assert_eq!(field(&[new("10", 5), new("10", 6)], "0", "100"), None);
    }

    #[test]
    fn the_series_and_those_pending_stay_within_the_balance() {
        assert_eq!(field(&[new("30", 1), new("20.50", 2)], "49.50", "100.00"), None, "equal to the balance");
        let err = check_series(&[new("30", 1), new("20.51", 2)], dec("49.50"), dec("100.00"), today()).unwrap_err();
        assert_eq!(err.field, "items");
        assert_eq!(err.message, "the promises (100.01 with those pending) exceed the balance 100.00");
        let err = check_series(&[new("100.01", 1)], Decimal::ZERO, dec("100.00"), today()).unwrap_err();
        assert_eq!(err.to_string(), "items: the promises (100.01) exceed the balance 100.00");
        let huge = NewPromise { amount: Decimal::MAX, due_on: days(1) };
        let next = NewPromise { amount: Decimal::MAX, due_on: days(2) };
        assert_eq!(field(&[huge, next], "0", "100").as_deref(), Some("items"), "no overflow");
    }

    fn promise(amount: &str, made_on: &str, due_on: &str) -> Promise {
        Promise { amount: dec(amount), due_on: date(due_on), made_on: date(made_on), status: PromiseStatus::Pending }
    }

    fn paid(on: &str, amount: &str) -> Paid {
        Paid { on: date(on), amount: dec(amount) }
    }

    const GRACE: u32 = 3;

    fn verdicts(promises: &[Promise], payments: &[Paid], as_of: &str) -> Vec<Verdict> {
        evaluate(promises, payments, GRACE, date(as_of))
    }

    fn kept(on: &str) -> Verdict {
        Verdict::Kept { on: date(on) }
    }

    #[test]
    fn kept_on_the_due_date_and_on_the_last_grace_day() {
        let p = [promise("50", "2026-03-01", "2026-03-10")];
        assert_eq!(verdicts(&p, &[paid("2026-03-10", "50")], "2026-03-10"), [kept("2026-03-10")]);
        assert_eq!(verdicts(&p, &[paid("2026-03-13", "50")], "2026-03-20"), [kept("2026-03-13")]);
        assert_eq!(verdicts(&p, &[paid("2026-03-01", "60")], "2026-03-01"), [kept("2026-03-01")], "made-on day, more");
    }

    #[test]
    fn broken_the_day_after_grace_ends_and_pending_until_then() {
        let p = [promise("50", "2026-03-01", "2026-03-10")];
        assert_eq!(verdicts(&p, &[], "2026-03-13"), [Verdict::Pending], "last grace day");
        assert_eq!(verdicts(&p, &[], "2026-03-14"), [Verdict::Broken]);
        assert_eq!(verdicts(&p, &[paid("2026-03-14", "50")], "2026-03-14"), [Verdict::Broken], "paid too late");
        assert_eq!(evaluate(&p, &[], 0, date("2026-03-11")), [Verdict::Broken], "no grace");
    }

    #[test]
    fn a_partial_payment_does_not_keep_a_promise() {
        let p = [promise("50", "2026-03-01", "2026-03-10")];
        let part = [paid("2026-03-05", "30"), paid("2026-03-09", "19.99")];
        assert_eq!(verdicts(&p, &part, "2026-03-13"), [Verdict::Pending]);
        assert_eq!(verdicts(&p, &part, "2026-03-14"), [Verdict::Broken]);
        let rest = [part[0], part[1], paid("2026-03-12", "0.01")];
        assert_eq!(verdicts(&p, &rest, "2026-03-14"), [kept("2026-03-12")], "the payment completing it dates it");
    }

    #[test]
    fn a_payment_before_the_promise_was_made_does_not_count() {
        let p = [promise("50", "2026-03-05", "2026-03-10")];
        assert_eq!(verdicts(&p, &[paid("2026-03-04", "50")], "2026-03-14"), [Verdict::Broken]);
    }

    #[test]
    fn one_payment_keeps_two_promises_on_its_date() {
        let p = [promise("30", "2026-03-01", "2026-03-20"), promise("20", "2026-03-01", "2026-03-10")];
        assert_eq!(verdicts(&p, &[paid("2026-03-05", "50")], "2026-03-05"), [kept("2026-03-05"), kept("2026-03-05")]);
        let short = verdicts(&p, &[paid("2026-03-05", "40")], "2026-03-05");
        assert_eq!(short, [Verdict::Pending, kept("2026-03-05")], "the earlier due date first");
    }

    #[test]
    fn a_payment_after_the_first_window_goes_to_the_second() {
        let p = [promise("50", "2026-03-01", "2026-03-10"), promise("50", "2026-03-01", "2026-03-20")];
        assert_eq!(verdicts(&p, &[paid("2026-03-14", "50")], "2026-03-14"), [Verdict::Broken, kept("2026-03-14")]);
    }

    #[test]
    fn a_kept_promise_keeps_its_money() {
        let mut p = [promise("50", "2026-03-01", "2026-03-10"), promise("50", "2026-03-01", "2026-03-20")];
        p[0].status = PromiseStatus::Kept;
        let pay = [paid("2026-03-05", "50")];
        assert_eq!(verdicts(&p, &pay, "2026-03-05"), [Verdict::Unchanged, Verdict::Pending]);
        p[0].status = PromiseStatus::Broken;
        assert_eq!(verdicts(&p, &pay, "2026-03-05"), [Verdict::Unchanged, Verdict::Pending]);
        p[0].status = PromiseStatus::Cancelled;
        assert_eq!(verdicts(&p, &pay, "2026-03-05"), [Verdict::Unchanged, kept("2026-03-05")], "cancelled ignored");
    }

    #[test]
    fn payments_after_as_of_and_for_nothing_are_ignored() {
        let p = [promise("50", "2026-03-01", "2026-03-10")];
        let later = [paid("2026-03-06", "50")];
        assert_eq!(verdicts(&p, &later, "2026-03-05"), [Verdict::Pending]);
        assert_eq!(verdicts(&p, &later, "2026-03-06"), [kept("2026-03-06")]);
        let refunded = [paid("2026-03-02", "0"), paid("2026-03-03", "-50"), paid("2026-03-04", "50")];
        assert_eq!(verdicts(&p, &refunded, "2026-03-14"), [kept("2026-03-04")]);
        let nothing = [promise("0", "2026-03-01", "2026-03-10")];
        assert_eq!(verdicts(&nothing, &[], "2026-04-01"), [Verdict::Unchanged]);
    }

    #[test]
    fn replaying_a_day_changes_nothing() {
        let mut p = [
            promise("50", "2026-03-01", "2026-03-10"),
            promise("50", "2026-03-01", "2026-03-20"),
            promise("50", "2026-03-01", "2026-03-30"),
        ];
        let pay = [paid("2026-03-08", "70"), paid("2026-03-24", "30")];
        let first = verdicts(&p, &pay, "2026-03-25");
        assert_eq!(first, [kept("2026-03-08"), Verdict::Broken, Verdict::Pending]);
        assert_eq!(verdicts(&p, &pay, "2026-03-25"), first);
        for (promise, verdict) in p.iter_mut().zip(&first) {
            promise.status = verdict.status().unwrap_or(promise.status);
        }
        assert_eq!(verdicts(&p, &pay, "2026-03-25"), [Verdict::Unchanged, Verdict::Unchanged, Verdict::Pending]);
        assert_eq!(verdicts(&p, &pay, "2026-04-03"), [Verdict::Unchanged, Verdict::Unchanged, Verdict::Broken]);
    }

    #[test]
    fn the_end_of_the_calendar_does_not_panic() {
        let p = [Promise {
            amount: Decimal::ONE,
            due_on: NaiveDate::MAX,
            made_on: NaiveDate::MIN,
            status: PromiseStatus::Pending,
        }];
        assert_eq!(evaluate(&p, &[], u32::MAX, NaiveDate::MAX), [Verdict::Pending]);
        let pay = [Paid { on: NaiveDate::MAX, amount: Decimal::MAX }];
        assert_eq!(evaluate(&p, &pay, u32::MAX, NaiveDate::MAX), [Verdict::Kept { on: NaiveDate::MAX }]);
        let late = [Promise { made_on: NaiveDate::MAX, due_on: NaiveDate::MIN, ..p[0] }];
        assert_eq!(evaluate(&late, &pay, 0, NaiveDate::MAX), [Verdict::Broken], "an empty window");
    }

    #[test]
    fn kept_rate_counts_kept_among_decided() {
        assert_eq!(kept_rate(3, 1), Some(dec("0.75")));
        assert_eq!(kept_rate(3, 1).map(|r| r.to_string()).as_deref(), Some("0.7500"));
        assert_eq!(kept_rate(0, 2), Some(Decimal::ZERO));
        assert_eq!(kept_rate(0, 0), None);
        assert_eq!(kept_rate(u64::MAX, u64::MAX), Some(dec("0.5")));
    }

    /// Promises made on days 0..20 of March 2026, due 0..30 days later, for 1 to 100
    /// dollars, in any status.
    fn promises() -> impl Strategy<Value = Vec<Promise>> {
        let status = prop::sample::select(PromiseStatus::ALL.to_vec());
        let one = (0i64..20, 0i64..30, 1i64..=10_000, status).prop_map(|(made, due_in, cents, status)| Promise {
            amount: Decimal::new(cents, 2),
            made_on: days(made),
            due_on: days(made + due_in),
            status,
        });
        prop::collection::vec(one, 0..8)
    }

    fn payments() -> impl Strategy<Value = Vec<Paid>> {
        let one = (-5i64..60, -1_000i64..=15_000)
            .prop_map(|(day, cents)| Paid { on: days(day), amount: Decimal::new(cents, 2) });
        prop::collection::vec(one, 0..8)
    }

    proptest! {
        #[test]
        fn payments_are_allocated_once_and_verdicts_are_sound(
            promises in promises(),
            payments in payments(),
            extra in payments(),
            grace in 0u32..10,
            as_of in -5i64..70,
        ) {
            let as_of = days(as_of);
            let shares = allocate(&promises, &payments, grace, as_of);
            let allocated: Decimal = shares.iter().map(|s| s.covered).sum();
            let received: Decimal = payments.iter().filter(|p| p.on <= as_of && p.amount > Decimal::ZERO).map(|p| p.amount).sum();
            prop_assert!(allocated <= received, "{} allocated from {}", allocated, received);
            for (share, promise) in shares.iter().zip(&promises) {
                prop_assert!(share.covered >= Decimal::ZERO && share.covered <= promise.amount);
                if promise.status == PromiseStatus::Cancelled {
                    prop_assert_eq!(share.covered, Decimal::ZERO);
                }
            }

            let verdicts = evaluate(&promises, &payments, grace, as_of);
            prop_assert_eq!(verdicts.len(), promises.len());
            prop_assert_eq!(&evaluate(&promises, &payments, grace, as_of), &verdicts, "deterministic");
            for (verdict, promise) in verdicts.iter().zip(&promises) {
                if promise.status != PromiseStatus::Pending {
                    prop_assert_eq!(*verdict, Verdict::Unchanged);
                }
                if let Verdict::Kept { on } = *verdict {
                    prop_assert!(on <= as_of.min(promise.deadline(grace)) && on >= promise.made_on);
                }
            }

            let more: Vec<Paid> = payments.iter().chain(&extra).copied().collect();
            let after = evaluate(&promises, &more, grace, as_of);
            for (before, after) in verdicts.iter().zip(&after) {
                if matches!(before, Verdict::Kept { .. }) {
                    prop_assert!(matches!(after, Verdict::Kept { .. }), "{:?} became {:?}", before, after);
                }
            }
        }
    }
}
