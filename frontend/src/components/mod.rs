//! Small views shared by the pages: states (loading, error, not found), badges and
//! field errors.

use crate::api::Problem;
use debtflow_domain::AccountStatus;
use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn Loading() -> impl IntoView {
    view! { <p class="loading" role="status">"Loading…"</p> }
}

#[component]
pub fn Empty(#[prop(into)] text: String) -> impl IntoView {
    view! { <p class="empty" data-testid="empty">{text}</p> }
}

/// A failed load, with a retry.
#[component]
pub fn ErrorBox(problem: Problem, #[prop(into)] retry: Callback<()>) -> impl IntoView {
    view! {
        <div class="error-box" role="alert" data-testid="error">
            <p>{problem.message()}</p>
            <button on:click=move |_| retry.run(())>"Try again"</button>
        </div>
    }
}

/// The form-level part of a problem (its fields are shown next to the fields).
#[component]
pub fn FormError(problem: RwSignal<Option<Problem>>) -> impl IntoView {
    move || {
        problem.get().map(|p| {
            view! {
                <p class="form-error" role="alert" data-testid="form-error">
                    {p.message()}
                </p>
            }
        })
    }
}

/// The messages a problem has for one field.
#[component]
pub fn FieldError(problem: RwSignal<Option<Problem>>, field: &'static str) -> impl IntoView {
    move || {
        problem.with(|p| p.as_ref().and_then(|p| p.field(field))).map(|m| {
            view! {
                <span class="field-error" role="alert" data-field=field>
                    {m}
                </span>
            }
        })
    }
}

/// An account's status, coloured by status.
#[component]
pub fn StatusBadge(status: AccountStatus) -> impl IntoView {
    view! {
        <span class=format!("badge status-{status}") data-testid="status">
            {crate::format::label(status.as_str())}
        </span>
    }
}

#[component]
pub fn NotFound(what: &'static str) -> impl IntoView {
    view! {
        <section class="not-found" data-testid="not-found">
            <h1>{format!("This {what} was not found")}</h1>
            <p>"It does not exist, or it is not yours to see."</p>
            <A href="/accounts">"Back to the worklist"</A>
        </section>
    }
}
