//! `/users`: the agency's staff of every role. Agency admins list them, add one with a
//! temporary password, change a name, email, role or seat, reset a password and lift a
//! login lock; compliance and auditors read the list (the audit viewer names who did
//! what); platform admins read all. The rules are the domain's `staff`, applied by
//! `services::staff`.

pub mod create;
pub mod get;
pub mod list;
pub mod password_reset;
pub mod unlock;
pub mod update;

use crate::store::users::UserRow;
pub use debtflow_wire::users::{TemporaryPassword, User};

impl From<UserRow> for User {
    fn from(r: UserRow) -> Self {
        User {
            id: r.id,
            agency_id: r.agency_id,
            username: r.username,
            full_name: r.full_name,
            email: r.email,
            role: r.role,
            is_active: r.is_active,
            password_change_required: r.password_change_required,
            commission_rate: r.commission_rate,
            account_limit: r.account_limit,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

/// The domain's username rule, as a validator of a request body's field.
pub(crate) fn username(name: &str) -> Result<(), validator::ValidationError> {
    debtflow_domain::staff::check_username(name)
        .map_err(|e| validator::ValidationError::new("username").with_message(e.message.into()))
}
