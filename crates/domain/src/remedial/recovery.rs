//! Recovery actions: foreclosure, dacion en pago (the debtor gives an asset in
//! payment), repossession and garnishment, each followed through its milestones.
//!
//! ```text
//! initiated ──a milestone done──→ in_progress ──complete (every milestone done)──→ completed
//!     └──────────────cancel──────────────┴──→ cancelled
//! ```
//!
//! A manager initiates an action with its milestones (name and target date; the SPA
//! offers each kind's usual ones, [`RecoveryKind::usual_milestones`]); more may be
//! added while it is open. Marking a milestone done, on a day from the initiation to
//! today, starts the action. Completed and cancelled are final. A milestone past its
//! target date and not done is overdue ([`is_overdue`]): the daily
//! `milestone_overdue_scan` flags it once and tells the manager who initiated the action.

use super::{invalid, Invalid, Lifecycle, Step};
use crate::names::named_enum;
use chrono::NaiveDate;
use std::collections::HashSet;

named_enum!(
    /// What is done to recover the debt.
    RecoveryKind as "recovery_kind" {
        Foreclosure => "foreclosure",
        DacionEnPago => "dacion_en_pago",
        Repossession => "repossession",
        Garnishment => "garnishment",
    }
);

impl RecoveryKind {
    /// The milestones such an action usually goes through, in order.
    pub fn usual_milestones(self) -> &'static [&'static str] {
        match self {
            RecoveryKind::Foreclosure => {
                &["Demand letter served", "Notice of sale published", "Auction held", "Title consolidated"]
            }
            RecoveryKind::DacionEnPago => &["Asset appraised", "Agreement signed", "Title transferred", "Asset sold"],
            RecoveryKind::Repossession => &["Notice served", "Asset recovered", "Asset sold"],
            RecoveryKind::Garnishment => &["Writ obtained", "Writ served on employer", "First deduction received"],
        }
    }
}

named_enum!(
    /// Where a recovery action is.
    RecoveryStatus as "recovery_status" {
        Initiated => "initiated",
        InProgress => "in_progress",
        Completed => "completed",
        Cancelled => "cancelled",
    }
);

/// What can happen to a recovery action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RecoveryStep {
    AddMilestone,
    /// A milestone was marked done.
    Progress,
    Complete,
    Cancel,
}

impl RecoveryStep {
    pub const ALL: [RecoveryStep; 4] =
        [RecoveryStep::AddMilestone, RecoveryStep::Progress, RecoveryStep::Complete, RecoveryStep::Cancel];
}

impl Step for RecoveryStep {
    fn verb(self) -> &'static str {
        match self {
            RecoveryStep::AddMilestone => "add a milestone",
            RecoveryStep::Progress => "mark a milestone done",
            RecoveryStep::Complete => "complete the action",
            RecoveryStep::Cancel => "cancel the action",
        }
    }
}

use RecoveryStatus::*;

impl Lifecycle for RecoveryStatus {
    type Step = RecoveryStep;
    const STATUSES: &'static [Self] = RecoveryStatus::ALL;

    fn after(self, step: RecoveryStep) -> Option<Self> {
        match (self, step) {
            (Initiated | InProgress, RecoveryStep::AddMilestone) => Some(self),
            (Initiated | InProgress, RecoveryStep::Progress) => Some(InProgress),
            (InProgress, RecoveryStep::Complete) => Some(Completed),
            (Initiated | InProgress, RecoveryStep::Cancel) => Some(Cancelled),
            _ => None,
        }
    }
}

/// The most milestones an action has.
pub const MAX_MILESTONES: usize = 12;

/// A milestone about to be added.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMilestone {
    pub name: String,
    pub target_on: NaiveDate,
}

/// Checks milestones to add to an action initiated on `initiated_on` that has
/// `existing` ones already: 1 to [`MAX_MILESTONES`] in all, each named (no two alike)
/// with a target date from the initiation on. Field names index `milestones`.
pub fn check_milestones(new: &[NewMilestone], existing: &[String], initiated_on: NaiveDate) -> Result<(), Invalid> {
    if new.is_empty() {
        return invalid("milestones", "at least one milestone is needed");
    }
    if new.len() + existing.len() > MAX_MILESTONES {
        return invalid("milestones", format!("an action has at most {MAX_MILESTONES} milestones"));
    }
    let mut names: HashSet<String> = existing.iter().map(|n| n.trim().to_lowercase()).collect();
    for m in new {
        let name = m.name.trim();
        if name.is_empty() {
            return invalid("milestones.name", "must not be blank");
        }
        if !names.insert(name.to_lowercase()) {
            return invalid("milestones.name", format!("`{name}` is a milestone of this action already"));
        }
        if m.target_on < initiated_on {
            return invalid("milestones.target_on", format!("must not be before the action began ({initiated_on})"));
        }
    }
    Ok(())
}

/// Checks the day a milestone is marked done: once, from the initiation to `today`.
pub fn check_done(
    done_on: NaiveDate,
    already: Option<NaiveDate>,
    initiated_on: NaiveDate,
    today: NaiveDate,
) -> Result<(), Invalid> {
    if let Some(on) = already {
        return invalid("done_on", format!("the milestone was done on {on} already"));
    }
    if done_on < initiated_on || done_on > today {
        return invalid("done_on", format!("must be between the initiation ({initiated_on}) and today ({today})"));
    }
    Ok(())
}

/// Checks that an action may complete: every milestone done (`done_on` of each).
pub fn check_complete(done: &[Option<NaiveDate>]) -> Result<(), Invalid> {
    let open = done.iter().filter(|d| d.is_none()).count();
    if done.is_empty() || open > 0 {
        return invalid("milestones", format!("{open} milestone(s) are not done yet"));
    }
    Ok(())
}

/// A milestone not done whose target date is before `as_of`.
pub fn is_overdue(target_on: NaiveDate, done_on: Option<NaiveDate>, as_of: NaiveDate) -> bool {
    done_on.is_none() && target_on < as_of
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::remedial::moves;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn milestone(name: &str, target: &str) -> NewMilestone {
        NewMilestone { name: name.into(), target_on: day(target) }
    }

    #[test]
    fn the_action_lifecycle_is_the_table() {
        use RecoveryStep as S;
        assert_eq!(
            moves::<RecoveryStatus>(&RecoveryStep::ALL),
            vec![
                (Initiated, S::AddMilestone, Initiated),
                (Initiated, S::Progress, InProgress),
                (Initiated, S::Cancel, Cancelled),
                (InProgress, S::AddMilestone, InProgress),
                (InProgress, S::Progress, InProgress),
                (InProgress, S::Complete, Completed),
                (InProgress, S::Cancel, Cancelled),
            ]
        );
        assert_eq!(Completed.step(S::Cancel).unwrap_err().allowed, vec![Initiated, InProgress]);
    }

    #[test]
    fn every_kind_has_usual_milestones_that_pass_the_checks() {
        for kind in RecoveryKind::ALL {
            let usual: Vec<NewMilestone> = kind.usual_milestones().iter().map(|n| milestone(n, "2026-12-31")).collect();
            assert_eq!(check_milestones(&usual, &[], day("2026-12-01")), Ok(()), "{kind}");
        }
    }

    #[test]
    fn milestones_are_named_once_and_target_after_the_start() {
        let start = day("2026-12-01");
        assert!(check_milestones(&[], &[], start).is_err());
        let twice = [milestone("Auction held", "2026-12-05"), milestone(" auction HELD ", "2026-12-06")];
        assert_eq!(check_milestones(&twice, &[], start).unwrap_err().field, "milestones.name");
        let existing = vec!["Auction held".to_owned()];
        assert!(check_milestones(&[milestone("Auction held", "2026-12-05")], &existing, start).is_err());
        assert_eq!(
            check_milestones(&[milestone("Early", "2026-11-30")], &[], start).unwrap_err().field,
            "milestones.target_on"
        );
        let many: Vec<NewMilestone> = (0..13).map(|i| milestone(&format!("m{i}"), "2026-12-02")).collect();
        assert!(check_milestones(&many, &[], start).is_err());
    }

    #[test]
    fn done_once_within_the_action_and_complete_when_all_are_done() {
        let (start, today) = (day("2026-11-01"), day("2026-12-01"));
        assert!(check_done(day("2026-11-15"), None, start, today).is_ok());
        assert!(check_done(day("2026-12-02"), None, start, today).is_err());
        assert!(check_done(day("2026-10-31"), None, start, today).is_err());
        assert!(check_done(today, Some(today), start, today).is_err());
        assert!(check_complete(&[Some(today), Some(today)]).is_ok());
        assert!(check_complete(&[Some(today), None]).is_err());
        assert!(check_complete(&[]).is_err());
    }

    #[test]
    fn overdue_means_not_done_and_past_its_target() {
        let target = day("2026-12-01");
        assert!(!is_overdue(target, None, target), "due today is not overdue yet");
        assert!(is_overdue(target, None, day("2026-12-02")));
        assert!(!is_overdue(target, Some(target), day("2026-12-09")));
    }
}
