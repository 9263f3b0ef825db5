//! The audit trail's calls and wire types: pages of entries by filter, and the
//! agency's staff (to name and pick who acted).

use super::{get, ApiResult, Page};
use debtflow_domain::Role;
use serde::Deserialize;
use serde_json::Value;

/// One audited write.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct AuditEntry {
    pub id: String,
    pub occurred_at: String,
    #[serde(default)]
    pub actor_id: Option<String>,
    /// Who, by name (`None`: the system, an anonymous caller, a platform admin).
    #[serde(default)]
    pub actor_name: Option<String>,
    #[serde(default)]
    pub actor_role: Option<Role>,
    pub action: String,
    pub entity_type: String,
    pub entity_id: String,
    /// The changed fields before the write (`None` for a creation).
    #[serde(default)]
    pub before: Option<Value>,
    #[serde(default)]
    pub after: Option<Value>,
    #[serde(default)]
    pub ip: Option<String>,
    #[serde(default)]
    pub request_id: Option<String>,
}

/// A member of the agency's staff, for the "who" filter.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct StaffMember {
    pub id: String,
    pub full_name: String,
    pub role: Role,
    pub is_active: bool,
}

/// A page of entries, newest first; `query` is the filters and paging (`action=…&limit=…`).
pub async fn list(query: &str) -> ApiResult<Page<AuditEntry>> {
    get(&format!("/audit-logs?{query}")).await
}

/// The agency's staff, by username (the first 200).
pub async fn staff() -> ApiResult<Vec<StaffMember>> {
    get::<Page<StaffMember>>("/users?limit=200").await.map(|p| p.items)
}
