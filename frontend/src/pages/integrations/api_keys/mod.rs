//! The API keys section: the agency's keys (name, prefix, scopes, when created, last
//! used and expiring, and where each stands), a form for a new one, the new key's
//! secret shown once, and revoking a key after a confirmation naming it. Revoked keys
//! stay in the list, greyed.
//!
//! The secret lives only in this section's memory, from the answer that created the key
//! until the panel showing it is dismissed (or the page left): never in storage.

mod form;
mod table;

use super::secret::SecretPanel;
use crate::{
    api::{self, api_keys::CreatedApiKey, Problem},
    components::{Fetch, FormError, Loaded},
};
use chrono::{DateTime, Utc};
use leptos::prelude::*;

#[component]
pub fn ApiKeys() -> impl IntoView {
    let list = Fetch::new(api::api_keys::list);
    let creating = RwSignal::new(false);
    let created = RwSignal::new(None::<CreatedApiKey>);
    // A refused revocation, said above the list.
    let problem = RwSignal::new(None::<Problem>);
    let on_created = move |key: CreatedApiKey| {
        creating.set(false);
        created.set(Some(key));
        list.again();
    };
    view! {
        <section class="api-keys" aria-labelledby="api-keys-heading" data-testid="api-keys">
            <div class="section-head">
                <h2 id="api-keys-heading">"API keys"</h2>
                // Not while a secret waits to be copied: a second key would hide it.
                <Show when=move || !creating.get() && created.with(|c| c.is_none())>
                    <button class="primary" data-testid="new-api-key" on:click=move |_| creating.set(true)>
                        "New API key"
                    </button>
                </Show>
            </div>
            {move || {
                created.get().map(|CreatedApiKey { key, secret }| {
                    view! {
                        <SecretPanel
                            title=format!("The secret of “{}”", key.name)
                            secret=secret
                            testid="api-key-secret"
                            keeps="DebtFlow keeps only a fingerprint of it. Store it where the outside system keeps its \
                                   secrets; if it is lost, revoke the key and create another."
                            on_close=move |_| created.set(None)
                        >
                            <p class="muted">
                                "The system sends it in each request as " <code>"Authorization: Bearer <secret>"</code> "."
                            </p>
                        </SecretPanel>
                    }
                })
            }}
            <Show when=move || creating.get()>
                <form::NewKeyForm on_created=on_created on_cancel=move |_| creating.set(false) />
            </Show>
            <FormError problem=problem />
            <Loaded
                state=list.state
                retry=move |()| list.again()
                empty={|keys: &Vec<api::api_keys::ApiKey>| {
                    keys.is_empty().then_some("No API key yet: outside systems cannot call the API in the agency's name.")
                }}
                let:keys
            >
                <table::KeyTable keys=keys now=now() on_revoked=move |_| list.again() problem=problem />
            </Loaded>
        </section>
    }
}

/// Now, by the browser's clock (chrono has no clock in this build).
fn now() -> DateTime<Utc> {
    DateTime::from_timestamp_millis(js_sys::Date::now() as i64).unwrap_or_default()
}
