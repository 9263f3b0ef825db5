//! A note on an account's timeline (`POST /accounts/{id}/notes`): anyone who reaches
//! the account may write one, compliance and auditors included. A note may carry a
//! reminder (`remind_at`, within a year): at that time its author gets a
//! `follow_up_due` notification and the account is due on their worklist
//! (`follow_up=due`) until they write another note on it.

use super::{reach, timeline};
use crate::{
    audit::{self, Actor, Change},
    services::ServiceError,
    store::{self, account_events::EventRow, follow_ups::NewFollowUp},
};
use chrono::{DateTime, Duration, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

/// Note `body` on `account_id`.
#[derive(Debug, Clone)]
pub struct AddNote {
    pub account_id: Uuid,
    pub body: String,
    /// When to remind the author.
    pub remind_at: Option<DateTime<Utc>>,
}

/// The furthest ahead a reminder may be set.
const LONGEST_REMINDER_DAYS: i64 = 366;

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
    if let Some(at) = cmd.remind_at {
        if at <= now || at > now + Duration::days(LONGEST_REMINDER_DAYS) {
            return Err(ServiceError::invalid("remind_at", "must be in the future, within a year"));
        }
    }
    let account = store::accounts::get(tx, reach(actor), cmd.account_id, now).await?.ok_or(ServiceError::NotFound)?;
    let data = match cmd.remind_at {
        Some(at) => serde_json::json!({ "remind_at": at }),
        None => serde_json::json!({}),
    };
    let event = timeline(tx, actor, account.agency_id, account.id, "note", Some(body), data).await?;
    if let Some(author) = actor.user_id {
        store::follow_ups::complete(tx, account.agency_id, account.id, author, now).await?;
        if let Some(remind_at) = cmd.remind_at {
            let follow_up = NewFollowUp {
                agency_id: account.agency_id,
                note_id: event.id,
                account_id: account.id,
                author_id: author,
                remind_at,
            };
            store::follow_ups::insert(tx, &follow_up).await?;
        }
    }
    let change = Change::created(
        "account.note",
        "account_event",
        event.id,
        serde_json::json!({ "account_id": account.id, "body": body, "remind_at": cmd.remind_at }),
    );
    audit::record(tx, actor, change.in_agency(Some(account.agency_id))).await?;
    Ok(event)
}
