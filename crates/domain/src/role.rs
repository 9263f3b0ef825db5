//! The roles a user holds. Which role may perform which operation is decided in one
//! table, [`crate::permission`]; this enum only names them.

use serde::{Deserialize, Serialize};
use std::{fmt, str::FromStr};

/// A user's role. Every user has exactly one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "sqlx", derive(sqlx::Type), sqlx(type_name = "user_role", rename_all = "snake_case"))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Platform operator: sees every agency.
    Admin,
    /// Runs one agency: users, settings, imports.
    AgencyAdmin,
    /// Supervises collectors: approvals, assignment, write-offs.
    Manager,
    /// Works their own accounts from the worklist.
    Collector,
    /// Reads everything, writes notes only, reads the audit trail.
    Compliance,
    /// Reads everything, writes notes only, reads the audit trail.
    Auditor,
    /// Not a person: the service account behind one API key ([`crate::api_key`]). It
    /// never signs in, holds no row of the role table and is not in [`Role::ALL`]; its
    /// key's scopes say what it may do.
    Service,
}

impl Role {
    /// The roles people hold.
    pub const ALL: [Role; 6] =
        [Role::Admin, Role::AgencyAdmin, Role::Manager, Role::Collector, Role::Compliance, Role::Auditor];

    /// The stable wire and database name (`agency_admin`).
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::AgencyAdmin => "agency_admin",
            Role::Manager => "manager",
            Role::Collector => "collector",
            Role::Compliance => "compliance",
            Role::Auditor => "auditor",
            Role::Service => "service",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The name given was not one of the six roles people hold.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown role `{0}`")]
pub struct UnknownRole(pub String);

impl FromStr for Role {
    type Err = UnknownRole;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL.into_iter().find(|r| r.as_str() == s).ok_or_else(|| UnknownRole(s.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_role_round_trips_through_its_name() {
        for role in Role::ALL {
            assert_eq!(role.as_str().parse::<Role>(), Ok(role));
            assert_eq!(serde_json::to_value(role).unwrap(), role.as_str());
        }
    }

    #[test]
    fn unknown_names_are_refused() {
        assert_eq!("root".parse::<Role>(), Err(UnknownRole("root".into())));
        assert!("Admin".parse::<Role>().is_err(), "names are case-sensitive");
    }
}
