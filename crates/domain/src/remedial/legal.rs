//! Legal cases on an account, and their hearings.
//!
//! ```text
//! draft ──file──→ filed ──first hearing scheduled──→ in_hearing ──judge──→ judgment ──close──→ closed
//!   ↑ edit, delete   └─────────────judge──────────────────────────↗     (filed, in_hearing ──close──↗)
//! ```
//!
//! A case is drafted and filed by a manager (seed 000: the Branch Manager files).
//! Filing needs the court, the case number and the date filed, not in the future.
//! Scheduling the first hearing of a filed case puts it in hearing. A judgment
//! records who it was for ([`CaseOutcome::is_judgment`]); closing after one keeps it,
//! closing before one needs an outcome that is not a judgment (settled, withdrawn,
//! dismissed). A draft may be edited or deleted (kept, hidden); a closed case is final.
//!
//! A hearing belongs to a filed case; its outcome and next step are recorded once it
//! has taken place. The case's next hearing — the earliest hearing from a day on
//! without an outcome ([`next_hearing`]) — is rolled up by the daily
//! `next_hearing_rollup` job; `hearing_reminders` tells the people on the case of the
//! hearings of the next days ([`reminder_window`]).

use super::{invalid, Invalid, Lifecycle, Step};
use crate::names::named_enum;
use chrono::{DateTime, Days, NaiveDate, Utc};
use std::ops::RangeInclusive;

named_enum!(
    /// Where a legal case is.
    LegalCaseStatus as "legal_case_status" {
        Draft => "draft",
        Filed => "filed",
        InHearing => "in_hearing",
        Judgment => "judgment",
        Closed => "closed",
    }
);

named_enum!(
    /// How a case ended, or what its judgment was.
    CaseOutcome as "case_outcome" {
        JudgmentForCreditor => "judgment_for_creditor",
        JudgmentForDebtor => "judgment_for_debtor",
        Settled => "settled",
        Withdrawn => "withdrawn",
        Dismissed => "dismissed",
    }
);

impl CaseOutcome {
    /// A court's judgment (the outcome of the judge step), rather than an end before one.
    pub fn is_judgment(self) -> bool {
        matches!(self, CaseOutcome::JudgmentForCreditor | CaseOutcome::JudgmentForDebtor)
    }
}

/// What can happen to a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CaseStep {
    Edit,
    Delete,
    File,
    /// Its first hearing was scheduled (an event, not a person's move).
    Hear,
    /// What came of a hearing recorded (the case stays where it is).
    RecordOutcome,
    Judge,
    Close,
}

impl CaseStep {
    pub const ALL: [CaseStep; 7] = [
        CaseStep::Edit,
        CaseStep::Delete,
        CaseStep::File,
        CaseStep::Hear,
        CaseStep::RecordOutcome,
        CaseStep::Judge,
        CaseStep::Close,
    ];
}

impl Step for CaseStep {
    fn verb(self) -> &'static str {
        match self {
            CaseStep::Edit => "edit the case",
            CaseStep::Delete => "delete the case",
            CaseStep::File => "file the case",
            CaseStep::Hear => "schedule a hearing",
            CaseStep::RecordOutcome => "record a hearing's outcome",
            CaseStep::Judge => "record a judgment",
            CaseStep::Close => "close the case",
        }
    }
}

use LegalCaseStatus::*;

impl Lifecycle for LegalCaseStatus {
    type Step = CaseStep;
    const STATUSES: &'static [Self] = LegalCaseStatus::ALL;

    fn after(self, step: CaseStep) -> Option<Self> {
        match (self, step) {
            (Draft, CaseStep::Edit | CaseStep::Delete) => Some(Draft),
            (Draft, CaseStep::File) => Some(Filed),
            (Filed | InHearing, CaseStep::Hear) => Some(InHearing),
            (InHearing | Judgment, CaseStep::RecordOutcome) => Some(self),
            (Filed | InHearing, CaseStep::Judge) => Some(Judgment),
            (Filed | InHearing | Judgment, CaseStep::Close) => Some(Closed),
            _ => None,
        }
    }
}

impl LegalCaseStatus {
    /// Filed and not closed: the account is "in legal" (the analytics' count).
    pub fn is_active(self) -> bool {
        matches!(self, Filed | InHearing | Judgment)
    }
}

/// Checks what filing needs: a court and a case number (not blank) and the date
/// filed, not after `today`.
pub fn check_filing(court: &str, case_number: &str, filed_on: NaiveDate, today: NaiveDate) -> Result<(), Invalid> {
    if court.trim().is_empty() {
        return invalid("court", "is needed to file the case");
    }
    if case_number.trim().is_empty() {
        return invalid("case_number", "is needed to file the case");
    }
    if filed_on > today {
        return invalid("filed_on", format!("must not be after today ({today})"));
    }
    Ok(())
}

/// Checks a judgment: an outcome that is a judgment, given on a day from the filing
/// to `today`.
pub fn check_judgment(
    outcome: CaseOutcome,
    judgment_on: NaiveDate,
    filed_on: NaiveDate,
    today: NaiveDate,
) -> Result<(), Invalid> {
    if !outcome.is_judgment() {
        return invalid("outcome", "a judgment is judgment_for_creditor or judgment_for_debtor");
    }
    if judgment_on > today || judgment_on < filed_on {
        return invalid("judgment_on", format!("must be between the filing ({filed_on}) and today ({today})"));
    }
    Ok(())
}

/// The outcome a case closes with: after a judgment, the judgment's (an outcome given
/// must agree with it); before one, the outcome given, which must not be a judgment.
pub fn closing_outcome(
    status: LegalCaseStatus,
    judgment: Option<CaseOutcome>,
    given: Option<CaseOutcome>,
) -> Result<CaseOutcome, Invalid> {
    match (status, judgment, given) {
        (Judgment, Some(judged), None) => Ok(judged),
        (Judgment, Some(judged), Some(given)) if given == judged => Ok(judged),
        (Judgment, Some(judged), Some(_)) => {
            invalid("outcome", format!("the case closes with its judgment ({judged})"))
        }
        (_, _, Some(given)) if !given.is_judgment() => Ok(given),
        (_, _, Some(_)) => {
            invalid("outcome", "a judgment is recorded with the judge step; close with settled, withdrawn or dismissed")
        }
        (_, _, None) => {
            invalid("outcome", "is needed to close a case without a judgment (settled, withdrawn or dismissed)")
        }
    }
}

/// A hearing as the roll-up and the reminders see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HearingTime {
    pub starts_at: DateTime<Utc>,
    /// Its outcome is recorded: it took place.
    pub held: bool,
}

/// The case's next hearing from the instant `from` on: the earliest not yet held.
pub fn next_hearing(hearings: &[HearingTime], from: DateTime<Utc>) -> Option<DateTime<Utc>> {
    hearings.iter().filter(|h| !h.held && h.starts_at >= from).map(|h| h.starts_at).min()
}

/// Checks a hearing to schedule: on or after the day the case was filed.
pub fn check_hearing(starts_on: NaiveDate, filed_on: NaiveDate) -> Result<(), Invalid> {
    if starts_on < filed_on {
        return invalid("starts_at", format!("must not be before the case was filed ({filed_on})"));
    }
    Ok(())
}

/// Checks that a hearing's outcome may be recorded: once, and once it has begun.
pub fn check_outcome(starts_at: DateTime<Utc>, held: bool, now: DateTime<Utc>) -> Result<(), Invalid> {
    if held {
        return invalid("outcome", "is recorded already: a hearing's outcome does not change");
    }
    if starts_at > now {
        return invalid("outcome", "is recorded once the hearing has taken place");
    }
    Ok(())
}

/// The days whose hearings are reminded of on `as_of`, `days_before` days ahead: from
/// `as_of` to `days_before` days later. Each hearing is reminded of once (the job's
/// notification keys), so a hearing scheduled at short notice is still reminded of.
pub fn reminder_window(as_of: NaiveDate, days_before: u32) -> RangeInclusive<NaiveDate> {
    as_of..=as_of.checked_add_days(Days::new(days_before.into())).unwrap_or(NaiveDate::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::remedial::moves;
    use chrono::TimeZone;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn the_case_lifecycle_is_the_table() {
        use CaseStep as S;
        assert_eq!(
            moves::<LegalCaseStatus>(&CaseStep::ALL),
            vec![
                (Draft, S::Edit, Draft),
                (Draft, S::Delete, Draft),
                (Draft, S::File, Filed),
                (Filed, S::Hear, InHearing),
                (Filed, S::Judge, Judgment),
                (Filed, S::Close, Closed),
                (InHearing, S::Hear, InHearing),
                (InHearing, S::RecordOutcome, InHearing),
                (InHearing, S::Judge, Judgment),
                (InHearing, S::Close, Closed),
                (Judgment, S::RecordOutcome, Judgment),
                (Judgment, S::Close, Closed),
            ]
        );
        let refused = Draft.step(CaseStep::Judge).unwrap_err();
        assert_eq!(refused.allowed, vec![Filed, InHearing]);
        assert_eq!(refused.to_string(), "cannot record a judgment from status draft");
        assert!(Closed.step(CaseStep::Edit).is_err(), "a closed case is final");
    }

    #[test]
    fn filing_needs_its_particulars_and_no_future_date() {
        let today = day("2026-12-01");
        assert_eq!(check_filing("Circuit Court", "2026-CV-1", today, today), Ok(()));
        assert_eq!(check_filing(" ", "2026-CV-1", today, today).unwrap_err().field, "court");
        assert_eq!(check_filing("Court", "", today, today).unwrap_err().field, "case_number");
        assert_eq!(check_filing("Court", "1", day("2026-12-02"), today).unwrap_err().field, "filed_on");
    }

    #[test]
    fn a_judgment_is_for_one_side_between_filing_and_today() {
        let (filed, today) = (day("2026-01-10"), day("2026-12-01"));
        assert!(check_judgment(CaseOutcome::JudgmentForCreditor, day("2026-06-01"), filed, today).is_ok());
        assert_eq!(check_judgment(CaseOutcome::Settled, today, filed, today).unwrap_err().field, "outcome");
        assert!(check_judgment(CaseOutcome::JudgmentForDebtor, day("2026-01-09"), filed, today).is_err());
        assert!(check_judgment(CaseOutcome::JudgmentForDebtor, day("2026-12-02"), filed, today).is_err());
    }

    #[test]
    fn a_case_closes_with_its_judgment_or_a_reason_that_is_not_one() {
        let creditor = Some(CaseOutcome::JudgmentForCreditor);
        assert_eq!(closing_outcome(Judgment, creditor, None), Ok(CaseOutcome::JudgmentForCreditor));
        assert_eq!(closing_outcome(Judgment, creditor, creditor), Ok(CaseOutcome::JudgmentForCreditor));
        assert!(closing_outcome(Judgment, creditor, Some(CaseOutcome::Withdrawn)).is_err());
        assert_eq!(closing_outcome(Filed, None, Some(CaseOutcome::Withdrawn)), Ok(CaseOutcome::Withdrawn));
        assert!(closing_outcome(InHearing, None, creditor).is_err(), "a judgment comes by the judge step");
        assert!(closing_outcome(InHearing, None, None).is_err());
    }

    #[test]
    fn the_next_hearing_is_the_earliest_not_held_from_the_day_on() {
        let at = |d: u32| Utc.with_ymd_and_hms(2026, 12, d, 9, 0, 0).unwrap();
        let hearings = [
            HearingTime { starts_at: at(3), held: true },
            HearingTime { starts_at: at(20), held: false },
            HearingTime { starts_at: at(9), held: false },
            HearingTime { starts_at: at(1), held: false },
        ];
        assert_eq!(next_hearing(&hearings, at(2)), Some(at(9)));
        assert_eq!(next_hearing(&hearings, at(21)), None);
        assert_eq!(next_hearing(&[], at(1)), None);
    }

    #[test]
    fn outcomes_are_recorded_once_after_the_hearing() {
        let at = Utc.with_ymd_and_hms(2026, 12, 3, 9, 0, 0).unwrap();
        assert!(check_outcome(at, false, at).is_ok());
        assert!(check_outcome(at, false, at - chrono::Duration::minutes(1)).is_err());
        assert!(check_outcome(at, true, at).is_err());
        assert!(check_hearing(day("2026-01-01"), day("2026-01-02")).is_err());
    }

    #[test]
    fn reminders_cover_today_to_n_days_ahead() {
        assert_eq!(reminder_window(day("2026-12-01"), 3), day("2026-12-01")..=day("2026-12-04"));
        assert_eq!(reminder_window(day("2026-12-01"), 0), day("2026-12-01")..=day("2026-12-01"));
        assert_eq!(reminder_window(NaiveDate::MAX, 3), NaiveDate::MAX..=NaiveDate::MAX, "saturates");
    }
}
