//! Adding a staff member, or changing one: name, email, role, and a collector's
//! commission rate and account limit (shown only for collectors). The domain's `staff`
//! rules are checked before sending; the server's refusals land beside their fields.

use crate::{
    api::{self, staff::CreatedUser, Problem, User},
    components::{invalid, FieldError, FormError},
    format::label,
    submit::Submission,
};
use debtflow_domain::{
    staff::{check_collector_terms, check_role, STAFF_ROLES},
    Role,
};
use leptos::{ev::SubmitEvent, prelude::*};
use rust_decimal::Decimal;
use serde_json::{json, Map, Value};

/// What a submitted form made.
#[derive(Clone, Debug)]
pub enum Saved {
    Added(CreatedUser),
    Changed,
}

/// The form's fields as typed.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Draft {
    pub username: String,
    pub full_name: String,
    pub email: String,
    pub role: Option<Role>,
    pub commission_rate: String,
    pub account_limit: String,
}

impl Draft {
    pub fn of(member: &User) -> Self {
        Draft {
            username: member.username.clone(),
            full_name: member.full_name.clone(),
            email: member.email.clone().unwrap_or_default(),
            role: Some(member.role),
            commission_rate: member.commission_rate.map(|r| r.to_string()).unwrap_or_default(),
            account_limit: member.account_limit.map(|l| l.to_string()).unwrap_or_default(),
        }
    }

    /// The request body, or the first field the domain's rules refuse. A collector's
    /// terms are sent only for a collector; a new user sends their username.
    pub fn body(&self, new: bool) -> Result<Value, Problem> {
        if new && self.username.trim().is_empty() {
            return Err(Problem::invalid("username", "Choose a username."));
        }
        if self.full_name.trim().is_empty() {
            return Err(Problem::invalid("full_name", "Type the person's name."));
        }
        let role = self.role.ok_or_else(|| Problem::invalid("role", "Choose a role."))?;
        check_role(role).map_err(|e| Problem::invalid(e.field, e.message))?;
        let collector = role == Role::Collector;
        let rate = self.commission_rate.trim();
        let rate = match (collector, rate.parse::<Decimal>()) {
            (true, Ok(rate)) => Some(rate),
            (true, Err(_)) if !rate.is_empty() => {
                return Err(Problem::invalid("commission_rate", "Type a share such as 0.10."));
            }
            _ => None,
        };
        let limit = self.account_limit.trim();
        let limit = match (collector, limit.parse::<i32>()) {
            (true, Ok(limit)) => Some(limit),
            (true, Err(_)) if !limit.is_empty() => {
                return Err(Problem::invalid("account_limit", "Type a whole number of accounts."));
            }
            _ => None,
        };
        check_collector_terms(role, rate, limit).map_err(|e| Problem::invalid(e.field, e.message))?;
        let mut body = Map::new();
        if new {
            body.insert("username".into(), json!(self.username.trim().to_lowercase()));
        }
        body.insert("full_name".into(), json!(self.full_name.trim()));
        if !self.email.trim().is_empty() {
            body.insert("email".into(), json!(self.email.trim()));
        }
        body.insert("role".into(), json!(role));
        if let (Some(rate), Some(limit)) = (rate, limit) {
            body.insert("commission_rate".into(), json!(rate.to_string()));
            body.insert("account_limit".into(), json!(limit));
        }
        Ok(Value::Object(body))
    }
}

/// The form: a new staff member without `existing`, else that one's changes.
#[component]
pub fn StaffForm(
    existing: Option<User>,
    #[prop(into)] on_saved: Callback<Saved>,
    #[prop(into)] on_cancel: Callback<()>,
) -> impl IntoView {
    let new = existing.is_none();
    let id = existing.as_ref().map(|m| m.id).unwrap_or_default();
    let draft = RwSignal::new(existing.as_ref().map(Draft::of).unwrap_or_default());
    let submission = Submission::new();
    let Submission { pending, problem, .. } = submission;
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let body = match draft.with_untracked(|d| d.body(new)) {
            Ok(body) => body,
            Err(p) => return submission.refuse(p),
        };
        let id = id;
        submission.run(
            move |_| async move {
                if new {
                    api::staff::create(&body).await.map(Saved::Added)
                } else {
                    api::staff::update(id, &body).await.map(|_| Saved::Changed)
                }
            },
            move |saved| on_saved.run(saved),
        );
    };
    // A text field: the wire name it is checked under, its input's id, its caption.
    let text = move |field: &'static str,
                     input: &'static str,
                     caption: &'static str,
                     read: fn(&Draft) -> String,
                     write: fn(&mut Draft, String)| {
        view! {
            <label for=input>{caption}</label>
            <input
                id=input
                prop:value=move || draft.with(read)
                on:input=move |ev| draft.update(|d| write(d, event_target_value(&ev)))
                aria-invalid=invalid(problem, field)
                aria-describedby=format!("{input}-error")
            />
            <FieldError problem=problem field=field input=input />
        }
    };
    let collector = move || draft.with(|d| d.role == Some(Role::Collector));
    view! {
        <form class="card staff-form" on:submit=submit data-testid="staff-form" novalidate>
            <h2>{if new { "Add a staff member".to_owned() } else { format!("Change {}", draft.with_untracked(|d| d.full_name.clone())) }}</h2>
            {new.then(|| text("username", "staff-username", "Username (for signing in)", |d| d.username.clone(), |d, v| d.username = v))}
            {text("full_name", "staff-full-name", "Full name", |d| d.full_name.clone(), |d, v| d.full_name = v)}
            {text("email", "staff-email", "Email (optional)", |d| d.email.clone(), |d, v| d.email = v)}
            <label for="staff-role">"Role"</label>
            <select
                id="staff-role"
                aria-invalid=invalid(problem, "role")
                aria-describedby="staff-role-error"
                on:change=move |ev| draft.update(|d| d.role = event_target_value(&ev).parse().ok())
            >
                <option value="" selected=move || draft.with(|d| d.role.is_none())>"Choose…"</option>
                {STAFF_ROLES
                    .into_iter()
                    .map(|role| view! {
                        <option value=role.as_str() selected=move || draft.with(|d| d.role == Some(role))>
                            {label(role.as_str())}
                        </option>
                    })
                    .collect_view()}
            </select>
            <FieldError problem=problem field="role" input="staff-role" />
            <Show when=collector>
                {text("commission_rate", "staff-rate", "Commission rate (0 to 1, e.g. 0.10)", |d| d.commission_rate.clone(), |d, v| d.commission_rate = v)}
                {text("account_limit", "staff-limit", "Most accounts held", |d| d.account_limit.clone(), |d, v| d.account_limit = v)}
            </Show>
            <FormError problem=problem />
            <div class="actions">
                <button type="submit" class="primary" disabled=move || pending.get()>
                    {move || match (pending.get(), new) {
                        (true, _) => "Saving…",
                        (false, true) => "Add",
                        (false, false) => "Save changes",
                    }}
                </button>
                <button type="button" on:click=move |_| on_cancel.run(())>"Cancel"</button>
            </div>
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft(role: Role) -> Draft {
        Draft { username: "Ana.Lopez".into(), full_name: " Ana Lopez ".into(), role: Some(role), ..Draft::default() }
    }

    #[test]
    fn a_collector_sends_terms_and_others_do_not() {
        let mut collector = draft(Role::Collector);
        collector.commission_rate = "0.10".into();
        collector.account_limit = "300".into();
        let body = collector.body(true).unwrap();
        assert_eq!(body["username"], "ana.lopez");
        assert_eq!(body["full_name"], "Ana Lopez");
        assert_eq!((body["commission_rate"].as_str(), body["account_limit"].as_i64()), (Some("0.10"), Some(300)));
        let mut manager = collector.clone();
        manager.role = Some(Role::Manager);
        let body = manager.body(false).unwrap();
        assert!(body.get("commission_rate").is_none() && body.get("username").is_none(), "{body}");
    }

    #[test]
    fn the_domains_rules_name_the_field() {
        let field = |d: Draft| d.body(true).unwrap_err().errors.unwrap().into_keys().next().unwrap();
        assert_eq!(field(draft(Role::Collector)), "commission_rate");
        let mut bad_rate = draft(Role::Collector);
        bad_rate.commission_rate = "ten".into();
        assert_eq!(field(bad_rate), "commission_rate");
        assert_eq!(field(draft(Role::Admin)), "role");
        assert_eq!(field(Draft { role: None, ..draft(Role::Manager) }), "role");
        assert_eq!(field(Draft { full_name: " ".into(), ..draft(Role::Manager) }), "full_name");
    }
}
