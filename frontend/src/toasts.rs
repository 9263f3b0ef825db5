//! Toasts: each notification that arrives while the user works shows for a few
//! seconds in a corner (`role="status"`, so screen readers say it without moving the
//! focus), with a close button; clicking it opens what it is about and marks it read.

use crate::{
    api::{self, notifications::Notification},
    live::use_live,
};
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use std::time::Duration;

/// How long a toast stays.
const SHOWN_FOR: Duration = Duration::from_secs(8);

#[component]
pub fn Toasts() -> impl IntoView {
    let live = use_live();
    view! {
        <div class="toasts" role="status" aria-live="polite" data-testid="toasts">
            <For each=move || live.toasts.get() key=|n| n.id children=|n| view! { <Toast n=n /> } />
        </div>
    }
}

#[component]
fn Toast(n: Notification) -> impl IntoView {
    let live = use_live();
    let navigate = use_navigate();
    let id = n.id;
    let timer = set_timeout_with_handle(move || live.dismiss(id), SHOWN_FOR).ok();
    on_cleanup(move || {
        if let Some(t) = timer {
            t.clear();
        }
    });
    let open = {
        let n = n.clone();
        move |_| {
            live.dismiss(n.id);
            let n = n.clone();
            let navigate = navigate.clone();
            leptos::task::spawn_local(async move {
                if api::notifications::mark_read(n.id).await.is_ok() {
                    live.refresh_count();
                }
            });
            if let Some(link) = n.link.as_deref() {
                navigate(link, Default::default());
            }
        }
    };
    view! {
        <div class="toast" data-testid="toast">
            <button class="toast-open" on:click=open>
                <strong>{n.title.clone()}</strong>
                <span>{n.body.clone()}</span>
            </button>
            <button class="toast-close" aria-label="Close" title="Close" on:click=move |_| live.dismiss(id)>
                "×"
            </button>
        </div>
    }
}
