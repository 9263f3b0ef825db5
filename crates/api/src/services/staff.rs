//! An agency's staff, managed by its agency admins: adding a user of any agency role
//! with a temporary password, changing their name, email, role or seat, and resetting
//! a password. The rules are the domain's (`debtflow_domain::staff`); here they meet
//! the rows, under locks, with sessions ended and the audit trail written in the same
//! transaction.

use crate::{
    audit::{self, Actor, Change},
    auth::password,
    services::{Refusal, ServiceError},
    store::{
        self,
        users::{NewUser, StaffRecord, UserRow},
    },
};
use debtflow_domain::{
    staff::{self, FieldError, Seat},
    AccountStatus, Role,
};
use rust_decimal::Decimal;
use serde_json::{json, Value};
use sqlx::PgConnection;
use uuid::Uuid;

impl From<FieldError> for ServiceError {
    fn from(e: FieldError) -> Self {
        ServiceError::invalid(e.field, e.message)
    }
}

/// A password to store, hashed: one the admin chose, or one the server made up (a
/// temporary one, to be changed at first login). Hashing takes tens of milliseconds:
/// make it before the transaction opens.
pub struct Credential {
    hash: String,
    temporary: bool,
}

impl Credential {
    /// A password the admin chose for the user (`POST /collectors`), checked against
    /// the policy.
    pub async fn chosen(password: &str) -> Result<Self, ServiceError> {
        password::check_policy(password).map_err(|m| ServiceError::invalid("password", m))?;
        Self::hashed(password, false).await
    }

    /// A new temporary password, and the password itself (shown once to the admin).
    pub async fn temporary() -> Result<(Self, String), ServiceError> {
        let made = password::temporary();
        Ok((Self::hashed(&made, true).await?, made))
    }

    async fn hashed(plain: &str, temporary: bool) -> Result<Self, ServiceError> {
        let hash = password::hash_off_thread(plain).await.map_err(ServiceError::invariant)?;
        Ok(Credential { hash, temporary })
    }
}

/// A user to add to the actor's agency.
#[derive(Debug, Clone)]
pub struct NewStaff {
    pub username: String,
    pub full_name: String,
    pub email: Option<String>,
    pub role: Role,
    pub commission_rate: Option<Decimal>,
    pub account_limit: Option<i32>,
}

/// Adds the user to the actor's agency with `credential`; audited as `user.create`.
pub async fn create(
    tx: &mut PgConnection,
    actor: &Actor,
    cmd: NewStaff,
    credential: &Credential,
) -> Result<UserRow, ServiceError> {
    let agency_id = actor.agency_id.ok_or(ServiceError::NotFound)?;
    staff::check_role(cmd.role)?;
    staff::check_collector_terms(cmd.role, cmd.commission_rate, cmd.account_limit)?;
    let new = NewUser {
        agency_id: Some(agency_id),
        username: &cmd.username,
        full_name: cmd.full_name.trim(),
        email: cmd.email.as_deref(),
        role: cmd.role,
        password_hash: &credential.hash,
        password_change_required: credential.temporary,
        commission_rate: cmd.commission_rate,
        account_limit: cmd.account_limit,
    };
    let row = store::users::insert_if_absent(&mut *tx, &new)
        .await?
        .ok_or_else(|| Refusal::UsernameTaken { username: cmd.username.clone() })?;
    audit::record(tx, actor, Change::created("user.create", "user", row.id, snapshot(&row))).await?;
    Ok(row)
}

/// A platform admin (`debtflow create-admin`: the first one of a fresh install, or
/// another), with `credential`; audited as `user.create` by the system. The platform's
/// admins belong to no agency.
pub async fn create_platform_admin(
    tx: &mut PgConnection,
    username: &str,
    full_name: &str,
    email: Option<&str>,
    credential: &Credential,
) -> Result<UserRow, ServiceError> {
    staff::check_username(username)?;
    let full_name = full_name.trim();
    if full_name.is_empty() || full_name.chars().count() > 200 {
        return Err(ServiceError::invalid("full_name", "must be 1-200 characters"));
    }
    let new = NewUser {
        agency_id: None,
        username,
        full_name,
        email,
        role: Role::Admin,
        password_hash: &credential.hash,
        password_change_required: credential.temporary,
        commission_rate: None,
        account_limit: None,
    };
    let row = store::users::insert_if_absent(&mut *tx, &new)
        .await?
        .ok_or_else(|| Refusal::UsernameTaken { username: username.to_owned() })?;
    let system = Actor::anonymous(Default::default());
    audit::record(tx, &system, Change::created("user.create", "user", row.id, snapshot(&row))).await?;
    Ok(row)
}

/// What an agency admin changes about a staff member; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct StaffPatch {
    pub full_name: Option<String>,
    pub email: Option<String>,
    pub role: Option<Role>,
    /// `false` deactivates: the user cannot sign in and every session ends at once.
    pub is_active: Option<bool>,
    pub commission_rate: Option<Decimal>,
    pub account_limit: Option<i32>,
}

/// Applies `patch` to a staff member of the actor's agency (`only`: a role the target
/// must hold, for `/collectors/{id}`); audited as `user.update` with before and after.
///
/// Refused when it would leave the agency with no active agency admin, or move a
/// collector who still holds accounts to another role. A new role or a deactivation
/// ends the user's sessions.
pub async fn update(
    tx: &mut PgConnection,
    actor: &Actor,
    id: Uuid,
    only: Option<Role>,
    patch: StaffPatch,
) -> Result<UserRow, ServiceError> {
    let agency_id = actor.agency_id.ok_or(ServiceError::NotFound)?;
    // The admins first, then the target: every demotion locks in the same order.
    let admins = store::users::lock_active_admins(tx, agency_id).await?;
    let before = store::users::get_for_update(tx, agency_id, id)
        .await?
        .filter(|row| only.is_none_or(|role| row.role == role))
        .ok_or(ServiceError::NotFound)?;
    let role = patch.role.unwrap_or(before.role);
    staff::check_role(role)?;
    let (commission_rate, account_limit) = if role == Role::Collector {
        (patch.commission_rate.or(before.commission_rate), patch.account_limit.or(before.account_limit))
    } else {
        (patch.commission_rate, patch.account_limit)
    };
    staff::check_collector_terms(role, commission_rate, account_limit)?;

    if before.role == Role::Collector && role != Role::Collector {
        let held = store::accounts::held_by(tx, agency_id, &[id], &AccountStatus::WORKING).await?;
        if let Some(holding) = held.first().filter(|h| h.accounts > 0) {
            return Err(Refusal::HoldsAccounts { accounts: holding.accounts }.into());
        }
    }
    let is_active = patch.is_active.unwrap_or(before.is_active);
    let others = admins.iter().filter(|admin| **admin != id).count();
    let seat = |role, active| Seat { role, active };
    if staff::leaves_no_admin(seat(before.role, before.is_active), seat(role, is_active), others) {
        return Err(Refusal::LastAgencyAdmin.into());
    }

    let record = StaffRecord {
        full_name: patch.full_name.as_deref().map_or(before.full_name.as_str(), str::trim),
        email: patch.email.as_deref().or(before.email.as_deref()),
        role,
        is_active,
        commission_rate,
        account_limit,
    };
    let after = store::users::update(tx, agency_id, id, &record).await?.ok_or(ServiceError::NotFound)?;
    if before.is_active && !after.is_active {
        store::sessions::revoke_all(tx, id, "deactivated").await?;
    } else if before.role != after.role {
        store::sessions::revoke_all(tx, id, "role_changed").await?;
    }
    let change = Change::updated("user.update", "user", id, &snapshot(&before), &snapshot(&after));
    audit::record(tx, actor, change).await?;
    Ok(after)
}

/// Gives a staff member of the actor's agency a temporary password (`credential`),
/// to be changed at their next login: their sessions end and their failed logins are
/// forgotten (a reset unlocks). Audited as `auth.password_reset`, without the password.
pub async fn reset_password(
    tx: &mut PgConnection,
    actor: &Actor,
    id: Uuid,
    credential: &Credential,
) -> Result<UserRow, ServiceError> {
    let agency_id = actor.agency_id.ok_or(ServiceError::NotFound)?;
    if actor.user_id == Some(id) {
        return Err(Refusal::OwnPassword.into());
    }
    let user = store::users::get_for_update(tx, agency_id, id).await?.ok_or(ServiceError::NotFound)?;
    store::users::set_password(tx, id, &credential.hash, true).await?;
    store::sessions::revoke_all(tx, id, "password_reset").await?;
    let failures_cleared = store::login_failures::clear(tx, &user.username).await?;
    let after = json!({ "username": user.username, "failures_cleared": failures_cleared });
    audit::record(tx, actor, Change::created("auth.password_reset", "user", id, after)).await?;
    Ok(user)
}

/// A user as the audit trail shows them: every field but the timestamps (the audit
/// row has its own) and, of course, no password hash.
fn snapshot(row: &UserRow) -> Value {
    json!({
        "id": row.id,
        "agency_id": row.agency_id,
        "username": row.username,
        "full_name": row.full_name,
        "email": row.email,
        "role": row.role,
        "is_active": row.is_active,
        "commission_rate": row.commission_rate,
        "account_limit": row.account_limit,
    })
}
