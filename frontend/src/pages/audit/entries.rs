//! The entries of a page of the trail: when (the user's local time), who by name and
//! role, the action in words, the entity with a link to its page where the SPA has
//! one; each opening its changes field by field, its IP and request id.

use super::diff::{account_of, Diff};
use crate::{api::audit::AuditEntry, format};
use debtflow_domain::audit::{action_label, entity_label};
use leptos::prelude::*;
use leptos_router::components::A;

/// Where the SPA shows the entity an entry is about, and the link's words.
pub fn entity_link(e: &AuditEntry) -> Option<(String, &'static str)> {
    let account = || account_of(e.before.as_ref(), e.after.as_ref());
    match e.entity_type.as_str() {
        "account" => Some((format!("/accounts/{}", e.entity_id), "Open the account")),
        "payment" | "fee" => account().map(|a| (format!("/accounts/{a}?tab=payments"), "Open its account")),
        "plan" => account().map(|a| (format!("/accounts/{a}?tab=plan"), "Open its account")),
        "account_event" => account().map(|a| (format!("/accounts/{a}?tab=timeline"), "Open its account")),
        "import" | "import_mapping" | "sftp_source" => Some(("/imports".into(), "Open imports")),
        "job_run" => {
            let job = e.after.as_ref().and_then(|a| a.get("job")?.as_str().map(String::from));
            Some((job.map_or_else(|| "/jobs".into(), |j| format!("/jobs?job={j}")), "Open job runs"))
        }
        _ => None,
    }
}

/// Who acted, in words.
pub fn who(e: &AuditEntry) -> String {
    let role = e.actor_role.map(|r| format::label(r.as_str()));
    match (&e.actor_name, role, &e.actor_id) {
        (Some(name), Some(role), _) => format!("{name} ({role})"),
        (Some(name), None, _) => name.clone(),
        (None, Some(role), _) => format!("A user ({role})"),
        (None, None, Some(_)) => "A user".into(),
        (None, None, None) => "No one signed in".into(),
    }
}

/// The first characters of a long id, for the eye (the whole id is in the details).
fn short(id: &str) -> String {
    if id.chars().count() > 13 {
        format!("{}…", id.chars().take(8).collect::<String>())
    } else {
        id.to_owned()
    }
}

#[component]
pub fn Entries(entries: Vec<AuditEntry>) -> impl IntoView {
    view! {
        <table class="audit-entries stacked" data-testid="audit-entries">
            <thead>
                <tr>
                    <th scope="col">"When"</th>
                    <th scope="col">"Who"</th>
                    <th scope="col">"Action"</th>
                    <th scope="col">"Entity"</th>
                    <th scope="col">
                        <span class="sr-only">"Changes"</span>
                    </th>
                </tr>
            </thead>
            {entries.into_iter().map(|e| view! { <Entry entry=e /> }).collect_view()}
        </table>
    }
}

/// One entry: its row and, once opened, its details.
#[component]
fn Entry(entry: AuditEntry) -> impl IntoView {
    let open = RwSignal::new(false);
    let details_id = format!("entry-{}", entry.id);
    let link = entity_link(&entry);
    let trail = format!(
        "/audit?entity_type={}&entity_id={}",
        format::url_encode(&entry.entity_type),
        format::url_encode(&entry.entity_id)
    );
    let what = format!("{} {}", entity_label(&entry.entity_type), short(&entry.entity_id));
    let label = action_label(&entry.action);
    let AuditEntry { id, occurred_at, action, before, after, ip, request_id, entity_id, .. } = entry.clone();
    view! {
        <tbody data-testid="audit-entry" data-entry=id data-action=action.clone()>
            <tr>
                <td data-label="When">
                    <time datetime=occurred_at.clone() title=format!("{occurred_at} (UTC)")>
                        {format::local_datetime(&occurred_at)}
                    </time>
                </td>
                <td data-label="Who" data-testid="entry-who">{who(&entry)}</td>
                <td data-label="Action" data-testid="entry-action">
                    {label}
                    <code class="muted action-code">{action.clone()}</code>
                </td>
                <td data-label="Entity" data-testid="entry-entity">
                    {match link.clone() {
                        Some((href, _)) => view! { <A href=href>{what.clone()}</A> }.into_any(),
                        None => view! { <span>{what.clone()}</span> }.into_any(),
                    }}
                </td>
                <td class="open">
                    <button
                        type="button"
                        class="link"
                        data-testid="open-entry"
                        aria-expanded=move || if open.get() { "true" } else { "false" }
                        aria-controls=details_id.clone()
                        on:click=move |_| open.update(|o| *o = !*o)
                    >
                        {move || if open.get() { "Hide changes" } else { "Show changes" }}
                    </button>
                </td>
            </tr>
            <Show when=move || open.get()>
                <tr class="entry-details" id=details_id.clone() data-testid="entry-details">
                    <td colspan="5">
                        <Diff before=before.clone() after=after.clone() />
                        <dl class="entry-meta">
                            <dt>"Entity id"</dt>
                            <dd data-testid="entry-entity-id">{entity_id.clone()}</dd>
                            <dt>"IP address"</dt>
                            <dd data-testid="entry-ip">{ip.clone().unwrap_or_else(|| "—".into())}</dd>
                            <dt>"Request id"</dt>
                            <dd data-testid="entry-request-id">{request_id.clone().unwrap_or_else(|| "—".into())}</dd>
                        </dl>
                        <p class="entry-links">
                            <A href=trail.clone() attr:data-testid="entity-trail">"Every entry about this entity"</A>
                            {link.clone().map(|(href, words)| view! { <A href=href>{words}</A> })}
                        </p>
                    </td>
                </tr>
            </Show>
        </tbody>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn entry(entity_type: &str, after: serde_json::Value) -> AuditEntry {
        AuditEntry {
            id: "e1".into(),
            occurred_at: "2026-11-23T08:03:59Z".into(),
            actor_id: None,
            actor_name: None,
            actor_role: None,
            action: "x.y".into(),
            entity_type: entity_type.into(),
            entity_id: "id1".into(),
            before: None,
            after: Some(after),
            ip: None,
            request_id: None,
        }
    }

    #[test]
    fn entities_link_to_their_page_or_their_account() {
        assert_eq!(entity_link(&entry("account", json!({}))).unwrap().0, "/accounts/id1");
        assert_eq!(entity_link(&entry("payment", json!({"account_id": "a1"}))).unwrap().0, "/accounts/a1?tab=payments");
        assert_eq!(
            entity_link(&entry("plan", json!({"status": "active"}))),
            None,
            "the entry does not say which account"
        );
        assert_eq!(entity_link(&entry("import", json!({}))).unwrap().0, "/imports");
        assert_eq!(entity_link(&entry("job_run", json!({"job": "dpd_aging"}))).unwrap().0, "/jobs?job=dpd_aging");
        assert_eq!(entity_link(&entry("session", json!({}))), None);
    }

    #[test]
    fn who_acted_in_words() {
        let mut e = entry("user", json!({}));
        assert_eq!(who(&e), "No one signed in");
        e.actor_id = Some("u1".into());
        e.actor_role = Some(debtflow_domain::Role::Compliance);
        assert_eq!(who(&e), "A user (Compliance)");
        e.actor_name = Some("Casey Lin".into());
        assert_eq!(who(&e), "Casey Lin (Compliance)");
        assert_eq!(short("0193ab12-aaaa-bbbb-cccc-000000000000"), "0193ab12…");
        assert_eq!(short("sftp"), "sftp");
    }
}
