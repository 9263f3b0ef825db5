//! What each event type tells of, in one line: the form's checkboxes and the chips'
//! tooltips. Written here from the README's table of events; the domain's `EventType`
//! has no such text yet (its doc comments say it, for Rust readers only).

use debtflow_domain::webhook::EventType;

/// One line saying when `event` is sent.
pub fn describe(event: EventType) -> &'static str {
    match event {
        EventType::PaymentCompleted => "A payment's money reached its account (in hand, approved or confirmed)",
        EventType::PaymentRefunded => "Part or all of a payment was refunded",
        EventType::AccountStatusChanged => "An account moved to another status",
        EventType::AccountAssigned => "An account was given to a collector",
        EventType::PlanApproved => "A payment plan was approved and is active",
        EventType::PlanDefaulted => "A payment plan defaulted: an installment stayed unpaid",
        EventType::ImportFinished => "A placement file's import ended, completed or failed",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_event_type_is_described_once() {
        let lines: Vec<&str> = EventType::ALL.into_iter().map(describe).collect();
        let mut unique = lines.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), EventType::ALL.len(), "{lines:?}");
        assert!(lines.iter().all(|l| !l.is_empty() && l.len() < 80), "one line each");
    }
}
