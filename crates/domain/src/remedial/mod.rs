//! Remedial recovery (seed 000): what an agency does when negotiation has failed —
//! legal cases and their hearings ([`legal`]), recovery actions with their milestones
//! ([`recovery`]) and write-off requests decided by the board ([`write_off`]).
//!
//! Each record has a lifecycle written as one table ([`Lifecycle::after`]): the status
//! a step leads to from a status, if it may be taken there. Who may take a step is
//! the role table's business (`crate::permission`); what else a step needs (a case
//! number to file, every milestone done to complete) is checked by the functions of
//! each module.

pub mod legal;
pub mod recovery;
pub mod write_off;

use std::fmt;

/// A status with the steps that move it: one table ([`Lifecycle::after`]) from which
/// the refusals are derived.
pub trait Lifecycle: Copy + Eq + fmt::Display + 'static {
    type Step: Step;

    /// Every status, in lifecycle order.
    const STATUSES: &'static [Self];

    /// Where `step` leads from here, if it may be taken: the one table.
    fn after(self, step: Self::Step) -> Option<Self>;

    /// The statuses `step` may be taken from (what a refusal lists).
    fn from_which(step: Self::Step) -> Vec<Self> {
        Self::STATUSES.iter().copied().filter(|from| from.after(step).is_some()).collect()
    }

    /// Takes `step`, or says which statuses it needs.
    fn step(self, step: Self::Step) -> Result<Self, StepError<Self>> {
        self.after(step).ok_or_else(|| StepError { from: self, step, allowed: Self::from_which(step) })
    }
}

/// A step of a lifecycle.
pub trait Step: Copy {
    /// What it does, as a refusal says it ("file the case").
    fn verb(self) -> &'static str;
}

/// A record cannot take this step from its status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepError<S: Lifecycle> {
    pub from: S,
    pub step: S::Step,
    /// The statuses the step needs.
    pub allowed: Vec<S>,
}

impl<S: Lifecycle> fmt::Display for StepError<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cannot {} from status {}", self.step.verb(), self.from)
    }
}

impl<S: Lifecycle + fmt::Debug> std::error::Error for StepError<S> where S::Step: fmt::Debug {}

/// A rule a remedial request breaks: the request field at fault and why (a 422
/// naming the field).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct Invalid {
    pub field: &'static str,
    pub message: String,
}

pub(crate) fn invalid<T>(field: &'static str, message: impl Into<String>) -> Result<T, Invalid> {
    Err(Invalid { field, message: message.into() })
}

/// Every (status, step, status after) of a lifecycle: what its table test compares.
#[cfg(test)]
pub(crate) fn moves<S: Lifecycle>(steps: &[S::Step]) -> Vec<(S, S::Step, S)> {
    let mut out = Vec::new();
    for from in S::STATUSES.iter().copied() {
        for step in steps.iter().copied() {
            if let Ok(to) = from.step(step) {
                out.push((from, step, to));
            } else {
                assert!(!S::from_which(step).contains(&from));
            }
        }
    }
    out
}
