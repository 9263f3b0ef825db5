//! An entry's before and after, field by field: nested objects read as paths
//! (`debtor › phone`), each field marked changed, added or removed, values shown as
//! text and anything else (lists) as compact JSON.

use crate::markup::esc;
use serde_json::{Map, Value};

/// How a field differs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Change {
    Changed,
    /// No value before (or a creation).
    Added,
    /// No value after (cleared, or a deletion).
    Removed,
    Same,
}

impl Change {
    fn class(self) -> &'static str {
        match self {
            Change::Changed => "changed",
            Change::Added => "added",
            Change::Removed => "removed",
            Change::Same => "same",
        }
    }

    fn label(self) -> &'static str {
        match self {
            Change::Changed => "changed",
            Change::Added => "added",
            Change::Removed => "removed",
            Change::Same => "unchanged",
        }
    }
}

/// One field of the diff.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    /// The field's path in the snapshot (`debtor.phone`; empty: the value itself).
    pub path: String,
    pub before: Option<String>,
    pub after: Option<String>,
    pub change: Change,
}

/// The fields of `before` and `after`, by path (JSON objects keep no order).
pub fn rows(before: Option<&Value>, after: Option<&Value>) -> Vec<Row> {
    let mut before_fields = Vec::new();
    let mut after_fields = Vec::new();
    flatten("", before.unwrap_or(&Value::Null), &mut before_fields);
    flatten("", after.unwrap_or(&Value::Null), &mut after_fields);
    let mut paths: Vec<&String> = before_fields.iter().map(|(p, _)| p).collect();
    for (p, _) in &after_fields {
        if !paths.contains(&p) {
            paths.push(p);
        }
    }
    paths.sort_unstable();
    let find = |fields: &[(String, Value)], path: &str| {
        fields.iter().find(|(p, _)| p == path).map(|(_, v)| v.clone()).filter(|v| !v.is_null())
    };
    paths
        .into_iter()
        .filter_map(|path| {
            let (b, a) = (find(&before_fields, path), find(&after_fields, path));
            let change = match (&b, &a) {
                (None, Some(_)) => Change::Added,
                (Some(_), None) => Change::Removed,
                (Some(x), Some(y)) if x != y => Change::Changed,
                (Some(_), Some(_)) => Change::Same,
                // Empty on both sides: nothing to read.
                (None, None) => return None,
            };
            Some(Row { path: path.clone(), before: b.as_ref().map(text), after: a.as_ref().map(text), change })
        })
        .collect()
}

/// An object's leaves by path; an empty object or anything else is one leaf.
fn flatten(prefix: &str, value: &Value, out: &mut Vec<(String, Value)>) {
    match value {
        Value::Object(fields) if !fields.is_empty() => {
            for (key, v) in fields {
                let path = if prefix.is_empty() { key.clone() } else { format!("{prefix}.{key}") };
                flatten(&path, v, out);
            }
        }
        Value::Null if prefix.is_empty() => {}
        _ => out.push((prefix.to_owned(), value.clone())),
    }
}

/// A value as read: text as is, the rest as compact JSON.
fn text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Object(o) if o.is_empty() => "{}".into(),
        other => serde_json::to_string(other).unwrap_or_default(),
    }
}

/// `debtor.full_name` → "Debtor › Full name".
pub fn field_label(path: &str) -> String {
    if path.is_empty() {
        return "Value".into();
    }
    path.split('.').map(crate::format::label).collect::<Vec<_>>().join(" › ")
}

/// The diff as a table (one card per field on a phone), as markup: changed values
/// struck out and inserted, added and removed fields marked.
pub fn diff_html(before: Option<&Value>, after: Option<&Value>) -> String {
    let rows = rows(before, after);
    if rows.is_empty() {
        return r#"<p class="muted" data-testid="diff-empty">No fields recorded.</p>"#.into();
    }
    let cell = |v: &Option<String>, tag: &str, changed: bool| match v {
        None => r#"<span class="none">—</span>"#.to_owned(),
        Some(v) if changed => format!("<{tag}>{}</{tag}>", esc(v)),
        Some(v) => esc(v),
    };
    let mut html = String::from(
        r#"<table class="diff stacked" data-testid="diff"><thead><tr><th scope="col">Field</th><th scope="col">Before</th><th scope="col">After</th></tr></thead><tbody>"#,
    );
    for r in &rows {
        let changed = r.change != Change::Same;
        let mark =
            if changed { format!(r#" <span class="diff-mark">{}</span>"#, r.change.label()) } else { String::new() };
        html.push_str(&format!(
            r#"<tr class="diff-{}" data-testid="diff-row" data-field="{}"><th scope="row">{}{mark}</th><td data-label="Before" data-testid="diff-before">{}</td><td data-label="After" data-testid="diff-after">{}</td></tr>"#,
            r.change.class(),
            esc(&r.path),
            esc(&field_label(&r.path)),
            cell(&r.before, "del", changed),
            cell(&r.after, "ins", changed),
        ));
    }
    html.push_str("</tbody></table>");
    html
}

/// An entry's `account_id` (before or after), when it says which account it is about.
pub fn account_of(before: Option<&Value>, after: Option<&Value>) -> Option<String> {
    let of = |v: Option<&Value>| {
        v.and_then(Value::as_object).and_then(|o: &Map<String, Value>| o.get("account_id")?.as_str().map(String::from))
    };
    of(after).or_else(|| of(before))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn row(path: &str, before: Option<&str>, after: Option<&str>, change: Change) -> Row {
        Row { path: path.into(), before: before.map(Into::into), after: after.map(Into::into), change }
    }

    #[test]
    fn an_update_shows_each_field_changed_added_or_removed() {
        let before = json!({"status": "new", "priority": 1, "collector_id": null, "note": "call back", "email": null});
        let after = json!({"status": "assigned", "priority": 1, "collector_id": "c1", "note": null, "email": null});
        assert_eq!(
            rows(Some(&before), Some(&after)),
            [
                row("collector_id", None, Some("c1"), Change::Added),
                row("note", Some("call back"), None, Change::Removed),
                row("priority", Some("1"), Some("1"), Change::Same),
                row("status", Some("new"), Some("assigned"), Change::Changed),
            ]
        );
    }

    #[test]
    fn nested_objects_read_as_paths_and_lists_as_compact_json() {
        let before = json!({"debtor": {"full_name": "Ann", "phone": "1"}});
        let after =
            json!({"debtor": {"full_name": "Ann", "phone": "2"}, "schedule": [{"amount": "10.00"}], "extra": {}});
        assert_eq!(
            rows(Some(&before), Some(&after)),
            [
                row("debtor.full_name", Some("Ann"), Some("Ann"), Change::Same),
                row("debtor.phone", Some("1"), Some("2"), Change::Changed),
                row("extra", None, Some("{}"), Change::Added),
                row("schedule", None, Some(r#"[{"amount":"10.00"}]"#), Change::Added),
            ]
        );
        assert_eq!(field_label("debtor.full_name"), "Debtor › Full name");
    }

    #[test]
    fn a_creation_is_all_added_and_a_lone_value_is_one_row() {
        let created = rows(None, Some(&json!({"amount": "50.00", "method": "card"})));
        assert!(created.iter().all(|r| r.change == Change::Added && r.before.is_none()));
        assert_eq!(rows(None, None), []);
        assert_eq!(
            rows(Some(&json!(true)), Some(&json!(false))),
            [row("", Some("true"), Some("false"), Change::Changed)]
        );
        assert_eq!(account_of(None, Some(&json!({"account_id": "a1"}))), Some("a1".into()));
        assert_eq!(account_of(Some(&json!({"status": "x"})), Some(&json!({}))), None);
    }

    #[test]
    fn the_markup_marks_changes_and_escapes_values() {
        let html = diff_html(Some(&json!({"name": "<A>", "tz": "UTC"})), Some(&json!({"name": "B", "tz": "UTC"})));
        assert!(
            html.contains(r#"data-field="name"><th scope="row">Name <span class="diff-mark">changed</span>"#),
            "{html}"
        );
        assert!(html.contains("<del>&lt;A&gt;</del>") && html.contains("<ins>B</ins>"), "{html}");
        assert!(html.contains(r#"<td data-label="After" data-testid="diff-after">UTC</td>"#), "unchanged: plain");
        assert!(diff_html(None, None).contains("No fields recorded"));
    }
}
