//! Placements arriving as CSV files: which columns a file may have and how a creditor's
//! own headers map onto them ([`columns`]), what one row must hold to become an account
//! ([`row`]), and the lifecycle of an import ([`status`]).
//!
//! The rules are here so the API's import pipeline, its CLI and the SPA's preview all
//! read a row the same way; reading bytes and writing accounts is the API's.

pub mod columns;
pub mod row;
pub mod status;

pub use columns::{Columns, DateFormat, Field, HeaderError, Mapping};
pub use row::{FieldError, Placement, SsnLast4};
pub use status::{ImportSource, ImportStatus};
