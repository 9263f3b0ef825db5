//! `/agencies`: the tenants. Everyone reads their own; platform admins read all,
//! create them (with their first agency admin) and close or reopen them; agency admins
//! change their own.

pub mod create;
pub mod get;
pub mod list;
pub mod seat;
pub mod update;

use crate::store::agencies::AgencyRow;
use chrono::{DateTime, Utc};
use debtflow_domain::agency::AgencySettings;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Agency {
    pub id: Uuid,
    #[schema(example = "Demo Recovery Agency")]
    pub name: String,
    #[schema(example = "DRA-2026-0001")]
    pub licence_number: String,
    /// ISO 4217; fixed once the agency exists.
    #[schema(example = "USD")]
    pub currency: String,
    /// IANA time zone of the agency's business dates.
    #[schema(example = "America/New_York")]
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

impl From<AgencyRow> for Agency {
    fn from(r: AgencyRow) -> Self {
        Agency {
            id: r.id,
            name: r.name,
            licence_number: r.licence_number,
            currency: r.currency,
            time_zone: r.time_zone,
            settings: r.settings.0,
            is_active: r.is_active,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}
