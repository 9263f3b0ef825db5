//! The ledger balances after any sequence of payments, approvals, refunds, fees and
//! waivers on one account, built only from the domain's own rules: every entry
//! balances, the receivable equals the principal and fees still owed, and nothing is
//! ever owed below zero.

use debtflow_domain::{
    ledger::{Entry, EntryKind, LedgerAccount, Side},
    payment::{self, AllocationOrder, NewPayment, Part, PaymentMethod, PaymentStatus},
    Currency, Money,
};
use proptest::prelude::*;
use rust_decimal::Decimal;
use std::collections::HashMap;

fn cents(c: i64) -> Money {
    Money::new(Decimal::new(c, 2), Currency::USD).unwrap()
}

#[derive(Debug, Clone)]
enum Op {
    Pay { cents: i64, backdated: bool },
    Approve(usize),
    Refund { payment: usize, cents: i64 },
    Fee(i64),
    Waive(usize),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (1i64..50_000, any::<bool>()).prop_map(|(cents, backdated)| Op::Pay { cents, backdated }),
        (0usize..8).prop_map(Op::Approve),
        (0usize..8, 1i64..50_000).prop_map(|(payment, cents)| Op::Refund { payment, cents }),
        (1i64..5_000).prop_map(Op::Fee),
        (0usize..4).prop_map(Op::Waive),
    ]
}

struct Payment {
    amount: Money,
    status: PaymentStatus,
    refunded: Money,
    allocation: payment::Allocation<usize>,
}

#[derive(Default)]
struct Book {
    /// Debits minus credits per ledger account.
    totals: HashMap<LedgerAccount, Decimal>,
    balance: Decimal,
}

impl Book {
    fn post(&mut self, entry: &Entry) {
        for line in entry.lines() {
            let signed = match line.side {
                Side::Debit => line.amount.amount(),
                Side::Credit => -line.amount.amount(),
            };
            *self.totals.entry(line.account).or_default() += signed;
        }
        self.balance += entry.receivable_change();
    }
}

proptest! {
    #[test]
    fn the_ledger_balances_after_any_sequence(
        opening in 1i64..100_000,
        fees_first: bool,
        ops in proptest::collection::vec(op(), 0..40),
    ) {
        let order = if fees_first { AllocationOrder::FeesFirst } else { AllocationOrder::PrincipalFirst };
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
        let mut book = Book::default();
        book.post(&Entry::of(EntryKind::Opening, cents(opening)).unwrap());
        let mut principal = cents(opening);
        let mut fees: Vec<(Money, bool)> = Vec::new(); // (still owed, waived)
        let mut payments: Vec<Payment> = Vec::new();

        let apply = |p: &mut Payment, principal: &mut Money, fees: &mut Vec<(Money, bool)>, book: &mut Book| {
            let open: Vec<(usize, Money)> =
                fees.iter().enumerate().filter(|(_, f)| f.0.is_positive()).map(|(i, f)| (i, f.0)).collect();
            p.allocation = payment::allocate(p.amount, *principal, &open, order).unwrap();
            for (part, m) in &p.allocation {
                match part {
                    Part::Principal => *principal = principal.checked_sub(*m).unwrap(),
                    Part::Fee(i) => fees[*i].0 = fees[*i].0.checked_sub(*m).unwrap(),
                }
            }
            book.post(&Entry::of(EntryKind::Payment, p.amount).unwrap());
            p.status = PaymentStatus::Completed;
        };

        for op in ops {
            let owed = principal.amount() + fees.iter().map(|f| f.0.amount()).sum::<Decimal>();
            let pending: Decimal = payments.iter().filter(|p| p.status.is_pending()).map(|p| p.amount.amount()).sum();
            match op {
                Op::Pay { cents: c, backdated } => {
                    let paid_on = if backdated { today - chrono::Days::new(30) } else { today };
                    let new = NewPayment { amount: cents(c), method: PaymentMethod::Cash, paid_on };
                    let available = Money::new(owed - pending, Currency::USD).unwrap();
                    let Ok(status) = payment::intake(&new, today, 7, available) else {
                        prop_assert!(Decimal::new(c, 2) > owed - pending);
                        continue;
                    };
                    let mut p = Payment { amount: new.amount, status, refunded: cents(0), allocation: vec![] };
                    if status == PaymentStatus::Completed {
                        apply(&mut p, &mut principal, &mut fees, &mut book);
                    }
                    payments.push(p);
                }
                Op::Approve(i) => {
                    if let Some(p) = payments.get_mut(i).filter(|p| p.status == PaymentStatus::PendingApproval) {
                        // Approval re-checks what is owed: a waiver may have lowered it.
                        if payment::check_covered(p.amount, Money::new(owed, Currency::USD).unwrap()).is_err() {
                            continue;
                        }
                        apply(p, &mut principal, &mut fees, &mut book);
                    }
                }
                Op::Refund { payment: i, cents: c } => {
                    let Some(p) = payments.get_mut(i) else { continue };
                    let Ok(status) = payment::refund(p.status, p.amount, p.refunded, cents(c)) else { continue };
                    let back = payment::unwind(cents(c), &p.allocation).unwrap();
                    for (part, m) in &back {
                        match part {
                            Part::Principal => principal = principal.checked_add(*m).unwrap(),
                            // A refund reopens the fee it paid, waived since or not.
                            Part::Fee(f) => fees[*f] = (fees[*f].0.checked_add(*m).unwrap(), false),
                        }
                        let at = p.allocation.iter().position(|(q, _)| q == part).unwrap();
                        p.allocation[at].1 = p.allocation[at].1.checked_sub(*m).unwrap();
                    }
                    book.post(&Entry::of(EntryKind::Refund, cents(c)).unwrap());
                    p.refunded = p.refunded.checked_add(cents(c)).unwrap();
                    p.status = status;
                }
                Op::Fee(c) => {
                    book.post(&Entry::of(EntryKind::Fee, cents(c)).unwrap());
                    fees.push((cents(c), false));
                }
                Op::Waive(i) => {
                    if let Some(fee) = fees.get_mut(i).filter(|f| !f.1 && f.0.is_positive()) {
                        book.post(&Entry::of(EntryKind::FeeWaiver, fee.0).unwrap());
                        *fee = (cents(0), true);
                    }
                }
            }
            let total: Decimal = book.totals.values().sum();
            prop_assert_eq!(total, Decimal::ZERO, "debits equal credits across the book");
            let owed = principal.amount() + fees.iter().map(|f| f.0.amount()).sum::<Decimal>();
            prop_assert_eq!(book.balance, owed, "the receivable is what is still owed");
            prop_assert_eq!(book.totals.get(&LedgerAccount::Receivable).copied().unwrap_or_default(), book.balance);
            prop_assert!(book.balance >= Decimal::ZERO);
        }
    }
}
