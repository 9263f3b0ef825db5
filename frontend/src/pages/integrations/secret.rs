//! A secret shown this once — an API key's, a webhook endpoint's signing secret — in a
//! panel with a copy button and a warning that it will not be shown again. The panel
//! goes when dismissed, and the secret with it: it is held only by the section that
//! showed it, never in storage.

use leptos::{html, prelude::*};
use wasm_bindgen_futures::JsFuture;

/// What the copy button last did.
#[derive(Clone, Copy, PartialEq)]
enum Copied {
    Not,
    Yes,
    Failed,
}

/// `testid` names the secret's `<code>`; the panel is `{testid}-panel`. `keeps` follows
/// the warning: what DebtFlow keeps of the secret and what to do if it is lost;
/// `children` say how the secret is used.
#[component]
pub fn SecretPanel(
    #[prop(into)] title: String,
    secret: String,
    testid: &'static str,
    keeps: &'static str,
    #[prop(into)] on_close: Callback<()>,
    children: Children,
) -> impl IntoView {
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
    // The form that made the secret is gone: the keyboard's focus comes here.
    let heading = NodeRef::<html::H3>::new();
    Effect::new(move |_| {
        if let Some(h) = heading.get() {
            let _ = h.focus();
        }
    });
    let (heading_id, labelled_by) = (format!("{testid}-heading"), format!("{testid}-heading"));
    view! {
        <section class="card one-time-secret" aria-labelledby=labelled_by data-testid=format!("{testid}-panel")>
            <h3 id=heading_id tabindex="-1" node_ref=heading>
                {title}
            </h3>
            <p class="warning">
                <strong>"Copy it now: it will not be shown again."</strong>
                " "
                {keeps}
            </p>
            <p class="secret">
                <code data-testid=testid>{secret}</code>
                <button type="button" data-testid="copy-secret" on:click=copy>
                    {move || match copied.get() {
                        Copied::Not => "Copy",
                        Copied::Yes => "Copied",
                        Copied::Failed => "Copy failed: select it and copy",
                    }}
                </button>
            </p>
            {children()}
            <button type="button" class="primary" data-testid="secret-done" on:click=move |_| on_close.run(())>
                "I have stored it"
            </button>
        </section>
    }
}
