//! DebtFlow's single-page app (Leptos, client-side rendered): login, the managers'
//! dashboard, the worklist, the account page with its actions, approvals, the live
//! notification centre, imports, the agency's staff, one's own password, the audit
//! viewer, the job runs, the settings and the integrations (API keys). The pages are
//! split off the main module by route (`routes.rs`): a first visit loads login only.

mod api;
mod bell;
mod chart;
mod components;
#[cfg(test)]
mod fixtures;
mod format;
mod live;
mod markup;
mod pages;
mod routes;
mod session;
mod submit;
mod toasts;

use debtflow_domain::permission::Operation;
use leptos::prelude::*;
use leptos_router::components::{Router, A};
use session::{use_session, Session};

#[component]
fn App() -> impl IntoView {
    let session = Session::new();
    provide_context(session);
    provide_context(pages::approvals::ApprovalsChanged(RwSignal::new(0)));
    api::on_session_lost(move || session.end());
    let live = live::Live::new();
    provide_context(live);
    live.follow(session);
    if api::has_session() {
        leptos::task::spawn_local(async move {
            if let Ok(me) = api::me().await {
                session.user.set(Some(me));
            }
            session.checked.set(true);
        });
    } else {
        session.checked.set(true);
    }
    view! {
        <Router>
            <Nav />
            <main id="main">
                <routes::AppRoutes />
            </main>
            <toasts::Toasts />
            <pages::login::SessionDialog />
        </Router>
    }
}

#[component]
fn Nav() -> impl IntoView {
    let session = use_session();
    // Signed out, the app starts afresh at the sign-in page (a page load, not a route
    // change): nothing of the session stays in memory, and a page whose code was still
    // arriving cannot draw itself over the sign-in page once it arrives.
    let logout = move |_| {
        leptos::task::spawn_local(async move {
            api::logout().await;
            if let Some(window) = web_sys::window() {
                let _ = window.location().replace("/login");
            }
        });
    };
    view! {
        <header class="topbar">
            <a class="skip" href="#main">"Skip to content"</a>
            <span class="brand">"DebtFlow"</span>
            <Show when=move || session.user.with(|u| u.is_some()) && !session.must_change_password()>
                <nav aria-label="Main">
                    <Show when=move || pages::dashboard::is_for(session)>
                        <A href="/dashboard">"Dashboard"</A>
                    </Show>
                    <A href="/accounts">"Worklist"</A>
                    <Show when=move || pages::approvals::is_for(session)>
                        <pages::approvals::ApprovalsLink />
                    </Show>
                    <Show when=move || pages::payments::is_for(session)>
                        <A href="/payments">"Payments"</A>
                    </Show>
                    <Show when=move || session.can(Operation::ReadImports)>
                        <A href="/imports">"Imports"</A>
                    </Show>
                    <Show when=move || session.can(Operation::ReadAuditLog)>
                        <A href="/audit">"Audit"</A>
                    </Show>
                    <Show when=move || session.can(Operation::ReadJobRuns)>
                        <A href="/jobs">"Jobs"</A>
                    </Show>
                    <Show when=move || pages::staff::is_for(session)>
                        <A href="/staff">"Staff"</A>
                    </Show>
                    <Show when=move || pages::settings::is_for(session)>
                        <A href="/settings">"Settings"</A>
                    </Show>
                    <Show when=move || pages::integrations::is_for(session)>
                        <A href="/integrations">"Integrations"</A>
                    </Show>
                </nav>
                <bell::Bell />
                <A href="/password" attr:class="who" attr:data-testid="who" attr:title="Change your password">
                    {move || {
                        session.user.with(|u| u.as_ref().map(|u| format!("{} ({})", u.full_name, format::label(u.role.as_str()))))
                    }}
                </A>
            </Show>
            <Show when=move || session.user.with(|u| u.is_some())>
                <button class="link logout" on:click=logout data-testid="logout">"Log out"</button>
            </Show>
        </header>
    }
}

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(App);
}
