//! A note on an account's timeline (`POST /accounts/{id}/notes`): anyone who reaches
//! the account may write one, compliance and auditors included.

use super::{reach, timeline};
use crate::{
    audit::{self, Actor, Change},
    services::ServiceError,
    store::{self, account_events::EventRow},
};
use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

/// Note `body` on `account_id`.
#[derive(Debug, Clone)]
pub struct AddNote {
    pub account_id: Uuid,
    pub body: String,
}

/// Adds the note; returns it as a timeline event.
pub async fn add(
    tx: &mut PgConnection,
    actor: &Actor,
    cmd: AddNote,
    now: DateTime<Utc>,
) -> Result<EventRow, ServiceError> {
    let body = cmd.body.trim();
    if body.is_empty() {
        return Err(ServiceError::invalid("body", "must not be blank"));
    }
    let account = store::accounts::get(tx, reach(actor), cmd.account_id, now).await?.ok_or(ServiceError::NotFound)?;
    let event = timeline(tx, actor, account.agency_id, account.id, "note", Some(body), serde_json::json!({})).await?;
    let change = Change::created(
        "account.note",
        "account_event",
        event.id,
        serde_json::json!({ "account_id": account.id, "body": body }),
    );
    audit::record(tx, actor, change.in_agency(Some(account.agency_id))).await?;
    Ok(event)
}
