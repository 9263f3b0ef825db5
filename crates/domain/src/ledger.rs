//! The double-entry ledger: journal entries whose lines move money between ledger
//! accounts, debits always equal to credits.
//!
//! Every posting of DebtFlow is built here, by one constructor per kind of event, and
//! checked before anything is written ([`Entry::new`]); PostgreSQL checks the same
//! balance again with a deferred constraint trigger. Entries are immutable: a
//! correction is a new entry of the counterpart kind (`refund` for `payment`,
//! `fee_waiver` for `fee`, …) linked to the entry it reverses.
//!
//! The chart of accounts, and what each kind of entry does to it:
//!
//! | entry | debit | credit |
//! |---|---|---|
//! | `opening` (account placed) | receivable | placement |
//! | `payment` | cash clearing | receivable |
//! | `refund` | receivable | cash clearing |
//! | `fee` (assessed) | receivable | fee income |
//! | `fee_waiver` | fee income | receivable |
//! | `commission` | commission expense | commission payable |
//! | `commission_reversal` | commission payable | commission expense |
//! | `write_off` (a plan's settlement discount, or a write-off the board approved) | write-off | receivable |
//! | `write_off_reversal` (a refund unpaid the plan) | receivable | write-off |
//! | `unapplied` (money no account takes yet) | cash clearing | suspense |
//! | `application` (unapplied money applied) | suspense | receivable |
//! | `unapplied_refund` | suspense | cash clearing |
//!
//! Unapplied money sits in `suspense` until a manager applies it to an account or
//! refunds it: the suspense account's balance is exactly the unapplied money held.
//!
//! The receivable is per collection account: its debits minus credits *is* the
//! account's balance ([`Entry::receivable_change`]).

use crate::money::{Money, MoneyError};
use serde::{Deserialize, Serialize};
use std::fmt;

/// An account of the agency's chart of accounts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "sqlx", derive(sqlx::Type), sqlx(type_name = "ledger_account", rename_all = "snake_case"))]
#[serde(rename_all = "snake_case")]
pub enum LedgerAccount {
    /// What the debtor owes on one collection account.
    Receivable,
    /// The creditor's side of a placed debt.
    Placement,
    /// Money received and not yet remitted.
    CashClearing,
    FeeIncome,
    CommissionExpense,
    /// Owed to collectors.
    CommissionPayable,
    WriteOff,
    /// Money received that no account has taken yet (unapplied cash).
    Suspense,
}

impl LedgerAccount {
    pub const ALL: [LedgerAccount; 8] = [
        LedgerAccount::Receivable,
        LedgerAccount::Placement,
        LedgerAccount::CashClearing,
        LedgerAccount::FeeIncome,
        LedgerAccount::CommissionExpense,
        LedgerAccount::CommissionPayable,
        LedgerAccount::WriteOff,
        LedgerAccount::Suspense,
    ];

    /// The stable wire and database name.
    pub fn as_str(self) -> &'static str {
        match self {
            LedgerAccount::Receivable => "receivable",
            LedgerAccount::Placement => "placement",
            LedgerAccount::CashClearing => "cash_clearing",
            LedgerAccount::FeeIncome => "fee_income",
            LedgerAccount::CommissionExpense => "commission_expense",
            LedgerAccount::CommissionPayable => "commission_payable",
            LedgerAccount::WriteOff => "write_off",
            LedgerAccount::Suspense => "suspense",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.as_str() == name)
    }
}

impl fmt::Display for LedgerAccount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What an entry records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "sqlx", derive(sqlx::Type), sqlx(type_name = "entry_kind", rename_all = "snake_case"))]
#[serde(rename_all = "snake_case")]
pub enum EntryKind {
    Opening,
    Payment,
    Refund,
    Fee,
    FeeWaiver,
    Commission,
    CommissionReversal,
    WriteOff,
    WriteOffReversal,
    Unapplied,
    Application,
    UnappliedRefund,
}

impl EntryKind {
    pub const ALL: [EntryKind; 12] = [
        EntryKind::Opening,
        EntryKind::Payment,
        EntryKind::Refund,
        EntryKind::Fee,
        EntryKind::FeeWaiver,
        EntryKind::Commission,
        EntryKind::CommissionReversal,
        EntryKind::WriteOff,
        EntryKind::WriteOffReversal,
        EntryKind::Unapplied,
        EntryKind::Application,
        EntryKind::UnappliedRefund,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EntryKind::Opening => "opening",
            EntryKind::Payment => "payment",
            EntryKind::Refund => "refund",
            EntryKind::Fee => "fee",
            EntryKind::FeeWaiver => "fee_waiver",
            EntryKind::Commission => "commission",
            EntryKind::CommissionReversal => "commission_reversal",
            EntryKind::WriteOff => "write_off",
            EntryKind::WriteOffReversal => "write_off_reversal",
            EntryKind::Unapplied => "unapplied",
            EntryKind::Application => "application",
            EntryKind::UnappliedRefund => "unapplied_refund",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == name)
    }

    /// The account debited and the account credited by an entry of this kind.
    fn sides(self) -> (LedgerAccount, LedgerAccount) {
        use LedgerAccount::*;
        match self {
            EntryKind::Opening => (Receivable, Placement),
            EntryKind::Payment => (CashClearing, Receivable),
            EntryKind::Refund => (Receivable, CashClearing),
            EntryKind::Fee => (Receivable, FeeIncome),
            EntryKind::FeeWaiver => (FeeIncome, Receivable),
            EntryKind::Commission => (CommissionExpense, CommissionPayable),
            EntryKind::CommissionReversal => (CommissionPayable, CommissionExpense),
            EntryKind::WriteOff => (WriteOff, Receivable),
            EntryKind::WriteOffReversal => (Receivable, WriteOff),
            EntryKind::Unapplied => (CashClearing, Suspense),
            EntryKind::Application => (Suspense, Receivable),
            EntryKind::UnappliedRefund => (Suspense, CashClearing),
        }
    }
}

/// One line: an amount on one side of one ledger account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Line {
    pub account: LedgerAccount,
    pub side: Side,
    pub amount: Money,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Debit,
    Credit,
}

/// Why an entry cannot be posted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LedgerError {
    #[error("an entry needs at least two lines")]
    TooFewLines,
    #[error("every line must move a positive amount")]
    NonPositiveLine,
    #[error("debits ({debits}) do not equal credits ({credits})")]
    Unbalanced { debits: Money, credits: Money },
    #[error(transparent)]
    Money(#[from] MoneyError),
}

/// A balanced journal entry, ready to post.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    kind: EntryKind,
    lines: Vec<Line>,
}

impl Entry {
    /// An entry of `kind` with these lines, if they balance: at least two lines, each
    /// a positive amount, all in one currency, debits equal to credits.
    pub fn new(kind: EntryKind, lines: Vec<Line>) -> Result<Self, LedgerError> {
        let first = lines.first().ok_or(LedgerError::TooFewLines)?;
        if lines.len() < 2 {
            return Err(LedgerError::TooFewLines);
        }
        let zero = Money::zero(first.amount.currency());
        let (mut debits, mut credits) = (zero, zero);
        for line in &lines {
            if !line.amount.is_positive() {
                return Err(LedgerError::NonPositiveLine);
            }
            match line.side {
                Side::Debit => debits = debits.checked_add(line.amount)?,
                Side::Credit => credits = credits.checked_add(line.amount)?,
            }
        }
        if debits != credits {
            return Err(LedgerError::Unbalanced { debits, credits });
        }
        Ok(Entry { kind, lines })
    }

    /// The standard two-line entry of `kind` for `amount` (see the module's table).
    pub fn of(kind: EntryKind, amount: Money) -> Result<Self, LedgerError> {
        let (debit, credit) = kind.sides();
        Entry::new(
            kind,
            vec![
                Line { account: debit, side: Side::Debit, amount },
                Line { account: credit, side: Side::Credit, amount },
            ],
        )
    }

    pub fn kind(&self) -> EntryKind {
        self.kind
    }

    pub fn lines(&self) -> &[Line] {
        &self.lines
    }

    /// What this entry does to the receivable (the account's balance): debits minus
    /// credits on it.
    pub fn receivable_change(&self) -> rust_decimal::Decimal {
        self.lines
            .iter()
            .filter(|l| l.account == LedgerAccount::Receivable)
            .map(|l| match l.side {
                Side::Debit => l.amount.amount(),
                Side::Credit => -l.amount.amount(),
            })
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Currency;
    use rust_decimal::Decimal;

    fn usd(s: &str) -> Money {
        Money::new(s.parse().unwrap(), Currency::USD).unwrap()
    }

    #[test]
    fn every_kind_balances_and_moves_the_receivable_its_way() {
        let expected = [
            (EntryKind::Opening, "10.00"),
            (EntryKind::Payment, "-10.00"),
            (EntryKind::Refund, "10.00"),
            (EntryKind::Fee, "10.00"),
            (EntryKind::FeeWaiver, "-10.00"),
            (EntryKind::Commission, "0"),
            (EntryKind::CommissionReversal, "0"),
            (EntryKind::WriteOff, "-10.00"),
            (EntryKind::WriteOffReversal, "10.00"),
            (EntryKind::Unapplied, "0"),
            (EntryKind::Application, "-10.00"),
            (EntryKind::UnappliedRefund, "0"),
        ];
        for (kind, change) in expected {
            let entry = Entry::of(kind, usd("10.00")).unwrap();
            assert_eq!(entry.receivable_change(), change.parse::<Decimal>().unwrap(), "{kind:?}");
            assert_eq!(entry.lines().len(), 2);
        }
    }

    #[test]
    fn names_round_trip() {
        for account in LedgerAccount::ALL {
            assert_eq!(LedgerAccount::parse(account.as_str()), Some(account));
        }
        for kind in EntryKind::ALL {
            assert_eq!(EntryKind::parse(kind.as_str()), Some(kind));
        }
    }

    #[test]
    fn unbalanced_and_degenerate_entries_are_refused() {
        let debit = Line { account: LedgerAccount::CashClearing, side: Side::Debit, amount: usd("10.00") };
        let credit = Line { account: LedgerAccount::Receivable, side: Side::Credit, amount: usd("9.99") };
        assert!(matches!(Entry::new(EntryKind::Payment, vec![debit, credit]), Err(LedgerError::Unbalanced { .. })));
        assert_eq!(Entry::new(EntryKind::Payment, vec![debit]), Err(LedgerError::TooFewLines));
        assert_eq!(Entry::new(EntryKind::Payment, vec![]), Err(LedgerError::TooFewLines));
        assert_eq!(Entry::of(EntryKind::Payment, usd("0")), Err(LedgerError::NonPositiveLine));
        let euros = Line { amount: Money::new(Decimal::TEN, Currency::parse("EUR").unwrap()).unwrap(), ..credit };
        assert!(matches!(Entry::new(EntryKind::Payment, vec![debit, euros]), Err(LedgerError::Money(_))));
    }
}
