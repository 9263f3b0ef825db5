//! Payments: how one is taken in, which debts it pays, what it earns the collector,
//! and how a refund undoes it.
//!
//! - [`status`]: the lifecycle table.
//! - [`intake`]: the status a new payment starts in (or why it is refused). Cash,
//!   checks and bank transfers are money in hand (`completed`); a card waits for its
//!   processor (`pending`); a payment dated more than the agency's approval window back
//!   waits for a manager (`pending_approval`) and posts nothing until approved. Money
//!   for an account that is not worked (not yet assigned, settled, closed) is never
//!   refused: in hand, it is `unapplied` ([`intake_unworked`], [`placement`]).
//! - [`allocate`]: which parts of the balance a payment pays, principal first or fees
//!   first (the agency's [`AllocationOrder`]); fees oldest first.
//! - [`unwind`]: a refund gives back the last-allocated parts first.
//! - [`commission`] and [`commission_reversal`]: the collector's share, reversed pro
//!   rata by refunds so that a full refund reverses it to the cent.

use crate::money::{Money, MoneyError};
use crate::names::named_enum;
use chrono::NaiveDate;
use rust_decimal::Decimal;

pub mod metadata;
pub mod status;
pub use metadata::Metadata;
pub use status::{PaymentCause, PaymentStatus, PaymentStatusError};

named_enum!(
    /// How the debtor paid.
    PaymentMethod as "payment_method" { Card => "card", BankTransfer => "bank_transfer", Check => "check", Cash => "cash" }
);

named_enum!(
    /// Which part of the balance a payment pays first (an agency setting,
    /// `payment_allocation`; default principal first).
    AllocationOrder { PrincipalFirst => "principal_first", FeesFirst => "fees_first" }
);

#[allow(clippy::derivable_impls)] // The enum is declared by `named_enum!`.
impl Default for AllocationOrder {
    fn default() -> Self {
        AllocationOrder::PrincipalFirst
    }
}

/// Why a payment, an approval or a refund is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PaymentError {
    #[error("must be greater than zero")]
    NotPositive,
    #[error("{attempted} is more than the {available} still owed (balance less pending payments)")]
    ExceedsBalance { available: Money, attempted: Money },
    #[error("must not be in the future")]
    InFuture,
    #[error("a payment in status {0} cannot do this")]
    WrongStatus(PaymentStatus),
    #[error("{attempted} is more than the {refundable} still refundable")]
    ExceedsRefundable { refundable: Money, attempted: Money },
    #[error(transparent)]
    Money(#[from] MoneyError),
}

/// What [`intake`] needs to know about a new payment.
#[derive(Debug, Clone, Copy)]
pub struct NewPayment {
    pub amount: Money,
    pub method: PaymentMethod,
    pub paid_on: NaiveDate,
}

/// The status a new payment starts in, given the agency's `today`, its approval
/// window (payments dated more than `approval_after_days` back need a manager), and
/// what the account still owes once other pending payments are counted (`available`).
pub fn intake(
    payment: &NewPayment,
    today: NaiveDate,
    approval_after_days: u32,
    available: Money,
) -> Result<PaymentStatus, PaymentError> {
    if !payment.amount.is_positive() {
        return Err(PaymentError::NotPositive);
    }
    if payment.paid_on > today {
        return Err(PaymentError::InFuture);
    }
    check_covered(payment.amount, available)?;
    Ok(if needs_approval(payment.paid_on, today, approval_after_days) {
        PaymentStatus::PendingApproval
    } else if payment.method == PaymentMethod::Card {
        PaymentStatus::Pending
    } else {
        PaymentStatus::Completed
    })
}

/// Whether a payment dated `paid_on` waits for a manager: dated more than the
/// agency's approval window back from `today`.
pub fn needs_approval(paid_on: NaiveDate, today: NaiveDate, approval_after_days: u32) -> bool {
    (today - paid_on).num_days() > i64::from(approval_after_days)
}

/// The status a new payment for an account that takes no payments (not yet assigned,
/// settled, closed) starts in: like [`intake`], but money in hand is `unapplied` —
/// kept in suspense for a manager — rather than refused, and nothing is owed to
/// check it against.
pub fn intake_unworked(
    payment: &NewPayment,
    today: NaiveDate,
    approval_after_days: u32,
) -> Result<PaymentStatus, PaymentError> {
    let status = intake(payment, today, approval_after_days, payment.amount)?;
    Ok(if status == PaymentStatus::Completed { PaymentStatus::Unapplied } else { status })
}

/// Where money now in hand (a card confirmed, a backdated payment approved) goes:
/// onto its account (`completed`) when the account is worked and `available` (its
/// balance less other pending payments) covers it; otherwise into suspense
/// (`unapplied`), never refused.
pub fn placement(takes_payments: bool, amount: Money, available: Money) -> PaymentStatus {
    if takes_payments && check_covered(amount, available).is_ok() {
        PaymentStatus::Completed
    } else {
        PaymentStatus::Unapplied
    }
}

/// Refuses an amount above what is owed: overpayment is not taken.
pub fn check_covered(amount: Money, available: Money) -> Result<(), PaymentError> {
    if amount.amount() > available.amount() {
        return Err(PaymentError::ExceedsBalance { available, attempted: amount });
    }
    Ok(())
}

/// A part of an account's balance: its principal or one fee.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Part<Fee> {
    Principal,
    Fee(Fee),
}

/// How much of a payment went to which part, in the order it was allocated.
pub type Allocation<Fee> = Vec<(Part<Fee>, Money)>;

/// Splits `amount` over the principal still owed and the open fees (oldest first, as
/// given), in the agency's `order`. Parts that get nothing are left out. The caller
/// has checked that the amount is covered ([`check_covered`]); anything above what
/// the parts owe is refused all the same.
pub fn allocate<Fee: Copy>(
    amount: Money,
    principal: Money,
    fees: &[(Fee, Money)],
    order: AllocationOrder,
) -> Result<Allocation<Fee>, PaymentError> {
    let mut parts: Vec<(Part<Fee>, Money)> = fees.iter().map(|&(id, owed)| (Part::Fee(id), owed)).collect();
    match order {
        AllocationOrder::PrincipalFirst => parts.insert(0, (Part::Principal, principal)),
        AllocationOrder::FeesFirst => parts.push((Part::Principal, principal)),
    }
    take(amount, parts.into_iter())
}

/// The parts a refund of `amount` gives back, last allocated first, from a payment's
/// allocation net of earlier refunds (in allocation order).
pub fn unwind<Fee: Copy>(amount: Money, allocation: &Allocation<Fee>) -> Result<Allocation<Fee>, PaymentError> {
    take(amount, allocation.iter().rev().copied())
}

/// Takes `amount` from the parts in turn; more than they hold is refused.
fn take<Fee>(amount: Money, parts: impl Iterator<Item = (Part<Fee>, Money)>) -> Result<Allocation<Fee>, PaymentError> {
    let (shares, left) = crate::money::fill(amount, parts)?;
    if left.is_positive() {
        let available = amount.checked_sub(left)?;
        return Err(PaymentError::ExceedsBalance { available, attempted: amount });
    }
    Ok(shares)
}

/// The collector's commission on a completed payment: `rate` (0–1) of it, rounded
/// the one way money is rounded.
pub fn commission(amount: Money, rate: Decimal) -> Result<Money, MoneyError> {
    Money::round(amount.amount() * rate, amount.currency())
}

/// How much of `commission` (earned on a payment of `paid`) a refund of `now` reverses
/// when `before` was refunded earlier: the difference of the rounded cumulative
/// shares, so the reversals of a full refund add up to the commission exactly.
pub fn commission_reversal(commission: Money, paid: Money, before: Money, now: Money) -> Result<Money, MoneyError> {
    let share =
        |refunded: Money| Money::round(commission.amount() * refunded.amount() / paid.amount(), commission.currency());
    share(before.checked_add(now)?)?.checked_sub(share(before)?)
}

/// The payment's status after refunding `now` on top of `before`, or why not. An
/// unapplied payment stays unapplied until refunded in full.
pub fn refund(status: PaymentStatus, paid: Money, before: Money, now: Money) -> Result<PaymentStatus, PaymentError> {
    if !status.is_refundable() {
        return Err(PaymentError::WrongStatus(status));
    }
    if !now.is_positive() {
        return Err(PaymentError::NotPositive);
    }
    let refundable = paid.checked_sub(before)?;
    if now.amount() > refundable.amount() {
        return Err(PaymentError::ExceedsRefundable { refundable, attempted: now });
    }
    let to = if now == refundable {
        PaymentStatus::Refunded
    } else if status == PaymentStatus::Unapplied {
        PaymentStatus::Unapplied
    } else {
        PaymentStatus::PartiallyRefunded
    };
    status.transition(to, PaymentCause::Refund).map_err(|e| PaymentError::WrongStatus(e.from))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Currency;
    use proptest::prelude::*;

    fn usd(s: &str) -> Money {
        Money::new(s.parse().unwrap(), Currency::USD).unwrap()
    }

    fn cents(c: i64) -> Money {
        Money::new(Decimal::new(c, 2), Currency::USD).unwrap()
    }

    fn date(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn intake_sets_the_starting_status() {
        let today = date("2026-11-20");
        let owed = usd("100.00");
        let p =
            |amount: &str, method, paid_on: &str| NewPayment { amount: usd(amount), method, paid_on: date(paid_on) };
        let cash = p("10.00", PaymentMethod::Cash, "2026-11-20");
        assert_eq!(intake(&cash, today, 7, owed), Ok(PaymentStatus::Completed));
        let card = p("10.00", PaymentMethod::Card, "2026-11-20");
        assert_eq!(intake(&card, today, 7, owed), Ok(PaymentStatus::Pending));
        let seven_back = p("10.00", PaymentMethod::Check, "2026-11-13");
        assert_eq!(intake(&seven_back, today, 7, owed), Ok(PaymentStatus::Completed));
        let eight_back = p("10.00", PaymentMethod::Card, "2026-11-12");
        assert_eq!(intake(&eight_back, today, 7, owed), Ok(PaymentStatus::PendingApproval));
        let tomorrow = p("10.00", PaymentMethod::Cash, "2026-11-21");
        assert_eq!(intake(&tomorrow, today, 7, owed), Err(PaymentError::InFuture));
        let zero = p("0", PaymentMethod::Cash, "2026-11-20");
        assert_eq!(intake(&zero, today, 7, owed), Err(PaymentError::NotPositive));
        let over = p("100.01", PaymentMethod::Cash, "2026-11-20");
        assert!(matches!(intake(&over, today, 7, owed), Err(PaymentError::ExceedsBalance { .. })));
        assert_eq!(
            intake(&p("100.00", PaymentMethod::Cash, "2026-11-20"), today, 7, owed),
            Ok(PaymentStatus::Completed)
        );
    }

    #[test]
    fn money_for_an_unworked_account_waits_unapplied_and_is_never_refused() {
        let today = date("2026-11-20");
        let p =
            |amount: &str, method, paid_on: &str| NewPayment { amount: usd(amount), method, paid_on: date(paid_on) };
        let cash = p("5000.00", PaymentMethod::Cash, "2026-11-20");
        assert_eq!(intake_unworked(&cash, today, 7), Ok(PaymentStatus::Unapplied));
        let card = p("10.00", PaymentMethod::Card, "2026-11-20");
        assert_eq!(intake_unworked(&card, today, 7), Ok(PaymentStatus::Pending));
        let old = p("10.00", PaymentMethod::Check, "2026-11-01");
        assert_eq!(intake_unworked(&old, today, 7), Ok(PaymentStatus::PendingApproval));
        assert_eq!(
            intake_unworked(&p("0", PaymentMethod::Cash, "2026-11-20"), today, 7),
            Err(PaymentError::NotPositive)
        );
        assert_eq!(
            intake_unworked(&p("1.00", PaymentMethod::Cash, "2026-11-21"), today, 7),
            Err(PaymentError::InFuture)
        );

        assert_eq!(placement(true, usd("10.00"), usd("10.00")), PaymentStatus::Completed);
        assert_eq!(placement(true, usd("10.01"), usd("10.00")), PaymentStatus::Unapplied, "more than owed");
        assert_eq!(placement(false, usd("1.00"), usd("10.00")), PaymentStatus::Unapplied, "not worked");
    }

    #[test]
    fn unapplied_money_is_refunded_in_parts_or_whole() {
        let paid = usd("50.00");
        assert_eq!(refund(PaymentStatus::Unapplied, paid, usd("0"), usd("20.00")), Ok(PaymentStatus::Unapplied));
        assert_eq!(refund(PaymentStatus::Unapplied, paid, usd("20.00"), usd("30.00")), Ok(PaymentStatus::Refunded));
        assert!(matches!(
            refund(PaymentStatus::Unapplied, paid, usd("20.00"), usd("30.01")),
            Err(PaymentError::ExceedsRefundable { .. })
        ));
    }

    #[test]
    fn allocation_follows_the_agency_order_and_fee_age() {
        let fees = [(1, usd("5.00")), (2, usd("7.00"))];
        let principal_first = allocate(usd("103.00"), usd("100.00"), &fees, AllocationOrder::PrincipalFirst).unwrap();
        assert_eq!(principal_first, vec![(Part::Principal, usd("100.00")), (Part::Fee(1), usd("3.00"))]);
        let fees_first = allocate(usd("8.00"), usd("100.00"), &fees, AllocationOrder::FeesFirst).unwrap();
        assert_eq!(fees_first, vec![(Part::Fee(1), usd("5.00")), (Part::Fee(2), usd("3.00"))]);
        assert!(allocate(usd("112.01"), usd("100.00"), &fees, AllocationOrder::FeesFirst).is_err());
    }

    #[test]
    fn a_refund_gives_back_the_last_allocated_parts_first() {
        let allocation = vec![(Part::Principal, usd("100.00")), (Part::Fee(1), usd("3.00"))];
        assert_eq!(
            unwind(usd("4.00"), &allocation).unwrap(),
            vec![(Part::Fee(1), usd("3.00")), (Part::Principal, usd("1.00"))]
        );
        assert!(unwind(usd("103.01"), &allocation).is_err());
    }

    #[test]
    fn refunds_never_exceed_what_was_paid() {
        let paid = usd("50.00");
        assert_eq!(
            refund(PaymentStatus::Completed, paid, usd("0"), usd("20.00")),
            Ok(PaymentStatus::PartiallyRefunded)
        );
        assert_eq!(
            refund(PaymentStatus::PartiallyRefunded, paid, usd("20.00"), usd("30.00")),
            Ok(PaymentStatus::Refunded)
        );
        assert!(matches!(
            refund(PaymentStatus::PartiallyRefunded, paid, usd("20.00"), usd("30.01")),
            Err(PaymentError::ExceedsRefundable { .. })
        ));
        assert_eq!(
            refund(PaymentStatus::Pending, paid, usd("0"), usd("1.00")),
            Err(PaymentError::WrongStatus(PaymentStatus::Pending))
        );
        assert_eq!(
            refund(PaymentStatus::Refunded, paid, paid, usd("1.00")),
            Err(PaymentError::WrongStatus(PaymentStatus::Refunded))
        );
    }

    #[test]
    fn commission_is_rounded_half_to_even() {
        assert_eq!(commission(usd("10.25"), "0.1".parse().unwrap()).unwrap(), usd("1.02"));
        assert_eq!(commission(usd("10.35"), "0.1".parse().unwrap()).unwrap(), usd("1.04"));
    }

    #[test]
    fn names_parse_and_unknown_ones_are_explained() {
        for m in PaymentMethod::ALL {
            assert_eq!(m.as_str().parse::<PaymentMethod>(), Ok(*m));
        }
        for s in PaymentStatus::ALL {
            assert_eq!(s.as_str().parse::<PaymentStatus>(), Ok(*s));
        }
        assert_eq!(
            "bitcoin".parse::<PaymentMethod>().unwrap_err(),
            "`bitcoin` is not one of card, bank_transfer, check, cash"
        );
    }

    proptest! {
        /// Allocation conserves every cent and gives no part more than it owes.
        #[test]
        fn allocation_conserves_cents(
            principal in 0i64..100_000,
            fees in proptest::collection::vec(1i64..10_000, 0..5),
            pay in 1i64..200_000,
            fees_first: bool,
        ) {
            let owed: i64 = principal + fees.iter().sum::<i64>();
            let fees: Vec<(usize, Money)> = fees.into_iter().map(cents).enumerate().collect();
            let order = if fees_first { AllocationOrder::FeesFirst } else { AllocationOrder::PrincipalFirst };
            match allocate(cents(pay), cents(principal), &fees, order) {
                Ok(allocation) => {
                    prop_assert!(pay <= owed);
                    let total: Decimal = allocation.iter().map(|(_, m)| m.amount()).sum();
                    prop_assert_eq!(total, cents(pay).amount());
                    for (part, m) in &allocation {
                        let cap = match part { Part::Principal => cents(principal), Part::Fee(i) => fees[*i].1 };
                        prop_assert!(m.amount() <= cap.amount());
                    }
                }
                Err(_) => prop_assert!(pay > owed),
            }
        }

        /// Commission reversals over any sequence of partial refunds add up to the
        /// commission of the refunded amount, and to all of it on a full refund.
        #[test]
        fn commission_reversals_sum_to_the_commission(
            paid in 1i64..1_000_000,
            rate in 0u32..=10_000,
            cuts in proptest::collection::vec(1i64..1_000_000, 0..6),
        ) {
            let rate = Decimal::new(i64::from(rate), 4);
            let earned = commission(cents(paid), rate).unwrap();
            let mut refunded = 0i64;
            let mut reversed = Decimal::ZERO;
            for cut in cuts.into_iter().chain([paid]) {
                let now = cut.min(paid - refunded);
                if now == 0 { continue; }
                let r = commission_reversal(earned, cents(paid), cents(refunded), cents(now)).unwrap();
                prop_assert!(r.amount() >= Decimal::ZERO);
                reversed += r.amount();
                refunded += now;
            }
            prop_assert_eq!(reversed, earned.amount());
        }
    }
}
