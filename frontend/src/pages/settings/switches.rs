//! The job kill switches: each on or off, what it stops, and who turned it so and when.
//! Who may manage settings flips one with a click — after a confirmation when it turns
//! jobs off — and reads the change back from the API (who and when included). The list
//! is markup (as the forms' fields are, [`super::markup`]); one click handler serves
//! its buttons.

use crate::{
    api::{self, settings::JobSwitches, settings::SwitchChange, Problem},
    components::{confirm, Fetch, FormError, Loaded},
    format,
    markup::esc,
    session::use_session,
};
use debtflow_domain::permission::Operation;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// The agency's kill switches: the API's name, what each is, what turning it off stops.
pub const SWITCHES: [(&str, &str, &str); 4] = [
    ("jobs_enabled", "All daily jobs", "Off: none of the agency's daily jobs runs."),
    ("reminders_enabled", "Installment reminders", "Off: collectors are not reminded of installments due."),
    ("escalation_enabled", "Stale account escalation", "Off: managers are not told of accounts gone quiet."),
    ("defaults_enabled", "Overdue and default scan", "Off: late installments are not flagged, plans not defaulted."),
];

/// The switch `key` (one of [`SWITCHES`]): whether it is on, and its last change.
fn state<'a>(s: &'a JobSwitches, key: &str) -> (bool, Option<&'a SwitchChange>) {
    let c = &s.last_changed;
    let (on, change) = match key {
        "jobs_enabled" => (s.jobs_enabled, &c.jobs_enabled),
        "reminders_enabled" => (s.reminders_enabled, &c.reminders_enabled),
        "escalation_enabled" => (s.escalation_enabled, &c.escalation_enabled),
        _ => (s.defaults_enabled, &c.defaults_enabled),
    };
    (on, change.as_ref())
}

/// "Turned off by Dana Admin on 2026-12-02 10:31", or that it never changed.
pub fn changed_text(on: bool, change: Option<&SwitchChange>) -> String {
    match change {
        Some(c) => format!(
            "Turned {} by {} on {}",
            if on { "on" } else { "off" },
            c.changed_by_name,
            format::datetime(&c.changed_at)
        ),
        None => "Never changed: on since the agency began".into(),
    }
}

/// The list as markup: a switch button each (`role="switch"`), disabled for who may
/// only read them or while one is being saved (`pending`).
pub fn list_html(s: &JobSwitches, editable: bool, pending: Option<&str>) -> String {
    SWITCHES
        .iter()
        .map(|(key, name, stops)| {
            let (on, change) = state(s, key);
            let state = match (pending == Some(*key), on) {
                (true, _) => "Saving…",
                (false, true) => "On",
                (false, false) => "Off",
            };
            let disabled = if editable && pending.is_none() { "" } else { " disabled" };
            format!(
                r#"<li data-testid="switch" data-switch="{key}"><div class="what"><strong id="switch-{key}">{name}</strong><span class="muted">{stops}</span><span class="changed" data-testid="switch-changed">{}</span></div><button type="button" role="switch" class="toggle{}" aria-checked="{on}" aria-labelledby="switch-{key}" data-switch="{key}"{disabled}>{state}</button></li>"#,
                esc(&changed_text(on, change)),
                if on { " on" } else { "" },
            )
        })
        .collect()
}

#[component]
pub fn KillSwitches() -> impl IntoView {
    let editable = use_session().can(Operation::ManageSettings);
    let switches = Fetch::new(api::settings::switches);
    let pending = RwSignal::new(None::<&'static str>);
    let problem = RwSignal::new(None::<Problem>);
    let flip = move |ev: leptos::ev::MouseEvent| {
        let target = ev.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok());
        let key = target
            .and_then(|t| t.closest("button[data-switch]").ok().flatten())
            .and_then(|b| b.get_attribute("data-switch"));
        let Some((key, name, stops)) = key.and_then(|k| SWITCHES.into_iter().find(|(s, _, _)| *s == k)) else { return };
        let Some(Ok(current)) = switches.state.get_untracked() else { return };
        if !editable || pending.get_untracked().is_some() {
            return;
        }
        let on = !state(&current, key).0;
        if !on && !confirm(&format!("Turn off “{name}”? {stops}")) {
            return;
        }
        pending.set(Some(key));
        problem.set(None);
        leptos::task::spawn_local(async move {
            let r = api::settings::set_switch(key, on).await;
            let _ = pending.try_set(None);
            match r {
                Ok(after) => switches.set(after),
                Err(p) => drop(problem.try_set(Some(p))),
            }
        });
    };
    view! {
        <section class="card switches" aria-labelledby="switches-h" data-testid="kill-switches">
            <h2 id="switches-h">"Daily jobs: kill switches"</h2>
            <p class="muted">"A switch takes effect at the job's next run, with no restart."</p>
            <Loaded state=switches.state retry=move |()| switches.again() let:s>
                <ul class="switch-list" on:click=flip inner_html=move || list_html(&s, editable, pending.get())></ul>
            </Loaded>
            <FormError problem=problem />
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn each_switch_says_who_turned_it_which_way_and_when() {
        let switches: JobSwitches = serde_json::from_value(json!({
            "jobs_enabled": true, "reminders_enabled": false, "escalation_enabled": true, "defaults_enabled": true,
            "last_changed": {"jobs_enabled": null, "escalation_enabled": null, "defaults_enabled": null, "reminders_enabled":
                {"changed_by": "0193a1b2-0000-7000-8000-000000000001", "changed_by_name": "Demo <Admin>",
                 "changed_at": "2026-12-02T10:31:07.123Z"}}
        }))
        .unwrap();
        let (on, change) = state(&switches, "reminders_enabled");
        assert_eq!(changed_text(on, change), "Turned off by Demo <Admin> on 2026-12-02 10:31");
        assert_eq!(changed_text(true, None), "Never changed: on since the agency began");
        let html = list_html(&switches, true, None);
        assert!(html.contains("Turned off by Demo &lt;Admin&gt; on 2026-12-02 10:31"), "escaped: {html}");
        assert!(html.contains(r#"aria-checked="false" aria-labelledby="switch-reminders_enabled""#));
        assert_eq!(html.matches(" disabled").count(), 0);
        assert_eq!(list_html(&switches, false, None).matches(" disabled").count(), 4, "read only");
        let saving = list_html(&switches, true, Some("jobs_enabled"));
        assert!(saving.contains(">Saving…</button>") && saving.matches(" disabled").count() == 4);
    }
}
