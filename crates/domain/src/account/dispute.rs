//! The dispute lifecycle (shared/DESIGN.md, seed 002): a debtor contests the debt, the
//! account waits in DISPUTED, and a person resolves the dispute by moving the account
//! on. One table of what each move of the account does to its dispute, and one of the
//! dispute's own moves.
//!
//! ```text
//! account NEGOTIATING | PAYMENT_PLAN ─by hand→ DISPUTED      opens a dispute
//! account DISPUTED ─by hand→ IN_CONTACT | NEGOTIATING | CLOSED  resolves it, with that outcome
//! dispute OPEN ─resolved→ RESOLVED (in_contact | negotiating | closed); nothing leaves RESOLVED
//! ```
//!
//! Money leaves a dispute as it is: an account settled while disputed keeps its dispute
//! open, and a refund that brings it back to DISPUTED finds it still open. The database
//! keeps the same rules (one open dispute per account, the outcome's CHECK, a trigger
//! that refuses any change to a resolved dispute: migrations/0003).

use super::status::{AccountStatus, Cause};
use std::fmt;

/// Where a dispute is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DisputeStatus {
    Open,
    Resolved,
}

/// How a dispute ended: the status its account left DISPUTED for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Outcome {
    /// The debt stands; collection resumes.
    InContact,
    /// The debt stands; the negotiation resumes.
    Negotiating,
    /// The debt does not stand (or is not pursued): the account is closed.
    Closed,
}

/// What a move of an account does to its dispute.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DisputeStep {
    /// A dispute opens.
    Open,
    /// The open dispute is resolved with this outcome.
    Resolve(Outcome),
}

/// A step the dispute lifecycle does not allow.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DisputeError {
    #[error("a resolved dispute never changes")]
    AlreadyResolved,
    #[error("a dispute resolves to in_contact, negotiating or closed, not to {0}")]
    NotAnOutcome(AccountStatus),
}

impl Outcome {
    pub const ALL: [Outcome; 3] = [Outcome::InContact, Outcome::Negotiating, Outcome::Closed];

    /// The outcome of leaving DISPUTED for `status`, if a dispute may end there.
    pub fn of(status: AccountStatus) -> Option<Outcome> {
        Self::ALL.into_iter().find(|outcome| AccountStatus::from(*outcome) == status)
    }
}

impl From<Outcome> for AccountStatus {
    fn from(outcome: Outcome) -> Self {
        match outcome {
            Outcome::InContact => AccountStatus::InContact,
            Outcome::Negotiating => AccountStatus::Negotiating,
            Outcome::Closed => AccountStatus::Closed,
        }
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        AccountStatus::from(*self).fmt(f)
    }
}

impl DisputeStep {
    /// What the account's move `from → to` for `cause` does to its dispute, if
    /// anything: the one table of the account side. Only a person's moves and a dispute
    /// within the validation period touch a dispute; a move the account lifecycle
    /// refuses touches nothing.
    pub fn of(from: AccountStatus, to: AccountStatus, cause: Cause) -> Option<DisputeStep> {
        use AccountStatus::*;
        if from.cause_of(to) != Some(cause) || !matches!(cause, Cause::Manual | Cause::ValidationDispute) {
            return None;
        }
        match (from, to) {
            (_, Disputed) => Some(DisputeStep::Open),
            (Disputed, to) => Outcome::of(to).map(DisputeStep::Resolve),
            _ => None,
        }
    }
}

impl DisputeStatus {
    pub const ALL: [DisputeStatus; 2] = [DisputeStatus::Open, DisputeStatus::Resolved];

    /// Resolves a dispute in `self` by leaving DISPUTED for `to`: the one table of the
    /// dispute's own moves (OPEN → RESOLVED with an outcome; nothing leaves RESOLVED).
    pub fn resolve(self, to: AccountStatus) -> Result<Outcome, DisputeError> {
        match self {
            DisputeStatus::Open => Outcome::of(to).ok_or(DisputeError::NotAnOutcome(to)),
            DisputeStatus::Resolved => Err(DisputeError::AlreadyResolved),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use AccountStatus::*;

    #[test]
    fn every_account_move_touches_the_dispute_only_as_designed() {
        let mut touched = Vec::new();
        for from in AccountStatus::ALL {
            for to in AccountStatus::ALL {
                for cause in Cause::ALL {
                    if let Some(step) = DisputeStep::of(from, to, cause) {
                        touched.push((from, to, cause, step));
                    }
                }
            }
        }
        assert_eq!(
            touched,
            vec![
                (Assigned, Disputed, Cause::ValidationDispute, DisputeStep::Open),
                (InContact, Disputed, Cause::ValidationDispute, DisputeStep::Open),
                (Negotiating, Disputed, Cause::Manual, DisputeStep::Open),
                (PaymentPlan, Disputed, Cause::Manual, DisputeStep::Open),
                (Disputed, InContact, Cause::Manual, DisputeStep::Resolve(Outcome::InContact)),
                (Disputed, Negotiating, Cause::Manual, DisputeStep::Resolve(Outcome::Negotiating)),
                (Disputed, Closed, Cause::Manual, DisputeStep::Resolve(Outcome::Closed)),
            ]
        );
    }

    #[test]
    fn every_manual_way_into_disputed_opens_and_every_way_out_resolves() {
        for from in AccountStatus::ALL {
            for to in from.allowed_transitions() {
                let step = DisputeStep::of(from, to, Cause::Manual);
                let expected = match (from, to) {
                    (_, Disputed) => Some(DisputeStep::Open),
                    (Disputed, to) => Outcome::of(to).map(DisputeStep::Resolve),
                    _ => None,
                };
                assert_eq!(step, expected, "{from} → {to}");
            }
        }
        let outcomes: Vec<AccountStatus> = Outcome::ALL.into_iter().map(AccountStatus::from).collect();
        assert_eq!(outcomes, Disputed.allowed_transitions(), "a dispute ends wherever a person may take the account");
    }

    #[test]
    fn money_leaves_the_dispute_as_it_is() {
        assert_eq!(DisputeStep::of(Disputed, Settled, Cause::Settlement), None, "settled while disputed");
        assert_eq!(DisputeStep::of(Settled, Disputed, Cause::Refund), None, "back to disputed, still open");
        assert_eq!(DisputeStep::of(Disputed, Settled, Cause::Manual), None, "refused by the account lifecycle");
    }

    #[test]
    fn only_an_open_dispute_resolves_and_only_to_an_outcome() {
        for status in DisputeStatus::ALL {
            for to in AccountStatus::ALL {
                let resolved = status.resolve(to);
                match (status, Outcome::of(to)) {
                    (DisputeStatus::Open, Some(outcome)) => assert_eq!(resolved, Ok(outcome), "{to}"),
                    (DisputeStatus::Open, None) => assert_eq!(resolved, Err(DisputeError::NotAnOutcome(to))),
                    (DisputeStatus::Resolved, _) => assert_eq!(resolved, Err(DisputeError::AlreadyResolved)),
                }
            }
        }
    }

    #[test]
    fn outcomes_are_named_as_the_statuses_they_lead_to() {
        for outcome in Outcome::ALL {
            assert_eq!(Outcome::of(outcome.into()), Some(outcome));
            assert_eq!(outcome.to_string(), AccountStatus::from(outcome).as_str());
        }
        assert_eq!(Outcome::of(Settled), None);
    }
}
