//! The plan lifecycle: one enum, and one table of every step and where it leads.
//!
//! ```text
//! draft ──submit──→ pending_approval ──approve──→ active ──paid off──→ completed
//!   ↑ edit, delete        │  └──reject──→ draft       ├──defaulted──→ defaulted
//!   └─────────────────────┴──────cancel──────────────→ cancelled
//! completed ──a refund unpays it──→ active
//! ```
//!
//! A person takes the steps marked [`PlanStep::is_manual`] (who exactly is the role
//! table's business); the others happen through events: the last installment paid,
//! the default threshold passed (the daily job), a refund.

use crate::names::named_enum;

named_enum!(
    /// Where a plan is in its life.
    PlanStatus as "plan_status" {
        Draft => "draft",
        PendingApproval => "pending_approval",
        Active => "active",
        Completed => "completed",
        Defaulted => "defaulted",
        Cancelled => "cancelled",
    }
);

/// What can happen to a plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PlanStep {
    /// Its terms or schedule changed (a draft only).
    Edit,
    /// Deleted by its author (a draft only; kept, hidden).
    Delete,
    Submit,
    Approve,
    Reject,
    Cancel,
    /// Every installment paid.
    Complete,
    /// An installment unpaid past the default threshold.
    Default,
    /// A refund took back part of what completed it.
    Reopen,
}

use PlanStatus::*;

impl PlanStep {
    pub const ALL: [PlanStep; 9] = [
        PlanStep::Edit,
        PlanStep::Delete,
        PlanStep::Submit,
        PlanStep::Approve,
        PlanStep::Reject,
        PlanStep::Cancel,
        PlanStep::Complete,
        PlanStep::Default,
        PlanStep::Reopen,
    ];

    /// Taken by a person (the others happen through events).
    pub fn is_manual(self) -> bool {
        !matches!(self, PlanStep::Complete | PlanStep::Default | PlanStep::Reopen)
    }

    /// The step's name on the timeline (`submitted`, `approved`, …).
    pub fn past_tense(self) -> &'static str {
        match self {
            PlanStep::Edit => "edited",
            PlanStep::Delete => "deleted",
            PlanStep::Submit => "submitted",
            PlanStep::Approve => "approved",
            PlanStep::Reject => "rejected",
            PlanStep::Cancel => "cancelled",
            PlanStep::Complete => "completed",
            PlanStep::Default => "defaulted",
            PlanStep::Reopen => "reopened",
        }
    }
}

impl PlanStatus {
    /// Where `step` leads from here, if it may be taken: the one table.
    pub fn after(self, step: PlanStep) -> Option<PlanStatus> {
        match (self, step) {
            (Draft, PlanStep::Edit | PlanStep::Delete) => Some(Draft),
            (Draft, PlanStep::Submit) => Some(PendingApproval),
            (PendingApproval, PlanStep::Approve) => Some(Active),
            (PendingApproval, PlanStep::Reject) => Some(Draft),
            (Draft | PendingApproval | Active, PlanStep::Cancel) => Some(Cancelled),
            (Active, PlanStep::Complete) => Some(Completed),
            (Active, PlanStep::Default) => Some(Defaulted),
            (Completed, PlanStep::Reopen) => Some(Active),
            _ => None,
        }
    }

    /// The statuses `step` may be taken from (what a refusal lists).
    pub fn from_which(step: PlanStep) -> Vec<PlanStatus> {
        Self::ALL.iter().copied().filter(|from| from.after(step).is_some()).collect()
    }

    /// Takes `step`, or says which statuses it needs.
    pub fn step(self, step: PlanStep) -> Result<PlanStatus, PlanStepError> {
        self.after(step).ok_or_else(|| PlanStepError { from: self, step, allowed: Self::from_which(step) })
    }
}

/// A plan cannot take this step from its status.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a plan in status {from} cannot be {}", step.past_tense())]
pub struct PlanStepError {
    pub from: PlanStatus,
    pub step: PlanStep,
    /// The statuses the step needs.
    pub allowed: Vec<PlanStatus>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_status_and_step_leads_where_the_table_says() {
        let mut moves = Vec::new();
        for from in PlanStatus::ALL.iter().copied() {
            for step in PlanStep::ALL {
                match from.step(step) {
                    Ok(to) => moves.push((from, step, to)),
                    Err(err) => {
                        assert_eq!(from.after(step), None);
                        assert!(!err.allowed.contains(&from), "{from} {step:?}");
                    }
                }
            }
        }
        use PlanStep as S;
        assert_eq!(
            moves,
            vec![
                (Draft, S::Edit, Draft),
                (Draft, S::Delete, Draft),
                (Draft, S::Submit, PendingApproval),
                (Draft, S::Cancel, Cancelled),
                (PendingApproval, S::Approve, Active),
                (PendingApproval, S::Reject, Draft),
                (PendingApproval, S::Cancel, Cancelled),
                (Active, S::Cancel, Cancelled),
                (Active, S::Complete, Completed),
                (Active, S::Default, Defaulted),
                (Completed, S::Reopen, Active),
            ]
        );
    }

    #[test]
    fn ended_plans_stay_ended_except_a_completion_a_refund_undoes() {
        for step in PlanStep::ALL {
            assert_eq!(Defaulted.after(step), None, "defaulted, {step:?}");
            assert_eq!(Cancelled.after(step), None, "cancelled, {step:?}");
            assert_eq!(Completed.after(step), (step == PlanStep::Reopen).then_some(Active));
        }
    }

    #[test]
    fn events_own_their_steps() {
        let manual: Vec<PlanStep> = PlanStep::ALL.into_iter().filter(|s| s.is_manual()).collect();
        assert_eq!(
            manual,
            vec![
                PlanStep::Edit,
                PlanStep::Delete,
                PlanStep::Submit,
                PlanStep::Approve,
                PlanStep::Reject,
                PlanStep::Cancel
            ]
        );
    }

    #[test]
    fn a_refused_step_names_what_it_needs() {
        let err = Active.step(PlanStep::Submit).unwrap_err();
        assert_eq!(err.allowed, vec![Draft]);
        assert_eq!(err.to_string(), "a plan in status active cannot be submitted");
        assert_eq!(Completed.step(PlanStep::Cancel).unwrap_err().allowed, vec![Draft, PendingApproval, Active]);
    }
}
