//! The signed-in user, shared by every page. What the user may do is asked of the
//! domain's role table (`debtflow_domain::permission`), the one the API enforces, so
//! no one sees a button the API would refuse.

use crate::api::Me;
use debtflow_domain::{
    permission::{allows, Operation},
    Role,
};
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

    /// Whether the signed-in user may perform `operation` (no one signed in: no).
    pub fn can(&self, operation: Operation) -> bool {
        self.role().is_some_and(|role| allows(role, operation))
    }

    /// The server's approval window of backdated payments, in days (`None` before
    /// `/auth/me` answered).
    pub fn payment_approval_after_days(&self) -> Option<u32> {
        self.user.with(|u| u.as_ref().map(|u| u.policy.payment_approval_after_days))
    }
}

pub fn use_session() -> Session {
    expect_context::<Session>()
}
