//! Collection accounts: their lifecycle and their aging.

pub mod aging;
pub mod book;
pub mod distribution;
pub mod priority;
pub mod status;

pub use aging::{days_past_due, Bucket};
pub use priority::Priority;
pub use status::{AccountStatus, Cause, TransitionError};
