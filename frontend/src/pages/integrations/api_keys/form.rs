//! "New API key": its name, its scopes (each with what it grants) and an optional
//! expiry day. The domain's `api_key` rules are checked before sending, every field at
//! once; the server's refusals land beside their fields too.

use crate::{
    api::{self, api_keys::CreatedApiKey, Problem},
    components::{invalid, FieldError, OtherErrors},
    format,
    submit::Submission,
};
use chrono::{DateTime, Datelike, NaiveDate, SecondsFormat, Utc};
use debtflow_domain::api_key::{check_name, check_scopes, Scope};
use leptos::{ev::SubmitEvent, prelude::*};
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

/// The fields the form shows (a problem naming another is said above its buttons).
const FIELDS: &[&str] = &["name", "scopes", "expires_at"];

/// The form's fields as typed.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Draft {
    pub name: String,
    pub scopes: Vec<Scope>,
    /// `2027-01-31`, as `<input type=date>` writes it; empty: the key does not expire.
    pub expires_on: String,
}

impl Draft {
    /// Ticks or unticks `scope`.
    pub fn toggle(&mut self, scope: Scope, on: bool) {
        self.scopes.retain(|s| *s != scope);
        if on {
            self.scopes.push(scope);
        }
    }

    /// The request body, or every field the domain's rules refuse. The key expires as
    /// its day starts (`start_of`: in the browser's time zone), which must be after
    /// `today`.
    pub fn body(
        &self,
        today: NaiveDate,
        start_of: impl Fn(NaiveDate) -> Option<DateTime<Utc>>,
    ) -> Result<Value, Problem> {
        let mut errors = BTreeMap::new();
        let mut refuse = |field: &str, message: &str| errors.insert(field.to_owned(), vec![message.to_owned()]);
        let name = check_name(&self.name).map_err(|m| refuse("name", m)).ok();
        let scopes = check_scopes(&self.scopes).map_err(|m| refuse("scopes", m)).ok();
        let expires_at = self.expiry(today, start_of).map_err(|m| refuse("expires_at", m)).ok().flatten();
        if !errors.is_empty() {
            return Err(Problem {
                status: 422,
                title: "Check the fields marked".into(),
                errors: Some(errors),
                ..Problem::default()
            });
        }
        let mut body = Map::new();
        body.insert("name".into(), json!(name));
        body.insert("scopes".into(), json!(scopes));
        if let Some(at) = expires_at {
            body.insert("expires_at".into(), json!(at.to_rfc3339_opts(SecondsFormat::Secs, true)));
        }
        Ok(Value::Object(body))
    }

    /// When the key stops working (`None`: it does not), or what is wrong with the day.
    fn expiry(
        &self,
        today: NaiveDate,
        start_of: impl Fn(NaiveDate) -> Option<DateTime<Utc>>,
    ) -> Result<Option<DateTime<Utc>>, &'static str> {
        let text = self.expires_on.trim();
        if text.is_empty() {
            return Ok(None);
        }
        match format::date(text) {
            Some(day) if day <= today => Err("must be after today"),
            day => day.and_then(start_of).map(Some).ok_or("must be a day such as 2027-01-31"),
        }
    }
}

/// The start of `day` in the browser's time zone.
fn local_start_of(day: NaiveDate) -> Option<DateTime<Utc>> {
    let start = js_sys::Date::new_with_year_month_day(day.year() as u32, day.month0() as i32, day.day() as i32);
    DateTime::from_timestamp_millis(start.get_time() as i64)
}

#[component]
pub fn NewKeyForm(
    #[prop(into)] on_created: Callback<CreatedApiKey>,
    #[prop(into)] on_cancel: Callback<()>,
) -> impl IntoView {
    let draft = RwSignal::new(Draft::default());
    let submission = Submission::new();
    let Submission { pending, problem, .. } = submission;
    let today = format::today();
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        match draft.with_untracked(|d| d.body(today, local_start_of)) {
            Ok(body) => submission
                .run(move |_| async move { api::api_keys::create(&body).await }, move |key| on_created.run(key)),
            Err(p) => submission.refuse(p),
        }
    };
    let tomorrow = today.succ_opt().map(|d| d.to_string()).unwrap_or_default();
    view! {
        <form class="card key-form" on:submit=submit data-testid="api-key-form" novalidate>
            <h3>"New API key"</h3>
            <label for="key-name">"Name"</label>
            <input
                id="key-name"
                maxlength="100"
                placeholder="Creditor placements"
                prop:value=move || draft.with(|d| d.name.clone())
                on:input=move |ev| draft.update(|d| d.name = event_target_value(&ev))
                aria-invalid=invalid(problem, "name")
                aria-describedby="key-name-hint key-name-error"
            />
            <p class="hint" id="key-name-hint">"What the key is for: lists and the audit trail call it so."</p>
            <FieldError problem=problem field="name" input="key-name" />
            <fieldset
                class="scopes"
                id="key-scopes"
                aria-invalid=invalid(problem, "scopes")
                aria-describedby="key-scopes-error"
            >
                <legend>"What it may do"</legend>
                {Scope::ALL
                    .into_iter()
                    .map(|scope| {
                        view! {
                            <label class="check" data-scope=scope.as_str()>
                                <input
                                    type="checkbox"
                                    value=scope.as_str()
                                    prop:checked=move || draft.with(|d| d.scopes.contains(&scope))
                                    on:change=move |ev| draft.update(|d| d.toggle(scope, event_target_checked(&ev)))
                                />
                                <span>
                                    <code>{scope.as_str()}</code>
                                    <span class="muted">{scope.description()}</span>
                                </span>
                            </label>
                        }
                    })
                    .collect_view()}
            </fieldset>
            <FieldError problem=problem field="scopes" input="key-scopes" />
            <label for="key-expires">"Expires on (optional)"</label>
            <input
                id="key-expires"
                type="date"
                min=tomorrow
                prop:value=move || draft.with(|d| d.expires_on.clone())
                on:input=move |ev| draft.update(|d| d.expires_on = event_target_value(&ev))
                aria-invalid=invalid(problem, "expires_at")
                aria-describedby="key-expires-hint key-expires-error"
            />
            <p class="hint" id="key-expires-hint">
                "It stops working as that day starts, your time. Left empty, it works until revoked."
            </p>
            <FieldError problem=problem field="expires_at" input="key-expires" />
            <OtherErrors problem=problem placed=FIELDS />
            <div class="actions">
                <button type="submit" class="primary" disabled=move || pending.get() data-testid="create-api-key">
                    {move || if pending.get() { "Creating…" } else { "Create the key" }}
                </button>
                <button type="button" on:click=move |_| on_cancel.run(())>"Cancel"</button>
            </div>
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::{at, day};

    fn utc_start(d: NaiveDate) -> Option<DateTime<Utc>> {
        Some(d.and_hms_opt(0, 0, 0)?.and_utc())
    }

    fn refused(draft: &Draft) -> Vec<String> {
        let problem = draft.body(day("2026-12-03"), utc_start).unwrap_err();
        problem.errors.unwrap().into_keys().collect()
    }

    #[test]
    fn a_key_sends_its_trimmed_name_sorted_scopes_and_expiry() {
        let mut draft = Draft { name: "  Creditor sync ".into(), expires_on: "2027-01-31".into(), ..Draft::default() };
        draft.toggle(Scope::PaymentsRead, true);
        draft.toggle(Scope::AccountsRead, true);
        let body = draft.body(day("2026-12-03"), utc_start).unwrap();
        assert_eq!(
            body,
            json!({ "name": "Creditor sync", "scopes": ["accounts:read", "payments:read"], "expires_at": "2027-01-31T00:00:00Z" })
        );
        assert_eq!(at("2027-01-31T00:00:00Z"), utc_start(day("2027-01-31")).unwrap());
        draft.expires_on.clear();
        assert!(draft.body(day("2026-12-03"), utc_start).unwrap().get("expires_at").is_none(), "no expiry");
    }

    #[test]
    fn every_refused_field_is_named_at_once() {
        assert_eq!(refused(&Draft { name: "   ".into(), ..Draft::default() }), ["name", "scopes"]);
        let mut draft = Draft { name: "Dialer".into(), expires_on: "2026-12-03".into(), ..Draft::default() };
        draft.toggle(Scope::AccountsWrite, true);
        assert_eq!(refused(&draft), ["expires_at"], "today is not after today");
        draft.expires_on = "31/01/2027".into();
        assert_eq!(refused(&draft), ["expires_at"]);
        draft.expires_on = "2026-12-04".into();
        assert!(draft.body(day("2026-12-03"), utc_start).is_ok());
    }

    #[test]
    fn unticking_a_scope_removes_it_and_ticking_twice_keeps_one() {
        let mut draft = Draft::default();
        draft.toggle(Scope::ImportsWrite, true);
        draft.toggle(Scope::ImportsWrite, true);
        assert_eq!(draft.scopes, [Scope::ImportsWrite]);
        draft.toggle(Scope::ImportsWrite, false);
        assert!(draft.scopes.is_empty());
    }
}
