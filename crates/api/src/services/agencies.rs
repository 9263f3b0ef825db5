//! The agencies: a platform admin opens one with its first agency admin (who gets a
//! temporary password) and closes or reopens it; its admins change it.
//!
//! Changing an agency: its profile (name, licence number, time zone) and its settings,
//! merged from a patch and checked by the domain's one rule
//! (`debtflow_domain::agency::AgencySettings::apply`), under a lock on the agency row so
//! two admins saving at once cannot lose each other's keys. Audited with only what
//! changed — settings key by key.

use super::{
    staff::{self, Credential, NewStaff},
    Refusal, ServiceError,
};
use crate::{
    audit::{self, Actor, Change},
    store::{
        self,
        agencies::{AgencyChanges, AgencyRow, NewAgency},
        users::UserRow,
        StoreError,
    },
};
use debtflow_domain::{
    agency::{AgencySettings, SettingsPatch},
    Role,
};
use serde_json::{json, Value};
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

/// What an agency admin changes; `None` keeps the value.
#[derive(Debug, Clone, Default)]
pub struct AgencyUpdate {
    pub name: Option<String>,
    pub licence_number: Option<String>,
    /// An IANA time zone.
    pub time_zone: Option<String>,
    pub settings: Option<SettingsPatch>,
}

/// Applies `update` to the agency `id` within `only` (the caller's agency; `None`:
/// any, for platform admins).
pub async fn update(
    tx: &mut PgConnection,
    actor: &Actor,
    only: Option<Uuid>,
    id: Uuid,
    update: &AgencyUpdate,
) -> Result<AgencyRow, ServiceError> {
    let before = store::agencies::lock(tx, only, id).await?.ok_or(ServiceError::NotFound)?;
    if let Some(zone) = &update.time_zone {
        if !store::agencies::time_zone_exists(tx, zone).await? {
            return Err(ServiceError::invalid("time_zone", "is not an IANA time zone"));
        }
    }
    let settings = match &update.settings {
        Some(patch) => {
            Some(before.settings.apply(patch).map_err(|e| ServiceError::invalid(format!("settings.{}", e.key()), e))?)
        }
        None => None,
    };
    let changes = AgencyChanges {
        name: update.name.as_deref(),
        licence_number: update.licence_number.as_deref(),
        time_zone: update.time_zone.as_deref(),
        settings: settings.as_ref(),
    };
    let after =
        store::agencies::update(tx, id, &changes).await.map_err(StoreError::from).map_err(|e| match e.duplicate() {
            Some("agencies_licence_number_key") => ServiceError::Refused(Refusal::DuplicateLicence),
            _ => e.into(),
        })?;
    let after = after.ok_or(ServiceError::NotFound)?;
    let (old, new) = changed(&before, &after);
    let change = Change::updated("agency.update", "agency", id, &old, &new);
    audit::record(tx, actor, change.in_agency(Some(id))).await?;
    Ok(after)
}

/// The profile fields and settings keys that differ, before and after (settings as
/// `{"settings": {"plan_grace_days": …}}`, only the keys that changed).
fn changed(before: &AgencyRow, after: &AgencyRow) -> (Value, Value) {
    let profile = |a: &AgencyRow| json!({"name": a.name, "licence_number": a.licence_number, "time_zone": a.time_zone});
    let (mut old, mut new) = audit::diff(&profile(before), &profile(after));
    let settings = |s: &AgencySettings| serde_json::to_value(s).unwrap_or_default();
    let (old_settings, new_settings) = audit::diff(&settings(&before.settings), &settings(&after.settings));
    if let (Some(old), Some(new), false) =
        (old.as_object_mut(), new.as_object_mut(), old_settings.as_object().is_none_or(|o| o.is_empty()))
    {
        old.insert("settings".into(), old_settings);
        new.insert("settings".into(), new_settings);
    }
    (old, new)
}
