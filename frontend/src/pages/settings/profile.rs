//! The agency's profile: name, licence number and time zone, changed by who may update
//! the agency; the currency is shown and cannot change (balances exist in it).

use super::{
    markup::{field, Input},
    value_of, SettingsForm,
};
use crate::{
    api::{self, settings::Agency},
    session::use_session,
    submit::Submission,
};
use debtflow_domain::permission::Operation;
use leptos::prelude::*;
use serde_json::{Map, Value};

/// The profile fields that differ from `saved`, as `PATCH /agencies/{id}` takes them
/// (trimmed; an empty map when nothing changed).
pub fn profile_patch(saved: &Agency, name: &str, licence: &str, zone: &str) -> Map<String, Value> {
    let mut patch = Map::new();
    for (key, now, was) in [
        ("name", name.trim(), saved.name.as_str()),
        ("licence_number", licence.trim(), saved.licence_number.as_str()),
        ("time_zone", zone.trim(), saved.time_zone.as_str()),
    ] {
        if now != was {
            patch.insert(key.into(), Value::String(now.into()));
        }
    }
    patch
}

#[component]
pub fn Profile(agency: Agency) -> impl IntoView {
    let editable = use_session().can(Operation::UpdateAgency);
    let fields = [
        field(Input::new("agency-name", "name", "Name", &agency.name).editable(editable)),
        field(
            Input::new("agency-licence", "licence_number", "Licence number", &agency.licence_number).editable(editable),
        ),
        field(
            Input::new("agency-zone", "time_zone", "Time zone", &agency.time_zone)
                .help("An IANA time zone, e.g. America/New_York: the agency's business dates follow it.")
                .editable(editable),
        ),
        field(
            Input::new("agency-currency", "currency", "Currency", &agency.currency)
                .help("Fixed: the agency's balances are in it.")
                .editable(false),
        ),
    ]
    .concat();
    let saved = StoredValue::new(agency);
    let submission = Submission::new();
    let confirmed = RwSignal::new(false);
    let save = move |()| {
        let current = saved.get_value();
        let patch =
            profile_patch(&current, &value_of("agency-name"), &value_of("agency-licence"), &value_of("agency-zone"));
        if patch.is_empty() {
            return confirmed.set(true);
        }
        submission.run(
            move |_| async move { api::settings::update_agency(current.id, &Value::Object(patch)).await },
            move |after| {
                saved.set_value(after);
                confirmed.set(true);
            },
        );
    };
    view! {
        <SettingsForm
            testid="profile-form"
            heading="Agency"
            fields=fields
            fields_named=vec![("agency-name", "name"), ("agency-licence", "licence_number"), ("agency-zone", "time_zone")]
            submission=submission
            saved=confirmed
            button=editable.then(|| Signal::stored("Save agency"))
            on_submit=Callback::new(save)
        />
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use debtflow_domain::agency::AgencySettings;

    #[test]
    fn only_changed_fields_are_sent_trimmed() {
        let saved = Agency {
            id: uuid::Uuid::nil(),
            name: "Demo".into(),
            licence_number: "L-1".into(),
            currency: "USD".into(),
            time_zone: "America/New_York".into(),
            settings: AgencySettings::default(),
            is_active: true,
            created_at: chrono::DateTime::UNIX_EPOCH,
            updated_at: chrono::DateTime::UNIX_EPOCH,
        };
        assert!(profile_patch(&saved, " Demo ", "L-1", "America/New_York").is_empty());
        let patch = profile_patch(&saved, "Demo LLC", "L-1", "Europe/London ");
        assert_eq!(Value::Object(patch), serde_json::json!({"name": "Demo LLC", "time_zone": "Europe/London"}));
    }
}
