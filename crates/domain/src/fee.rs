//! Fees assessed on an account: collection, late and legal fees.
//!
//! A fee raises the balance when assessed (a `fee` entry), is `paid` once payments
//! allocated to it cover it, and `waived` when a manager forgives what is left of it
//! (a `fee_waiver` entry for the unpaid part). A refund of the payment that paid it
//! reopens it.

use crate::names::named_enum;

named_enum!(
    /// What the fee is for.
    FeeKind as "fee_kind" { Collection => "collection", Late => "late", Legal => "legal" }
);

named_enum!(
    /// `waiting` → `paid` | `waived`.
    FeeStatus as "fee_status" { Waiting => "waiting", Paid => "paid", Waived => "waived" }
);

/// What moves a fee.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FeeCause {
    /// A payment allocated to it (in full or in part).
    Payment,
    /// A manager forgave what it still owes.
    Waiver,
    /// A refund gave back what a payment had paid of it.
    Refund,
}

use FeeStatus::*;

impl FeeStatus {
    /// The fee's status after `cause`, given what it still owes afterwards and
    /// whether part of it was waived, if `cause` may touch it at all: the one table.
    /// A fee is `waiting` while it owes anything, else `paid` — or `waived` once a
    /// waiver forgave part of it.
    pub fn after(self, cause: FeeCause, owes: bool, waived: bool) -> Option<FeeStatus> {
        let settled = if waived { Waived } else { Paid };
        match (self, cause) {
            (Waiting, FeeCause::Payment) => Some(if owes { Waiting } else { settled }),
            (Waiting, FeeCause::Waiver) => Some(Waived),
            (_, FeeCause::Refund) => Some(if owes { Waiting } else { settled }),
            (Paid | Waived, FeeCause::Payment | FeeCause::Waiver) => None,
        }
    }

    /// The statuses `cause` may touch (what a refusal lists).
    pub fn from_which(cause: FeeCause) -> Vec<FeeStatus> {
        Self::ALL.iter().copied().filter(|s| s.after(cause, false, false).is_some()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_status_and_cause_leads_where_the_table_says() {
        let causes = [FeeCause::Payment, FeeCause::Waiver, FeeCause::Refund];
        let mut moves = Vec::new();
        for from in FeeStatus::ALL.iter().copied() {
            for cause in causes {
                for (owes, waived) in [(true, false), (false, false), (true, true), (false, true)] {
                    if let Some(to) = from.after(cause, owes, waived) {
                        moves.push((from, cause, owes, waived, to));
                    }
                }
            }
        }
        use FeeCause::*;
        let expected = vec![
            (Waiting, Payment, true, false, Waiting),
            (Waiting, Payment, false, false, Paid),
            (Waiting, Payment, true, true, Waiting),
            (Waiting, Payment, false, true, Waived),
            (Waiting, Waiver, true, false, Waived),
            (Waiting, Waiver, false, false, Waived),
            (Waiting, Waiver, true, true, Waived),
            (Waiting, Waiver, false, true, Waived),
            (Waiting, Refund, true, false, Waiting),
            (Waiting, Refund, false, false, Paid),
            (Waiting, Refund, true, true, Waiting),
            (Waiting, Refund, false, true, Waived),
            (Paid, Refund, true, false, Waiting),
            (Paid, Refund, false, false, Paid),
            (Paid, Refund, true, true, Waiting),
            (Paid, Refund, false, true, Waived),
            (Waived, Refund, true, false, Waiting),
            (Waived, Refund, false, false, Paid),
            (Waived, Refund, true, true, Waiting),
            (Waived, Refund, false, true, Waived),
        ];
        assert_eq!(moves, expected);
    }

    #[test]
    fn only_a_waiting_fee_is_paid_or_waived() {
        assert_eq!(FeeStatus::from_which(FeeCause::Waiver), vec![Waiting]);
        assert_eq!(FeeStatus::from_which(FeeCause::Payment), vec![Waiting]);
        assert_eq!(FeeStatus::from_which(FeeCause::Refund), vec![Waiting, Paid, Waived]);
    }
}
