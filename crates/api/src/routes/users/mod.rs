//! `/users`: everyone in the caller's agency, for agency admins, compliance and
//! auditors (platform admins: all), and lifting a login lock.

pub mod list;
pub mod unlock;

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
            commission_rate: r.commission_rate,
            account_limit: r.account_limit,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

impl User {
    /// The fields an audit row shows: all but the timestamps, which the audit row
    /// has itself (a user has no secret field to leave out).
    pub fn audit_snapshot(&self) -> serde_json::Value {
        let mut snapshot = serde_json::to_value(self).unwrap_or_default();
        if let Some(fields) = snapshot.as_object_mut() {
            fields.remove("created_at");
            fields.remove("updated_at");
        }
        snapshot
    }
}
