//! The audit trail.

use chrono::{DateTime, Utc};
use debtflow_domain::Role;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// One audited write.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditEntry {
    pub id: Uuid,
    pub occurred_at: DateTime<Utc>,
    pub agency_id: Option<Uuid>,
    pub actor_id: Option<Uuid>,
    /// The actor's full name (`null` for the system, an anonymous caller, or a platform
    /// admin seen from an agency).
    #[cfg_attr(feature = "openapi", schema(example = "Sarah Mitchell"))]
    pub actor_name: Option<String>,
    pub actor_role: Option<Role>,
    /// What was done, e.g. `user.update`, `auth.login`.
    pub action: String,
    pub entity_type: String,
    pub entity_id: String,
    /// The changed fields before the write (`null` for a creation).
    pub before: Option<serde_json::Value>,
    /// The changed fields after the write.
    pub after: Option<serde_json::Value>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub ip: Option<std::net::IpAddr>,
    pub request_id: Option<String>,
}
