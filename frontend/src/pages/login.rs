//! Login: clear errors for wrong credentials, a locked username, throttling and an
//! unreachable server; back to the page the user came from.

use crate::{api, components::PageHeading, session::use_session};
use leptos::{ev::SubmitEvent, prelude::*};
use leptos_router::{
    hooks::{use_navigate, use_query_map},
    NavigateOptions,
};

/// What to tell the user about a failed login.
pub fn login_error(p: &api::Problem) -> String {
    match p.status {
        0 => "The server cannot be reached. Check your connection and try again.".into(),
        401 => "Wrong username or password.".into(),
        423 => match p.retry_after {
            Some(s) => format!(
                "Too many failed attempts: this username is locked. Try again in {} minutes, or ask your agency \
                 admin to unlock it.",
                s.div_ceil(60)
            ),
            None => "Too many failed attempts: this username is locked for a while.".into(),
        },
        429 => match p.retry_after {
            Some(s) if s < 120 => format!("Too many failed attempts from here. Try again in {s} seconds."),
            Some(s) => format!("Too many failed attempts from here. Try again in {} minutes.", s.div_ceil(60)),
            None => "Too many attempts from this address. Wait a moment and try again.".into(),
        },
        s if s >= 500 => "The server is not available right now. Try again in a moment.".into(),
        _ => p.message(),
    }
}

/// Where to go after login: a local path only.
pub fn next_path(next: Option<String>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.starts_with("/login") => n,
        _ => "/accounts".into(),
    }
}

#[component]
pub fn LoginPage() -> impl IntoView {
    let session = use_session();
    let navigate = use_navigate();
    let query = use_query_map();
    let next = move || next_path(query.with_untracked(|q| q.get("next")));

    // Already signed in (e.g. the back button): straight on.
    let nav = navigate.clone();
    Effect::new(move |_| {
        if session.user.with(|u| u.is_some()) {
            nav(&next(), NavigateOptions { replace: true, ..Default::default() });
        }
    });

    view! {
        <section class="login card">
            <PageHeading text="Sign in to DebtFlow" />
            <CredentialsForm ids="" testid="login-form" username=String::new() on_signed_in=move |me| session.start(me) />
        </section>
    }
}

/// Over the page when the session ends under a signed-in user: sign in again and carry
/// on where you were, with what you typed. Someone else signing in gets the page
/// afresh (a reload), not the previous user's screen.
#[component]
pub fn SessionDialog() -> impl IntoView {
    let session = use_session();
    let signed_in = move |me: api::Me| {
        if session.user.with_untracked(|u| u.as_ref().is_some_and(|u| u.id == me.id)) {
            session.start(me);
        } else if let Some(w) = web_sys::window() {
            let _ = w.location().reload();
        }
    };
    view! {
        <Show when=move || session.lost.get()>
            <div class="backdrop">
                <section
                    class="card dialog"
                    role="dialog"
                    aria-modal="true"
                    aria-labelledby="session-title"
                    data-testid="session-dialog"
                >
                    <h2 id="session-title">"Your session has ended"</h2>
                    <p>"Sign in again to carry on: this page and what you typed stay as they are."</p>
                    <CredentialsForm
                        ids="session-"
                        testid="session-form"
                        username=session
                            .user
                            .with_untracked(|u| u.as_ref().map(|u| u.username.clone()).unwrap_or_default())
                        on_signed_in=signed_in
                    />
                </section>
            </div>
        </Show>
    }
}

/// Username and password, signed in through the API; a failure said in words. Fields
/// are `{ids}username` and `{ids}password`; with a `username` given, the password has
/// the focus.
#[component]
fn CredentialsForm(
    ids: &'static str,
    testid: &'static str,
    username: String,
    #[prop(into)] on_signed_in: Callback<api::Me>,
) -> impl IntoView {
    let known = !username.is_empty();
    let username = RwSignal::new(username);
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let pending = RwSignal::new(false);
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() {
            return;
        }
        pending.set(true);
        error.set(None);
        let (u, p) = (username.get_untracked(), password.get_untracked());
        leptos::task::spawn_local(async move {
            let result = api::login(u.trim(), &p).await;
            pending.set(false);
            match result {
                Ok(me) => on_signed_in.run(me),
                Err(p) => error.set(Some(login_error(&p))),
            }
        });
    };
    view! {
        <form on:submit=submit data-testid=testid>
            <label for=format!("{ids}username")>"Username"</label>
            <input
                id=format!("{ids}username")
                name="username"
                autocomplete="username"
                required
                autofocus=!known
                bind:value=username
            />
            <label for=format!("{ids}password")>"Password"</label>
            <input
                id=format!("{ids}password")
                name="password"
                type="password"
                autocomplete="current-password"
                required
                autofocus=known
                bind:value=password
            />
            {move || error.get().map(|e| view! { <p class="form-error" role="alert" data-testid="login-error">{e}</p> })}
            <button type="submit" class="primary" disabled=move || pending.get()>
                {move || if pending.get() { "Signing in…" } else { "Sign in" }}
            </button>
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::Problem;

    #[test]
    fn login_errors_are_clear() {
        let p = |status, retry_after| Problem { status, retry_after, ..Default::default() };
        assert_eq!(login_error(&p(401, None)), "Wrong username or password.");
        assert!(login_error(&p(423, Some(600))).contains("10 minutes"));
        assert!(login_error(&p(429, Some(30))).ends_with("Try again in 30 seconds."));
        assert!(login_error(&p(429, Some(480))).ends_with("Try again in 8 minutes."));
        assert!(login_error(&p(0, None)).contains("cannot be reached"));
        assert!(login_error(&p(503, None)).contains("not available"));
    }

    #[test]
    fn next_path_is_local_only() {
        assert_eq!(next_path(Some("/accounts/1?x=2".into())), "/accounts/1?x=2");
        assert_eq!(next_path(Some("//evil.example".into())), "/accounts");
        assert_eq!(next_path(Some("https://evil.example".into())), "/accounts");
        assert_eq!(next_path(Some("/login?next=/x".into())), "/accounts");
        assert_eq!(next_path(None), "/accounts");
    }
}
