//! Changing an account's contact data, the debtor's time zone, priority or due date
//! (`PATCH /accounts/{id}`).
//! Status, balances, days past due, bucket and collector change only through their own
//! use cases; the route refuses a body that names one.

use super::{reach, snapshot};
use crate::{
    audit::{self, Actor, Change},
    services::ServiceError,
    store::{self, accounts::AccountChanges},
};
use chrono::{DateTime, NaiveDate, Utc};
use debtflow_domain::Priority;
use sqlx::PgConnection;
use uuid::Uuid;

/// The changes to `account_id`; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct Update {
    pub account_id: Uuid,
    pub priority: Option<Priority>,
    pub due_date: Option<NaiveDate>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub address: Option<String>,
    /// The debtor's own IANA time zone, over the one their address gives.
    pub time_zone: Option<String>,
}

/// Applies the changes, audited field by field.
pub async fn update(tx: &mut PgConnection, actor: &Actor, cmd: Update, now: DateTime<Utc>) -> Result<(), ServiceError> {
    let reach = reach(actor);
    let before = store::accounts::lock(tx, reach, cmd.account_id, now).await?.ok_or(ServiceError::NotFound)?;
    let time_zone = cmd.time_zone.as_deref().map(str::trim);
    if let Some(zone) = time_zone {
        if !store::agencies::time_zone_exists(tx, zone).await? {
            return Err(ServiceError::invalid("time_zone", "is not an IANA time zone"));
        }
    }
    let changes = AccountChanges {
        priority: cmd.priority,
        due_date: cmd.due_date,
        phone: cmd.phone.as_deref(),
        email: cmd.email.as_deref(),
        address: cmd.address.as_deref(),
        time_zone,
    };
    store::accounts::update(tx, before.agency_id, before.id, before.debtor_id, &changes).await?;
    let after = store::accounts::get(tx, reach, before.id, now).await?.ok_or(ServiceError::NotFound)?;
    let change = Change::updated("account.update", "account", before.id, &snapshot(&before), &snapshot(&after));
    audit::record(tx, actor, change.in_agency(Some(before.agency_id))).await?;
    Ok(())
}
