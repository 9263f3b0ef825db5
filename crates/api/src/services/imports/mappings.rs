//! The agencies' named column mappings: how a creditor's own header row reads.

use crate::{
    audit::{self, Actor, Change},
    services::ServiceError,
    store::{self, imports::MappingRow},
};
use chrono::{DateTime, Utc};
use debtflow_domain::import::{Columns, HeaderError, Mapping};
use sqlx::PgConnection;

/// Refuses (naming `mapping`) a mapping the agency does not have.
pub async fn require(tx: &mut PgConnection, agency_id: uuid::Uuid, name: &str) -> Result<MappingRow, ServiceError> {
    store::imports::mapping(tx, agency_id, name)
        .await?
        .ok_or_else(|| ServiceError::invalid("mapping", format!("the agency has no mapping `{name}`")))
}

/// Creates or replaces the mapping `name`.
pub async fn put(
    tx: &mut PgConnection,
    actor: &Actor,
    name: &str,
    mapping: Mapping,
    now: DateTime<Utc>,
) -> Result<MappingRow, ServiceError> {
    let agency_id = actor.agency_id.ok_or(ServiceError::NotFound)?;
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(ServiceError::invalid("name", "must be 1 to 100 characters"));
    }
    if mapping.columns.keys().any(|h| h.trim().is_empty()) {
        return Err(ServiceError::invalid("columns", "a header must not be blank"));
    }
    // The mapped headers alone must read as a complete layout: a field twice, or a
    // required field nowhere, is a mistake whatever the files hold.
    match Columns::resolve(mapping.columns.keys().map(String::as_str), &mapping) {
        Ok(_) | Err(HeaderError::Missing(_)) => {}
        Err(e) => return Err(ServiceError::invalid("columns", e.to_string())),
    }
    let before = store::imports::put_mapping(tx, agency_id, name, &mapping, actor.user_id, now).await?;
    let row = store::imports::mapping(tx, agency_id, name).await?.ok_or(ServiceError::NotFound)?;
    let after = snapshot(&row);
    let change = match before {
        Some(b) => {
            let (before, after) = audit::diff(&snapshot(&b), &after);
            Change { before: Some(before), ..Change::created("import_mapping.update", "import_mapping", name, after) }
        }
        None => Change::created("import_mapping.create", "import_mapping", name, after),
    };
    audit::record(tx, actor, change).await?;
    Ok(row)
}

pub async fn delete(tx: &mut PgConnection, actor: &Actor, name: &str) -> Result<(), ServiceError> {
    let agency_id = actor.agency_id.ok_or(ServiceError::NotFound)?;
    let gone = store::imports::delete_mapping(tx, agency_id, name).await?.ok_or(ServiceError::NotFound)?;
    let change = Change::created("import_mapping.delete", "import_mapping", name, serde_json::Value::Null);
    audit::record(tx, actor, Change { before: Some(snapshot(&gone)), after: None, ..change }).await?;
    Ok(())
}

fn snapshot(row: &MappingRow) -> serde_json::Value {
    serde_json::json!({"name": row.name, "columns": row.columns.0, "date_format": row.date_format})
}
