//! The payment lifecycle: one enum, and one table of every allowed move with what
//! may cause it.
//!
//! ```text
//! (intake) ─→ completed | pending | pending_approval | unapplied
//! pending ──processor confirms──→ completed | unapplied;  ──processor fails──→ failed
//! pending_approval ──manager approves──→ completed | unapplied;  ──rejects──→ rejected
//! unapplied ──manager applies──→ completed;  ──refund──→ unapplied (part) | refunded
//! completed | partially_refunded ──refund──→ partially_refunded | refunded
//! ```
//!
//! Money in hand goes onto its account when the account is worked and owes at least
//! the amount (`completed`); otherwise it is never turned away but kept `unapplied`:
//! on the ledger in the suspense account, waiting in a manager's queue to be applied
//! to an account or refunded ([`super::placement`]).

use crate::names::named_enum;

named_enum!(
    /// Where a payment is in its life.
    PaymentStatus as "payment_status" {
        Pending => "pending",
        PendingApproval => "pending_approval",
        Completed => "completed",
        Failed => "failed",
        Rejected => "rejected",
        Refunded => "refunded",
        PartiallyRefunded => "partially_refunded",
        Unapplied => "unapplied",
    }
);

/// What moves a payment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PaymentCause {
    /// The card processor confirmed the payment (its webhook).
    Confirmed,
    /// The card processor reported a failure.
    ProcessorFailed,
    /// A manager approved a backdated payment.
    Approved,
    /// A manager rejected a backdated payment.
    Rejected,
    /// A manager applied unapplied money to an account.
    Applied,
    /// A refund, in full or in part (a person's or the processor's).
    Refund,
}

use PaymentStatus::*;

impl PaymentStatus {
    /// What may cause the move `self → to`, if anything may: the one table.
    pub fn cause_of(self, to: PaymentStatus) -> Option<PaymentCause> {
        match (self, to) {
            (Pending, Completed | Unapplied) => Some(PaymentCause::Confirmed),
            (Pending, Failed) => Some(PaymentCause::ProcessorFailed),
            (PendingApproval, Completed | Unapplied) => Some(PaymentCause::Approved),
            (PendingApproval, Rejected) => Some(PaymentCause::Rejected),
            (Unapplied, Completed) => Some(PaymentCause::Applied),
            (Completed | PartiallyRefunded, PartiallyRefunded | Refunded) => Some(PaymentCause::Refund),
            (Unapplied, Unapplied | Refunded) => Some(PaymentCause::Refund),
            _ => None,
        }
    }

    /// The statuses from which `cause` may move a payment (what a refusal lists).
    pub fn from_which(cause: PaymentCause) -> Vec<PaymentStatus> {
        Self::ALL.iter().copied().filter(|from| Self::ALL.iter().any(|to| from.cause_of(*to) == Some(cause))).collect()
    }

    /// Moves to `to` for `cause`, or says which statuses `cause` needs.
    pub fn transition(self, to: PaymentStatus, cause: PaymentCause) -> Result<PaymentStatus, PaymentStatusError> {
        if self.cause_of(to) == Some(cause) {
            Ok(to)
        } else {
            Err(PaymentStatusError { from: self, cause, allowed: Self::from_which(cause) })
        }
    }

    /// Whether the payment's money is on the ledger (on its account or in suspense).
    pub fn is_posted(self) -> bool {
        matches!(self, Completed | PartiallyRefunded | Refunded | Unapplied)
    }

    /// Whether a refund may be taken from it (the table's `Refund` moves).
    pub fn is_refundable(self) -> bool {
        Self::ALL.iter().any(|to| self.cause_of(*to) == Some(PaymentCause::Refund))
    }

    /// Waiting for a processor or a manager: its amount is promised, not yet posted.
    pub fn is_pending(self) -> bool {
        matches!(self, Pending | PendingApproval)
    }
}

/// A payment cannot take this step from its status.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a payment in status {from} cannot be moved by {cause:?}")]
pub struct PaymentStatusError {
    pub from: PaymentStatus,
    pub cause: PaymentCause,
    /// The statuses the step needs.
    pub allowed: Vec<PaymentStatus>,
}

#[cfg(test)]
mod tests {
    use super::*;

    const CAUSES: [PaymentCause; 6] = [
        PaymentCause::Confirmed,
        PaymentCause::ProcessorFailed,
        PaymentCause::Approved,
        PaymentCause::Rejected,
        PaymentCause::Applied,
        PaymentCause::Refund,
    ];

    #[test]
    fn every_pair_is_allowed_only_for_its_cause() {
        let mut allowed = Vec::new();
        for from in PaymentStatus::ALL.iter().copied() {
            for to in PaymentStatus::ALL.iter().copied() {
                for cause in CAUSES {
                    let ok = from.transition(to, cause).is_ok();
                    assert_eq!(ok, from.cause_of(to) == Some(cause), "{from} → {to} by {cause:?}");
                    if ok {
                        allowed.push((from, to, cause));
                    }
                }
            }
        }
        use PaymentCause::{Applied, Approved, Confirmed, ProcessorFailed, Refund};
        assert_eq!(
            allowed,
            vec![
                (Pending, Completed, Confirmed),
                (Pending, Failed, ProcessorFailed),
                (Pending, Unapplied, Confirmed),
                (PendingApproval, Completed, Approved),
                (PendingApproval, PaymentStatus::Rejected, PaymentCause::Rejected),
                (PendingApproval, Unapplied, Approved),
                (Completed, Refunded, Refund),
                (Completed, PartiallyRefunded, Refund),
                (PartiallyRefunded, Refunded, Refund),
                (PartiallyRefunded, PartiallyRefunded, Refund),
                (Unapplied, Completed, Applied),
                (Unapplied, Refunded, Refund),
                (Unapplied, Unapplied, Refund),
            ]
        );
    }

    #[test]
    fn final_statuses_go_nowhere() {
        for from in [Failed, PaymentStatus::Rejected, Refunded] {
            for to in PaymentStatus::ALL.iter().copied() {
                assert_eq!(from.cause_of(to), None, "{from} → {to}");
            }
        }
    }

    #[test]
    fn a_refused_step_lists_where_it_could_start() {
        let err = Pending.transition(Refunded, PaymentCause::Refund).unwrap_err();
        assert_eq!(err.allowed, vec![Completed, PartiallyRefunded, Unapplied]);
        let err = Completed.transition(Completed, PaymentCause::Approved).unwrap_err();
        assert_eq!(err.allowed, vec![PendingApproval]);
    }

    #[test]
    fn refunds_come_from_posted_money_still_held() {
        let refundable: Vec<PaymentStatus> = PaymentStatus::ALL.iter().copied().filter(|s| s.is_refundable()).collect();
        assert_eq!(refundable, vec![Completed, PartiallyRefunded, Unapplied]);
    }

    #[test]
    fn posted_money_is_on_the_ledger() {
        let posted: Vec<PaymentStatus> = PaymentStatus::ALL.iter().copied().filter(|s| s.is_posted()).collect();
        assert_eq!(posted, vec![Completed, Refunded, PartiallyRefunded, Unapplied]);
        let pending: Vec<PaymentStatus> = PaymentStatus::ALL.iter().copied().filter(|s| s.is_pending()).collect();
        assert_eq!(pending, vec![Pending, PendingApproval]);
    }
}
