//! The use cases: one function per thing a user, the card processor or a job does,
//! free of HTTP.
//!
//! Each takes the open transaction, who acts ([`crate::audit::Actor`]), a command in
//! domain types and the clock's instant; it asks the domain for the rule, writes
//! through the store, records the timeline and the audit trail, and returns what it
//! made or a typed [`ServiceError`]. Routes parse → authorise → call one service →
//! respond; the processor webhook, approvals and jobs call the same functions, so a
//! rule lives in one place.

pub mod accounts;
pub mod agencies;
pub mod analytics;
pub mod api_keys;
pub mod book;
pub mod error;
pub mod fees;
pub mod follow_ups;
pub mod imports;
pub mod kill_switches;
pub mod notifications;
pub mod payments;
pub mod plans;
pub mod remedial;
pub mod reminders;
pub mod staff;
pub mod webhooks;

pub use error::{Entity, Refusal, ServiceError};
