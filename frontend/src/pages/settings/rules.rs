//! The agency's rules — its settings, as the domain types them: the grace and default
//! days new plans start with, the approval window of backdated payments (empty: the
//! server's default), the allocation order (the domain enum's every value), and the
//! days the reminder and escalation jobs count. Only the settings that changed are
//! sent; the API checks every range (the domain's one rule) and names the field.

use super::{
    markup::{field, fieldset, select, Input},
    value_of, SettingsForm,
};
use crate::{
    api::{self, settings::Agency, Problem},
    format,
    session::use_session,
    submit::Submission,
};
use debtflow_domain::{
    agency::{AgencySettings, DaysSetting},
    payment::AllocationOrder,
    permission::Operation,
};
use leptos::prelude::*;
use serde_json::{json, Map, Value};

/// The problem field of a setting: `settings.<key>`, as the API names it.
pub fn field_of(setting: DaysSetting) -> &'static str {
    match setting {
        DaysSetting::PaymentApprovalAfterDays => "settings.payment_approval_after_days",
        DaysSetting::PlanGraceDays => "settings.plan_grace_days",
        DaysSetting::PlanDefaultThresholdDays => "settings.plan_default_threshold_days",
        DaysSetting::ReminderDaysBefore => "settings.reminder_days_before",
        DaysSetting::StaleAfterDays => "settings.stale_after_days",
        DaysSetting::HearingReminderDays => "settings.hearing_reminder_days",
    }
}

/// The form's values as typed.
#[derive(Clone, Debug, PartialEq)]
pub struct Draft {
    pub allocation: AllocationOrder,
    /// Days as typed, per setting.
    pub days: Vec<(DaysSetting, String)>,
}

impl Draft {
    pub fn of(settings: &AgencySettings) -> Self {
        let days = DaysSetting::ALL
            .into_iter()
            .map(|s| (s, s.of(settings).map(|d| d.to_string()).unwrap_or_default()))
            .collect();
        Draft { allocation: settings.payment_allocation, days }
    }
}

/// The settings that differ from `saved`, as the API's `settings` patch: an empty
/// approval window is `null` (the server's default); any other day count must be a
/// whole number (the ranges are the API's to check, by the domain's one rule).
pub fn settings_patch(saved: &AgencySettings, draft: &Draft) -> Result<Map<String, Value>, Problem> {
    let mut patch = Map::new();
    if draft.allocation != saved.payment_allocation {
        patch.insert("payment_allocation".into(), json!(draft.allocation));
    }
    for (setting, text) in &draft.days {
        let text = text.trim();
        let days = match (text, setting) {
            ("", DaysSetting::PaymentApprovalAfterDays) => None,
            ("", _) => return Err(Problem::invalid(field_of(*setting), "enter a number of days")),
            (t, _) => Some(
                t.parse::<u32>().map_err(|_| Problem::invalid(field_of(*setting), "must be a whole number of days"))?,
            ),
        };
        if days != setting.of(saved) {
            patch.insert(setting.key().into(), json!(days));
        }
    }
    Ok(patch)
}

/// A setting's label and what it does.
fn words(setting: DaysSetting) -> (&'static str, &'static str) {
    match setting {
        DaysSetting::PlanGraceDays => {
            ("Grace days", "An unpaid installment is late this many days after its due date.")
        }
        DaysSetting::PlanDefaultThresholdDays => {
            ("Default threshold (days)", "An installment unpaid this many days after its due date defaults the plan.")
        }
        DaysSetting::PaymentApprovalAfterDays => {
            ("Approval window (days)", "A payment dated further back than this waits for a manager's approval.")
        }
        DaysSetting::ReminderDaysBefore => {
            ("Reminder (days before)", "Collectors are reminded of an installment this many days before it is due.")
        }
        DaysSetting::StaleAfterDays => {
            ("Stale after (days)", "Managers hear of worked accounts without activity for this many days.")
        }
        DaysSetting::HearingReminderDays => (
            "Hearing reminder (days before)",
            "Whoever is on a legal case hears of a hearing from this many days before it.",
        ),
    }
}

/// The fields, as markup, with the server's window in the approval window's help.
fn fields(settings: &AgencySettings, server_window: u32, editable: bool) -> String {
    let draft = Draft::of(settings);
    let days = |setting: DaysSetting| {
        let value = draft.days.iter().find(|(s, _)| *s == setting).map(|(_, v)| v.as_str()).unwrap_or_default();
        let (label, help) = words(setting);
        let (min, max) = setting.range();
        let help = match setting {
            DaysSetting::PaymentApprovalAfterDays => {
                format!("{help} Empty: the server's default ({server_window} days).")
            }
            _ => format!("{help} {min}–{max}."),
        };
        field(Input::new(setting.key(), field_of(setting), label, value).kind("number").help(&help).editable(editable))
    };
    let orders: Vec<(&str, String)> =
        AllocationOrder::ALL.iter().map(|o| (o.as_str(), format::label(o.as_str()))).collect();
    let allocation =
        Input::new("payment_allocation", "settings.payment_allocation", "Allocation order", draft.allocation.as_str())
            .help("Which part of the balance a payment pays first.")
            .editable(editable);
    [
        fieldset("Plan defaults", &[days(DaysSetting::PlanGraceDays), days(DaysSetting::PlanDefaultThresholdDays)]),
        fieldset("Payments", &[days(DaysSetting::PaymentApprovalAfterDays), select(allocation, &orders)]),
        fieldset(
            "Daily jobs",
            &[
                days(DaysSetting::ReminderDaysBefore),
                days(DaysSetting::StaleAfterDays),
                days(DaysSetting::HearingReminderDays),
            ],
        ),
    ]
    .concat()
}

#[component]
pub fn Rules(agency: Agency, server_window: u32) -> impl IntoView {
    let session = use_session();
    let editable = session.can(Operation::UpdateAgency);
    let agency_id = agency.id;
    let saved = StoredValue::new(agency.settings);
    let submission = Submission::new();
    let confirmed = RwSignal::new(false);
    let save = move |()| {
        let typed = Draft {
            allocation: value_of("payment_allocation").parse().unwrap_or_default(),
            days: DaysSetting::ALL.into_iter().map(|s| (s, value_of(s.key()))).collect(),
        };
        let patch = match settings_patch(&saved.get_value(), &typed) {
            Ok(p) if p.is_empty() => return confirmed.set(true),
            Ok(p) => p,
            Err(p) => return submission.refuse(p),
        };
        submission.run(
            move |_| async move { api::settings::update_agency(agency_id, &json!({ "settings": patch })).await },
            move |after| {
                saved.set_value(after.settings);
                confirmed.set(true);
                // The approval window in force is the session's to announce.
                leptos::task::spawn_local(async move {
                    if let Ok(me) = api::me().await {
                        session.user.set(Some(me));
                    }
                });
            },
        );
    };
    let mut named: Vec<(&'static str, &'static str)> =
        DaysSetting::ALL.into_iter().map(|s| (s.key(), field_of(s))).collect();
    named.push(("payment_allocation", "settings.payment_allocation"));
    view! {
        <SettingsForm
            testid="rules-form"
            heading="Rules"
            fields=fields(&agency.settings, server_window, editable)
            fields_named=named
            submission=submission
            saved=confirmed
            button=editable.then(|| Signal::stored("Save rules"))
            on_submit=Callback::new(save)
        />
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed(draft: &mut Draft, setting: DaysSetting, text: &str) {
        if let Some((_, t)) = draft.days.iter_mut().find(|(s, _)| *s == setting) {
            *t = text.into();
        }
    }

    #[test]
    fn only_changed_settings_are_sent_and_an_empty_window_is_the_servers() {
        let saved = AgencySettings { payment_approval_after_days: Some(10), ..AgencySettings::default() };
        let mut draft = Draft::of(&saved);
        assert_eq!(settings_patch(&saved, &draft), Ok(Map::new()), "nothing changed");
        typed(&mut draft, DaysSetting::PlanGraceDays, " 5 ");
        typed(&mut draft, DaysSetting::PaymentApprovalAfterDays, "");
        draft.allocation = AllocationOrder::FeesFirst;
        let patch = settings_patch(&saved, &draft).unwrap();
        assert_eq!(
            Value::Object(patch),
            json!({"plan_grace_days": 5, "payment_approval_after_days": null, "payment_allocation": "fees_first"})
        );
    }

    #[test]
    fn a_day_count_that_is_not_a_whole_number_is_told_beside_its_field() {
        let saved = AgencySettings::default();
        for text in ["", "2.5", "-1", "ten"] {
            let mut draft = Draft::of(&saved);
            typed(&mut draft, DaysSetting::StaleAfterDays, text);
            let problem = settings_patch(&saved, &draft).unwrap_err();
            assert!(problem.field("settings.stale_after_days").is_some(), "{text:?}");
        }
        let mut draft = Draft::of(&saved);
        typed(&mut draft, DaysSetting::PlanGraceDays, "400");
        assert_eq!(
            Value::Object(settings_patch(&saved, &draft).unwrap()),
            json!({"plan_grace_days": 400}),
            "ranges are the API's"
        );
    }
}
