//! The only place with SQL: one module per aggregate.

pub mod account_events;
pub mod accounts;
pub mod agencies;
pub mod audit;
pub mod disputes;
pub mod fees;
pub mod jobs;
pub mod ledger;
pub mod login_failures;
pub mod notifications;
pub mod payments;
pub mod plans;
pub mod sessions;
pub mod users;

/// The constraint a unique violation broke, if `err` is one.
pub fn unique_violation(err: &sqlx::Error) -> Option<&str> {
    match err {
        sqlx::Error::Database(e) if e.is_unique_violation() => e.constraint(),
        _ => None,
    }
}
