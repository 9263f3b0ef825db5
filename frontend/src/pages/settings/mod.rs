//! The settings screen (`/settings`, for who may read settings): the agency's profile
//! (name, licence, time zone; the currency shown, fixed), its rules (plan defaults, the
//! payment approval window, the allocation order, the days the daily jobs count), the
//! wording of the reminders debtors get, the job kill switches with who changed each
//! last and when, and the SFTP import source when there is one. Each section is
//! editable only by who the role table lets change it (the agency by `UpdateAgency`,
//! the reminders, the switches and the SFTP source by `ManageSettings`); the others
//! read it. Each form sends only what changed, shows the API's field errors beside
//! their fields, and says when it is saved.
//!
//! The forms are one [`SettingsForm`] each around fields written as markup
//! ([`markup`]), read once when submitted ([`value_of`]): typed views bound to a
//! signal per input made the wasm every first visit downloads 15 KB larger. They send
//! through the one submission helper ([`Submission`]), as every form that writes does.

mod markup;
mod profile;
mod reminders;
mod rules;
mod sftp;
mod switches;

use crate::{
    api,
    components::{Fetch, Forbidden, Loaded, PageHeading},
    session::{use_session, Session},
    submit::Submission,
};
use debtflow_domain::permission::Operation;
use leptos::prelude::*;

/// Whether the user may open the screen (the navigation offers it to them).
pub fn is_for(session: Session) -> bool {
    session.can(Operation::ReadSettings)
}

#[component]
pub fn SettingsPage() -> impl IntoView {
    let session = use_session();
    let agency_id = session.user.with_untracked(|u| u.as_ref().and_then(|u| u.agency.as_ref().map(|a| a.id)));
    let Some(agency_id) = agency_id.filter(|_| is_for(session)) else {
        return view! { <Forbidden text="Settings are for agency admins and managers" /> }.into_any();
    };
    let agency = Fetch::new(move || async move { api::settings::agency(agency_id).await });
    // The server's approval window, in force when the agency chose none (`/auth/me`).
    let server_window =
        session.user.with_untracked(|u| u.as_ref().map_or(0, |u| u.policy.default_payment_approval_after_days));
    let read_only = !session.can(Operation::UpdateAgency) && !session.can(Operation::ManageSettings);
    view! {
        <section class="settings">
            <PageHeading text="Settings" />
            {read_only
                .then(|| {
                    view! {
                        <p class="notice" data-testid="read-only">
                            "You can read these settings; only an agency admin changes them."
                        </p>
                    }
                })}
            <Loaded state=agency.state retry=move |()| agency.again() let:a>
                <div class="grid">
                    <profile::Profile agency=a.clone() />
                    <rules::Rules agency=a server_window=server_window />
                </div>
            </Loaded>
            <reminders::ReminderTemplates />
            <switches::KillSwitches />
            <sftp::SftpSettings />
        </section>
    }
    .into_any()
}

/// A form of the screen: its fields (markup), the API's problem shown beside the
/// field it names (or above the button when it names none of them), its button for
/// who may save it, "Saving…" while its [`Submission`] is pending and "Saved." once
/// `saved`. Typing clears both.
#[component]
fn SettingsForm(
    testid: &'static str,
    heading: &'static str,
    /// The fields, as [`markup`].
    #[prop(into)]
    fields: Signal<String>,
    /// The fields' input ids and the problem's name of each.
    fields_named: Vec<(&'static str, &'static str)>,
    submission: Submission,
    /// Set by `on_submit` once the form is saved (or had nothing to save).
    saved: RwSignal<bool>,
    /// The button's text; `None`: the user reads the form only.
    button: Option<Signal<&'static str>>,
    on_submit: Callback<()>,
    /// A line under the heading.
    #[prop(optional, into)]
    lead: Option<Signal<String>>,
    /// A badge beside the heading (`{testid}-badge`).
    #[prop(optional, into)]
    badge: Option<Signal<&'static str>>,
    /// More controls after the button (for who may save the form).
    #[prop(optional)]
    children: Option<Children>,
) -> impl IntoView {
    let Submission { pending, problem, .. } = submission;
    let named = StoredValue::new(fields_named);
    // Each field's error span and `aria-invalid`, from the problem.
    Effect::new(move |_| {
        problem.with(|p| {
            named.with_value(|named| {
                for (id, key) in named {
                    let message = p.as_ref().and_then(|p| p.field(key));
                    if let Some(span) = element(&format!("{id}-error")) {
                        span.set_text_content(message.as_deref());
                        let _ = span.toggle_attribute_with_force("hidden", message.is_none());
                    }
                    if let Some(input) = element(id) {
                        let _ = match message {
                            Some(_) => input.set_attribute("aria-invalid", "true"),
                            None => input.remove_attribute("aria-invalid"),
                        };
                    }
                }
            })
        })
    });
    let form_error = move || {
        problem
            .get()
            .filter(|p| !named.with_value(|n| n.iter().any(|(_, key)| p.field(key).is_some())))
            .map(|p| view! { <p class="form-error" role="alert" data-testid="form-error">{p.message()}</p> })
    };
    view! {
        <form
            class="card"
            data-testid=testid
            novalidate
            on:submit=move |ev| {
                ev.prevent_default();
                if !pending.get_untracked() {
                    saved.set(false);
                    on_submit.run(())
                }
            }
            on:input=move |_| {
                problem.set(None);
                saved.set(false)
            }
        >
            <h2>
                {heading}
                {badge
                    .map(|b| {
                        view! {
                            " "
                            <span class="badge" data-testid=format!("{testid}-badge")>
                                {b}
                            </span>
                        }
                    })}
            </h2>
            {lead.map(|lead| view! { <p class="muted" data-testid=format!("{testid}-lead")>{lead}</p> })}
            <div class="fields" inner_html=fields></div>
            {form_error}
            {button
                .map(|text| {
                    view! {
                        <button
                            type="submit"
                            class="primary"
                            disabled=move || pending.get()
                            data-testid=format!("{testid}-save")
                        >
                            {text}
                        </button>
                        <span role="status" class="ok" data-testid=format!("{testid}-status")>
                            {move || match (pending.get(), saved.get()) {
                                (true, _) => " Saving…",
                                (false, true) => " Saved.",
                                (false, false) => "",
                            }}
                        </span>
                    }
                })}
            {children.map(|c| c())}
        </form>
    }
}

/// The value of the form control `id` (input, select, textarea) as the user left it.
pub fn value_of(id: &str) -> String {
    element(id)
        .and_then(|e| js_sys::Reflect::get(&e, &"value".into()).ok())
        .and_then(|v| v.as_string())
        .unwrap_or_default()
}

/// Whether the checkbox `id` is checked.
pub fn checked(id: &str) -> bool {
    element(id).and_then(|e| js_sys::Reflect::get(&e, &"checked".into()).ok()).is_some_and(|v| v.is_truthy())
}

/// Empties the form control `id` (a secret once sent).
pub fn clear(id: &str) {
    if let Some(e) = element(id) {
        let _ = js_sys::Reflect::set(&e, &"value".into(), &"".into());
    }
}

fn element(id: &str) -> Option<web_sys::Element> {
    web_sys::window()?.document()?.get_element_by_id(id)
}
