//! Payment plans (compromise agreements): a total paid in installments.
//!
//! - A schedule is [`generate`]d (a total in N installments, weekly, biweekly or
//!   monthly from a first due date; the last absorbs the rounding remainder) or
//!   entered by hand ([`manual`]: due dates strictly ascending, amounts summing to the
//!   total). No installment is zero.
//! - A plan's total is at most the account's balance; below it is a settlement
//!   discount, written off when the plan completes ([`check_total`]).
//! - Lifecycle ([`status`]): `draft` → `pending_approval` → `active` (a manager
//!   approves) → `completed` | `defaulted` | `cancelled`; a pending plan a manager
//!   rejects goes back to `draft`; a refund that unpays a completed plan reopens it.
//!   At most one plan of an account is active ([`activation`]; a partial unique index
//!   in PostgreSQL is the last wall against a race).
//! - Completion ([`completion`]): what paying the last installment implies — the
//!   settlement discount written off, or the account back to NEGOTIATING when fees
//!   added since still leave a balance.
//! - An installment's status follows from what is paid and today
//!   ([`installment_status`]): late once past its due date plus the plan's grace days,
//!   missed — and the plan defaulted — once `default_threshold_days` past its due date.
//! - Payments [`allocate`] to the oldest open installment first, overpayment rolling
//!   forward; a refund [`unallocate`]s newest first.

use crate::names::named_enum;
use crate::{
    account::{AccountStatus, Cause},
    money::{Money, MoneyError},
};

pub mod status;
use chrono::{Days, Months, NaiveDate};
pub use status::{PlanStatus, PlanStep, PlanStepError};

named_enum!(
    /// How often installments fall due.
    Frequency as "plan_frequency" { Weekly => "weekly", Biweekly => "biweekly", Monthly => "monthly" }
);

named_enum!(
    /// An installment, as of a day.
    InstallmentStatus {
        Pending => "pending",
        PartiallyPaid => "partially_paid",
        Paid => "paid",
        Late => "late",
        Missed => "missed",
    }
);

/// The most installments a plan may have (ten years of monthly ones).
pub const MAX_INSTALLMENTS: usize = 120;

/// The days of grace and of default of a plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Terms {
    /// Days after the due date before an unpaid installment is late (default 3).
    pub grace_days: u32,
    /// Days after the due date at which an unpaid installment defaults the plan
    /// (default 30).
    pub default_threshold_days: u32,
}

impl Default for Terms {
    fn default() -> Self {
        Terms { grace_days: 3, default_threshold_days: 30 }
    }
}

/// Why a plan is refused; each names the field at fault.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    #[error("must be greater than zero")]
    NotPositive,
    #[error("{total} is more than the balance of {balance}")]
    AboveBalance { total: Money, balance: Money },
    #[error("must be between 1 and {MAX_INSTALLMENTS}")]
    InstallmentCount,
    #[error("installment {index}: the due dates must be strictly ascending")]
    DatesNotAscending { index: usize },
    #[error("installment {index}: must be greater than zero")]
    ZeroInstallment { index: usize },
    #[error("the installments sum to {sum}, not the total of {total}")]
    DoesNotSum { sum: Money, total: Money },
    #[error("must be shorter than the default threshold ({threshold} days)")]
    GraceBeyondThreshold { threshold: u32 },
    #[error("the schedule runs past the calendar")]
    OutOfCalendar,
    #[error(transparent)]
    Money(#[from] MoneyError),
}

impl PlanError {
    /// The request field this error is about.
    pub fn field(&self) -> &'static str {
        match self {
            PlanError::NotPositive | PlanError::AboveBalance { .. } | PlanError::DoesNotSum { .. } => "total",
            PlanError::InstallmentCount => "installments",
            PlanError::DatesNotAscending { .. } | PlanError::ZeroInstallment { .. } => "schedule",
            PlanError::GraceBeyondThreshold { .. } => "grace_days",
            PlanError::OutOfCalendar => "first_due_date",
            PlanError::Money(_) => "total",
        }
    }
}

/// One installment of a schedule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Installment {
    pub due_date: NaiveDate,
    pub amount: Money,
}

/// Checks a plan's total against the account's balance; `true` when it is a
/// settlement discount (below the balance).
pub fn check_total(total: Money, balance: Money) -> Result<bool, PlanError> {
    if !total.is_positive() {
        return Err(PlanError::NotPositive);
    }
    if total.amount() > balance.amount() {
        return Err(PlanError::AboveBalance { total, balance });
    }
    Ok(total.amount() < balance.amount())
}

/// What approving a plan implies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Activation {
    /// The total is below the balance: the rest is written off when the plan completes.
    pub settlement: bool,
    /// The account's status once the plan is active (PAYMENT_PLAN).
    pub account_to: AccountStatus,
}

/// Why a plan waiting for approval cannot become active.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ActivationError {
    /// The plan's total no longer fits the balance (fees waived, payments since).
    #[error("{0}; change the plan before approving it")]
    Total(PlanError),
    /// A plan is activated only on a NEGOTIATING account.
    #[error("the account is {0}: a plan is activated only on a negotiating account")]
    AccountNotNegotiating(AccountStatus),
    /// An account has at most one active plan.
    #[error("the account already has an active plan")]
    AlreadyActive,
}

/// Whether a plan of `total` may become active on an account that owes `balance`, is
/// in `account`, and has `other_active` plan(s) already — and what it implies.
pub fn activation(
    total: Money,
    balance: Money,
    account: AccountStatus,
    other_active: bool,
) -> Result<Activation, ActivationError> {
    let settlement = check_total(total, balance).map_err(ActivationError::Total)?;
    let account_to = account
        .transition(AccountStatus::PaymentPlan, Cause::PlanActivated)
        .map_err(|_| ActivationError::AccountNotNegotiating(account))?;
    if other_active {
        return Err(ActivationError::AlreadyActive);
    }
    Ok(Activation { settlement, account_to })
}

/// What paying a plan's last installment implies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Completion {
    /// A settlement plan's discount: the balance left, written off (the account then
    /// settles, as any account whose balance reaches zero).
    pub write_off: Option<Money>,
    /// Where the account goes: back to NEGOTIATING when a balance remains that the
    /// plan did not cover (fees added since) and nothing is written off.
    pub account_to: Option<AccountStatus>,
}

/// What completing a plan implies for an account that still owes `balance` (after
/// the payment that completed it) and is in `account`.
pub fn completion(settlement: bool, balance: Money, account: AccountStatus) -> Completion {
    if !balance.is_positive() {
        return Completion { write_off: None, account_to: None };
    }
    if settlement {
        return Completion { write_off: Some(balance), account_to: None };
    }
    Completion { write_off: None, account_to: account_after_end(account) }
}

/// Where the account goes when its active plan ends without settling it (cancelled,
/// defaulted, completed with a balance left): PAYMENT_PLAN back to NEGOTIATING.
pub fn account_after_end(account: AccountStatus) -> Option<AccountStatus> {
    account.transition(AccountStatus::Negotiating, Cause::PlanEnded).ok()
}

/// Where the account goes when a refund reopens its completed plan: a NEGOTIATING
/// account is on the plan again (a settled one is reopened by the refund itself).
pub fn account_after_reopen(account: AccountStatus) -> Option<AccountStatus> {
    account.transition(AccountStatus::PaymentPlan, Cause::PlanActivated).ok()
}

/// Checks the days of grace and default.
pub fn check_terms(terms: Terms) -> Result<Terms, PlanError> {
    if terms.default_threshold_days == 0 {
        return Err(PlanError::GraceBeyondThreshold { threshold: 0 });
    }
    if terms.grace_days >= terms.default_threshold_days {
        return Err(PlanError::GraceBeyondThreshold { threshold: terms.default_threshold_days });
    }
    Ok(terms)
}

/// `count` installments of `total` from `first_due`, every `frequency`; equal in the
/// minor unit, the last absorbing the remainder.
pub fn generate(
    total: Money,
    count: usize,
    frequency: Frequency,
    first_due: NaiveDate,
) -> Result<Vec<Installment>, PlanError> {
    if !(1..=MAX_INSTALLMENTS).contains(&count) {
        return Err(PlanError::InstallmentCount);
    }
    if !total.is_positive() {
        return Err(PlanError::NotPositive);
    }
    let amounts = total.split(count)?;
    let mut schedule = Vec::with_capacity(count);
    for (n, amount) in amounts.into_iter().enumerate() {
        if !amount.is_positive() {
            return Err(PlanError::ZeroInstallment { index: n });
        }
        let due_date = match frequency {
            Frequency::Weekly => first_due.checked_add_days(Days::new(7 * n as u64)),
            Frequency::Biweekly => first_due.checked_add_days(Days::new(14 * n as u64)),
            Frequency::Monthly => first_due.checked_add_months(Months::new(n as u32)),
        }
        .ok_or(PlanError::OutOfCalendar)?;
        schedule.push(Installment { due_date, amount });
    }
    Ok(schedule)
}

/// A schedule entered by hand: strictly ascending due dates, positive amounts, summing
/// to `total`.
pub fn manual(total: Money, schedule: Vec<Installment>) -> Result<Vec<Installment>, PlanError> {
    if !(1..=MAX_INSTALLMENTS).contains(&schedule.len()) {
        return Err(PlanError::InstallmentCount);
    }
    let mut sum = Money::zero(total.currency());
    for (index, item) in schedule.iter().enumerate() {
        if !item.amount.is_positive() {
            return Err(PlanError::ZeroInstallment { index });
        }
        if index > 0 && item.due_date <= schedule[index - 1].due_date {
            return Err(PlanError::DatesNotAscending { index });
        }
        sum = sum.checked_add(item.amount)?;
    }
    if sum != total {
        return Err(PlanError::DoesNotSum { sum, total });
    }
    Ok(schedule)
}

/// An installment's status on `today`.
pub fn installment_status(
    amount: Money,
    paid: Money,
    due_date: NaiveDate,
    today: NaiveDate,
    terms: Terms,
) -> InstallmentStatus {
    let days_past = (today - due_date).num_days();
    if paid.amount() >= amount.amount() {
        InstallmentStatus::Paid
    } else if days_past >= i64::from(terms.default_threshold_days) {
        InstallmentStatus::Missed
    } else if days_past > i64::from(terms.grace_days) {
        InstallmentStatus::Late
    } else if paid.is_positive() {
        InstallmentStatus::PartiallyPaid
    } else {
        InstallmentStatus::Pending
    }
}

/// Splits a payment of `amount` over the open installments, oldest first (as given:
/// `(id, still owed)`); returns the parts and what is left over once every
/// installment is paid.
pub fn allocate<Id: Copy>(amount: Money, open: &[(Id, Money)]) -> Result<(Vec<(Id, Money)>, Money), MoneyError> {
    crate::money::fill(amount, open.iter().copied())
}

/// Gives back `amount` of what the installments were paid (`(id, paid)`, oldest
/// first), newest first; returns the parts and what could not be given back.
pub fn unallocate<Id: Copy>(amount: Money, paid: &[(Id, Money)]) -> Result<(Vec<(Id, Money)>, Money), MoneyError> {
    crate::money::fill(amount, paid.iter().rev().copied())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Currency;
    use proptest::prelude::*;
    use rust_decimal::Decimal;

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
    fn a_generated_schedule_puts_the_remainder_last() {
        let schedule = generate(usd("100.00"), 3, Frequency::Monthly, date("2026-01-31")).unwrap();
        let amounts: Vec<Money> = schedule.iter().map(|i| i.amount).collect();
        assert_eq!(amounts, [usd("33.33"), usd("33.33"), usd("33.34")]);
        let dates: Vec<NaiveDate> = schedule.iter().map(|i| i.due_date).collect();
        assert_eq!(dates, [date("2026-01-31"), date("2026-02-28"), date("2026-03-31")], "month ends clamp");
        let weekly = generate(usd("10.00"), 2, Frequency::Biweekly, date("2026-01-01")).unwrap();
        assert_eq!(weekly[1].due_date, date("2026-01-15"));
        assert_eq!(
            generate(usd("0.02"), 3, Frequency::Weekly, date("2026-01-01")),
            Err(PlanError::ZeroInstallment { index: 0 })
        );
        assert_eq!(generate(usd("10.00"), 0, Frequency::Weekly, date("2026-01-01")), Err(PlanError::InstallmentCount));
    }

    #[test]
    fn a_manual_schedule_must_ascend_and_sum() {
        let i = |d: &str, a: &str| Installment { due_date: date(d), amount: usd(a) };
        assert!(manual(usd("30.00"), vec![i("2026-01-01", "10.00"), i("2026-02-01", "20.00")]).is_ok());
        assert_eq!(
            manual(usd("30.00"), vec![i("2026-02-01", "10.00"), i("2026-02-01", "20.00")]),
            Err(PlanError::DatesNotAscending { index: 1 })
        );
        assert!(matches!(
            manual(usd("31.00"), vec![i("2026-01-01", "10.00"), i("2026-02-01", "20.00")]),
            Err(PlanError::DoesNotSum { .. })
        ));
        assert_eq!(
            manual(usd("10.00"), vec![i("2026-01-01", "0"), i("2026-02-01", "10.00")]),
            Err(PlanError::ZeroInstallment { index: 0 })
        );
        assert_eq!(manual(usd("10.00"), vec![]), Err(PlanError::InstallmentCount));
    }

    #[test]
    fn totals_and_terms_are_checked() {
        assert_eq!(check_total(usd("100.00"), usd("100.00")), Ok(false));
        assert_eq!(check_total(usd("80.00"), usd("100.00")), Ok(true), "a settlement discount");
        assert!(matches!(check_total(usd("100.01"), usd("100.00")), Err(PlanError::AboveBalance { .. })));
        assert_eq!(check_total(usd("0"), usd("100.00")), Err(PlanError::NotPositive));
        assert!(check_terms(Terms::default()).is_ok());
        assert!(check_terms(Terms { grace_days: 30, default_threshold_days: 30 }).is_err());
    }

    #[test]
    fn a_plan_is_activated_on_a_negotiating_account_without_another_active_plan() {
        use AccountStatus::*;
        let ok = activation(usd("80.00"), usd("100.00"), Negotiating, false);
        assert_eq!(ok, Ok(Activation { settlement: true, account_to: PaymentPlan }));
        assert_eq!(activation(usd("100.00"), usd("100.00"), Negotiating, false).map(|a| a.settlement), Ok(false));
        assert!(matches!(
            activation(usd("100.01"), usd("100.00"), Negotiating, false),
            Err(ActivationError::Total(PlanError::AboveBalance { .. }))
        ));
        for status in AccountStatus::ALL.into_iter().filter(|s| *s != Negotiating) {
            assert_eq!(
                activation(usd("1.00"), usd("100.00"), status, false),
                Err(ActivationError::AccountNotNegotiating(status))
            );
        }
        assert_eq!(activation(usd("1.00"), usd("100.00"), Negotiating, true), Err(ActivationError::AlreadyActive));
    }

    #[test]
    fn completion_writes_off_a_settlement_discount_or_hands_the_account_back() {
        use AccountStatus::*;
        assert_eq!(
            completion(true, usd("20.00"), PaymentPlan),
            Completion { write_off: Some(usd("20.00")), account_to: None }
        );
        assert_eq!(
            completion(false, usd("5.00"), PaymentPlan),
            Completion { write_off: None, account_to: Some(Negotiating) },
            "fees added since the plan leave a balance"
        );
        assert_eq!(completion(false, usd("5.00"), Disputed), Completion { write_off: None, account_to: None });
        for settlement in [true, false] {
            assert_eq!(completion(settlement, usd("0"), PaymentPlan), Completion { write_off: None, account_to: None });
        }
        assert_eq!(account_after_end(PaymentPlan), Some(Negotiating));
        assert_eq!(account_after_end(Disputed), None);
        assert_eq!(account_after_reopen(Negotiating), Some(PaymentPlan));
        assert_eq!(account_after_reopen(Settled), None);
    }

    #[test]
    fn installments_go_late_after_grace_and_missed_at_the_threshold() {
        let terms = Terms { grace_days: 3, default_threshold_days: 30 };
        let due = date("2026-03-01");
        let status = |today: &str, paid: &str| installment_status(usd("50.00"), usd(paid), due, date(today), terms);
        assert_eq!(status("2026-03-01", "0"), InstallmentStatus::Pending);
        assert_eq!(status("2026-03-04", "0"), InstallmentStatus::Pending, "the last day of grace");
        assert_eq!(status("2026-03-04", "10.00"), InstallmentStatus::PartiallyPaid);
        assert_eq!(status("2026-03-05", "10.00"), InstallmentStatus::Late);
        assert_eq!(status("2026-03-30", "0"), InstallmentStatus::Late, "threshold - 1");
        assert_eq!(status("2026-03-31", "0"), InstallmentStatus::Missed, "threshold");
        assert_eq!(status("2026-03-31", "50.00"), InstallmentStatus::Paid);
    }

    #[test]
    fn payments_fill_the_oldest_installment_and_refunds_empty_the_newest() {
        let open = [(1, usd("30.00")), (2, usd("30.00")), (3, usd("40.00"))];
        assert_eq!(allocate(usd("45.00"), &open).unwrap(), (vec![(1, usd("30.00")), (2, usd("15.00"))], usd("0")));
        assert_eq!(allocate(usd("105.00"), &open).unwrap().1, usd("5.00"), "what no installment takes");
        let paid = [(1, usd("30.00")), (2, usd("15.00"))];
        assert_eq!(unallocate(usd("20.00"), &paid).unwrap(), (vec![(2, usd("15.00")), (1, usd("5.00"))], usd("0")));
    }

    proptest! {
        #[test]
        fn generated_schedules_sum_to_the_total(total in 1i64..10_000_000, count in 1usize..=MAX_INSTALLMENTS, f in 0usize..3) {
            let frequency = [Frequency::Weekly, Frequency::Biweekly, Frequency::Monthly][f];
            match generate(cents(total), count, frequency, date("2026-01-31")) {
                Ok(schedule) => {
                    prop_assert_eq!(schedule.len(), count);
                    let sum: Decimal = schedule.iter().map(|i| i.amount.amount()).sum();
                    prop_assert_eq!(sum, cents(total).amount());
                    prop_assert!(schedule.iter().all(|i| i.amount.is_positive()));
                    prop_assert!(schedule.windows(2).all(|w| w[0].due_date < w[1].due_date));
                }
                Err(e) => prop_assert!(total < count as i64, "{e}"),
            }
        }

        /// Any sequence of payments and refunds: nothing lost, nothing invented, no
        /// installment over- or under-paid.
        #[test]
        fn allocation_never_loses_or_invents_a_cent(
            amounts in proptest::collection::vec(1i64..50_000, 1..12),
            moves in proptest::collection::vec((any::<bool>(), 1i64..80_000), 0..40),
        ) {
            let owed: Vec<Money> = amounts.iter().map(|a| cents(*a)).collect();
            let mut paid: Vec<Money> = vec![cents(0); owed.len()];
            let mut into_plan = 0i64;
            for (is_payment, c) in moves {
                let ids: Vec<usize> = (0..owed.len()).collect();
                if is_payment {
                    let open: Vec<(usize, Money)> = ids.iter().map(|&i| (i, owed[i].checked_sub(paid[i]).unwrap())).collect();
                    let (parts, left) = allocate(cents(c), &open).unwrap();
                    let taken: Decimal = parts.iter().map(|p| p.1.amount()).sum();
                    prop_assert_eq!(taken + left.amount(), cents(c).amount());
                    for (i, m) in parts { paid[i] = paid[i].checked_add(m).unwrap(); }
                    into_plan += (taken * Decimal::from(100)).try_into().unwrap_or(0i64);
                } else {
                    let have: Vec<(usize, Money)> = ids.iter().map(|&i| (i, paid[i])).collect();
                    let (parts, left) = unallocate(cents(c), &have).unwrap();
                    let given: Decimal = parts.iter().map(|p| p.1.amount()).sum();
                    prop_assert_eq!(given + left.amount(), cents(c).amount());
                    for (i, m) in parts { paid[i] = paid[i].checked_sub(m).unwrap(); }
                    into_plan -= (given * Decimal::from(100)).try_into().unwrap_or(0i64);
                }
                for i in 0..owed.len() {
                    prop_assert!(paid[i].amount() >= Decimal::ZERO && paid[i].amount() <= owed[i].amount());
                }
                let total_paid: Decimal = paid.iter().map(|p| p.amount()).sum();
                prop_assert_eq!(total_paid, cents(into_plan).amount());
                // Oldest first: no installment is paid while an older one still owes.
                let first_open = paid.iter().zip(&owed).position(|(p, o)| p.amount() < o.amount()).unwrap_or(owed.len());
                prop_assert!(paid.iter().skip(first_open + 1).all(|p| p.is_zero()));
            }
        }
    }
}
