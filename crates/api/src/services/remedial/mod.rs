//! Remedial recovery's use cases (`debtflow_domain::remedial`): legal cases and their
//! hearings, recovery actions and their milestones, write-off requests decided by the
//! board, and the documents on any of them. Each reaches its account as the account
//! use cases do (a collector, their own accounts only), and writes the account's
//! timeline and the audit trail in the caller's transaction.

pub mod documents;
pub mod legal_cases;
pub mod recovery_actions;
pub mod write_offs;

use super::{
    accounts::{person, reach},
    ServiceError,
};
use crate::{
    audit::{self, Actor, Change},
    store::{self, accounts::AccountRow},
};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use sqlx::PgConnection;
use uuid::Uuid;

/// The account, if the caller reaches it (a collector, their own; else a 404).
async fn account_of(
    tx: &mut PgConnection,
    actor: &Actor,
    account_id: Uuid,
    now: DateTime<Utc>,
) -> Result<AccountRow, ServiceError> {
    store::accounts::get(tx, reach(actor), account_id, now).await?.ok_or(ServiceError::NotFound)
}

/// The agency's business date at `at`.
async fn today(tx: &mut PgConnection, agency_id: Uuid, at: DateTime<Utc>) -> Result<NaiveDate, ServiceError> {
    Ok(store::agencies::today(tx, agency_id, at).await?)
}

/// Appends an event to the account's timeline.
async fn timeline(
    tx: &mut PgConnection,
    actor: &Actor,
    agency_id: Uuid,
    account_id: Uuid,
    kind: &'static str,
    body: Option<&str>,
    data: serde_json::Value,
) -> Result<(), ServiceError> {
    super::accounts::timeline(tx, actor, agency_id, account_id, kind, body, data).await?;
    Ok(())
}

/// Audits a step on a record: what it was (`None` when it was created) and what it is
/// now, as the record serialises (the trail keeps what changed).
async fn audit_step<T: Serialize>(
    tx: &mut PgConnection,
    actor: &Actor,
    action: &'static str,
    entity_type: &'static str,
    id: Uuid,
    before: Option<&T>,
    after: &T,
) -> Result<(), ServiceError> {
    let value = |t: &T| serde_json::to_value(t).map_err(ServiceError::invariant);
    let change = match before {
        None => Change::created(action, entity_type, id, value(after)?),
        Some(before) => Change::updated(action, entity_type, id, &value(before)?, &value(after)?),
    };
    audit::record(tx, actor, change.in_agency(actor.agency_id)).await?;
    Ok(())
}
