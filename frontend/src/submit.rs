//! One form's submission: whether it is on its way, the problem it met, and its
//! `Idempotency-Key`. Every form that writes goes through [`Submission::run`], so they
//! all behave alike: a second click while one is pending does nothing, the problem
//! shows beside the fields or atop the form, and the key follows one policy.
//!
//! **The key policy.** One key per logical submission. It is kept while the outcome is
//! unknown — the server could not be reached (status 0), failed (5xx) or is still
//! running the first try (409 `request-in-progress`) — so that trying again replays the
//! same request instead of, say, recording a payment twice. It is dropped once the
//! server has answered for certain (success, or any other refusal): the next
//! submission, whatever the user changed, is a new one.

use crate::api::{ApiResult, Problem};
use leptos::prelude::*;
use std::future::Future;

#[derive(Clone, Copy)]
pub struct Submission {
    pub pending: RwSignal<bool>,
    pub problem: RwSignal<Option<Problem>>,
    key: StoredValue<Option<String>>,
}

impl Default for Submission {
    fn default() -> Self {
        Self::new()
    }
}

impl Submission {
    pub fn new() -> Self {
        Submission { pending: RwSignal::new(false), problem: RwSignal::new(None), key: StoredValue::new(None) }
    }

    /// A submission whose problem is shown in `problem`, shared with others (the rows of
    /// a list that show their refusals atop it).
    pub fn reporting_to(problem: RwSignal<Option<Problem>>) -> Self {
        Submission { problem, ..Self::new() }
    }

    /// Shows a problem found before sending (a field the domain's rules refuse).
    pub fn refuse(self, problem: Problem) {
        self.problem.set(Some(problem));
    }

    /// Sends `work` (given this submission's Idempotency-Key; calls that take none
    /// ignore it) unless one is already on its way; `done` gets what it answered.
    pub fn run<T, Fut>(self, work: impl FnOnce(String) -> Fut + 'static, done: impl FnOnce(T) + 'static)
    where
        T: 'static,
        Fut: Future<Output = ApiResult<T>> + 'static,
    {
        if self.pending.get_untracked() {
            return;
        }
        self.pending.set(true);
        self.problem.set(None);
        let key = self.key.get_value().unwrap_or_else(crate::api::new_idempotency_key);
        self.key.set_value(Some(key.clone()));
        leptos::task::spawn_local(async move {
            let result = work(key).await;
            // The form may be gone (a navigation): its signals are then disposed.
            if self.pending.try_set(false).is_some() {
                return;
            }
            let unknown = result.as_ref().err().is_some_and(outcome_unknown);
            if !unknown {
                self.key.set_value(None);
            }
            match result {
                Ok(value) => done(value),
                Err(problem) => {
                    self.problem.set(Some(problem));
                }
            }
        });
    }
}

/// Whether a failed request may still have happened on the server, so that trying
/// again must replay it with the same key.
pub fn outcome_unknown(problem: &Problem) -> bool {
    problem.status == 0 || problem.status >= 500 || problem.kind.ends_with(":request-in-progress")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem(status: u16, kind: &str) -> Problem {
        Problem { status, kind: kind.into(), ..Problem::default() }
    }

    #[test]
    fn only_an_unknown_outcome_keeps_the_key() {
        assert!(outcome_unknown(&problem(0, "")), "unreachable");
        assert!(outcome_unknown(&problem(503, "urn:debtflow:problem:unavailable")));
        assert!(outcome_unknown(&problem(409, "urn:debtflow:problem:request-in-progress")));
        assert!(!outcome_unknown(&problem(409, "urn:debtflow:problem:duplicate-reference")));
        assert!(!outcome_unknown(&problem(422, "urn:debtflow:problem:validation")));
    }
}
