//! The signed-in user, shared by every page, and what each role may do (mirroring the
//! API's policy table, so no one sees a button the API would refuse).

use crate::api::Me;
use debtflow_domain::Role;
use leptos::prelude::*;

#[derive(Clone, Copy)]
pub struct Session {
    /// The user, once `/auth/me` answered.
    pub user: RwSignal<Option<Me>>,
    /// Whether the stored session was checked at start-up.
    pub checked: RwSignal<bool>,
}

impl Session {
    pub fn new() -> Self {
        Session { user: RwSignal::new(None), checked: RwSignal::new(false) }
    }

    pub fn role(&self) -> Option<Role> {
        self.user.with(|u| u.as_ref().map(|u| u.role))
    }

    pub fn can(&self, f: fn(Role) -> bool) -> bool {
        self.role().is_some_and(f)
    }
}

pub fn use_session() -> Session {
    expect_context::<Session>()
}

/// Works accounts: transitions, payments, plans (`POST /payments`, `/transition`, plans).
pub fn can_work(role: Role) -> bool {
    matches!(role, Role::AgencyAdmin | Role::Manager | Role::Collector)
}

/// Adds notes: everyone inside an agency.
pub fn can_note(role: Role) -> bool {
    !matches!(role, Role::Admin)
}

/// Assigns accounts, decides plans and backdated payments, reads collectors.
pub fn can_manage(role: Role) -> bool {
    matches!(role, Role::AgencyAdmin | Role::Manager)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_match_the_policy_table() {
        assert!(can_work(Role::Collector) && can_work(Role::Manager) && can_work(Role::AgencyAdmin));
        assert!(!can_work(Role::Compliance) && !can_work(Role::Auditor) && !can_work(Role::Admin));
        assert!(can_note(Role::Auditor) && can_note(Role::Compliance) && !can_note(Role::Admin));
        assert!(can_manage(Role::Manager) && can_manage(Role::AgencyAdmin));
        assert!(!can_manage(Role::Collector) && !can_manage(Role::Admin) && !can_manage(Role::Compliance));
    }
}
