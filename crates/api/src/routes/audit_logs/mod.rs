//! `/audit-logs`: the audit trail, for compliance, auditors and admins.

pub mod list;
