//! The audit trail's calls and wire types: pages of entries by filter, and the
//! agency's staff (to name and pick who acted).

use super::{get, ApiResult, Page};

use super::User;
pub use debtflow_wire::audit::AuditEntry;

/// A page of entries, newest first; `query` is the filters and paging (`action=…&limit=…`).
pub async fn list(query: &str) -> ApiResult<Page<AuditEntry>> {
    get(&format!("/audit-logs?{query}")).await
}

/// The agency's staff, by username (the first 200).
pub async fn staff() -> ApiResult<Vec<User>> {
    get::<Page<User>>("/users?limit=200").await.map(|p| p.items)
}
