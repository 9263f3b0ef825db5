//! The agency's API keys (`/api-keys`): list, create (answered with the secret, this
//! once) and revoke. The rules of a new key are the domain's `api_key`, which the form
//! pre-checks.

use super::{get, post, ApiResult};
pub use debtflow_wire::api_keys::{ApiKey, CreatedApiKey};
use serde_json::{json, Value};
use uuid::Uuid;

/// The agency's keys, the newest first, revoked ones included.
pub async fn list() -> ApiResult<Vec<ApiKey>> {
    get("/api-keys").await
}

/// `POST /api-keys` with `name`, `scopes` and maybe `expires_at`: the key and its
/// secret, which no other answer holds.
pub async fn create(body: &Value) -> ApiResult<CreatedApiKey> {
    post("/api-keys", body, None).await
}

/// Revokes the key: its next request is refused.
pub async fn revoke(id: Uuid) -> ApiResult<ApiKey> {
    post(&format!("/api-keys/{id}/revoke"), &json!({}), None).await
}
