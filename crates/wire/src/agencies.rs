//! Agencies (a platform admin's).

use crate::users::{TemporaryPassword, User};
use chrono::{DateTime, Utc};
use debtflow_domain::agency::AgencySettings;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Agency {
    pub id: Uuid,
    #[cfg_attr(feature = "openapi", schema(example = "Demo Recovery Agency"))]
    pub name: String,
    #[cfg_attr(feature = "openapi", schema(example = "DRA-2026-0001"))]
    pub licence_number: String,
    /// ISO 4217; fixed once the agency exists.
    #[cfg_attr(feature = "openapi", schema(example = "USD"))]
    pub currency: String,
    /// IANA time zone of the agency's business dates.
    #[cfg_attr(feature = "openapi", schema(example = "America/New_York"))]
    pub time_zone: String,
    /// The rules the agency chose, defaults filled in (changed with `PATCH
    /// /agencies/{id}`).
    pub settings: AgencySettings,
    /// `false`: a platform admin closed the agency; its users cannot sign in and its
    /// jobs do not run.
    pub is_active: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// The agency opened, its first admin and their temporary password (shown this once).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreatedAgency {
    pub agency: Agency,
    pub admin: User,
    #[serde(flatten)]
    pub password: TemporaryPassword,
}
