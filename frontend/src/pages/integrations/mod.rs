//! `/integrations`, for agency admins (`ManageApiKeys`): how outside systems — a
//! creditor's platform, a dialer, a payment page — reach the agency through the API.
//! One section per kind of integration, each its own module: [`api_keys`], then
//! [`webhooks`] (`ManageWebhooks`); [`secret`] is their one-time secret panel.

mod api_keys;
mod secret;
mod webhooks;

use crate::{
    components::{Forbidden, PageHeading},
    session::{use_session, Session},
};
use debtflow_domain::permission::Operation;
use leptos::prelude::*;

/// Whether the user manages the agency's integrations (the navigation's link).
pub fn is_for(session: Session) -> bool {
    session.can(Operation::ManageApiKeys)
}

#[component]
pub fn IntegrationsPage() -> impl IntoView {
    let session = use_session();
    if !is_for(session) {
        return view! { <Forbidden text="Integrations are managed by agency admins" /> }.into_any();
    }
    view! {
        <section class="integrations">
            <PageHeading text="Integrations" />
            <p class="muted lead">
                "Outside systems call the DebtFlow API in the agency's name with an API key. Each key acts as its own \
                 service account: the audit trail names it for every change it makes."
            </p>
            <api_keys::ApiKeys />
            <Show when=move || session.can(Operation::ManageWebhooks)>
                <webhooks::Webhooks />
            </Show>
        </section>
    }
    .into_any()
}
