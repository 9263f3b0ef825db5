//! The entries of a page of the trail, as markup ([`crate::markup`]): when (the
//! user's local time), who by name and role, the action in words, the entity with a
//! link to its page where the SPA has one; each opening (`<details>`) its changes field
//! by field, its IP and request id.

use super::diff::{account_of, diff_html};
use crate::{api::audit::AuditEntry, format, markup::esc};
use chrono::{DateTime, Utc};
use debtflow_domain::audit::{action_label, entity_label};

/// Where the SPA shows the entity an entry is about, and the link's words.
pub fn entity_link(e: &AuditEntry) -> Option<(String, &'static str)> {
    let account = || account_of(e.before.as_ref(), e.after.as_ref());
    match e.entity_type.as_str() {
        "account" => Some((format!("/accounts/{}", e.entity_id), "Open the account")),
        "payment" | "fee" => account().map(|a| (format!("/accounts/{a}?tab=payments"), "Open its account")),
        "plan" => account().map(|a| (format!("/accounts/{a}?tab=plan"), "Open its account")),
        "account_event" => account().map(|a| (format!("/accounts/{a}?tab=timeline"), "Open its account")),
        "contact_attempt" | "contact_block" | "promise" => {
            account().map(|a| (format!("/accounts/{a}"), "Open its account"))
        }
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

/// The end of a long id, for the eye (ids made in the same second share their start;
/// the whole id is in the details).
fn short(id: &str) -> String {
    let chars: Vec<char> = id.chars().collect();
    if chars.len() > 13 {
        format!("…{}", chars[chars.len() - 8..].iter().collect::<String>())
    } else {
        id.to_owned()
    }
}

/// The entries as markup (`when` writes an instant for the reader): each a
/// `<details>` whose summary is the row — when, who, action, entity — and whose body is
/// the diff, the ids, the IP and the request id.
pub fn entries_html(entries: &[AuditEntry], when: impl Fn(&DateTime<Utc>) -> String) -> String {
    let mut html = String::from(
        r#"<div class="entries-head" aria-hidden="true"><span>When</span><span>Who</span><span>Action</span><span>Entity</span></div>"#,
    );
    for e in entries {
        html.push_str(&entry_html(e, &when));
    }
    html
}

fn entry_html(e: &AuditEntry, when: &impl Fn(&DateTime<Utc>) -> String) -> String {
    let link = entity_link(e);
    let what = esc(&format!("{} {}", entity_label(&e.entity_type), short(&e.entity_id)));
    let entity = match &link {
        Some((href, _)) => format!(r#"<a href="{}">{what}</a>"#, esc(href)),
        None => what,
    };
    let trail = format!(
        "/audit?entity_type={}&amp;entity_id={}",
        format::url_encode(&e.entity_type),
        format::url_encode(&e.entity_id)
    );
    let follow = link.map(|(href, words)| format!(r#"<a href="{}">{words}</a>"#, esc(&href))).unwrap_or_default();
    let or_dash = |v: &Option<String>| v.as_deref().map_or_else(|| "—".to_owned(), esc);
    format!(
        concat!(
            r#"<details class="entry" data-testid="audit-entry" data-entry="{id}" data-action="{action}">"#,
            r#"<summary><span class="when"><time datetime="{at}" title="{at} (UTC)">{local}</time></span>"#,
            r#"<span class="who" data-testid="entry-who">{who}</span>"#,
            r#"<span class="what" data-testid="entry-action">{label} <code>{action}</code></span>"#,
            r#"<span class="entity" data-testid="entry-entity">{entity}</span></summary>"#,
            r#"<div class="entry-details" data-testid="entry-details">{diff}"#,
            r#"<dl class="entry-meta"><dt>Entity id</dt><dd data-testid="entry-entity-id">{entity_id}</dd>"#,
            r#"<dt>IP address</dt><dd data-testid="entry-ip">{ip}</dd>"#,
            r#"<dt>Request id</dt><dd data-testid="entry-request-id">{request_id}</dd></dl>"#,
            r#"<p class="entry-links"><a href="{trail}" data-testid="entity-trail">Every entry about this entity</a>{follow}</p>"#,
            "</div></details>"
        ),
        id = e.id,
        action = esc(&e.action),
        at = format::iso(&e.occurred_at),
        local = esc(&when(&e.occurred_at)),
        who = esc(&who(e)),
        label = esc(&action_label(&e.action)),
        entity = entity,
        diff = diff_html(e.before.as_ref(), e.after.as_ref()),
        entity_id = esc(&e.entity_id),
        ip = or_dash(&e.ip.map(|ip| ip.to_string())),
        request_id = or_dash(&e.request_id),
        trail = trail,
        follow = follow,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::{at, id};
    use serde_json::json;

    fn entry(entity_type: &str, after: serde_json::Value) -> AuditEntry {
        AuditEntry {
            id: id(0xe1),
            occurred_at: at("2026-11-23T08:03:59Z"),
            agency_id: None,
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
        assert_eq!(entity_link(&entry("contact_block", json!({"account_id": "a1"}))).unwrap().0, "/accounts/a1");
        assert_eq!(entity_link(&entry("import", json!({}))).unwrap().0, "/imports");
        assert_eq!(entity_link(&entry("job_run", json!({"job": "dpd_aging"}))).unwrap().0, "/jobs?job=dpd_aging");
        assert_eq!(entity_link(&entry("session", json!({}))), None);
    }

    #[test]
    fn who_acted_in_words() {
        let mut e = entry("user", json!({}));
        assert_eq!(who(&e), "No one signed in");
        e.actor_id = Some(id(1));
        e.actor_role = Some(debtflow_domain::Role::Compliance);
        assert_eq!(who(&e), "A user (Compliance)");
        e.actor_name = Some("Casey Lin".into());
        assert_eq!(who(&e), "Casey Lin (Compliance)");
        assert_eq!(short("0193ab12-aaaa-bbbb-cccc-00000000abcd"), "…0000abcd");
        assert_eq!(short("sftp"), "sftp");
    }

    #[test]
    fn an_entry_is_a_row_that_opens_its_changes() {
        let mut e = entry("payment", json!({"account_id": "a1", "amount": "50.00"}));
        e.action = "payment.create".into();
        e.ip = Some([127, 0, 0, 1].into());
        e.actor_name = Some("<Sam>".into());
        let html = entries_html(&[e], |at| format!("local {at}"));
        assert!(html.contains(
            r#"<details class="entry" data-testid="audit-entry" data-entry="00000000-0000-0000-0000-0000000000e1" data-action="payment.create">"#
        ));
        assert!(html.contains(r#"<time datetime="2026-11-23T08:03:59Z" title="2026-11-23T08:03:59Z (UTC)">local 2026-11-23 08:03:59 UTC</time>"#));
        assert!(html.contains("&lt;Sam&gt;"), "names are escaped");
        assert!(html.contains(r#"Payment recorded <code>payment.create</code>"#));
        assert!(html.contains(r#"<a href="/accounts/a1?tab=payments">Payment id1</a>"#), "{html}");
        assert!(html.contains(r#"<a href="/audit?entity_type=payment&amp;entity_id=id1" data-testid="entity-trail">"#));
        assert!(
            html.contains(r#"<dd data-testid="entry-ip">127.0.0.1</dd>"#) && html.contains(r#"data-field="amount""#)
        );
    }
}
