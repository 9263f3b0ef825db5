//! An endpoint's form, to register one ("New endpoint") or change it: its URL, the
//! event types it receives (each with what it tells of), a description and, once it
//! exists, whether it is active. The domain's `webhook` rules are checked before
//! sending, every field at once; the server's refusals land beside their fields too.
//! A change sends only what changed.

use super::events::describe;
use crate::{
    api::{self, webhooks::WebhookEndpoint, Problem},
    components::{invalid, FieldError, OtherErrors},
    submit::Submission,
};
use debtflow_domain::webhook::{EndpointUrl, EventType, EventTypes};
use leptos::{ev::SubmitEvent, html, prelude::*};
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

/// The fields the form shows (a problem naming another is said above its buttons).
const FIELDS: &[&str] = &["url", "event_types", "description", "active"];

/// The longest description the API takes, in characters (`services::webhooks`).
pub const DESCRIPTION_MAX: usize = 200;

/// The form's fields as typed.
#[derive(Clone, Debug, PartialEq)]
pub struct Draft {
    pub url: String,
    pub event_types: Vec<EventType>,
    pub description: String,
    pub active: bool,
}

impl Default for Draft {
    fn default() -> Self {
        Draft { url: String::new(), event_types: Vec::new(), description: String::new(), active: true }
    }
}

/// What the draft holds once the rules accept it.
struct Checked {
    url: String,
    event_types: Vec<EventType>,
    description: String,
}

impl Draft {
    /// The draft of an endpoint as it is.
    pub fn of(endpoint: &WebhookEndpoint) -> Self {
        Draft {
            url: endpoint.url.clone(),
            event_types: endpoint.event_types.clone(),
            description: endpoint.description.clone().unwrap_or_default(),
            active: endpoint.active,
        }
    }

    /// Ticks or unticks `event`.
    pub fn toggle(&mut self, event: EventType, on: bool) {
        self.event_types.retain(|e| *e != event);
        if on {
            self.event_types.push(event);
        }
    }

    /// The fields as the domain's rules take them, or every field they refuse. The URL
    /// is checked as a server allowing plain `http://` would: only the server knows
    /// whether it does (`WEBHOOKS_ALLOW_HTTP`), and says so beside the field.
    fn check(&self) -> Result<Checked, Problem> {
        let mut errors = BTreeMap::new();
        let mut refuse = |field: &str, message: String| errors.insert(field.to_owned(), vec![message]);
        let url = EndpointUrl::parse(&self.url, true).map_err(|e| refuse("url", e.to_string())).ok();
        let event_types =
            EventTypes::parse(self.event_types.clone()).map_err(|e| refuse("event_types", e.to_string())).ok();
        let description = self.description.trim();
        if description.chars().count() > DESCRIPTION_MAX {
            refuse("description", format!("must be at most {DESCRIPTION_MAX} characters"));
        }
        match (url, event_types) {
            (Some(url), Some(types)) if errors.is_empty() => Ok(Checked {
                url: url.as_str().to_owned(),
                event_types: types.into_vec(),
                description: description.to_owned(),
            }),
            _ => Err(Problem {
                status: 422,
                title: "Check the fields marked".into(),
                errors: Some(errors),
                ..Problem::default()
            }),
        }
    }

    /// The body registering the endpoint.
    pub fn body(&self) -> Result<Value, Problem> {
        let c = self.check()?;
        let mut body = Map::new();
        body.insert("url".into(), json!(c.url));
        body.insert("event_types".into(), json!(c.event_types));
        if !c.description.is_empty() {
            body.insert("description".into(), json!(c.description));
        }
        Ok(Value::Object(body))
    }

    /// The body changing `was` into the draft: only what changed (`{}`: nothing did).
    /// An emptied description is sent as `""`, which removes it.
    pub fn changes(&self, was: &WebhookEndpoint) -> Result<Value, Problem> {
        let c = self.check()?;
        let mut body = Map::new();
        if c.url != was.url {
            body.insert("url".into(), json!(c.url));
        }
        let mut before = was.event_types.clone();
        before.sort_unstable();
        if c.event_types != before {
            body.insert("event_types".into(), json!(c.event_types));
        }
        if c.description != was.description.as_deref().unwrap_or_default() {
            body.insert("description".into(), json!(c.description));
        }
        if self.active != was.active {
            body.insert("active".into(), json!(self.active));
        }
        Ok(Value::Object(body))
    }
}

/// The form: a new endpoint without `editing`, else a change of it. `on_saved` gets
/// the endpoint as the API answered (a new one with its secret).
#[component]
pub fn EndpointForm(
    editing: Option<WebhookEndpoint>,
    #[prop(into)] on_saved: Callback<WebhookEndpoint>,
    #[prop(into)] on_cancel: Callback<()>,
) -> impl IntoView {
    let draft = RwSignal::new(editing.as_ref().map(Draft::of).unwrap_or_default());
    let submission = Submission::new();
    let Submission { pending, problem, .. } = submission;
    let is_new = editing.is_none();
    let was = StoredValue::new(editing);
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let endpoint = was.get_value();
        let body = draft.with_untracked(|d| match &endpoint {
            None => d.body(),
            Some(was) => d.changes(was),
        });
        match (body, endpoint) {
            (Err(p), _) => submission.refuse(p),
            (Ok(body), None) => {
                submission.run(move |_| async move { api::webhooks::create(&body).await }, move |e| on_saved.run(e))
            }
            // Nothing changed: nothing to send.
            (Ok(body), Some(was)) if body.as_object().is_some_and(Map::is_empty) => on_saved.run(was),
            (Ok(body), Some(was)) => submission
                .run(move |_| async move { api::webhooks::update(was.id, &body).await }, move |e| on_saved.run(e)),
        }
    };
    // Opened from a row further down: the keyboard's focus comes to the form.
    let heading = NodeRef::<html::H3>::new();
    Effect::new(move |_| {
        if let Some(h) = heading.get() {
            let _ = h.focus();
        }
    });
    let title = if is_new { "New endpoint".to_owned() } else { "Change the endpoint".to_owned() };
    view! {
        <form class="card key-form webhook-form" on:submit=submit data-testid="webhook-form" novalidate>
            <h3 tabindex="-1" node_ref=heading>{title}</h3>
            <label for="webhook-url">"URL"</label>
            <input
                id="webhook-url"
                type="url"
                inputmode="url"
                autocomplete="off"
                spellcheck="false"
                maxlength="2048"
                placeholder="https://crm.example.com/debtflow/events"
                prop:value=move || draft.with(|d| d.url.clone())
                on:input=move |ev| draft.update(|d| d.url = event_target_value(&ev))
                aria-invalid=invalid(problem, "url")
                aria-describedby="webhook-url-hint webhook-url-error"
            />
            <p class="hint" id="webhook-url-hint">
                "An https:// address on a public host. DebtFlow POSTs each event there, signed with the endpoint's \
                 secret, and follows no redirect."
            </p>
            <FieldError problem=problem field="url" input="webhook-url" />
            <fieldset
                class="scopes"
                id="webhook-events"
                aria-invalid=invalid(problem, "event_types")
                aria-describedby="webhook-events-error"
            >
                <legend>"Events it receives"</legend>
                {EventType::ALL
                    .into_iter()
                    .map(|event| {
                        view! {
                            <label class="check" data-event=event.as_str()>
                                <input
                                    type="checkbox"
                                    value=event.as_str()
                                    prop:checked=move || draft.with(|d| d.event_types.contains(&event))
                                    on:change=move |ev| draft.update(|d| d.toggle(event, event_target_checked(&ev)))
                                />
                                <span>
                                    <code>{event.as_str()}</code>
                                    <span class="muted">{describe(event)}</span>
                                </span>
                            </label>
                        }
                    })
                    .collect_view()}
            </fieldset>
            <FieldError problem=problem field="event_types" input="webhook-events" />
            <label for="webhook-description">"Description (optional)"</label>
            <input
                id="webhook-description"
                maxlength=DESCRIPTION_MAX.to_string()
                placeholder="Creditor CRM (production)"
                prop:value=move || draft.with(|d| d.description.clone())
                on:input=move |ev| draft.update(|d| d.description = event_target_value(&ev))
                aria-invalid=invalid(problem, "description")
                aria-describedby="webhook-description-error"
            />
            <FieldError problem=problem field="description" input="webhook-description" />
            {(!is_new)
                .then(|| {
                    view! {
                        <label class="check active-check">
                            <input
                                id="webhook-active"
                                type="checkbox"
                                prop:checked=move || draft.with(|d| d.active)
                                on:change=move |ev| draft.update(|d| d.active = event_target_checked(&ev))
                                aria-describedby="webhook-active-hint"
                            />
                            <span>"Active"</span>
                        </label>
                        <p class="hint" id="webhook-active-hint">
                            "An inactive endpoint receives nothing; its pending deliveries are given up (they can \
                             be replayed once it is active again)."
                        </p>
                        <FieldError problem=problem field="active" input="webhook-active" />
                    }
                })}
            <OtherErrors problem=problem placed=FIELDS />
            <div class="actions">
                <button type="submit" class="primary" disabled=move || pending.get() data-testid="save-webhook">
                    {move || match (pending.get(), is_new) {
                        (true, true) => "Registering…",
                        (true, false) => "Saving…",
                        (false, true) => "Register the endpoint",
                        (false, false) => "Save the changes",
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
    use crate::fixtures::{at, id};
    use EventType::*;

    fn endpoint() -> WebhookEndpoint {
        WebhookEndpoint {
            id: id(1),
            url: "https://crm.example.com/hooks".into(),
            description: Some("CRM".into()),
            event_types: vec![PlanApproved, PaymentCompleted],
            active: true,
            previous_secret_expires_at: None,
            created_at: at("2026-12-01T10:00:00Z"),
            secret: None,
        }
    }

    fn refused(draft: &Draft) -> BTreeMap<String, Vec<String>> {
        draft.body().unwrap_err().errors.unwrap()
    }

    #[test]
    fn a_new_endpoint_sends_its_trimmed_url_its_events_in_order_and_a_description() {
        let mut draft = Draft { url: " https://crm.example.com/hooks ".into(), ..Draft::default() };
        draft.toggle(ImportFinished, true);
        draft.toggle(PaymentCompleted, true);
        assert_eq!(
            draft.body().unwrap(),
            json!({ "url": "https://crm.example.com/hooks", "event_types": ["payment.completed", "import.finished"] }),
            "no description: none sent"
        );
        draft.description = "  CRM (production) ".into();
        assert_eq!(draft.body().unwrap()["description"], "CRM (production)");
    }

    #[test]
    fn every_refused_field_is_named_at_once_with_the_domains_words() {
        let errors = refused(&Draft { description: "x".repeat(201), ..Draft::default() });
        assert_eq!(errors.keys().collect::<Vec<_>>(), ["description", "event_types", "url"]);
        assert_eq!(errors["url"], ["must not be blank"]);
        assert_eq!(errors["event_types"], ["must name at least one event type"]);
        assert_eq!(errors["description"], ["must be at most 200 characters"]);
        let mut draft = Draft { url: "hooks.example.com/in".into(), ..Draft::default() };
        draft.toggle(PaymentRefunded, true);
        assert_eq!(refused(&draft)["url"], ["must be an https:// URL"]);
        draft.url = "https://user:pw@hooks.example.com".into();
        assert_eq!(refused(&draft)["url"], ["must not carry credentials (user:password@)"]);
    }

    #[test]
    fn plain_http_and_local_receivers_are_left_for_the_server_to_judge() {
        // A development server takes them (WEBHOOKS_ALLOW_HTTP); others refuse them, beside the field.
        let mut draft = Draft { url: "http://127.0.0.1:4000/hook".into(), ..Draft::default() };
        draft.toggle(PaymentCompleted, true);
        assert!(draft.body().is_ok());
    }

    #[test]
    fn a_change_sends_only_what_changed() {
        let was = endpoint();
        let same = Draft::of(&was);
        assert_eq!(same.changes(&was).unwrap(), json!({}), "events in another order are the same set");
        let mut draft = same.clone();
        draft.toggle(PlanApproved, false);
        draft.description = "  ".into();
        draft.active = false;
        assert_eq!(
            draft.changes(&was).unwrap(),
            json!({ "event_types": ["payment.completed"], "description": "", "active": false })
        );
        let moved = Draft { url: "https://crm.example.com/v2".into(), ..same };
        assert_eq!(moved.changes(&was).unwrap(), json!({ "url": "https://crm.example.com/v2" }));
        let emptied = Draft { event_types: vec![], ..Draft::of(&was) };
        assert!(emptied.changes(&was).is_err(), "the rules hold for a change too");
    }

    #[test]
    fn ticking_twice_keeps_one_and_unticking_removes_it() {
        let mut draft = Draft::default();
        draft.toggle(AccountAssigned, true);
        draft.toggle(AccountAssigned, true);
        assert_eq!(draft.event_types, [AccountAssigned]);
        draft.toggle(AccountAssigned, false);
        assert!(draft.event_types.is_empty());
        assert!(draft.active, "a new endpoint is active");
    }
}
