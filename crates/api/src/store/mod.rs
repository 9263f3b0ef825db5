//! The only place with SQL: one module per aggregate.
//!
//! The store is a leaf: it depends on sqlx and the domain's types, never on services,
//! routes or HTTP. Domain enums are bound and read as their PostgreSQL enum types
//! (the domain's `sqlx` feature). Functions return `sqlx::Error`; a caller that must
//! tell one failure from another classifies it with [`StoreError`], which names the
//! constraint a write broke.

pub mod account_events;
pub mod accounts;
pub mod agencies;
pub mod aging;
pub mod analytics;
pub mod api_keys;
pub mod audit;
pub mod compliance;
pub mod contacts;
pub mod data_quality;
pub mod db;
pub mod debtor_reminders;
pub mod disputes;
pub mod documents;
pub mod fees;
pub mod follow_ups;
pub mod idempotency;
pub mod imports;
pub mod installment_notices;
pub mod job_runs;
pub mod job_settings;
pub mod ledger;
pub mod legal_cases;
pub mod login_failures;
pub mod mail;
pub mod notifications;
pub mod payments;
pub mod placements;
pub mod plans;
pub mod promises;
pub mod read_pool;
pub mod reconciliation;
pub mod recovery_actions;
pub mod retention;
pub mod sessions;
pub mod sftp_sources;
pub mod stale_accounts;
pub mod users;
pub mod validation_notices;
pub mod webhooks;
pub mod worker_pools;
pub mod write_offs;

/// SQLSTATE of a revoked access token (`app_check_access`, migrations/0006).
pub const REVOKED: &str = "28000";

/// SQLSTATEs of a database that cannot answer now, where a retry may succeed: a lock
/// not granted within `lock_timeout` (55P03), a statement cancelled by its timeout
/// (57014), a serialization failure (40001), a deadlock (40P01), a server shutting down
/// or starting (57P01–57P03); and any connection exception (class 08).
const BUSY: [&str; 7] = ["55P03", "57014", "40001", "40P01", "57P01", "57P02", "57P03"];

/// A database failure, classified.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A unique constraint refused the write; its name says which rule.
    #[error("the unique constraint {constraint} refused the write")]
    Duplicate { constraint: String },
    /// A check, foreign-key or exclusion constraint (or a trigger) refused the write.
    #[error("the constraint {constraint} refused the write")]
    Violation { constraint: String },
    /// The caller's access token is no longer current (checked as the transaction
    /// opens).
    #[error("the access token has been revoked")]
    Revoked,
    /// The database could not answer now ([`BUSY`], no connection free within the
    /// pool's timeout, or none to be had: a restart, an outage); nothing was written.
    #[error("the database is busy: {0}")]
    Busy(sqlx::Error),
    #[error(transparent)]
    Unexpected(sqlx::Error),
}

impl From<sqlx::Error> for StoreError {
    fn from(err: sqlx::Error) -> Self {
        let db = match &err {
            sqlx::Error::Database(db) => db,
            sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) => return StoreError::Busy(err),
            _ => return StoreError::Unexpected(err),
        };
        let constraint = db.constraint().map(str::to_owned);
        match (db.kind(), constraint) {
            (sqlx::error::ErrorKind::UniqueViolation, Some(constraint)) => StoreError::Duplicate { constraint },
            (
                sqlx::error::ErrorKind::CheckViolation
                | sqlx::error::ErrorKind::ForeignKeyViolation
                | sqlx::error::ErrorKind::NotNullViolation,
                Some(constraint),
            ) => StoreError::Violation { constraint },
            _ if db.code().as_deref() == Some(REVOKED) => StoreError::Revoked,
            _ if db.code().is_some_and(|code| BUSY.contains(&code.as_ref()) || code.starts_with("08")) => {
                StoreError::Busy(err)
            }
            _ => StoreError::Unexpected(err),
        }
    }
}

impl StoreError {
    /// The unique constraint that refused the write, if that is what happened.
    pub fn duplicate(&self) -> Option<&str> {
        match self {
            StoreError::Duplicate { constraint } => Some(constraint),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_database_that_cannot_answer_now_is_busy_not_unexpected() {
        let refused = std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "the server restarts");
        for err in [sqlx::Error::PoolTimedOut, sqlx::Error::PoolClosed, sqlx::Error::Io(refused)] {
            assert!(matches!(StoreError::from(err), StoreError::Busy(_)));
        }
        assert!(matches!(StoreError::from(sqlx::Error::RowNotFound), StoreError::Unexpected(_)));
    }
}
