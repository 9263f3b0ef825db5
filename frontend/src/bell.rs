//! The bell in the top bar: the unread count (a badge, said in words to screen
//! readers), updated live from [`crate::live`]; it opens a panel of the newest
//! notifications — opening one marks it read and follows its link — with "Mark all
//! read" and a way to the notification page.

use crate::{
    api::{self, notifications::Notification},
    components::{Fetch, Loaded},
    format,
    live::use_live,
};
use leptos::{either::Either, ev::KeyboardEvent, prelude::*};
use leptos_router::{components::A, hooks::use_navigate};

/// Notifications the panel shows.
const PANEL_SIZE: u32 = 8;

/// The badge's text: the count, `99+` past 99, nothing at zero or unknown.
pub fn badge(count: Option<i64>) -> Option<String> {
    match count {
        Some(n) if n > 99 => Some("99+".into()),
        Some(n) if n > 0 => Some(n.to_string()),
        _ => None,
    }
}

/// The bell's name for screen readers: "Notifications, 3 unread".
pub fn bell_label(count: Option<i64>) -> String {
    match count {
        Some(0) => "Notifications, none unread".into(),
        Some(1) => "Notifications, 1 unread".into(),
        Some(n) => format!("Notifications, {n} unread"),
        None => "Notifications".into(),
    }
}

#[component]
pub fn Bell() -> impl IntoView {
    let live = use_live();
    let open = RwSignal::new(false);
    let button = NodeRef::<leptos::html::Button>::new();
    let close = move || {
        open.set(false);
        if let Some(b) = button.get_untracked() {
            let _ = b.focus();
        }
    };
    let on_key = move |ev: KeyboardEvent| {
        if ev.key() == "Escape" && open.get_untracked() {
            close();
        }
    };
    view! {
        <div class="bell" on:keydown=on_key>
            <button
                node_ref=button
                class="bell-button"
                data-testid="bell"
                aria-expanded=move || open.get().to_string()
                aria-controls="notification-panel"
                on:click=move |_| open.update(|o| *o = !*o)
            >
                <svg aria-hidden="true" viewBox="0 0 24 24" width="20" height="20">
                    <path
                        fill="currentColor"
                        d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22zm7-6V11a7 7 0 0 0-5.5-6.84V3.5a1.5 1.5 0 0 0-3 0v.66A7 7 0 0 0 5 11v5l-2 2v1h18v-1z"
                    />
                </svg>
                <span class="sr-only" data-testid="bell-label">{move || bell_label(live.unread.get())}</span>
                {move || {
                    badge(live.unread.get())
                        .map(|b| view! { <span class="bell-count" aria-hidden="true" data-testid="unread-count">{b}</span> })
                }}
            </button>
            <Show when=move || open.get()>
                <Panel close=Callback::new(move |()| close()) />
            </Show>
        </div>
    }
}

/// The newest notifications, reloaded when one arrives.
#[component]
fn Panel(close: Callback<()>) -> impl IntoView {
    let live = use_live();
    let navigate = use_navigate();
    // Read again as each notification arrives.
    let list = Fetch::new(move || {
        live.received.track();
        api::notifications::list(false, PANEL_SIZE, "")
    });
    // The unread count each answer brings.
    Effect::new(move |_| {
        if let Some(n) = list.state.with(|s| s.as_ref().and_then(|r| r.as_ref().ok()).map(|page| page.unread_count)) {
            live.set_count(n);
        }
    });
    let problem = RwSignal::new(None::<api::Problem>);
    let read_all = move |_| {
        leptos::task::spawn_local(async move {
            match api::notifications::mark_all_read().await {
                Ok(n) => {
                    live.set_count(n);
                    list.again();
                }
                Err(p) => {
                    let _ = problem.try_set(Some(p));
                }
            }
        });
    };
    let open_item = move |n: Notification| {
        let navigate = navigate.clone();
        leptos::task::spawn_local(async move {
            if n.is_unread() && api::notifications::mark_read(n.id).await.is_ok() {
                live.refresh_count();
            }
            close.run(());
            if let Some(link) = n.link {
                navigate(&link, Default::default());
            }
        });
    };
    view! {
        <section id="notification-panel" class="notification-panel card" aria-label="Newest notifications" data-testid="notification-panel">
            <div class="panel-head">
                <h2>"Notifications"</h2>
                <button class="link" on:click=read_all data-testid="read-all">"Mark all read"</button>
            </div>
            {move || problem.get().map(|p| view! { <p class="form-error" role="alert">{p.message()}</p> })}
            <Loaded state=list.state retry=move |()| list.again() let:page>
                // A hint, not the pages' "empty" line.
                {if page.items.is_empty() {
                    Either::Left(view! { <p class="empty">"Nothing yet: new notifications show here."</p> })
                } else {
                    let open_item = open_item.clone();
                    Either::Right(view! {
                        <ul class="notification-list">
                            {page
                                .items
                                .into_iter()
                                .map(|n| {
                                    let open_item = open_item.clone();
                                    let unread = n.is_unread();
                                    let item = n.clone();
                                    view! {
                                        <li class:unread=unread data-testid="panel-item">
                                            <button class="notification-open" on:click=move |_| open_item(item.clone())>
                                                <NotificationText n=n />
                                            </button>
                                        </li>
                                    }
                                })
                                .collect_view()}
                        </ul>
                    })
                }}
            </Loaded>
            <A href="/notifications" on:click=move |_| close.run(()) attr:data-testid="all-notifications">
                "All notifications and preferences"
            </A>
        </section>
    }
}

/// A notification's title, body and time; "Unread" said in words, not by colour alone.
#[component]
pub fn NotificationText(n: Notification) -> impl IntoView {
    let unread = n.is_unread();
    view! {
        <span class="notification-text">
            <strong class="title">
                {unread.then(|| view! { <span class="unread-dot" aria-hidden="true"></span> <span class="sr-only">"Unread: "</span> })}
                {n.title}
            </strong>
            <span class="body">{n.body}</span>
            <time class="muted" datetime=format::iso(&n.created_at)>{format::datetime(&n.created_at)}</time>
        </span>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_badge_counts_and_says_how_many_in_words() {
        assert_eq!(badge(None), None);
        assert_eq!(badge(Some(0)), None, "no badge when all is read");
        assert_eq!(badge(Some(7)).as_deref(), Some("7"));
        assert_eq!(badge(Some(120)).as_deref(), Some("99+"));
        assert_eq!(bell_label(Some(7)), "Notifications, 7 unread");
        assert_eq!(bell_label(Some(1)), "Notifications, 1 unread");
        assert_eq!(bell_label(Some(0)), "Notifications, none unread");
    }
}
