//! The secret of a key just created, shown this once: DebtFlow keeps only its hash.
//! A copy button, how to send it, and a warning that it will not be shown again; the
//! panel goes when dismissed, and the secret with it.

use crate::api::api_keys::CreatedApiKey;
use leptos::{html, prelude::*};
use wasm_bindgen_futures::JsFuture;

/// What the copy button last did.
#[derive(Clone, Copy, PartialEq)]
enum Copied {
    Not,
    Yes,
    Failed,
}

#[component]
pub fn SecretPanel(created: CreatedApiKey, #[prop(into)] on_close: Callback<()>) -> impl IntoView {
    let CreatedApiKey { key, secret } = created;
    let copied = RwSignal::new(Copied::Not);
    let to_copy = secret.clone();
    let copy = move |_| {
        let Some(window) = web_sys::window() else { return };
        let promise = window.navigator().clipboard().write_text(&to_copy);
        leptos::task::spawn_local(async move {
            let done = if JsFuture::from(promise).await.is_ok() { Copied::Yes } else { Copied::Failed };
            let _ = copied.try_set(done);
        });
    };
    // The form that made the key is gone: the keyboard's focus comes here.
    let heading = NodeRef::<html::H3>::new();
    Effect::new(move |_| {
        if let Some(h) = heading.get() {
            let _ = h.focus();
        }
    });
    view! {
        <section class="card one-time-secret" aria-labelledby="secret-heading" data-testid="api-key-secret-panel">
            <h3 id="secret-heading" tabindex="-1" node_ref=heading>
                {format!("The secret of “{}”", key.name)}
            </h3>
            <p class="warning">
                <strong>"Copy it now: it will not be shown again."</strong>
                " DebtFlow keeps only a fingerprint of it. Store it where the outside system keeps its secrets; if it \
                 is lost, revoke the key and create another."
            </p>
            <p class="secret">
                <code data-testid="api-key-secret">{secret}</code>
                <button type="button" data-testid="copy-secret" on:click=copy>
                    {move || match copied.get() {
                        Copied::Not => "Copy",
                        Copied::Yes => "Copied",
                        Copied::Failed => "Copy failed: select it and copy",
                    }}
                </button>
            </p>
            <p class="muted">
                "The system sends it in each request as " <code>"Authorization: Bearer <secret>"</code> "."
            </p>
            <button type="button" class="primary" data-testid="secret-done" on:click=move |_| on_close.run(())>
                "I have stored it"
            </button>
        </section>
    }
}
