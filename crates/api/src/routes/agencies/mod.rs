//! `/agencies`: the tenants. Everyone reads their own; platform admins read all,
//! create them (with their first agency admin) and close or reopen them; agency admins
//! change their own.

pub mod create;
pub mod get;
pub mod list;
pub mod seat;
pub mod update;

use crate::store::agencies::AgencyRow;
pub use debtflow_wire::agencies::Agency;

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
