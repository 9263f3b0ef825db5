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
use chrono::{DateTime, Utc};
use debtflow_domain::Role;
use rust_decimal::Decimal;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

/// A user as the API shows them; never the password hash.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct User {
    pub id: Uuid,
    /// `null` for platform admins.
    pub agency_id: Option<Uuid>,
    #[schema(example = "sarah.mitchell")]
    pub username: String,
    #[schema(example = "Sarah Mitchell")]
    pub full_name: String,
    pub email: Option<String>,
    pub role: Role,
    /// Inactive users cannot log in and their tokens stop working.
    pub is_active: bool,
    /// The user holds a temporary password an admin issued and must change it before
    /// doing anything else.
    pub password_change_required: bool,
    /// Collectors: share of each completed collection, 0–1, as a decimal string.
    #[schema(value_type = Option<String>, example = "0.1000")]
    pub commission_rate: Option<Decimal>,
    /// Collectors: the most accounts they may hold.
    pub account_limit: Option<i32>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

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

/// A password made up by the server, shown this once: the admin hands it to the user,
/// who must change it at first login.
#[derive(Debug, Serialize, ToSchema)]
pub struct TemporaryPassword {
    #[schema(example = "k7m2p-x9qrt-b4wza-h3nce")]
    pub temporary_password: String,
}
