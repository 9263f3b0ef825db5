//! `/audit-logs`: the audit trail, for compliance, auditors and admins, as JSON pages
//! or as a CSV download.

mod export;
pub mod list;
