//! What happened on the account, newest first, each event saying what and who.

use crate::{
    api::{self, Page, TimelineEvent},
    components::Loaded,
    format,
};
use leptos::prelude::*;
use leptos_router::components::A;
use uuid::Uuid;

/// The account's events; with `limit`, only the latest ones and a link to all of them.
#[component]
pub(super) fn Timeline(id: Uuid, version: RwSignal<u32>, #[prop(optional)] limit: Option<usize>) -> impl IntoView {
    let all = format!("/accounts/{id}?tab=timeline");
    let events = LocalResource::new(move || {
        version.get();
        async move { api::timeline(id).await }
    });
    view! {
        <section class="card" aria-labelledby="timeline-h">
            <h2 id="timeline-h">{if limit.is_some() { "Latest events" } else { "Timeline" }}</h2>
            <Loaded
                state=Signal::derive(move || events.get())
                retry=move |()| events.refetch()
                empty={|page: &Page<TimelineEvent>| page.items.is_empty().then_some("Nothing yet.")}
                let:page
            >
                {
                    let more = limit.is_some_and(|n| page.items.len() > n);
                    view! {
                        <ol class="timeline" data-testid="timeline">
                            {page
                                .items
                                .into_iter()
                                .take(limit.unwrap_or(usize::MAX))
                                .map(|e| {
                                    let summary = event_summary(&e.kind, &e.data);
                                    let headline = event_headline(&e.kind, &e.data, e.actor_name.as_deref());
                                    view! {
                                        <li data-kind=e.kind.clone()>
                                            <time>{format::datetime(&e.occurred_at)}</time>
                                            <strong>{headline}</strong>
                                            {summary.map(|s| view! { <span>{format!(" {s}")}</span> })}
                                            {e.body.map(|b| view! { <p class="body">{b}</p> })}
                                        </li>
                                    }
                                })
                                .collect_view()}
                        </ol>
                        {more.then(|| view! { <A href=all.clone()>"All events"</A> })}
                    }
                }
            </Loaded>
        </section>
    }
}

/// What happened and who did it: "Plan proposed by Sarah Mitchell", "Status changed by
/// James Carter", "Created" (by the system).
pub fn event_headline(kind: &str, data: &serde_json::Value, actor: Option<&str>) -> String {
    let action = data.get("action").and_then(|v| v.as_str());
    let what = match (kind, action) {
        ("plan", Some(action)) => format!("Plan {}", format::label(action).to_lowercase()),
        ("promise", _) => match data.get("step").and_then(|v| v.as_str()) {
            Some("made") if data["promises"].as_array().is_some_and(|p| p.len() > 1) => "Promises made".into(),
            Some(step) => format!("Promise {step}"),
            None => "Promise".into(),
        },
        ("status_change", _) => "Status changed".into(),
        ("assignment", _) => "Assigned".into(),
        _ => format::label(kind),
    };
    match actor {
        Some(who) => format!("{what} by {who}"),
        None => what,
    }
}

/// A short line for a timeline event's details.
pub fn event_summary(kind: &str, data: &serde_json::Value) -> Option<String> {
    let s = |k: &str| data.get(k).and_then(|v| v.as_str()).map(str::to_string);
    match kind {
        "status_change" => Some(format!("{} → {}", format::label(&s("from")?), format::label(&s("to")?))),
        // Each promise made (`promises`), or the one kept, broken or cancelled.
        "promise" => {
            let one = |p: &serde_json::Value| {
                Some(format!("{} by {}", short_amount(p.get("amount")?.as_str()?), p.get("due_on")?.as_str()?))
            };
            let all: Vec<String> = match data.get("promises").and_then(|p| p.as_array()) {
                Some(list) => list.iter().filter_map(one).collect(),
                None => one(data).into_iter().collect(),
            };
            (!all.is_empty()).then(|| all.join(", "))
        }
        _ => match (s("amount"), s("status")) {
            (Some(a), Some(st)) => Some(format!("{a} ({})", format::label(&st))),
            (Some(a), None) => Some(a),
            _ => None,
        },
    }
}

/// An amount as the events store it (`150.0000`) without the zeros past the cents
/// (`150.00`); anything else as it is.
fn short_amount(stored: &str) -> String {
    match stored.parse::<rust_decimal::Decimal>() {
        Ok(d) => {
            let mut d = d.normalize();
            if d.scale() < 2 {
                d.rescale(2);
            }
            d.to_string()
        }
        Err(_) => stored.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn timeline_summaries() {
        assert_eq!(
            event_summary("status_change", &json!({"from": "assigned", "to": "in_contact"})).as_deref(),
            Some("Assigned → In contact")
        );
        assert_eq!(event_summary("note", &json!({})), None);
        let made = json!({"step": "made", "promises": [
            {"promise_id": "a", "amount": "100.0000", "due_on": "2026-12-05"},
            {"promise_id": "b", "amount": "50.00", "due_on": "2027-01-05"}
        ]});
        assert_eq!(event_summary("promise", &made).as_deref(), Some("100.00 by 2026-12-05, 50.00 by 2027-01-05"));
        assert_eq!(event_headline("promise", &made, Some("Sarah Mitchell")), "Promises made by Sarah Mitchell");
        let cancelled = json!({"step": "cancelled", "promise_id": "a", "amount": "100.1250", "due_on": "2026-12-05"});
        assert_eq!(event_summary("promise", &cancelled).as_deref(), Some("100.125 by 2026-12-05"));
        assert_eq!(event_headline("promise", &cancelled, None), "Promise cancelled");
    }

    #[test]
    fn timeline_headlines_say_what_and_who() {
        let plan = json!({"plan_id": "p", "action": "proposed"});
        assert_eq!(event_headline("plan", &plan, Some("Sarah Mitchell")), "Plan proposed by Sarah Mitchell");
        assert_eq!(event_headline("plan", &json!({"action": "written_off"}), None), "Plan written off");
        assert_eq!(event_headline("status_change", &json!({}), Some("James Carter")), "Status changed by James Carter");
        assert_eq!(event_headline("note", &json!({}), Some("Sarah Mitchell")), "Note by Sarah Mitchell");
    }
}
