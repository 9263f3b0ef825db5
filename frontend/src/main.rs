//! DebtFlow's single-page app (Leptos, client-side rendered).
//!
//! Until the worklist screens land, the app is one page that shows the API's
//! readiness and points integrators to the API documentation.

use leptos::prelude::*;
use serde::Deserialize;

#[derive(Clone, Debug, Deserialize)]
struct Health {
    status: String,
    version: String,
}

async fn readiness() -> Result<Health, String> {
    let response = gloo_net::http::Request::get("/health/ready").send().await.map_err(|e| e.to_string())?;
    if !response.ok() {
        return Err(format!("the API answered {}", response.status()));
    }
    response.json::<Health>().await.map_err(|e| e.to_string())
}

#[component]
fn App() -> impl IntoView {
    let health = LocalResource::new(readiness);
    view! {
        <main class="placeholder">
            <h1>"DebtFlow"</h1>
            <p class="tagline">"Debt collection for agencies: every step audited, every cent on the ledger."</p>
            <section class="status" aria-live="polite">
                <Suspense fallback=|| view! { <p>"Checking the API…"</p> }>
                    {move || health.get().map(|result| match result {
                        Ok(h) => view! {
                            <p data-testid="api-status" class="ok">{format!("API {} — version {}", h.status, h.version)}</p>
                        }.into_any(),
                        Err(e) => view! {
                            <p data-testid="api-status" class="error">{format!("API unavailable: {e}")}</p>
                        }.into_any(),
                    })}
                </Suspense>
            </section>
            <p><a href="/api/v1/docs/">"API documentation (Swagger UI)"</a></p>
        </main>
    }
}

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(App);
}
