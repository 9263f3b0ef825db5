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
        _ => match (s("amount"), s("status")) {
            (Some(a), Some(st)) => Some(format!("{a} ({})", format::label(&st))),
            (Some(a), None) => Some(a),
            _ => None,
        },
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
