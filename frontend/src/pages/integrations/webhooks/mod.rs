//! The webhooks section: the agency's endpoints (URL, event types, active or not, when
//! registered), a form for a new one and for changing one, the signing secret shown
//! once — after registering, and after a rotation, when the former secret keeps
//! signing for 24 hours —, removal after a confirmation naming the URL, and each
//! endpoint's deliveries ([`deliveries`]), opened under the list.
//!
//! A secret lives only in this section's memory, from the answer that made it until
//! the panel showing it is dismissed (or the page left): never in storage.

mod deliveries;
mod events;
mod form;
mod table;

use super::secret::SecretPanel;
use crate::{
    api::{self, webhooks::WebhookEndpoint, Problem},
    components::{Fetch, FormError, Loaded},
    format,
};
use leptos::prelude::*;
use table::Action;

/// A secret to show once, with the endpoint it signs for.
#[derive(Clone)]
struct OneTime {
    endpoint: WebhookEndpoint,
    secret: String,
    /// Made by a rotation (the former one still signs), not a registration.
    rotated: bool,
}

/// What the form above the list is doing.
#[derive(Clone, PartialEq)]
enum Editing {
    None,
    New,
    Change(WebhookEndpoint),
}

#[component]
pub fn Webhooks() -> impl IntoView {
    let list = Fetch::new(api::webhooks::list);
    let editing = RwSignal::new(Editing::None);
    let secret = RwSignal::new(None::<OneTime>);
    // The endpoint whose deliveries are shown.
    let open = RwSignal::new(None::<WebhookEndpoint>);
    // A refused rotation or removal, said above the list.
    let problem = RwSignal::new(None::<Problem>);
    let show_secret = move |endpoint: WebhookEndpoint, rotated: bool| {
        if let Some(s) = endpoint.secret.clone() {
            secret.set(Some(OneTime { endpoint, secret: s, rotated }));
        }
    };
    let on_saved = move |endpoint: WebhookEndpoint| {
        let new = editing.get_untracked() == Editing::New;
        editing.set(Editing::None);
        if new {
            show_secret(endpoint, false);
        } else if open.with_untracked(|o| o.as_ref().is_some_and(|o| o.id == endpoint.id)) {
            // Its deliveries, under its new URL.
            open.set(Some(endpoint));
        }
        list.again();
    };
    let on_action = move |action: Action| match action {
        Action::Deliveries(e) => {
            let same = open.with_untracked(|o| o.as_ref().is_some_and(|o| o.id == e.id));
            open.set((!same).then_some(e));
        }
        Action::Edit(e) => editing.set(Editing::Change(e)),
        Action::Rotated(e) => {
            show_secret(e, true);
            list.again();
        }
        Action::Deleted(id) => {
            if open.with_untracked(|o| o.as_ref().is_some_and(|o| o.id == id)) {
                open.set(None);
            }
            list.again();
        }
    };
    let open_id = Signal::derive(move || open.with(|o| o.as_ref().map(|o| o.id)));
    view! {
        <section class="webhooks" aria-labelledby="webhooks-heading" data-testid="webhooks">
            <div class="section-head">
                <h2 id="webhooks-heading">"Webhooks"</h2>
                // Not while a secret waits to be copied: a second one would hide it.
                <Show when=move || editing.with(|e| *e == Editing::None) && secret.with(|s| s.is_none())>
                    <button class="primary" data-testid="new-webhook" on:click=move |_| editing.set(Editing::New)>
                        "New endpoint"
                    </button>
                </Show>
            </div>
            <p class="muted lead">
                "DebtFlow POSTs the agency's events to these endpoints as they happen, signed with each endpoint's \
                 secret (the DebtFlow-Signature header), and retries a failed delivery for a day."
            </p>
            {move || secret.get().map(|one| view! { <OneTimeSecret one=one on_close=move |_| secret.set(None) /> })}
            {move || {
                let form = match editing.get() {
                    Editing::None => return None,
                    Editing::New => None,
                    Editing::Change(e) => Some(e),
                };
                Some(
                    view! {
                        <form::EndpointForm
                            editing=form
                            on_saved=on_saved
                            on_cancel=move |_| editing.set(Editing::None)
                        />
                    },
                )
            }}
            <FormError problem=problem />
            <Loaded
                state=list.state
                retry=move |()| list.again()
                empty={|endpoints: &Vec<WebhookEndpoint>| {
                    endpoints.is_empty().then_some("No endpoint yet: the agency's events are sent nowhere.")
                }}
                let:endpoints
            >
                <table::EndpointTable endpoints=endpoints on_action=on_action problem=problem open=open_id />
            </Loaded>
            {move || {
                open.get()
                    .map(|e| {
                        // Another endpoint: its own view, read afresh.
                        view! { <deliveries::Deliveries endpoint=e on_close=move |_| open.set(None) /> }
                    })
            }}
        </section>
    }
}

#[component]
fn OneTimeSecret(one: OneTime, #[prop(into)] on_close: Callback<()>) -> impl IntoView {
    let OneTime { endpoint, secret, rotated } = one;
    let title = if rotated {
        format!("The new secret of {}", endpoint.url)
    } else {
        format!("The signing secret of {}", endpoint.url)
    };
    let former = endpoint.previous_secret_expires_at.filter(|_| rotated).map(|until| {
        view! {
            <p class="former" data-testid="former-secret-note">
                "The former secret keeps signing too, as a second " <code>"v1"</code> " in each signature, until "
                <time datetime=format::iso(&until)>{format::local_datetime(&until)}</time>
                " (24 hours): give the receiver the new one before then."
            </p>
        }
    });
    view! {
        <SecretPanel
            title=title
            secret=secret
            testid="webhook-secret"
            keeps="DebtFlow keeps it encrypted, to sign what it sends. Store it where the receiver keeps its \
                   secrets; if it is lost, rotate it."
            on_close=on_close
        >
            {former}
            <p class="muted">
                "The receiver checks each request's " <code>"DebtFlow-Signature: t=…,v1=…"</code>
                ": the HMAC-SHA256 of " <code>"<t>.<body>"</code> " keyed with this secret."
            </p>
        </SecretPanel>
    }
}
