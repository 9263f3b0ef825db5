//! The reminders debtors get of their installments: a form per kind (before the due
//! date, 3 and 7 days late) with its subject and body, marked as the default wording or
//! the agency's own. Who may manage settings (agency admins) saves a wording — checked
//! first with the domain's rule, the API's own: lengths, and no word in braces but the
//! placeholders — or goes back to the default; managers read them.

use super::{
    markup::{field, Input},
    value_of, SettingsForm,
};
use crate::{
    api::{self, settings::ReminderTemplate, Problem},
    components::{confirm, Fetch, Loaded},
    session::use_session,
    submit::Submission,
};
use debtflow_domain::{
    permission::Operation,
    reminder::{ReminderKind, Template, MAX_BODY, MAX_SUBJECT, PLACEHOLDERS},
};
use leptos::prelude::*;

/// A kind's name on the screen.
pub fn kind_label(kind: ReminderKind) -> &'static str {
    match kind {
        ReminderKind::Upcoming => "Before the due date",
        ReminderKind::LateThree => "3 days late",
        ReminderKind::LateSeven => "7 days late",
    }
}

/// When a kind goes out.
fn when_sent(kind: ReminderKind) -> &'static str {
    match kind {
        ReminderKind::Upcoming => "Sent the agency's reminder days before an installment falls due.",
        ReminderKind::LateThree => "Sent on the 3rd day an installment is late and unpaid.",
        ReminderKind::LateSeven => "Sent on the 7th day an installment is late and unpaid.",
    }
}

/// A kind's form: its test id, and the ids of its subject and its body.
fn ids(kind: ReminderKind) -> (&'static str, &'static str, &'static str) {
    match kind {
        ReminderKind::Upcoming => ("reminder-upcoming", "reminder-upcoming-subject", "reminder-upcoming-body"),
        ReminderKind::LateThree => ("reminder-late_three", "reminder-late_three-subject", "reminder-late_three-body"),
        ReminderKind::LateSeven => ("reminder-late_seven", "reminder-late_seven-subject", "reminder-late_seven-body"),
    }
}

/// The badge of a wording: the agency's own or DebtFlow's.
pub fn badge(is_custom: bool) -> &'static str {
    if is_custom {
        "Custom"
    } else {
        "Default wording"
    }
}

/// The subject and body typed, trimmed, if the domain's rule (the API's) takes them;
/// else the problem, naming `subject` or `body`.
pub fn checked(subject: &str, body: &str) -> Result<(String, String), Problem> {
    let t = Template { subject: subject.trim().to_owned(), body: body.trim().to_owned() };
    t.check().map_err(|e| Problem::invalid(e.field, e.message))?;
    Ok((t.subject, t.body))
}

/// The help under the section's heading: the placeholders a wording may use.
pub fn placeholders_help() -> String {
    format!(
        "Sent by e-mail, or by text when the debtor has no e-mail address. In the subject and the body, only these \
         placeholders may appear in braces: {}.",
        PLACEHOLDERS.join(", ")
    )
}

#[component]
pub fn ReminderTemplates() -> impl IntoView {
    let editable = use_session().can(Operation::ManageSettings);
    let templates = Fetch::new(api::settings::reminder_templates);
    // No section of its own: the kill switches' card after the grid keeps its distance
    // from it (`.grid + .card`), as after the agency's grid above.
    view! {
        <h2 id="reminders-h">"Reminders to debtors"</h2>
        <p class="muted" data-testid="reminder-placeholders">{placeholders_help()}</p>
        <Loaded state=templates.state retry=move |()| templates.again() let:list>
            <div class="grid" role="group" aria-labelledby="reminders-h" data-testid="reminder-templates">
                {list.into_iter().map(|t| view! { <TemplateForm template=t editable=editable /> }).collect_view()}
            </div>
        </Loaded>
    }
}

/// One kind's wording. Saving or going back to the default answers with every
/// template: the form takes its own from it (the others keep what is typed in them).
#[component]
fn TemplateForm(template: ReminderTemplate, editable: bool) -> impl IntoView {
    let kind = template.kind;
    let current = RwSignal::new(template);
    let (testid, subject_id, body_id) = ids(kind);
    let fields = Signal::derive(move || {
        current.with(|t| {
            let subject_help = format!("Up to {MAX_SUBJECT} characters.");
            let body_help = format!("Up to {MAX_BODY} characters.");
            [
                field(Input::new(subject_id, "subject", "Subject", &t.subject).help(&subject_help).editable(editable)),
                field(
                    Input::new(body_id, "body", "Body", &t.body)
                        .kind("textarea")
                        .rows(9)
                        .help(&body_help)
                        .editable(editable),
                ),
            ]
            .concat()
        })
    });
    let submission = Submission::new();
    let saved = RwSignal::new(false);
    let take = move |list: Vec<ReminderTemplate>| {
        if let Some(t) = list.into_iter().find(|t| t.kind == kind) {
            current.set(t);
        }
        saved.set(true);
    };
    let save = move |()| {
        let (subject, body) = match checked(&value_of(subject_id), &value_of(body_id)) {
            Ok(typed) => typed,
            Err(p) => return submission.refuse(p),
        };
        submission.run(move |_| async move { api::settings::put_reminder_template(kind, &subject, &body).await }, take);
    };
    let reset = move |_| {
        if submission.pending.get_untracked() {
            return;
        }
        let question = format!(
            "Go back to the default wording of the reminder “{}”? The agency's own wording is lost.",
            kind_label(kind)
        );
        if !confirm(&question) {
            return;
        }
        saved.set(false);
        submission.run(move |_| async move { api::settings::reset_reminder_template(kind).await }, take);
    };
    let is_custom = move || current.with(|t| t.is_custom);
    view! {
        <SettingsForm
            testid=testid
            heading=kind_label(kind)
            fields=fields
            fields_named=vec![(subject_id, "subject"), (body_id, "body")]
            submission=submission
            saved=saved
            button=editable.then(|| Signal::stored("Save"))
            on_submit=Callback::new(save)
            lead=Signal::stored(when_sent(kind).to_string())
            badge=Signal::derive(move || badge(is_custom()))
        >
            {editable
                .then(|| {
                    view! {
                        " "
                        <button
                            type="button"
                            class="link"
                            disabled=move || !is_custom() || submission.pending.get()
                            data-testid=format!("{testid}-reset")
                            on:click=reset
                        >
                            "Back to the default"
                        </button>
                    }
                })}
        </SettingsForm>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_has_its_label() {
        let labels: Vec<&str> = ReminderKind::ALL.iter().map(|k| kind_label(*k)).collect();
        assert_eq!(labels, ["Before the due date", "3 days late", "7 days late"]);
        assert_eq!((badge(false), badge(true)), ("Default wording", "Custom"));
        assert!(placeholders_help().ends_with("{debtor_name}, {amount}, {due_date}, {account}, {agency}."));
    }

    #[test]
    fn a_wording_is_checked_as_the_api_checks_it() {
        let refused = |subject: &str, body: &str| checked(subject, body).unwrap_err().errors.unwrap();
        let bad = refused("Your payment of {amount}", "Dear {name}, please pay.");
        assert_eq!(bad.keys().collect::<Vec<_>>(), ["body"]);
        assert!(bad["body"][0].contains("{debtor_name}, {amount}, {due_date}, {account}, {agency}"), "{bad:?}");
        assert!(refused("Hi {debtor_name", "x").contains_key("subject"), "unclosed");
        assert!(refused("  ", "x").contains_key("subject"), "blank");
        assert!(refused("x", &"y".repeat(MAX_BODY + 1)).contains_key("body"), "too long");
        assert_eq!(
            checked(" Overdue: {amount} ", "\nDear {debtor_name}, pay {amount} by {due_date}.\n{agency}\n").unwrap(),
            ("Overdue: {amount}".to_string(), "Dear {debtor_name}, pay {amount} by {due_date}.\n{agency}".to_string())
        );
        for kind in ReminderKind::ALL {
            let t = kind.default_template();
            assert!(checked(&t.subject, &t.body).is_ok(), "{kind}");
        }
    }

    #[test]
    fn agency_admins_change_the_wording_and_managers_read_it() {
        use debtflow_domain::{permission::allows, Role};
        assert!(allows(Role::AgencyAdmin, Operation::ManageSettings));
        assert!(allows(Role::Manager, Operation::ReadSettings) && !allows(Role::Manager, Operation::ManageSettings));
        assert!(!allows(Role::Collector, Operation::ReadSettings));
    }
}
