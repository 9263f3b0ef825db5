//! A delinquency pause (`POST /accounts/{id}/pauses`): the account's days past due do
//! not grow from its first to its last day (the dpd_aging job counts the days paused,
//! like the days disputed).

use super::{person, reach, timeline};
use crate::{
    audit::{self, Actor, Change},
    services::ServiceError,
    store::{self, accounts::NewPause},
};
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

/// Pause `account_id`'s aging from `starts_on` (default: the agency's today) to
/// `ends_on`, because `reason`.
#[derive(Debug, Clone)]
pub struct Pause {
    pub account_id: Uuid,
    pub starts_on: Option<NaiveDate>,
    pub ends_on: NaiveDate,
    pub reason: String,
}

/// A pause as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paused {
    pub id: Uuid,
    pub account_id: Uuid,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub reason: String,
}

/// Records the pause.
///
pub async fn pause(
    tx: &mut PgConnection,
    actor: &Actor,
    cmd: Pause,
    now: DateTime<Utc>,
) -> Result<Paused, ServiceError> {
    let by = person(actor)?;
    let reason = cmd.reason.trim();
    if reason.is_empty() {
        return Err(ServiceError::invalid("reason", "must not be blank"));
    }
    let account = store::accounts::lock(tx, reach(actor), cmd.account_id, now).await?.ok_or(ServiceError::NotFound)?;
    let starts_on = cmd.starts_on.unwrap_or(account.today);
    if cmd.ends_on < starts_on {
        return Err(ServiceError::invalid("ends_on", "must not be before starts_on"));
    }
    let pause = NewPause {
        agency_id: account.agency_id,
        account_id: account.id,
        starts_on,
        ends_on: cmd.ends_on,
        reason,
        created_by: by,
    };
    let id = store::accounts::add_pause(tx, &pause).await?;
    let data = serde_json::json!({ "pause_id": id, "starts_on": starts_on, "ends_on": cmd.ends_on });
    timeline(tx, actor, account.agency_id, account.id, "pause", Some(reason), data.clone()).await?;
    audit::record(tx, actor, Change::created("account.pause", "account", account.id, data)).await?;
    Ok(Paused { id, account_id: account.id, starts_on, ends_on: cmd.ends_on, reason: reason.to_owned() })
}
