//! Write-off requests: a manager recommends writing off what an account owes; the
//! board — compliance or an agency admin — decides.
//!
//! ```text
//! draft ──recommend──→ recommended ──approve──→ approved
//!   ↑ edit, delete           └──────reject──→ rejected
//! ```
//!
//! A request is for the whole balance ([`check_amount`]): approval posts a `write_off`
//! entry taking the receivable to zero and closes the account (the lifecycle's
//! [`Cause::WriteOff`](crate::account::Cause::WriteOff), from the statuses
//! [`AccountStatus::can_be_written_off`](crate::AccountStatus::can_be_written_off)). A
//! payment between the recommendation and the decision changes the balance, and
//! approval is then refused until the request is recommended again for the new
//! balance. Whoever recommended a request does not decide it ([`check_decider`]: four
//! eyes). A draft may be edited or deleted (kept, hidden); approved and rejected are
//! final, and the database refuses to change them; the entry can only be reversed by a
//! reversing entry, as every entry.

use super::{invalid, Invalid, Lifecycle, Step};
use crate::{names::named_enum, Money};

named_enum!(
    /// Where a write-off request is.
    WriteOffStatus as "write_off_status" {
        Draft => "draft",
        Recommended => "recommended",
        Approved => "approved",
        Rejected => "rejected",
    }
);

/// What can happen to a write-off request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum WriteOffStep {
    Edit,
    Delete,
    Recommend,
    Approve,
    Reject,
}

impl WriteOffStep {
    pub const ALL: [WriteOffStep; 5] = [
        WriteOffStep::Edit,
        WriteOffStep::Delete,
        WriteOffStep::Recommend,
        WriteOffStep::Approve,
        WriteOffStep::Reject,
    ];
}

impl Step for WriteOffStep {
    fn verb(self) -> &'static str {
        match self {
            WriteOffStep::Edit => "edit the request",
            WriteOffStep::Delete => "delete the request",
            WriteOffStep::Recommend => "recommend the write-off",
            WriteOffStep::Approve => "approve the write-off",
            WriteOffStep::Reject => "reject the write-off",
        }
    }
}

use WriteOffStatus::*;

impl Lifecycle for WriteOffStatus {
    type Step = WriteOffStep;
    const STATUSES: &'static [Self] = WriteOffStatus::ALL;

    fn after(self, step: WriteOffStep) -> Option<Self> {
        match (self, step) {
            (Draft, WriteOffStep::Edit | WriteOffStep::Delete) => Some(Draft),
            (Draft, WriteOffStep::Recommend) => Some(Recommended),
            (Recommended, WriteOffStep::Approve) => Some(Approved),
            (Recommended, WriteOffStep::Reject) => Some(Rejected),
            _ => None,
        }
    }
}

impl WriteOffStatus {
    /// Approved or rejected: it never changes again.
    pub fn is_decided(self) -> bool {
        matches!(self, Approved | Rejected)
    }
}

/// Checks the amount of a request against the account's balance: a write-off is for
/// all that is owed, so they are equal, and something is owed.
pub fn check_amount(amount: Money, balance: Money) -> Result<(), Invalid> {
    if !balance.is_positive() {
        return invalid("amount", "the account owes nothing to write off");
    }
    if amount != balance {
        return invalid(
            "amount",
            format!("must be the whole balance ({}): a write-off clears the account", balance.amount()),
        );
    }
    Ok(())
}

/// Checks that the decider did not recommend the request themselves.
pub fn check_decider<P: PartialEq>(recommended_by: Option<P>, decider: P) -> Result<(), Invalid> {
    if recommended_by.as_ref() == Some(&decider) {
        return invalid("decision", "the person who recommended a write-off does not decide it");
    }
    Ok(())
}

/// Checks the board's minutes of a decision: not blank.
pub fn check_minutes(minutes: &str) -> Result<(), Invalid> {
    if minutes.trim().is_empty() {
        return invalid("minutes", "the board's minutes are needed to decide a write-off");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{remedial::moves, Currency};

    fn usd(s: &str) -> Money {
        Money::new(s.parse().unwrap(), Currency::USD).unwrap()
    }

    #[test]
    fn the_request_lifecycle_is_the_table() {
        use WriteOffStep as S;
        assert_eq!(
            moves::<WriteOffStatus>(&WriteOffStep::ALL),
            vec![
                (Draft, S::Edit, Draft),
                (Draft, S::Delete, Draft),
                (Draft, S::Recommend, Recommended),
                (Recommended, S::Approve, Approved),
                (Recommended, S::Reject, Rejected),
            ]
        );
        for step in WriteOffStep::ALL {
            assert!(Approved.step(step).is_err() && Rejected.step(step).is_err(), "decided is final");
        }
        assert_eq!(Draft.step(S::Approve).unwrap_err().to_string(), "cannot approve the write-off from status draft");
    }

    #[test]
    fn a_write_off_is_for_the_whole_balance() {
        assert_eq!(check_amount(usd("120.50"), usd("120.50")), Ok(()));
        assert_eq!(check_amount(usd("100.00"), usd("120.50")).unwrap_err().field, "amount");
        assert!(check_amount(usd("0"), usd("0")).is_err(), "nothing owed");
    }

    #[test]
    fn four_eyes_and_minutes() {
        let (a, b) = (1, 2);
        assert!(check_decider(Some(a), b).is_ok());
        assert!(check_decider(Some(a), a).is_err());
        assert!(check_minutes("  ").is_err());
        assert!(check_minutes("Board meeting 12/01: approved, uncollectible").is_ok());
    }
}
