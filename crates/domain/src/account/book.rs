//! An account as money sees it: its balance, which only ledger entries move, and the
//! status moves money causes — SETTLED once nothing is owed, and back to the status
//! it was settled from when a refund reopens the balance.
//!
//! A use case loads the book with the account locked, posts entries to it as it
//! writes them to the journal ([`Book::post`]), asks it what the balance now implies
//! ([`Book::settle_if_paid`], [`Book::reopen_if_owed`]) and saves the status it
//! reports; nothing adjusts a balance by hand.

use super::{AccountStatus, Cause, TransitionError};
use crate::{
    ledger::{Entry, LedgerAccount, Side},
    money::MoneyError,
    Money,
};

/// The money state of one account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Book {
    status: AccountStatus,
    balance: Money,
    settled_from: Option<AccountStatus>,
}

/// A status move of the account, with its cause.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Move {
    pub from: AccountStatus,
    pub to: AccountStatus,
    pub cause: Cause,
}

impl Book {
    /// `settled_from`: the status a SETTLED account was settled from.
    pub fn new(status: AccountStatus, balance: Money, settled_from: Option<AccountStatus>) -> Self {
        Book { status, balance, settled_from }
    }

    pub fn status(&self) -> AccountStatus {
        self.status
    }

    pub fn balance(&self) -> Money {
        self.balance
    }

    pub fn settled_from(&self) -> Option<AccountStatus> {
        self.settled_from
    }

    /// Whether payments may be recorded against it (it is being worked).
    pub fn takes_payments(&self) -> bool {
        self.status.takes_payments()
    }

    /// Whether fees may be assessed: not once it is settled or closed.
    pub fn takes_fees(&self) -> bool {
        !matches!(self.status, AccountStatus::Settled | AccountStatus::Closed)
    }

    /// Moves the balance by what `entry` does to the receivable.
    pub fn post(&mut self, entry: &Entry) -> Result<(), MoneyError> {
        for line in entry.lines().iter().filter(|l| l.account == LedgerAccount::Receivable) {
            self.balance = match line.side {
                Side::Debit => self.balance.checked_add(line.amount)?,
                Side::Credit => self.balance.checked_sub(line.amount)?,
            };
        }
        Ok(())
    }

    /// Moves the account for `cause` (a plan activated or ended), if the lifecycle
    /// allows it.
    pub fn transition(&mut self, to: AccountStatus, cause: Cause) -> Result<Move, TransitionError> {
        let from = self.status;
        self.status = from.transition(to, cause)?;
        Ok(Move { from, to, cause })
    }

    /// SETTLED, once nothing is owed on a worked account.
    pub fn settle_if_paid(&mut self) -> Option<Move> {
        let from = self.status;
        if !self.balance.is_zero() || !from.takes_payments() {
            return None;
        }
        let settled = self.transition(AccountStatus::Settled, Cause::Settlement).ok()?;
        self.settled_from = Some(from);
        Some(settled)
    }

    /// Back to the status it was settled from, once a refund made it owe again.
    pub fn reopen_if_owed(&mut self) -> Option<Move> {
        let back = self.settled_from?;
        if self.status != AccountStatus::Settled || !self.balance.is_positive() {
            return None;
        }
        let reopened = self.transition(back, Cause::Refund).ok()?;
        self.settled_from = None;
        Some(reopened)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ledger::EntryKind, Currency};
    use AccountStatus::*;

    fn usd(s: &str) -> Money {
        Money::new(s.parse().unwrap(), Currency::USD).unwrap()
    }

    fn entry(kind: EntryKind, amount: &str) -> Entry {
        Entry::of(kind, usd(amount)).unwrap()
    }

    #[test]
    fn entries_move_the_balance_their_way() {
        let mut book = Book::new(InContact, usd("100.00"), None);
        book.post(&entry(EntryKind::Payment, "30.00")).unwrap();
        book.post(&entry(EntryKind::Fee, "5.00")).unwrap();
        book.post(&entry(EntryKind::Commission, "3.00")).unwrap();
        book.post(&entry(EntryKind::Unapplied, "9.00")).unwrap();
        book.post(&entry(EntryKind::Application, "5.00")).unwrap();
        assert_eq!(book.balance(), usd("70.00"));
        assert!(book
            .post(&Entry::of(EntryKind::Fee, Money::new(1.into(), Currency::parse("EUR").unwrap()).unwrap()).unwrap())
            .is_err());
    }

    #[test]
    fn paid_off_it_settles_and_a_refund_reopens_it_where_it_was() {
        let mut book = Book::new(PaymentPlan, usd("10.00"), None);
        assert_eq!(book.settle_if_paid(), None, "still owes");
        book.post(&entry(EntryKind::Payment, "10.00")).unwrap();
        assert_eq!(book.settle_if_paid(), Some(Move { from: PaymentPlan, to: Settled, cause: Cause::Settlement }));
        assert_eq!(book.settled_from(), Some(PaymentPlan));
        assert_eq!(book.settle_if_paid(), None, "once");
        assert_eq!(book.reopen_if_owed(), None, "owes nothing yet");
        book.post(&entry(EntryKind::Refund, "4.00")).unwrap();
        assert_eq!(book.reopen_if_owed(), Some(Move { from: Settled, to: PaymentPlan, cause: Cause::Refund }));
        assert_eq!((book.status(), book.settled_from()), (PaymentPlan, None));
    }

    #[test]
    fn only_worked_accounts_settle_and_settled_ones_take_no_fees() {
        for status in AccountStatus::ALL {
            let mut book = Book::new(status, usd("0"), None);
            assert_eq!(book.settle_if_paid().is_some(), status.takes_payments(), "{status}");
            let takes_fees = Book::new(status, usd("1.00"), None).takes_fees();
            assert_eq!(takes_fees, !matches!(status, Settled | Closed), "{status}");
        }
    }
}
