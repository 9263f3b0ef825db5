//! The SPA's route table, split by route. `/login` is in the main module, the one a
//! first visit downloads; every other page is a lazy route whose code is split off the
//! wasm after linking (`wasm-split-cli`, scripts/build-spa.sh) and fetched the first
//! time the user goes there (code shared by several pages lands in shared chunks).
//! The page being left stays on screen while the next one's code arrives. `/` shows
//! the dashboard's or the worklist's split, whichever the user's role lands on.
//!
//! A new page: a `lazy_page!(name, pages::name::NamePage)` line below and its `<Route>`
//! with `view={Lazy::<name::Route>::new()}`. Mounting its component directly instead
//! would put its code back into the module every first visit downloads.
//!
//! A page whose code cannot be fetched — the network is down, or a deploy removed the
//! files this tab was started with — says so and offers a reload, instead of a dead
//! page: the splits are declared `fallible` (Leptos's own `#[lazy_route]` panics on a
//! failed load, which stops the whole app). A failed load is not remembered, so coming
//! back to the page tries again.

use crate::{
    api,
    components::{NotFound, PageHeading},
    pages,
    session::use_session,
};
use leptos::prelude::*;
use leptos_router::{
    components::{Route, Routes},
    hooks::{use_location, use_navigate},
    path, Lazy, LazyRoute, NavigateOptions,
};

#[component]
pub fn AppRoutes() -> impl IntoView {
    view! {
        <Routes fallback=|| view! { <NotFound what="page" /> }>
            <Route path=path!("/login") view=pages::login::LoginPage />
            <Route path=path!("/") view=|| view! { <Protected><Home /></Protected> } />
            <Route path=path!("/dashboard") view={Lazy::<dashboard::Route>::new()} />
            <Route path=path!("/accounts") view={Lazy::<worklist::Route>::new()} />
            <Route path=path!("/accounts/new") view={Lazy::<new_account::Route>::new()} />
            <Route path=path!("/accounts/:id") view={Lazy::<account::Route>::new()} />
            <Route path=path!("/payments") view={Lazy::<payments::Route>::new()} />
            <Route path=path!("/approvals") view={Lazy::<approvals::Route>::new()} />
            <Route path=path!("/notifications") view={Lazy::<notifications::Route>::new()} />
            <Route path=path!("/notifications/preferences") view={Lazy::<preferences::Route>::new()} />
            <Route path=path!("/imports") view={Lazy::<imports::Route>::new()} />
            <Route path=path!("/staff") view={Lazy::<staff::Route>::new()} />
            <Route path=path!("/password") view={Lazy::<password::Route>::new()} />
            <Route path=path!("/audit") view={Lazy::<audit::Route>::new()} />
            <Route path=path!("/jobs") view={Lazy::<jobs::Route>::new()} />
            <Route path=path!("/settings") view={Lazy::<settings::Route>::new()} />
            <Route path=path!("/integrations") view={Lazy::<integrations::Route>::new()} />
        </Routes>
    }
}

/// `mod $split { Route, page }`: the route of a signed-in user's page, and the page's
/// constructor, its code in the split module `$split`.
macro_rules! lazy_page {
    ($split:ident, $page:path) => {
        mod $split {
            use super::*;

            pub struct Route;

            impl LazyRoute for Route {
                fn data() -> Self {
                    Route
                }

                async fn view(_: Self) -> AnyView {
                    match page().await {
                        Ok(page) => view! { <Protected>{page()}</Protected> }.into_any(),
                        Err(ChunkMissing) => view! { <ChunkFailed /> }.into_any(),
                    }
                }

                /// Fetched before the navigation completes; a failure is told by
                /// `view`, which tries once more.
                async fn preload() {
                    let _ = load().await;
                }
            }

            #[::leptos::wasm_split::wasm_split($split, wasm_split_path = ::leptos::wasm_split, fallible, preload(load))]
            pub fn page() -> Result<fn() -> AnyView, ChunkMissing> {
                Ok(|| $page().into_any())
            }
        }
    };
}

lazy_page!(dashboard, pages::dashboard::DashboardPage);
lazy_page!(worklist, pages::worklist::WorklistPage);
lazy_page!(account, pages::account::AccountPage);
lazy_page!(approvals, pages::approvals::ApprovalsPage);
lazy_page!(payments, pages::payments::PaymentsPage);
lazy_page!(notifications, pages::notifications::NotificationsPage);
lazy_page!(preferences, pages::notifications::PreferencesPage);
lazy_page!(imports, pages::imports::ImportsPage);
lazy_page!(staff, pages::staff::StaffPage);
lazy_page!(password, pages::password::PasswordPage);
lazy_page!(new_account, pages::new_account::NewAccountPage);
lazy_page!(audit, pages::audit::AuditPage);
lazy_page!(jobs, pages::jobs::JobsPage);
lazy_page!(settings, pages::settings::SettingsPage);
lazy_page!(integrations, pages::integrations::IntegrationsPage);

/// A split module that could not be fetched (the loader logs why in the console).
struct ChunkMissing;

impl From<leptos::wasm_split::SplitLoaderError> for ChunkMissing {
    fn from(_: leptos::wasm_split::SplitLoaderError) -> Self {
        ChunkMissing
    }
}

/// In place of a page whose code could not be fetched.
#[component]
fn ChunkFailed() -> impl IntoView {
    let reload = |_| {
        if let Some(w) = web_sys::window() {
            let _ = w.location().reload();
        }
    };
    view! {
        <section class="not-found" data-testid="chunk-failed">
            <PageHeading text="This page could not be loaded" />
            <div class="error-box" role="alert">
                <p>"The connection may be down, or DebtFlow was updated since this tab was opened."</p>
                <button on:click=reload>"Reload"</button>
            </div>
        </section>
    }
}

/// `/`: the dashboard for those who oversee the agency's collectors, the worklist for
/// everyone else — the code of either split, fetched once the user is known.
#[component]
fn Home() -> impl IntoView {
    let oversees = pages::dashboard::oversees(use_session());
    Suspend::new(async move {
        let page = if oversees { dashboard::page().await } else { worklist::page().await };
        match page {
            Ok(page) => page(),
            Err(ChunkMissing) => view! { <ChunkFailed /> }.into_any(),
        }
    })
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
