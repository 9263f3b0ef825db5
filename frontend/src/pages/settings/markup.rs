//! The settings forms' fields, written as markup (set with `inner_html`) like the
//! dashboard's figures: a typed view per field cost the wasm every first visit
//! downloads (the login page's) about 15 KB for this one screen. Every value and text
//! goes through [`esc`]. Each field has its help and an empty error span
//! (`{id}-error`, `data-field` the problem's field name), which the form fills from
//! the API's problem ([`super::SettingsForm`]).

use crate::markup::esc;

/// One field of a form.
#[derive(Clone, Copy, Debug)]
pub struct Input<'a> {
    /// The element id (and, for the label, `for`).
    pub id: &'a str,
    /// The field the API's problem names (`settings.plan_grace_days`).
    pub key: &'a str,
    pub label: &'a str,
    pub value: &'a str,
    pub help: &'a str,
    /// `text`, `number`, `password`, `textarea` or `checkbox` (checked when `value`
    /// is `true`).
    pub kind: &'a str,
    pub editable: bool,
    /// A textarea's rows.
    pub rows: u8,
}

impl<'a> Input<'a> {
    pub fn new(id: &'a str, key: &'a str, label: &'a str, value: &'a str) -> Self {
        Input { id, key, label, value, help: "", kind: "text", editable: true, rows: 3 }
    }

    pub fn kind(self, kind: &'a str) -> Self {
        Input { kind, ..self }
    }

    pub fn help(self, help: &'a str) -> Self {
        Input { help, ..self }
    }

    pub fn editable(self, editable: bool) -> Self {
        Input { editable, ..self }
    }

    pub fn rows(self, rows: u8) -> Self {
        Input { rows, ..self }
    }
}

/// The help and the (empty) error span under a field.
fn after(id: &str, key: &str, help: &str) -> String {
    let help = if help.is_empty() {
        String::new()
    } else {
        format!(r#"<span id="{id}-help" class="muted help">{}</span>"#, esc(help))
    };
    format!(r#"{help}<span class="field-error" role="alert" id="{id}-error" data-field="{}" hidden></span>"#, esc(key))
}

/// A labelled field with its help and its error span.
pub fn field(f: Input) -> String {
    let (id, key) = (esc(f.id), esc(f.key));
    let readonly = if f.editable { "" } else { " readonly" };
    let described = format!(r#"aria-describedby="{id}-help {id}-error""#);
    let control = match f.kind {
        "textarea" => format!(
            r#"<textarea id="{id}" name="{key}" rows="{}" autocomplete="off" spellcheck="false" {described}{readonly}>{}</textarea>"#,
            f.rows,
            esc(f.value)
        ),
        "checkbox" => {
            let checked = if f.value == "true" { " checked" } else { "" };
            let disabled = if f.editable { "" } else { " disabled" };
            return format!(
                r#"<label class="check"><input id="{id}" name="{key}" type="checkbox" {described}{checked}{disabled}> {}</label>{}"#,
                esc(f.label),
                after(&id, &key, f.help)
            );
        }
        kind => {
            let extra = match kind {
                "number" => r#" inputmode="numeric""#,
                "password" => r#" autocomplete="new-password""#,
                _ => r#" autocomplete="off""#,
            };
            format!(
                r#"<input id="{id}" name="{key}" type="{}" value="{}"{extra} {described}{readonly}>"#,
                esc(kind),
                esc(f.value)
            )
        }
    };
    format!(r#"<label for="{id}">{}</label>{control}{}"#, esc(f.label), after(&id, &key, f.help))
}

/// A labelled select of `options` (value, text), `selected` chosen.
pub fn select(f: Input, options: &[(&str, String)]) -> String {
    let (id, key) = (esc(f.id), esc(f.key));
    let disabled = if f.editable { "" } else { " disabled" };
    let options: String = options
        .iter()
        .map(|(value, text)| {
            let selected = if *value == f.value { " selected" } else { "" };
            format!(r#"<option value="{}"{selected}>{}</option>"#, esc(value), esc(text))
        })
        .collect();
    format!(
        r#"<label for="{id}">{}</label><select id="{id}" name="{key}" aria-describedby="{id}-help {id}-error"{disabled}>{options}</select>{}"#,
        esc(f.label),
        after(&id, &key, f.help)
    )
}

/// Fields under a legend.
pub fn fieldset(legend: &str, fields: &[String]) -> String {
    format!("<fieldset><legend>{}</legend>{}</fieldset>", esc(legend), fields.concat())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_and_texts_are_escaped_and_each_field_has_its_error_span() {
        let html = field(Input::new("agency-name", "name", "Name", r#"O'Brien "&" <Co>"#).help("Shown <everywhere>"));
        assert!(html.contains(r#"value="O&#39;Brien &quot;&amp;&quot; &lt;Co&gt;""#), "{html}");
        assert!(html.contains(r#"<span id="agency-name-help" class="muted help">Shown &lt;everywhere&gt;</span>"#));
        assert!(html.contains(r#"id="agency-name-error" data-field="name" hidden"#));
        assert!(!html.contains("readonly"));
        let read_only = field(Input::new("x", "x", "X", "1").kind("number").editable(false));
        assert!(read_only.contains(r#"type="number""#) && read_only.contains(" readonly>"), "{read_only}");
    }

    #[test]
    fn a_select_marks_its_value_and_a_checkbox_its_state() {
        let options = [("principal_first", "Principal first".to_owned()), ("fees_first", "Fees first".to_owned())];
        let html =
            select(Input::new("payment_allocation", "settings.payment_allocation", "Order", "fees_first"), &options);
        assert!(html.contains(r#"<option value="fees_first" selected>Fees first</option>"#), "{html}");
        assert!(html.contains(r#"<option value="principal_first">"#));
        let on = field(Input::new("sftp-enabled", "enabled", "Poll on schedule", "true").kind("checkbox"));
        assert!(on.contains(" checked"), "{on}");
        let secret = field(Input::new("sftp-key", "private_key", "Key", "").kind("textarea"));
        assert!(secret.contains("></textarea>"), "an empty secret: {secret}");
    }
}
