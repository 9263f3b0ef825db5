//! API keys, created and revoked by an agency's admins (`debtflow_domain::api_key`).
//! Each key acts as its own service account, which the audit trail names for every
//! change the key makes; the secret leaves the server once, in the answer that
//! creates the key.

use crate::{
    audit::{self, Actor, Change},
    auth::api_key::new_secret,
    services::ServiceError,
    store::{
        self,
        api_keys::{ApiKeyRow, NewKey},
    },
};
use chrono::{DateTime, Utc};
use debtflow_domain::api_key::{self, Scope};
use serde_json::{json, Value};
use sqlx::PgConnection;
use uuid::Uuid;

/// What the admin asks for.
pub struct NewApiKey<'a> {
    pub name: &'a str,
    pub scopes: &'a [Scope],
    pub expires_at: Option<DateTime<Utc>>,
}

/// Creates the key and its service account in the actor's agency: the key, and its
/// secret.
pub async fn create(
    tx: &mut PgConnection,
    actor: &Actor,
    new: NewApiKey<'_>,
    now: DateTime<Utc>,
) -> Result<(ApiKeyRow, String), ServiceError> {
    let (agency_id, by) = admin(actor)?;
    let name = api_key::check_name(new.name).map_err(|m| ServiceError::invalid("name", m))?;
    let scopes = api_key::check_scopes(new.scopes).map_err(|m| ServiceError::invalid("scopes", m))?;
    if let Some(at) = new.expires_at {
        api_key::check_expiry(at, now).map_err(|m| ServiceError::invalid("expires_at", m))?;
    }
    let secret = new_secret();
    let row = ApiKeyRow {
        agency_id,
        id: Uuid::now_v7(),
        user_id: Uuid::now_v7(),
        name: name.to_owned(),
        shown: secret.shown,
        scopes: scopes.iter().map(|s| s.as_str().to_owned()).collect(),
        expires_at: new.expires_at,
        created_by: by,
        created_by_name: None,
        created_at: now,
        last_used_at: None,
        revoked_at: None,
        revoked_by: None,
        revoked_by_name: None,
    };
    store::api_keys::insert(tx, NewKey { row: &row, secret_hash: &secret.hash }).await?;
    let row = reload(tx, agency_id, row.id).await?;
    audit::record(tx, actor, Change::created("api_key.create", "api_key", row.id, snapshot(&row))).await?;
    Ok((row, secret.secret))
}

/// The agency's keys, the newest first.
pub async fn list(tx: &mut PgConnection, actor: &Actor) -> Result<Vec<ApiKeyRow>, ServiceError> {
    let (agency_id, _) = admin(actor)?;
    Ok(store::api_keys::list(tx, agency_id).await?)
}

/// Revokes the key: it stops working with the next request. Revoking a revoked key
/// changes nothing and answers it as it is.
pub async fn revoke(
    tx: &mut PgConnection,
    actor: &Actor,
    id: Uuid,
    now: DateTime<Utc>,
) -> Result<ApiKeyRow, ServiceError> {
    let (agency_id, by) = admin(actor)?;
    let key = store::api_keys::lock(tx, agency_id, id).await?.ok_or(ServiceError::NotFound)?;
    if key.revoked_at.is_some() {
        return Ok(key);
    }
    store::api_keys::revoke(tx, &key, by, now).await?;
    let revoked = reload(tx, agency_id, id).await?;
    let change = Change::updated("api_key.revoke", "api_key", id, &snapshot(&key), &snapshot(&revoked));
    audit::record(tx, actor, change).await?;
    Ok(revoked)
}

async fn reload(tx: &mut PgConnection, agency_id: Uuid, id: Uuid) -> Result<ApiKeyRow, ServiceError> {
    store::api_keys::get(tx, agency_id, id).await?.ok_or_else(|| ServiceError::invariant("a key just written is gone"))
}

/// The agency and the person managing its keys (agency admins have both).
fn admin(actor: &Actor) -> Result<(Uuid, Uuid), ServiceError> {
    actor.agency_id.zip(actor.user_id).ok_or(ServiceError::NotFound)
}

/// What the audit trail keeps of a key: never its secret or hash.
fn snapshot(key: &ApiKeyRow) -> Value {
    json!({
        "name": key.name,
        "prefix": key.shown,
        "scopes": key.scopes,
        "expires_at": key.expires_at,
        "service_user_id": key.user_id,
        "revoked_at": key.revoked_at,
    })
}
