//! `/integrations`, for agency admins (`ManageApiKeys`): how outside systems — a
//! creditor's platform, a dialer, a payment page — reach the agency through the API.
//! One section per kind of integration, each its own module: [`api_keys`] now; a
//! `webhooks` module joins it here, its section drawn after the keys'.

mod api_keys;

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
    if !is_for(use_session()) {
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
        </section>
    }
    .into_any()
}
