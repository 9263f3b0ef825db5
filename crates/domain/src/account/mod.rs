//! Collection accounts: their lifecycle, their disputes, their aging and how they are
//! spread over collectors.

pub mod aging;
pub mod book;
pub mod dispute;
pub mod distribution;
pub mod priority;
pub mod status;

pub use aging::{check_delinquency_date, days_past_due, Bucket};
pub use priority::Priority;
pub use status::{AccountStatus, Cause, TransitionError};
