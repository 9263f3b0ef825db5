//! The agency's endpoints as a table (cards at phone width, `table.cards`): the URL
//! (shortened, whole in its tooltip) and description, the event types as chips, active
//! or not, when registered; and per endpoint its deliveries, a change, a new secret
//! (asked first) and removal (asked first, naming the URL).

use super::events::describe;
use crate::{
    api::{self, webhooks::WebhookEndpoint, Problem},
    components::confirm,
    format,
    submit::Submission,
};
use leptos::prelude::*;
use uuid::Uuid;

/// The longest URL shown whole, in characters.
const URL_SHOWN: usize = 44;

/// `url` as the table shows it: without `https://` (plain `http://` stays, a warning),
/// and when longer than `max` characters, its host, an ellipsis and the end of its path
/// — the two parts that tell endpoints apart.
pub fn short_url(url: &str, max: usize) -> String {
    let bare = url.strip_prefix("https://").unwrap_or(url);
    let chars: Vec<char> = bare.chars().collect();
    if chars.len() <= max {
        return bare.to_owned();
    }
    let host_end = bare.find('/').map_or(chars.len(), |i| bare[..i].chars().count());
    // The host whole when it leaves a dozen characters to the path, else cut too.
    let head = host_end.min(max.saturating_sub(12).max(max / 2));
    let tail = &chars[chars.len() - max.saturating_sub(head + 1)..];
    // The path from a segment's start, when the tail holds one.
    let from = tail.iter().position(|c| *c == '/').unwrap_or(0);
    let mut shown: String = chars[..head].iter().collect();
    shown.push('…');
    shown.extend(&tail[from..]);
    shown
}

/// The question asked before removing `endpoint`.
pub fn delete_question(endpoint: &WebhookEndpoint) -> String {
    format!(
        "Delete the webhook endpoint {}?\n\nIt receives no more events and its pending deliveries are given up.",
        endpoint.url
    )
}

/// The question asked before making `endpoint` a new secret.
pub fn rotate_question(endpoint: &WebhookEndpoint) -> String {
    format!(
        "Make a new signing secret for {}?\n\nThe new one is shown once. The former one keeps signing too, beside \
         it, for 24 hours: update the receiver within that time.",
        endpoint.url
    )
}

/// What a row asks of the section.
#[derive(Clone)]
pub enum Action {
    /// Show its deliveries.
    Deliveries(WebhookEndpoint),
    Edit(WebhookEndpoint),
    /// It has a new secret (in the endpoint, this once).
    Rotated(WebhookEndpoint),
    Deleted(Uuid),
}

#[component]
pub fn EndpointTable(
    endpoints: Vec<WebhookEndpoint>,
    #[prop(into)] on_action: Callback<Action>,
    problem: RwSignal<Option<Problem>>,
    /// The endpoint whose deliveries are shown.
    open: Signal<Option<Uuid>>,
) -> impl IntoView {
    view! {
        <div class="table-wrap">
            <table class="webhook-list cards" data-testid="webhook-list">
                <thead>
                    <tr>
                        <th scope="col">"URL"</th>
                        <th scope="col">"Events"</th>
                        <th scope="col">"Status"</th>
                        <th scope="col">"Created"</th>
                        <th scope="col"><span class="sr-only">"Actions"</span></th>
                    </tr>
                </thead>
                <tbody>
                    {endpoints
                        .into_iter()
                        .map(|e| view! { <EndpointRow endpoint=e on_action=on_action problem=problem open=open /> })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
}

#[component]
fn EndpointRow(
    endpoint: WebhookEndpoint,
    on_action: Callback<Action>,
    problem: RwSignal<Option<Problem>>,
    open: Signal<Option<Uuid>>,
) -> impl IntoView {
    // A refusal is said above the list.
    let submission = Submission::reporting_to(problem);
    let pending = submission.pending;
    let id = endpoint.id;
    let (rotate_q, delete_q) = (rotate_question(&endpoint), delete_question(&endpoint));
    let rotate = move |_| {
        if confirm(&rotate_q) {
            submission.run(
                move |_| async move { api::webhooks::rotate_secret(id).await },
                move |e| on_action.run(Action::Rotated(e)),
            );
        }
    };
    let remove = move |_| {
        if confirm(&delete_q) {
            submission.run(
                move |_| async move { api::webhooks::remove(id).await },
                move |()| on_action.run(Action::Deleted(id)),
            );
        }
    };
    let events = endpoint
        .event_types
        .iter()
        .map(|e| view! { <li class="chip" title=describe(*e)>{e.as_str()}</li> })
        .collect_view();
    let (for_deliveries, for_edit) = (endpoint.clone(), endpoint.clone());
    let created = format::local_datetime(&endpoint.created_at);
    let created_day = created.split(' ').next().unwrap_or_default().to_owned();
    let is_open = move || open.get() == Some(id);
    view! {
        <tr data-testid="webhook" data-url=endpoint.url.clone() class:inactive=!endpoint.active class:open=is_open>
            <td class="url" data-label="URL">
                <code class="url" title=endpoint.url.clone()>{short_url(&endpoint.url, URL_SHOWN)}</code>
                {endpoint.description.clone().map(|d| view! { <small class="muted description">{d}</small> })}
            </td>
            <td data-label="Events"><ul class="chips" aria-label="Events">{events}</ul></td>
            <td data-label="Status" data-testid="webhook-status">
                {if endpoint.active {
                    view! { <span class="badge key-active">"Active"</span> }
                } else {
                    view! { <span class="badge key-revoked">"Inactive"</span> }
                }}
            </td>
            <td data-label="Created">
                <time datetime=format::iso(&endpoint.created_at) title=created>{created_day}</time>
            </td>
            <td class="key-actions webhook-actions">
                <button
                    class="link"
                    data-testid="webhook-deliveries"
                    aria-expanded=move || is_open().to_string()
                    on:click=move |_| on_action.run(Action::Deliveries(for_deliveries.clone()))
                >
                    "Deliveries"
                </button>
                <button
                    class="link"
                    data-testid="edit-webhook"
                    disabled=move || pending.get()
                    on:click=move |_| on_action.run(Action::Edit(for_edit.clone()))
                >
                    "Edit"
                </button>
                <button class="link" data-testid="rotate-webhook-secret" disabled=move || pending.get() on:click=rotate>
                    "Rotate secret"
                </button>
                <button class="link danger" data-testid="delete-webhook" disabled=move || pending.get() on:click=remove>
                    "Delete"
                </button>
            </td>
        </tr>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::{at, id};
    use debtflow_domain::webhook::EventType;

    #[test]
    fn a_short_url_is_shown_whole_without_its_https() {
        assert_eq!(short_url("https://crm.example.com/hooks", 48), "crm.example.com/hooks");
        assert_eq!(short_url("http://10.0.0.5:8080/in", 48), "http://10.0.0.5:8080/in", "plain http is said");
    }

    #[test]
    fn a_long_url_keeps_its_host_and_the_end_of_its_path() {
        let url = "https://hooks.creditor-platform.example.com/api/v2/integrations/debtflow/events/production";
        let shown = short_url(url, 48);
        assert_eq!(shown, "hooks.creditor-platform.example.com…/production");
        let long_host = format!("https://{}.example.com/a/b/events", "x".repeat(60));
        let shown = short_url(&long_host, 30);
        assert_eq!(shown, format!("{}…/a/b/events", "x".repeat(18)), "a long host is cut too");
        assert_eq!(short_url("https://ünïcödé.example/ñ", 10), "ünïcö…/ñ", "cut on characters, not bytes");
        assert_eq!(short_url("https://a.example/abcdefghijklmnopqrstuvwxyz", 20), "a.example…qrstuvwxyz");
    }

    #[test]
    fn the_confirmations_name_the_url_and_say_what_follows() {
        let endpoint = WebhookEndpoint {
            id: id(1),
            url: "https://crm.example.com/hooks".into(),
            description: None,
            event_types: vec![EventType::PaymentCompleted],
            active: true,
            previous_secret_expires_at: None,
            created_at: at("2026-12-01T10:00:00Z"),
            secret: None,
        };
        let delete = delete_question(&endpoint);
        assert!(delete.starts_with("Delete the webhook endpoint https://crm.example.com/hooks?"), "{delete}");
        assert!(rotate_question(&endpoint).contains("for 24 hours"));
    }
}
