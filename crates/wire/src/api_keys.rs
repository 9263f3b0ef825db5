//! API keys: how an outside system signs in to act in an agency's name
//! (`debtflow_domain::api_key`). The secret is in the answer that creates the key, and
//! nowhere else, ever.

use chrono::{DateTime, Utc};
use debtflow_domain::api_key::Scope;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// An API key as lists show it: its name, the first characters of its secret, what it
/// may do, and when it was last used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiKey {
    pub id: Uuid,
    #[cfg_attr(feature = "openapi", schema(example = "Creditor placements"))]
    pub name: String,
    /// The secret's first characters, to tell keys apart (and find one in a log).
    #[cfg_attr(feature = "openapi", schema(example = "dfk_live_3f9a0c12"))]
    pub prefix: String,
    pub scopes: Vec<Scope>,
    /// The key stops working then; `null`: it works until revoked.
    pub expires_at: Option<DateTime<Utc>>,
    pub created_by: Uuid,
    pub created_by_name: Option<String>,
    pub created_at: DateTime<Utc>,
    /// To the minute: a key's use is noted at most once a minute.
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub revoked_by: Option<Uuid>,
    pub revoked_by_name: Option<String>,
    /// The service account the key acts as: the actor the audit trail names.
    pub service_user_id: Uuid,
}

/// A key just created, with its secret: shown this once, stored only as a hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreatedApiKey {
    #[serde(flatten)]
    pub key: ApiKey,
    /// Send it as `Authorization: Bearer <secret>`. It cannot be shown again.
    #[cfg_attr(feature = "openapi", schema(example = "dfk_live_3f9a0c12…"))]
    pub secret: String,
}
