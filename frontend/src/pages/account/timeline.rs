//! What happened on the account, newest first, each event saying what and who: a
//! headline ("Legal case filed by Morgan Reyes") and a short line of its details.

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
        ("legal" | "recovery" | "write_off" | "document", _) => remedial_headline(kind, step(data)),
        ("status_change", _) => "Status changed".into(),
        ("assignment", _) => "Assigned".into(),
        _ => format::label(kind),
    };
    match actor {
        Some(who) => format!("{what} by {who}"),
        None => what,
    }
}

/// The `step` of a remedial event (`filed`, `milestone_done` …).
fn step(data: &serde_json::Value) -> Option<&str> {
    data.get("step").and_then(|v| v.as_str())
}

/// What a legal, recovery, write-off or document event did.
fn remedial_headline(kind: &str, step: Option<&str>) -> String {
    let said = match (kind, step) {
        ("legal", Some("drafted")) => "Legal case drafted",
        ("legal", Some("edited")) => "Legal case changed",
        ("legal", Some("deleted")) => "Legal case deleted",
        ("legal", Some("filed")) => "Legal case filed",
        ("legal", Some("judged")) => "Judgment recorded",
        ("legal", Some("closed")) => "Legal case closed",
        ("legal", Some("hearing_scheduled")) => "Hearing scheduled",
        ("legal", Some("hearing_held")) => "Hearing held",
        ("recovery", Some("initiated")) => "Recovery action initiated",
        ("recovery", Some("milestones_added")) => "Milestones added",
        ("recovery", Some("milestone_done")) => "Milestone done",
        ("recovery", Some("completed")) => "Recovery action completed",
        ("recovery", Some("cancelled")) => "Recovery action cancelled",
        ("recovery", Some("milestone_overdue")) => "Milestone overdue",
        ("write_off", Some("drafted")) => "Write-off drafted",
        ("write_off", Some("edited")) => "Write-off request changed",
        ("write_off", Some("deleted")) => "Write-off request deleted",
        ("write_off", Some("recommended")) => "Write-off recommended",
        ("write_off", Some("approved")) => "Write-off approved",
        ("write_off", Some("rejected")) => "Write-off rejected",
        ("document", Some("uploaded")) => "Document uploaded",
        ("document", Some("new_version")) => "New version of a document",
        ("legal", _) => "Legal case",
        ("recovery", _) => "Recovery action",
        ("write_off", _) => "Write-off",
        _ => "Document",
    };
    said.to_string()
}

/// The details of a legal, recovery, write-off or document event.
fn remedial_summary(kind: &str, data: &serde_json::Value) -> Option<String> {
    let s = |k: &str| data.get(k).and_then(|v| v.as_str()).map(str::to_string);
    let outcome = || s("outcome").map(|o| format::label(&o));
    let milestones = || {
        let list: Vec<String> = data
            .get("milestones")?
            .as_array()?
            .iter()
            .filter_map(|m| Some(format!("{} by {}", m.get("name")?.as_str()?, m.get("target_on")?.as_str()?)))
            .collect();
        (!list.is_empty()).then(|| list.join(", "))
    };
    let kind_of =
        || s("kind").map(|k| k.parse().map(super::remedial::kind_label).unwrap_or("Recovery action").to_string());
    match (kind, step(data)?) {
        ("legal", "drafted") => Some(format!("{} · claim {}", s("court")?, short_amount(&s("amount_claimed")?))),
        ("legal", "filed") => Some(match s("case_number") {
            Some(n) => format!("{}, case {n}", s("court")?),
            None => s("court")?,
        }),
        ("legal", "judged" | "closed") => outcome(),
        ("legal", "hearing_scheduled") => {
            let at = s("starts_at")?.parse::<chrono::DateTime<chrono::Utc>>().ok()?;
            Some(format!("{} UTC at {}: {}", format::datetime(&at), s("venue")?, s("purpose")?))
        }
        ("legal", "hearing_held") => s("next_step").map(|n| format!("Next step: {n}")),
        ("legal", _) => s("court"),
        ("recovery", "initiated") => Some(match milestones() {
            Some(m) => format!("{}: {m}", kind_of()?),
            None => kind_of()?,
        }),
        ("recovery", "milestones_added") => milestones(),
        ("recovery", "milestone_done") => Some(format!("{} on {}", s("milestone")?, s("done_on")?)),
        ("recovery", "milestone_overdue") => Some(format!("{}, due {}", s("milestone")?, s("target_on")?)),
        ("recovery", _) => kind_of(),
        ("write_off", _) => s("amount").map(|a| short_amount(&a)),
        ("document", _) => {
            let version = data.get("version").and_then(|v| v.as_i64()).unwrap_or(1);
            Some(format!("{} (version {version}: {})", s("title")?, s("file_name")?))
        }
        _ => None,
    }
}

/// A short line for a timeline event's details.
pub fn event_summary(kind: &str, data: &serde_json::Value) -> Option<String> {
    let s = |k: &str| data.get(k).and_then(|v| v.as_str()).map(str::to_string);
    match kind {
        "legal" | "recovery" | "write_off" | "document" => remedial_summary(kind, data),
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
    fn legal_events_say_what_the_case_went_through() {
        let drafted =
            json!({"step": "drafted", "case_id": "c", "court": "Circuit Court", "amount_claimed": "4250.0000"});
        assert_eq!(event_headline("legal", &drafted, Some("Morgan Reyes")), "Legal case drafted by Morgan Reyes");
        assert_eq!(event_summary("legal", &drafted).as_deref(), Some("Circuit Court · claim 4250.00"));
        let filed = json!({"step": "filed", "court": "Circuit Court", "case_number": "2026-M1-4512", "status": "filed",
                           "outcome": null});
        assert_eq!(event_headline("legal", &filed, None), "Legal case filed");
        assert_eq!(event_summary("legal", &filed).as_deref(), Some("Circuit Court, case 2026-M1-4512"));
        let judged = json!({"step": "judged", "court": "C", "case_number": "1", "outcome": "judgment_for_creditor"});
        assert_eq!(event_headline("legal", &judged, None), "Judgment recorded");
        assert_eq!(event_summary("legal", &judged).as_deref(), Some("Judgment for creditor"));
        let closed = json!({"step": "closed", "court": "C", "outcome": "withdrawn"});
        assert_eq!(event_summary("legal", &closed).as_deref(), Some("Withdrawn"));
        let hearing = json!({"step": "hearing_scheduled", "starts_at": "2026-12-10T15:30:00Z",
                             "venue": "Courtroom 1402", "purpose": "Pre-trial conference"});
        assert_eq!(event_headline("legal", &hearing, Some("Morgan Reyes")), "Hearing scheduled by Morgan Reyes");
        assert_eq!(
            event_summary("legal", &hearing).as_deref(),
            Some("2026-12-10 15:30 UTC at Courtroom 1402: Pre-trial conference")
        );
        let held = json!({"step": "hearing_held", "next_step": "File the motion"});
        assert_eq!(event_headline("legal", &held, None), "Hearing held");
        assert_eq!(event_summary("legal", &held).as_deref(), Some("Next step: File the motion"));
        for step in ["edited", "deleted"] {
            assert!(event_headline("legal", &json!({"step": step, "court": "C"}), None).starts_with("Legal case "));
        }
    }

    #[test]
    fn recovery_events_name_the_action_and_its_milestones() {
        let initiated = json!({"step": "initiated", "kind": "dacion_en_pago", "milestones": [
            {"name": "Asset appraised", "target_on": "2026-12-20"}, {"name": "Agreement signed", "target_on": "2027-01-10"}
        ]});
        assert_eq!(
            event_headline("recovery", &initiated, Some("Morgan Reyes")),
            "Recovery action initiated by Morgan Reyes"
        );
        assert_eq!(
            event_summary("recovery", &initiated).as_deref(),
            Some("Dación en pago: Asset appraised by 2026-12-20, Agreement signed by 2027-01-10")
        );
        let added = json!({"step": "milestones_added", "kind": "foreclosure",
                           "milestones": [{"name": "Auction held", "target_on": "2027-02-01"}]});
        assert_eq!(event_headline("recovery", &added, None), "Milestones added");
        assert_eq!(event_summary("recovery", &added).as_deref(), Some("Auction held by 2027-02-01"));
        let done = json!({"step": "milestone_done", "kind": "repossession", "milestone": "Notice served",
                          "done_on": "2026-12-03", "target_on": "2026-12-05"});
        assert_eq!(event_headline("recovery", &done, None), "Milestone done");
        assert_eq!(event_summary("recovery", &done).as_deref(), Some("Notice served on 2026-12-03"));
        let overdue = json!({"step": "milestone_overdue", "kind": "garnishment", "milestone": "Writ obtained",
                             "target_on": "2026-12-01"});
        assert_eq!(event_headline("recovery", &overdue, None), "Milestone overdue");
        assert_eq!(event_summary("recovery", &overdue).as_deref(), Some("Writ obtained, due 2026-12-01"));
        let completed = json!({"step": "completed", "kind": "garnishment"});
        assert_eq!(event_headline("recovery", &completed, None), "Recovery action completed");
        assert_eq!(event_summary("recovery", &completed).as_deref(), Some("Garnishment"));
        let cancelled = json!({"step": "cancelled", "kind": "foreclosure"});
        assert_eq!(event_headline("recovery", &cancelled, None), "Recovery action cancelled");
    }

    #[test]
    fn write_off_and_document_events_say_the_amount_and_the_file() {
        for (step, said) in [
            ("drafted", "Write-off drafted"),
            ("edited", "Write-off request changed"),
            ("deleted", "Write-off request deleted"),
            ("recommended", "Write-off recommended"),
            ("approved", "Write-off approved"),
            ("rejected", "Write-off rejected"),
        ] {
            let data = json!({"step": step, "write_off_id": "w", "amount": "1830.0000", "status": step});
            assert_eq!(event_headline("write_off", &data, None), said);
            assert_eq!(event_summary("write_off", &data).as_deref(), Some("1830.00"), "not the status: {step}");
        }
        let uploaded = json!({"step": "uploaded", "title": "Statement of claim", "version": 1,
                              "file_name": "claim.pdf", "subject_type": "legal_case"});
        assert_eq!(event_headline("document", &uploaded, Some("Casey Lin")), "Document uploaded by Casey Lin");
        assert_eq!(event_summary("document", &uploaded).as_deref(), Some("Statement of claim (version 1: claim.pdf)"));
        let version =
            json!({"step": "new_version", "title": "Statement of claim", "version": 2, "file_name": "claim-v2.pdf"});
        assert_eq!(event_headline("document", &version, None), "New version of a document");
        assert_eq!(
            event_summary("document", &version).as_deref(),
            Some("Statement of claim (version 2: claim-v2.pdf)")
        );
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
