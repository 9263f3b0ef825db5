//! DebtFlow's single-page app (Leptos, client-side rendered): login, the managers'
//! dashboard, the worklist, the account page with its actions, approvals, the live
//! notification centre, imports, the agency's staff, one's own password, the audit
//! viewer, the job runs and the settings.

mod api;
mod bell;
mod chart;
mod components;
mod format;
mod live;
mod markup;
mod pages;
mod session;
mod submit;
mod toasts;

use components::NotFound;
use debtflow_domain::permission::Operation;
use leptos::prelude::*;
use leptos_router::{
    components::{Route, Router, Routes, A},
    hooks::{use_location, use_navigate},
    path, NavigateOptions,
};
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
                <Routes fallback=|| view! { <NotFound what="page" /> }>
                    <Route path=path!("/login") view=pages::login::LoginPage />
                    <Route path=path!("/") view=|| view! { <Protected><Home /></Protected> } />
                    <Route
                        path=path!("/dashboard")
                        view=|| view! { <Protected><pages::dashboard::DashboardPage /></Protected> }
                    />
                    <Route
                        path=path!("/accounts")
                        view=|| view! { <Protected><pages::worklist::WorklistPage /></Protected> }
                    />
                    <Route
                        path=path!("/accounts/new")
                        view=|| view! { <Protected><pages::new_account::NewAccountPage /></Protected> }
                    />
                    <Route
                        path=path!("/accounts/:id")
                        view=|| view! { <Protected><pages::account::AccountPage /></Protected> }
                    />
                    <Route
                        path=path!("/approvals")
                        view=|| view! { <Protected><pages::approvals::ApprovalsPage /></Protected> }
                    />
                    <Route
                        path=path!("/notifications")
                        view=|| view! { <Protected><pages::notifications::NotificationsPage /></Protected> }
                    />
                    <Route
                        path=path!("/notifications/preferences")
                        view=|| view! { <Protected><pages::notifications::PreferencesPage /></Protected> }
                    />
                    <Route path=path!("/imports") view=|| view! { <Protected><pages::imports::ImportsPage /></Protected> } />
                    <Route path=path!("/staff") view=|| view! { <Protected><pages::staff::StaffPage /></Protected> } />
                    <Route
                        path=path!("/password")
                        view=|| view! { <Protected><pages::password::PasswordPage /></Protected> }
                    />
                    <Route path=path!("/audit") view=|| view! { <Protected><pages::audit::AuditPage /></Protected> } />
                    <Route path=path!("/jobs") view=|| view! { <Protected><pages::jobs::JobsPage /></Protected> } />
                    <Route
                        path=path!("/settings")
                        view=|| view! { <Protected><pages::settings::SettingsPage /></Protected> }
                    />
                </Routes>
            </main>
            <toasts::Toasts />
            <pages::login::SessionDialog />
        </Router>
    }
}

/// `/`: the dashboard for those who oversee the agency's collectors, the worklist for
/// everyone else.
#[component]
fn Home() -> impl IntoView {
    if pages::dashboard::oversees(use_session()) {
        view! { <pages::dashboard::DashboardPage /> }.into_any()
    } else {
        view! { <pages::worklist::WorklistPage /> }.into_any()
    }
}

/// The page only for a signed-in user; anyone else goes to login, and back here after.
#[component]
fn Protected(children: ChildrenFn) -> impl IntoView {
    let session = use_session();
    let navigate = use_navigate();
    let location = use_location();
    Effect::new(move |_| {
        let here = || {
            let search = location.search.get_untracked();
            match search.as_str() {
                "" => location.pathname.get_untracked(),
                s if s.starts_with('?') => format!("{}{s}", location.pathname.get_untracked()),
                s => format!("{}?{s}", location.pathname.get_untracked()),
            }
        };
        let replace = NavigateOptions { replace: true, ..Default::default() };
        if session.checked.get() && session.user.with(|u| u.is_none()) {
            navigate(&format!("/login?next={}", api::enc(&here())), replace);
        } else if session.must_change_password() && location.pathname.get() != "/password" {
            // A temporary password opens nothing else (the API answers 403 elsewhere).
            navigate(&format!("/password?next={}", api::enc(&here())), replace);
        }
    });
    view! {
        <Show
            when=move || {
                session.user.with(|u| u.is_some())
                    && (!session.must_change_password() || location.pathname.get() == "/password")
            }
            fallback=|| view! { <p class="loading" role="status">"Loading…"</p> }
        >
            {children()}
        </Show>
    }
}

#[component]
fn Nav() -> impl IntoView {
    let session = use_session();
    let navigate = use_navigate();
    let logout = move |_| {
        let navigate = navigate.clone();
        leptos::task::spawn_local(async move {
            api::logout().await;
            navigate("/login", Default::default());
            session.user.set(None);
            session.lost.set(false);
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
                </nav>
                <bell::Bell />
                <A href="/password" attr:class="who" attr:data-testid="who" attr:title="Change your password">
                    {move || {
                        session.user.with(|u| u.as_ref().map(|u| format!("{} ({})", u.full_name, format::label(u.role.as_str()))))
                    }}
                </A>
            </Show>
            <Show when=move || session.user.with(|u| u.is_some())>
                <button class="link logout" on:click=logout.clone() data-testid="logout">"Log out"</button>
            </Show>
        </header>
    }
}

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(App);
}
