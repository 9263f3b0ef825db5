//! The account lifecycle (shared/DESIGN.md, seed 002): one enum, and one table of
//! every allowed move with what may cause it.
//!
//! ```text
//! NEW ─assign→ ASSIGNED → IN_CONTACT → NEGOTIATING ─plan activated→ PAYMENT_PLAN
//!                                        │   ↑ plan defaulted/cancelled ┘   │
//!                                        └→ DISPUTED ←─────────────────────┘
//! ASSIGNED, IN_CONTACT ─a dispute within the validation period→ DISPUTED
//! DISPUTED → IN_CONTACT | NEGOTIATING | CLOSED         (the dispute resolved)
//! any working status ─balance zero / settlement accepted→ SETTLED → CLOSED
//! SETTLED ─refund→ the working status it was settled from
//! NEW, ASSIGNED, IN_CONTACT, NEGOTIATING ─write-off approved→ CLOSED
//! ```
//!
//! A person asks for a move with [`Cause::Manual`]; the moves that only events may
//! make (assignment, plan activation and default, settlement, refund) refuse it, so
//! PAYMENT_PLAN is entered only by activating a plan and SETTLED only through money.

use serde::{Deserialize, Serialize};
use std::{fmt, str::FromStr};

/// Where an account is in its lifecycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "sqlx", derive(sqlx::Type), sqlx(type_name = "account_status", rename_all = "snake_case"))]
#[serde(rename_all = "snake_case")]
pub enum AccountStatus {
    New,
    Assigned,
    InContact,
    Negotiating,
    PaymentPlan,
    Settled,
    Closed,
    Disputed,
}

/// What makes an account move.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Cause {
    /// A person's `POST /accounts/{id}/transition`.
    Manual,
    /// A collector was assigned.
    Assignment,
    /// A payment plan was approved and activated.
    PlanActivated,
    /// The active plan defaulted or was cancelled.
    PlanEnded,
    /// The balance reached zero, or a settlement was accepted.
    Settlement,
    /// A refund reopened a settled account.
    Refund,
    /// The debtor disputed the debt within the validation period of their notice
    /// (Regulation F § 1006.34(c)(3)): collection stops, from wherever it had got to.
    ValidationDispute,
    /// The board approved writing off the balance (`crate::remedial::write_off`). Not
    /// from PAYMENT_PLAN (the plan is cancelled first) nor DISPUTED (the dispute is
    /// resolved first).
    WriteOff,
}

impl Cause {
    pub const ALL: [Cause; 8] = [
        Cause::Manual,
        Cause::Assignment,
        Cause::PlanActivated,
        Cause::PlanEnded,
        Cause::Settlement,
        Cause::Refund,
        Cause::ValidationDispute,
        Cause::WriteOff,
    ];
}

use AccountStatus::*;

impl AccountStatus {
    /// The statuses in which an account is being worked: it takes payments, SETTLED
    /// can come from them and a refund can return to them.
    pub const WORKING: [AccountStatus; 5] = [Assigned, InContact, Negotiating, PaymentPlan, Disputed];

    /// The working statuses in which the debtor is pursued: all but DISPUTED, where
    /// collection pauses until the dispute is resolved (the contactable worklist).
    pub const COLLECTING: [AccountStatus; 4] = [Assigned, InContact, Negotiating, PaymentPlan];

    pub const ALL: [AccountStatus; 8] = [New, Assigned, InContact, Negotiating, PaymentPlan, Settled, Closed, Disputed];

    /// The stable wire and database name (`in_contact`).
    pub fn as_str(self) -> &'static str {
        match self {
            New => "new",
            Assigned => "assigned",
            InContact => "in_contact",
            Negotiating => "negotiating",
            PaymentPlan => "payment_plan",
            Settled => "settled",
            Closed => "closed",
            Disputed => "disputed",
        }
    }

    /// What may cause the move `self → to`, if anything may: the one table.
    pub fn cause_of(self, to: AccountStatus) -> Option<Cause> {
        match (self, to) {
            (New, Assigned) => Some(Cause::Assignment),
            (Assigned, InContact) | (InContact, Negotiating) => Some(Cause::Manual),
            (Negotiating | PaymentPlan, Disputed) => Some(Cause::Manual),
            (Assigned | InContact, Disputed) => Some(Cause::ValidationDispute),
            (Disputed, InContact | Negotiating | Closed) => Some(Cause::Manual),
            (New | Assigned | InContact | Negotiating, Closed) => Some(Cause::WriteOff),
            (Settled, Closed) => Some(Cause::Manual),
            (Negotiating, PaymentPlan) => Some(Cause::PlanActivated),
            (PaymentPlan, Negotiating) => Some(Cause::PlanEnded),
            (from, Settled) if Self::WORKING.contains(&from) => Some(Cause::Settlement),
            (Settled, to) if Self::WORKING.contains(&to) => Some(Cause::Refund),
            _ => None,
        }
    }

    /// The statuses a person may move the account to from here (what the SPA offers).
    pub fn allowed_transitions(self) -> Vec<AccountStatus> {
        Self::ALL.into_iter().filter(|to| self.cause_of(*to) == Some(Cause::Manual)).collect()
    }

    /// Moves to `to` for `cause`, or says why not.
    pub fn transition(self, to: AccountStatus, cause: Cause) -> Result<AccountStatus, TransitionError> {
        match self.cause_of(to) {
            Some(allowed) if allowed == cause => Ok(to),
            Some(allowed) => Err(TransitionError::NeedsEvent { from: self, to, cause: allowed }),
            None => Err(TransitionError::NotAllowed { from: self, to, allowed: self.allowed_transitions() }),
        }
    }

    /// Whether the account is still being collected (active): every status but
    /// SETTLED and CLOSED. Open accounts age and make the balance to recover.
    pub fn is_open(self) -> bool {
        !matches!(self, Settled | Closed)
    }

    /// Whether an approved write-off may close the account from here.
    pub fn can_be_written_off(self) -> bool {
        self.cause_of(Closed) == Some(Cause::WriteOff)
    }

    /// Whether payments may be recorded: only while the account is worked. A NEW
    /// account is assigned first (NEW leaves only by assignment); a settled or closed
    /// one owes nothing.
    pub fn takes_payments(self) -> bool {
        Self::WORKING.contains(&self)
    }

    /// The status after (re)assigning the account to a collector: NEW becomes
    /// ASSIGNED, a worked account keeps its status, and a settled or closed one cannot
    /// be assigned (`None`).
    pub fn after_assignment(self) -> Option<AccountStatus> {
        match self {
            New => self.transition(Assigned, Cause::Assignment).ok(),
            working if Self::WORKING.contains(&working) => Some(working),
            _ => None,
        }
    }
}

impl fmt::Display for AccountStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The name given is not a status.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown status `{0}`")]
pub struct UnknownStatus(pub String);

impl FromStr for AccountStatus {
    type Err = UnknownStatus;

    /// Accepts the wire names and the seed's upper-case ones (`IN_CONTACT`).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let lower = s.to_ascii_lowercase();
        Self::ALL.into_iter().find(|st| st.as_str() == lower).ok_or_else(|| UnknownStatus(s.to_owned()))
    }
}

/// A move the lifecycle does not allow.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    #[error("cannot move from {from} to {to}")]
    NotAllowed { from: AccountStatus, to: AccountStatus, allowed: Vec<AccountStatus> },
    #[error("{from} → {to} happens only through {cause:?}")]
    NeedsEvent { from: AccountStatus, to: AccountStatus, cause: Cause },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manual_moves_are_exactly_the_designed_ones() {
        let manual: Vec<(AccountStatus, Vec<AccountStatus>)> =
            AccountStatus::ALL.into_iter().map(|s| (s, s.allowed_transitions())).collect();
        assert_eq!(
            manual,
            vec![
                (New, vec![]),
                (Assigned, vec![InContact]),
                (InContact, vec![Negotiating]),
                (Negotiating, vec![Disputed]),
                (PaymentPlan, vec![Disputed]),
                (Settled, vec![Closed]),
                (Closed, vec![]),
                (Disputed, vec![InContact, Negotiating, Closed]),
            ]
        );
    }

    #[test]
    fn every_pair_is_allowed_only_for_its_cause() {
        for from in AccountStatus::ALL {
            for to in AccountStatus::ALL {
                for cause in Cause::ALL {
                    let allowed = from.cause_of(to) == Some(cause);
                    assert_eq!(from.transition(to, cause).is_ok(), allowed, "{from} → {to} by {cause:?}");
                }
            }
        }
    }

    #[test]
    fn events_own_their_moves() {
        assert_eq!(New.transition(Assigned, Cause::Assignment), Ok(Assigned));
        assert!(matches!(
            Negotiating.transition(PaymentPlan, Cause::Manual),
            Err(TransitionError::NeedsEvent { cause: Cause::PlanActivated, .. })
        ));
        assert!(matches!(InContact.transition(Settled, Cause::Manual), Err(TransitionError::NeedsEvent { .. })));
        assert_eq!(PaymentPlan.transition(Settled, Cause::Settlement), Ok(Settled));
        assert_eq!(Settled.transition(PaymentPlan, Cause::Refund), Ok(PaymentPlan));
        assert_eq!(PaymentPlan.transition(Negotiating, Cause::PlanEnded), Ok(Negotiating));
    }

    #[test]
    fn assignment_moves_only_new_accounts_and_refuses_finished_ones() {
        let after: Vec<Option<AccountStatus>> = AccountStatus::ALL.map(AccountStatus::after_assignment).to_vec();
        assert_eq!(
            after,
            vec![
                Some(Assigned),
                Some(Assigned),
                Some(InContact),
                Some(Negotiating),
                Some(PaymentPlan),
                None,
                None,
                Some(Disputed)
            ]
        );
    }

    #[test]
    fn a_refused_move_lists_the_allowed_targets() {
        let err = Closed.transition(New, Cause::Manual).unwrap_err();
        assert_eq!(err, TransitionError::NotAllowed { from: Closed, to: New, allowed: vec![] });
        let err = Disputed.transition(Settled, Cause::Manual).unwrap_err();
        assert!(matches!(err, TransitionError::NeedsEvent { .. }));
        let err = Assigned.transition(Negotiating, Cause::Manual).unwrap_err();
        assert_eq!(err, TransitionError::NotAllowed { from: Assigned, to: Negotiating, allowed: vec![InContact] });
        let err = Assigned.transition(Closed, Cause::Manual).unwrap_err();
        assert_eq!(err, TransitionError::NeedsEvent { from: Assigned, to: Closed, cause: Cause::WriteOff });
    }

    #[test]
    fn nothing_leaves_closed_and_new_leaves_only_by_assignment_or_a_write_off() {
        for to in AccountStatus::ALL {
            assert_eq!(Closed.cause_of(to), None, "closed → {to}");
            assert!(New.cause_of(to).is_none() || matches!(to, Assigned | Closed), "new → {to}");
        }
        let written_off: Vec<AccountStatus> =
            AccountStatus::ALL.into_iter().filter(|s| s.can_be_written_off()).collect();
        assert_eq!(written_off, vec![New, Assigned, InContact, Negotiating]);
    }

    #[test]
    fn only_worked_accounts_take_payments() {
        let taking: Vec<_> = AccountStatus::ALL.into_iter().filter(|s| s.takes_payments()).collect();
        assert_eq!(taking, vec![Assigned, InContact, Negotiating, PaymentPlan, Disputed]);
    }

    #[test]
    fn names_round_trip_and_accept_the_seed_spelling() {
        for status in AccountStatus::ALL {
            assert_eq!(status.as_str().parse::<AccountStatus>(), Ok(status));
        }
        assert_eq!("IN_CONTACT".parse::<AccountStatus>(), Ok(InContact));
        assert!("in contact".parse::<AccountStatus>().is_err());
        assert_eq!(serde_json::to_value(PaymentPlan).unwrap(), "payment_plan");
    }
}
