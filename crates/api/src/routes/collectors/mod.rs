//! `/collectors`: the agency's collectors, with their commission rate and account
//! limit. Agency admins create, change and deactivate them; managers read them to
//! assign accounts. A deactivated collector's tokens stop working at once.

pub mod commission;
pub mod create;
pub mod get;
pub mod list;
pub mod update;
