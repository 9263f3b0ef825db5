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
    /// The signed-in user's session ended (revoked, expired, refresh refused). The
    /// page stays as it was, under a login dialog ([`crate::pages::login::SessionDialog`]):
    /// unmounting it would lose what the user typed, and tasks still running on it
    /// would read its disposed signals.
    pub lost: RwSignal<bool>,
}

impl Session {
    pub fn new() -> Self {
        Session { user: RwSignal::new(None), checked: RwSignal::new(false), lost: RwSignal::new(false) }
    }

    /// The API gave up on the session: a signed-in user keeps the page under the login
    /// dialog; before anyone signed in, there is nothing to keep.
    pub fn end(&self) {
        if self.user.with_untracked(|u| u.is_some()) {
            self.lost.set(true);
        } else {
            self.user.set(None);
        }
    }

    /// Signed in (again) as `me`.
    pub fn start(&self, me: Me) {
        self.user.set(Some(me));
        self.lost.set(false);
    }

    /// Signed in with a temporary password not changed yet: only `/password` opens.
    pub fn must_change_password(&self) -> bool {
        self.user.with(|u| u.as_ref().is_some_and(|u| u.password_change_required))
    }

    pub fn role(&self) -> Option<Role> {
        self.user.with(|u| u.as_ref().map(|u| u.role))
    }

    /// Whether the signed-in user may perform `operation` (no one signed in: no).
    pub fn can(&self, operation: Operation) -> bool {
        self.role().is_some_and(|role| allows(role, operation))
    }

    /// The agency's business date (the device's own before `/auth/me` answered): the
    /// date a form proposes for today. The device may be a day ahead of the agency, and
    /// the server refuses a payment dated after the agency's today.
    pub fn today(&self) -> chrono::NaiveDate {
        self.user.with_untracked(|u| u.as_ref().and_then(|u| u.today)).unwrap_or_else(crate::format::today)
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
