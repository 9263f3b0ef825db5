//! `/password`: change your own password. A user who signed in with a temporary
//! password an admin gave them is sent here first and can go nowhere else until it is
//! changed; anyone else comes here from their name in the top bar.

use crate::{
    api::{self, Problem},
    components::{invalid, FieldError, FormError, PageHeading},
    pages::login::next_path,
    session::use_session,
    submit::Submission,
};
use debtflow_domain::staff::{check_password, PASSWORD_POLICY};
use leptos::{ev::SubmitEvent, prelude::*};
use leptos_router::{
    hooks::{use_navigate, use_query_map},
    NavigateOptions,
};

/// What the form refuses before sending: the server's own policy, a repeat that
/// differs, the same password again.
pub fn check(current: &str, new: &str, repeat: &str) -> Result<(), Problem> {
    if current.is_empty() {
        return Err(Problem::invalid("current_password", "Type your current password."));
    }
    check_password(new).map_err(|m| Problem::invalid("new_password", format!("The new password {m}.")))?;
    if new != repeat {
        return Err(Problem::invalid("repeat", "The two new passwords differ."));
    }
    if new == current {
        return Err(Problem::invalid("new_password", "Choose a password other than the current one."));
    }
    Ok(())
}

#[component]
pub fn PasswordPage() -> impl IntoView {
    let session = use_session();
    let navigate = use_navigate();
    let query = use_query_map();
    let forced = session.user.with_untracked(|u| u.as_ref().is_some_and(|u| u.password_change_required));
    let (current, new, repeat) =
        (RwSignal::new(String::new()), RwSignal::new(String::new()), RwSignal::new(String::new()));
    let submission = Submission::new();
    let Submission { pending, problem, .. } = submission;
    let done = RwSignal::new(false);

    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let (c, n) = (current.get_untracked(), new.get_untracked());
        if let Err(p) = check(&c, &n, &repeat.get_untracked()) {
            return submission.refuse(p);
        }
        let navigate = navigate.clone();
        submission.run(
            move |_| async move { api::change_password(&c, &n).await },
            move |me| {
                session.start(me);
                if forced {
                    let next = next_path(query.with_untracked(|q| q.get("next")));
                    navigate(&next, NavigateOptions { replace: true, ..Default::default() });
                } else {
                    done.set(true);
                    for field in [current, new, repeat] {
                        field.set(String::new());
                    }
                }
            },
        );
    };

    let field =
        move |id: &'static str, name: &'static str, label: &'static str, value: RwSignal<String>, autocomplete| {
            view! {
                <label for=id>{label}</label>
                <input
                    id=id
                    type="password"
                    autocomplete=autocomplete
                    required
                    prop:value=value
                    on:input=move |ev| value.set(event_target_value(&ev))
                    aria-invalid=invalid(problem, name)
                    aria-describedby=format!("{id}-error")
                />
                <FieldError problem=problem field=name input=id />
            }
        };
    view! {
        <section class="password-page card">
            <PageHeading text=if forced { "Choose your password" } else { "Change your password" } />
            {forced.then(|| view! {
                <p data-testid="password-forced">
                    "You signed in with a temporary password from your agency admin. Choose your own to carry on."
                </p>
            })}
            <form on:submit=submit data-testid="password-form" novalidate>
                {field(
                    "current-password",
                    "current_password",
                    if forced { "Temporary password" } else { "Current password" },
                    current,
                    "current-password",
                )}
                {field("new-password", "new_password", "New password", new, "new-password")}
                <p class="hint" id="password-policy">{format!("Your new password: {PASSWORD_POLICY}.")}</p>
                {field("repeat-password", "repeat", "New password again", repeat, "new-password")}
                <FormError problem=problem />
                <button type="submit" class="primary" disabled=move || pending.get()>
                    {move || if pending.get() { "Saving…" } else { "Save the new password" }}
                </button>
            </form>
            <Show when=move || done.get()>
                <p class="success" role="status" data-testid="password-changed">
                    "Your password was changed. Your other sessions were signed out."
                </p>
            </Show>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_form_refuses_what_the_server_would() {
        let field = |c, n, r| check(c, n, r).unwrap_err().errors.unwrap().into_keys().next().unwrap();
        assert_eq!(field("", "a new passphrase", "a new passphrase"), "current_password");
        assert_eq!(field("old", "short", "short"), "new_password");
        assert_eq!(field("old", "a new passphrase", "a new passphrase!"), "repeat");
        assert_eq!(field("a new passphrase", "a new passphrase", "a new passphrase"), "new_password");
        assert!(check("old", "a new passphrase", "a new passphrase").is_ok());
    }
}
