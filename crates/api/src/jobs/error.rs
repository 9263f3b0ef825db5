//! How a job fails: [`JobError`], free of HTTP. A job's whole run that fails is
//! `failed` (nothing committed); a record that fails inside a run is counted
//! ([`super::Tally::failed`]) and the run is `partial`.

use super::Job;
use crate::{services::ServiceError, store::StoreError};

#[derive(Debug, thiserror::Error)]
pub enum JobError {
    /// The database failed or refused a write.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A use case a job calls (a plan's default) failed.
    #[error(transparent)]
    Service(#[from] ServiceError),
    /// A per-agency job was asked to run without an agency.
    #[error("{0} runs per agency")]
    NeedsAgency(Job),
}

impl From<sqlx::Error> for JobError {
    fn from(err: sqlx::Error) -> Self {
        JobError::Store(err.into())
    }
}
