//! The platform's agencies, run by platform admins: opening one with its first agency
//! admin (who gets a temporary password), and closing or reopening its seat.

use crate::{
    audit::{self, Actor, Change},
    services::{
        staff::{self, Credential, NewStaff},
        Refusal, ServiceError,
    },
    store::{
        self,
        agencies::{AgencyRow, NewAgency},
        users::UserRow,
    },
};
use debtflow_domain::Role;
use serde_json::json;
use sqlx::PgConnection;
use uuid::Uuid;

/// Opens the agency and its first agency admin with `credential` (a temporary
/// password); audited as `agency.create` and `user.create` on the new agency's trail.
pub async fn create(
    tx: &mut PgConnection,
    actor: &Actor,
    agency: &NewAgency<'_>,
    admin: NewStaff,
    credential: &Credential,
) -> Result<(AgencyRow, UserRow), ServiceError> {
    if !store::agencies::time_zone_exists(tx, agency.time_zone).await? {
        return Err(ServiceError::invalid("time_zone", "is not an IANA time zone"));
    }
    let row = store::agencies::insert(tx, agency).await?.ok_or(Refusal::DuplicateLicence)?;
    let after = json!({
        "name": row.name, "licence_number": row.licence_number, "currency": row.currency, "time_zone": row.time_zone,
    });
    audit::record(tx, actor, Change::created("agency.create", "agency", row.id, after).in_agency(Some(row.id))).await?;
    // The admin is created as the new agency's own admin would create staff.
    let inside = Actor { agency_id: Some(row.id), ..actor.clone() };
    let admin = staff::create(tx, &inside, NewStaff { role: Role::AgencyAdmin, ..admin }, credential).await?;
    Ok((row, admin))
}

/// Closes (`active = false`) or reopens the agency: closing ends every session of its
/// users at once. Audited as `agency.deactivate` / `agency.reactivate`.
pub async fn set_active(
    tx: &mut PgConnection,
    actor: &Actor,
    id: Uuid,
    active: bool,
) -> Result<AgencyRow, ServiceError> {
    let before = store::agencies::get(tx, None, id).await?.ok_or(ServiceError::NotFound)?;
    let row = store::agencies::set_active(tx, id, active).await?.ok_or(ServiceError::NotFound)?;
    let ended = if active { 0 } else { store::sessions::revoke_agency(tx, id, "deactivated").await? };
    let action = if active { "agency.reactivate" } else { "agency.deactivate" };
    let change = Change::updated(
        action,
        "agency",
        id,
        &json!({ "is_active": before.is_active }),
        &json!({ "is_active": row.is_active, "sessions_ended": ended }),
    );
    audit::record(tx, actor, change.in_agency(Some(id))).await?;
    Ok(row)
}
