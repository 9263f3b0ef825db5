//! The audit trail: who did what to which entity, when, from where, and what changed.
//!
//! Every write appends one row in the same transaction as the write itself, so the
//! trail has exactly the writes that committed. Rows are append-only (a database
//! trigger refuses UPDATE, DELETE and TRUNCATE). An update records only the fields
//! that changed, before and after; secrets (password hashes, SSNs) never enter the
//! trail because the snapshots are built from public DTOs.

use crate::store;
use debtflow_domain::Role;
use serde_json::{Map, Value};
use sqlx::PgConnection;
use uuid::Uuid;

/// Who acted.
#[derive(Debug, Clone)]
pub struct Actor {
    pub user_id: Option<Uuid>,
    pub role: Option<Role>,
    pub agency_id: Option<Uuid>,
    pub context: RequestContext,
}

impl Actor {
    pub fn anonymous(context: RequestContext) -> Self {
        Actor { user_id: None, role: None, agency_id: None, context }
    }
}

/// Where a request came from, for the audit trail.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RequestContext {
    /// The TCP peer (forwarded headers are not trusted).
    pub ip: Option<std::net::IpAddr>,
    pub request_id: Option<String>,
}

/// What happened to one entity.
#[derive(Debug, Clone)]
pub struct Change {
    pub action: &'static str,
    pub entity_type: &'static str,
    pub entity_id: String,
    /// The entity's agency, when it differs from the actor's (platform admins).
    pub agency_id: Option<Uuid>,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

impl Change {
    /// A creation or an event: no before, `after` as given.
    pub fn created(action: &'static str, entity_type: &'static str, id: impl ToString, after: Value) -> Self {
        Change { action, entity_type, entity_id: id.to_string(), agency_id: None, before: None, after: Some(after) }
    }

    /// An update: keeps only the fields whose values differ.
    pub fn updated(action: &'static str, entity_type: &'static str, id: Uuid, before: &Value, after: &Value) -> Self {
        let (before, after) = diff(before, after);
        Change {
            action,
            entity_type,
            entity_id: id.to_string(),
            agency_id: None,
            before: Some(before),
            after: Some(after),
        }
    }

    pub fn revoked(action: &'static str, session: Uuid, reason: &str) -> Self {
        Change::created(action, "session", session, serde_json::json!({ "revoked_reason": reason }))
    }

    pub fn in_agency(mut self, agency_id: Option<Uuid>) -> Self {
        self.agency_id = agency_id;
        self
    }
}

/// The fields of two JSON objects that differ: `(before, after)`.
pub fn diff(before: &Value, after: &Value) -> (Value, Value) {
    let (Value::Object(b), Value::Object(a)) = (before, after) else {
        return (before.clone(), after.clone());
    };
    let mut old = Map::new();
    let mut new = Map::new();
    for key in b.keys().chain(a.keys().filter(|k| !b.contains_key(*k))) {
        let (x, y) = (b.get(key).unwrap_or(&Value::Null), a.get(key).unwrap_or(&Value::Null));
        if x != y {
            old.insert(key.clone(), x.clone());
            new.insert(key.clone(), y.clone());
        }
    }
    (Value::Object(old), Value::Object(new))
}

/// Appends the audit row of `change` by `actor`.
pub async fn record(tx: &mut PgConnection, actor: &Actor, change: Change) -> Result<(), sqlx::Error> {
    store::audit::insert(tx, &entry(actor, &change)).await
}

/// The audit row of `change` by `actor`, for a use case that writes it with its own
/// statement (`store::payments::posting`).
pub fn entry<'a>(actor: &'a Actor, change: &'a Change) -> store::audit::NewEntry<'a> {
    store::audit::NewEntry {
        agency_id: change.agency_id.or(actor.agency_id),
        actor_id: actor.user_id,
        actor_role: actor.role,
        action: change.action,
        entity_type: change.entity_type,
        entity_id: &change.entity_id,
        before: change.before.as_ref(),
        after: change.after.as_ref(),
        ip: actor.context.ip,
        request_id: actor.context.request_id.as_deref(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_diff_keeps_only_changed_fields() {
        let before = json!({"name": "A", "tz": "UTC", "gone": 1});
        let after = json!({"name": "B", "tz": "UTC", "new": true});
        assert_eq!(
            diff(&before, &after),
            (json!({"name": "A", "gone": 1, "new": null}), json!({"name": "B", "gone": null, "new": true}))
        );
        assert_eq!(diff(&before, &before), (json!({}), json!({})));
    }

    /// The actions written in this crate: the first argument of each `Change::created`,
    /// `updated` or `revoked`, and an action chosen by a `match` (a literal alone on
    /// its line).
    fn actions_in(dir: &std::path::Path, found: &mut Vec<(String, String)>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                actions_in(&path, found);
                continue;
            }
            let Ok(text) = std::fs::read_to_string(&path) else { continue };
            let place = path.display().to_string();
            for call in ["Change::created(", "Change::updated(", "Change::revoked("] {
                for (at, _) in text.match_indices(call) {
                    let rest = text[at + call.len()..].trim_start();
                    if let Some(literal) = rest.strip_prefix('"').and_then(|r| r.split_once('"')).map(|(a, _)| a) {
                        if is_action(literal) {
                            found.push((literal.to_owned(), place.clone()));
                        }
                    }
                }
            }
            for line in text.lines().map(str::trim) {
                let bare = line.strip_prefix('"').and_then(|l| l.strip_suffix('"').or(l.strip_suffix("\",")));
                if let Some(action) = bare.filter(|a| is_action(a)) {
                    found.push((action.to_owned(), place.clone()));
                }
            }
        }
    }

    /// `entity.verb`, in lower case.
    fn is_action(s: &str) -> bool {
        let is_name = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_lowercase() || b == b'_');
        s.split_once('.').is_some_and(|(entity, verb)| is_name(entity) && is_name(verb))
    }

    #[test]
    fn every_action_written_has_its_label_for_the_audit_viewer() {
        let mut found = Vec::new();
        actions_in(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), &mut found);
        assert!(found.iter().any(|(a, _)| a == "payment.approve"), "the scan finds the actions: {found:?}");
        let unlabelled: Vec<_> = found.iter().filter(|(a, _)| !debtflow_domain::audit::is_known(a)).collect();
        assert!(unlabelled.is_empty(), "add these to debtflow_domain::audit::ACTIONS: {unlabelled:?}");
    }
}
