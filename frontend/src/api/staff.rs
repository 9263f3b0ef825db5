//! The agency's staff (`/users`): list, add with a temporary password, change, reset a
//! password. The rules (roles an agency may give, a collector's terms, the password
//! policy) are the domain's `staff`, which the forms pre-check.

use super::{enc, get, patch, post, ApiResult, Page};
use debtflow_domain::Role;
use serde_json::Value;

use super::User;
pub use debtflow_wire::users::{CreatedUser, TemporaryPassword};

/// Which staff a list shows.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Filter {
    pub role: Option<Role>,
    pub active: Option<bool>,
    pub text: String,
}

impl Filter {
    fn query(&self, cursor: &str) -> String {
        let mut q = vec!["limit=50".to_owned()];
        if let Some(role) = self.role {
            q.push(format!("role={role}"));
        }
        if let Some(active) = self.active {
            q.push(format!("active={active}"));
        }
        if !self.text.trim().is_empty() {
            q.push(format!("q={}", enc(self.text.trim())));
        }
        if !cursor.is_empty() {
            q.push(format!("cursor={}", enc(cursor)));
        }
        q.join("&")
    }
}

pub async fn list(filter: &Filter, cursor: &str) -> ApiResult<Page<User>> {
    get(&format!("/users?{}", filter.query(cursor))).await
}

pub async fn create(body: &Value) -> ApiResult<CreatedUser> {
    post("/users", body, None).await
}

pub async fn update(id: uuid::Uuid, body: &Value) -> ApiResult<User> {
    patch(&format!("/users/{}", id), body).await
}

pub async fn reset_password(id: uuid::Uuid) -> ApiResult<TemporaryPassword> {
    post(&format!("/users/{}/password-reset", id), &serde_json::json!({}), None).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_filter_asks_only_for_what_is_set() {
        assert_eq!(Filter::default().query(""), "limit=50");
        let filter = Filter { role: Some(Role::AgencyAdmin), active: Some(false), text: " ana lo ".into() };
        assert_eq!(filter.query("c1"), "limit=50&role=agency_admin&active=false&q=ana%20lo&cursor=c1");
    }
}
