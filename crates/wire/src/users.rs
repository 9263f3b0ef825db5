//! Staff: users of every role, their passwords, collectors' commission.

use chrono::{DateTime, NaiveDate, Utc};
use debtflow_domain::Role;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A user as the API shows them; never the password hash.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct User {
    pub id: Uuid,
    /// `null` for platform admins.
    pub agency_id: Option<Uuid>,
    #[cfg_attr(feature = "openapi", schema(example = "sarah.mitchell"))]
    pub username: String,
    #[cfg_attr(feature = "openapi", schema(example = "Sarah Mitchell"))]
    pub full_name: String,
    pub email: Option<String>,
    pub role: Role,
    /// Inactive users cannot log in and their tokens stop working.
    pub is_active: bool,
    /// The user holds a temporary password an admin issued and must change it before
    /// doing anything else.
    pub password_change_required: bool,
    /// Collectors: share of each completed collection, 0–1, as a decimal string.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, example = "0.1000"))]
    pub commission_rate: Option<Decimal>,
    /// Collectors: the most accounts they may hold.
    pub account_limit: Option<i32>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A password made up by the server, shown this once: the admin hands it to the user,
/// who must change it at first login.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TemporaryPassword {
    #[cfg_attr(feature = "openapi", schema(example = "k7m2p-x9qrt-b4wza-h3nce"))]
    pub temporary_password: String,
}

/// The user added, and their temporary password (shown this once).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreatedUser {
    pub user: User,
    #[serde(flatten)]
    pub password: TemporaryPassword,
}

/// What an unlock forgave.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Unlocked {
    /// The failed logins of the username, within the window or not, now forgotten: the
    /// username and every client that tried it may sign in again at once.
    pub failures_cleared: u64,
}

/// A collector's commission over a period, from the ledger.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Commission {
    pub collector_id: Uuid,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub currency: String,
    /// Posted on completed payments in the period.
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "42.50"))]
    pub earned: Decimal,
    /// Reversed by refunds in the period.
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "2.50"))]
    pub reversed: Decimal,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "40.00"))]
    pub net: Decimal,
    /// Payments that earned commission in the period.
    pub payments: i64,
}
