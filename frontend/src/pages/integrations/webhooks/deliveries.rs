//! An endpoint's deliveries, the newest first: filtered by status, each with its event
//! (type, id, when), its attempts (how many, the last answer or error) and its next
//! attempt; opened, every attempt and the data sent. "Replay" sends one again now; "More"
//! reads the next page (the API's `next_cursor`) under those shown.

use crate::{
    api::{
        self,
        webhooks::{WebhookAttempt, WebhookDelivery, WebhookEndpoint},
        ApiResult, Page, Problem,
    },
    components::{FormError, Loaded},
    format,
    submit::Submission,
};
use chrono::{DateTime, Utc};
use debtflow_domain::webhook::DeliveryStatus;
use leptos::{html, prelude::*};
use uuid::Uuid;

/// Deliveries read per page.
const PAGE: u32 = 20;

/// The deliveries shown: the pages read so far, joined.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Shown {
    pub items: Vec<WebhookDelivery>,
    /// Where the next page starts (`None`: this is all).
    pub next_cursor: Option<String>,
}

impl Shown {
    pub fn first(page: Page<WebhookDelivery>) -> Self {
        Shown { items: page.items, next_cursor: page.next_cursor }
    }

    /// The next page under those shown (a delivery shown already is not shown twice).
    pub fn and(mut self, page: Page<WebhookDelivery>) -> Self {
        let new: Vec<_> = page.items.into_iter().filter(|d| !self.items.iter().any(|s| s.id == d.id)).collect();
        self.items.extend(new);
        self.next_cursor = page.next_cursor;
        self
    }

    /// `delivery` as the API now has it, in its place.
    pub fn replace(&mut self, delivery: WebhookDelivery) {
        if let Some(shown) = self.items.iter_mut().find(|d| d.id == delivery.id) {
            *shown = delivery;
        }
    }
}

/// What the receiver answered: its status code, or that it did not.
pub fn answer(status_code: Option<i16>) -> String {
    status_code.map_or_else(|| "No answer".to_owned(), |code| format!("HTTP {code}"))
}

/// How a delivery's last attempt went, in a few words.
pub fn last_outcome(d: &WebhookDelivery) -> String {
    match (d.attempt_count, d.last_status_code, &d.last_error) {
        (0, _, _) => "Not tried yet".to_owned(),
        (_, Some(_), _) => answer(d.last_status_code),
        (_, None, Some(error)) => format!("No answer: {error}"),
        (_, None, None) => answer(None),
    }
}

/// How long an attempt took: `850 ms`, `2.4 s`.
pub fn duration(ms: i32) -> String {
    if ms < 1000 {
        format!("{ms} ms")
    } else {
        // Tenths by integer arithmetic: float formatting would weigh on the page's code.
        format!("{}.{} s", ms / 1000, ms % 1000 / 100)
    }
}

/// An instant in the user's time, with the instant for machines.
fn when(at: &DateTime<Utc>) -> impl IntoView {
    view! { <time datetime=format::iso(at)>{format::local_datetime(at)}</time> }
}

#[component]
pub fn Deliveries(endpoint: WebhookEndpoint, #[prop(into)] on_close: Callback<()>) -> impl IntoView {
    let id = endpoint.id;
    let status = RwSignal::new(None::<DeliveryStatus>);
    let state = RwSignal::new(None::<ApiResult<Shown>>);
    // The number of the latest read: an answer to an earlier one is dropped.
    let asked = StoredValue::new(0u32);
    let more_pending = RwSignal::new(false);
    // A refused replay or next page, said above the list.
    let problem = RwSignal::new(None::<Problem>);
    // The deliveries opened to their attempts (kept as pages are added or replaced).
    let opened = RwSignal::new(Vec::<Uuid>::new());
    // The first page again (`None`), or the page after those shown.
    let read = move |cursor: Option<String>| {
        let n = asked.get_value() + 1;
        asked.set_value(n);
        let filter = status.get_untracked();
        let first = cursor.is_none();
        if first {
            state.set(None);
        } else {
            more_pending.set(true);
        }
        problem.set(None);
        leptos::task::spawn_local(async move {
            let answer = api::webhooks::deliveries(id, filter, PAGE, cursor.as_deref().unwrap_or_default()).await;
            if asked.try_get_value() != Some(n) {
                return;
            }
            let _ = more_pending.try_set(false);
            match (first, answer) {
                (true, answer) => {
                    let _ = state.try_set(Some(answer.map(Shown::first)));
                }
                (false, Ok(page)) => {
                    let _ = state.try_update(|s| {
                        if let Some(Ok(shown)) = s.take() {
                            *s = Some(Ok(shown.and(page)));
                        }
                    });
                }
                (false, Err(p)) => {
                    let _ = problem.try_set(Some(p));
                }
            }
        });
    };
    Effect::new(move |_| {
        status.track();
        read(None);
    });
    let replayed = move |delivery: WebhookDelivery| {
        state.update(|s| {
            if let Some(Ok(shown)) = s {
                shown.replace(delivery);
            }
        });
    };
    // Opened from a row: the keyboard's focus comes to the heading.
    let heading = NodeRef::<html::H3>::new();
    Effect::new(move |_| {
        if let Some(h) = heading.get() {
            let _ = h.focus();
        }
    });
    let url = endpoint.url.clone();
    view! {
        <section class="card deliveries" aria-labelledby="deliveries-heading" data-testid="webhook-deliveries-view">
            <div class="deliveries-head">
                <h3 id="deliveries-heading" tabindex="-1" node_ref=heading>
                    "Deliveries to " <code class="url">{url}</code>
                </h3>
                <button type="button" class="link" data-testid="close-deliveries" on:click=move |_| on_close.run(())>
                    "Close"
                </button>
            </div>
            <div class="deliveries-filters">
                <label for="delivery-status">"Status"</label>
                <select
                    id="delivery-status"
                    data-testid="delivery-status"
                    on:change=move |ev| status.set(status_of(&event_target_value(&ev)))
                >
                    <option value="">"All"</option>
                    {DeliveryStatus::ALL
                        .into_iter()
                        .map(|s| view! { <option value=s.as_str()>{format::label(s.as_str())}</option> })
                        .collect_view()}
                </select>
                <button type="button" data-testid="refresh-deliveries" on:click=move |_| read(None)>
                    "Refresh"
                </button>
            </div>
            <FormError problem=problem />
            <Loaded
                state=state
                retry=move |()| read(None)
                empty={|shown: &Shown| {
                    shown.items.is_empty().then_some("No delivery here: an event this endpoint receives makes one.")
                }}
                let:shown
            >
                <div class="table-wrap">
                    <table class="delivery-list cards" data-testid="delivery-list">
                        <thead>
                            <tr>
                                <th scope="col">"Event"</th>
                                <th scope="col">"Created"</th>
                                <th scope="col">"Status"</th>
                                <th scope="col">"Attempts"</th>
                                <th scope="col">"Next attempt"</th>
                                <th scope="col"><span class="sr-only">"Actions"</span></th>
                            </tr>
                        </thead>
                        {shown
                            .items
                            .into_iter()
                            .map(|d| view! { <DeliveryRows delivery=d opened=opened on_replayed=replayed /> })
                            .collect_view()}
                    </table>
                </div>
                {shown
                    .next_cursor
                    .map(|next| {
                        view! {
                            <button
                                type="button"
                                class="more"
                                data-testid="more-deliveries"
                                disabled=move || more_pending.get()
                                on:click=move |_| read(Some(next.clone()))
                            >
                                {move || if more_pending.get() { "Loading…" } else { "More" }}
                            </button>
                        }
                    })}
            </Loaded>
        </section>
    }
}

/// A status filter's value (empty: every status).
pub fn status_of(value: &str) -> Option<DeliveryStatus> {
    DeliveryStatus::ALL.into_iter().find(|s| s.as_str() == value)
}

/// A delivery's row and, opened, its attempts: one `<tbody>` each, so a card holds both.
#[component]
fn DeliveryRows(
    delivery: WebhookDelivery,
    opened: RwSignal<Vec<Uuid>>,
    #[prop(into)] on_replayed: Callback<WebhookDelivery>,
) -> impl IntoView {
    let id = delivery.id;
    let is_open = move || opened.with(|o| o.contains(&id));
    let toggle = move |_| opened.update(|o| if o.contains(&id) { o.retain(|x| *x != id) } else { o.push(id) });
    let problem = RwSignal::new(None::<Problem>);
    let submission = Submission::reporting_to(problem);
    let pending = submission.pending;
    let replay = move |_| {
        submission.run(move |_| async move { api::webhooks::replay(id).await }, move |d| on_replayed.run(d));
    };
    let outcome = last_outcome(&delivery);
    let attempts = delivery.attempts.clone();
    let data = serde_json::to_string_pretty(&delivery.data).unwrap_or_default();
    let status = delivery.status.as_str();
    let attempts_id = format!("attempts-{id}");
    view! {
        <tbody class="delivery" class:open=is_open data-testid="delivery" data-event=delivery.event_id.to_string()>
            <tr>
                <td class="event" data-label="Event">
                    <span class="chip">{delivery.event_type.as_str()}</span>
                    <code class="event-id" title="The event's id: the same on every attempt and replay">
                        {delivery.event_id.to_string()}
                    </code>
                </td>
                <td data-label="Created">{when(&delivery.created_at)}</td>
                <td data-label="Status" data-testid="delivery-status-badge">
                    <span class=format!("badge delivery-{status}")>{format::label(status)}</span>
                </td>
                <td data-label="Attempts" data-testid="delivery-attempts">
                    <span class="count">{delivery.attempt_count}</span>
                    <small class="outcome" title=outcome.clone()>{outcome.clone()}</small>
                </td>
                <td data-label="Next attempt">
                    {match &delivery.next_attempt_at {
                        Some(at) => when(at).into_any(),
                        None => view! { <span class="muted">"—"</span> }.into_any(),
                    }}
                </td>
                <td class="delivery-actions">
                    <button
                        type="button"
                        class="link"
                        data-testid="toggle-attempts"
                        aria-expanded=move || is_open().to_string()
                        aria-controls=attempts_id.clone()
                        on:click=toggle
                    >
                        {move || if is_open() { "Hide attempts" } else { "Attempts" }}
                    </button>
                    <button
                        type="button"
                        class="link"
                        data-testid="replay-delivery"
                        disabled=move || pending.get()
                        on:click=replay
                    >
                        {move || if pending.get() { "Replaying…" } else { "Replay" }}
                    </button>
                    <FormError problem=problem />
                </td>
            </tr>
            <Show when=is_open>
                <tr class="attempts" id=attempts_id.clone()>
                    <td colspan="6">
                        <AttemptList attempts=attempts.clone() />
                        <details class="data-sent">
                            <summary>"Data sent"</summary>
                            <pre>{data.clone()}</pre>
                        </details>
                    </td>
                </tr>
            </Show>
        </tbody>
    }
}

#[component]
fn AttemptList(attempts: Vec<WebhookAttempt>) -> impl IntoView {
    if attempts.is_empty() {
        return view! { <p class="muted">"No attempt yet: it is sent shortly."</p> }.into_any();
    }
    view! {
        <ol class="attempt-list" data-testid="attempt-list">
            {attempts
                .into_iter()
                .map(|a| {
                    let ok = a.error.is_none();
                    view! {
                        <li data-testid="attempt" class:ok=ok>
                            <span class="number">{format!("#{}", a.number)}</span>
                            {when(&a.attempted_at)}
                            <strong class="answer">{answer(a.status_code)}</strong>
                            <span class="muted">{duration(a.duration_ms)}</span>
                            {a.error.map(|e| view! { <span class="error">{e}</span> })}
                        </li>
                    }
                })
                .collect_view()}
        </ol>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::{at, id};
    use debtflow_domain::webhook::EventType;
    use serde_json::json;

    fn delivery(n: u128) -> WebhookDelivery {
        WebhookDelivery {
            id: id(n),
            event_id: id(100 + n),
            event_type: EventType::PaymentCompleted,
            event_created_at: at("2026-12-03T10:00:00Z"),
            data: json!({ "payment": { "id": "p" } }),
            status: DeliveryStatus::Pending,
            attempt_count: 0,
            next_attempt_at: Some(at("2026-12-03T10:00:00Z")),
            last_status_code: None,
            last_error: None,
            created_at: at("2026-12-03T10:00:00Z"),
            delivered_at: None,
            attempts: vec![],
        }
    }

    fn page(ns: &[u128], next: Option<&str>) -> Page<WebhookDelivery> {
        Page { items: ns.iter().map(|n| delivery(*n)).collect(), next_cursor: next.map(str::to_owned) }
    }

    fn ids(shown: &Shown) -> Vec<Uuid> {
        shown.items.iter().map(|d| d.id).collect()
    }

    #[test]
    fn more_adds_the_next_page_under_those_shown_once_each() {
        let shown = Shown::first(page(&[3, 2], Some("c1")));
        assert_eq!(shown.next_cursor.as_deref(), Some("c1"));
        // A delivery made meanwhile can push one shown already onto the next page.
        let shown = shown.and(page(&[2, 1], None));
        assert_eq!(ids(&shown), [id(3), id(2), id(1)]);
        assert_eq!(shown.next_cursor, None, "the last page: no More");
    }

    #[test]
    fn a_replayed_delivery_is_shown_as_the_api_answered_in_its_place() {
        let mut shown = Shown::first(page(&[2, 1], None));
        let replayed = WebhookDelivery { attempt_count: 3, ..delivery(1) };
        shown.replace(replayed.clone());
        assert_eq!(shown.items[1], replayed);
        shown.replace(delivery(9));
        assert_eq!(ids(&shown), [id(2), id(1)], "one not shown is not added");
    }

    #[test]
    fn the_last_outcome_says_the_answer_or_why_there_was_none() {
        assert_eq!(last_outcome(&delivery(1)), "Not tried yet");
        let answered = WebhookDelivery {
            attempt_count: 2,
            last_status_code: Some(500),
            last_error: Some("the receiver answered 500".into()),
            ..delivery(1)
        };
        assert_eq!(last_outcome(&answered), "HTTP 500");
        let unreachable =
            WebhookDelivery { attempt_count: 1, last_error: Some("connection refused".into()), ..delivery(1) };
        assert_eq!(last_outcome(&unreachable), "No answer: connection refused");
        assert_eq!(last_outcome(&WebhookDelivery { attempt_count: 1, ..delivery(1) }), "No answer");
    }

    #[test]
    fn durations_read_in_milliseconds_then_seconds() {
        assert_eq!(duration(0), "0 ms");
        assert_eq!(duration(999), "999 ms");
        assert_eq!(duration(2400), "2.4 s");
        assert_eq!(duration(10_050), "10.0 s");
        assert_eq!(answer(Some(204)), "HTTP 204");
    }

    #[test]
    fn a_status_filter_reads_the_domains_names() {
        assert_eq!(status_of("failed"), Some(DeliveryStatus::Failed));
        assert_eq!(status_of(""), None, "every status");
    }
}
