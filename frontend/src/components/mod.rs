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

/// The form-level part of a problem: nothing when it names fields, whose messages are
/// shown once, beside them ([`FieldError`]).
#[component]
pub fn FormError(problem: RwSignal<Option<Problem>>) -> impl IntoView {
    move || {
        problem.get().filter(|p| !p.names_fields()).map(|p| {
            view! {
                <p class="form-error" role="alert" data-testid="form-error">
                    {p.message()}
                </p>
            }
        })
    }
}

/// The messages a problem has for one field. With `input` (the field's id), the span is
/// `{input}-error`, for the input's `aria-describedby` ([`invalid`]).
#[component]
pub fn FieldError(
    problem: RwSignal<Option<Problem>>,
    field: &'static str,
    #[prop(optional)] input: Option<&'static str>,
) -> impl IntoView {
    move || {
        problem.with(|p| p.as_ref().and_then(|p| p.field(field))).map(|m| {
            view! {
                <span class="field-error" role="alert" data-field=field id=input.map(|i| format!("{i}-error"))>
                    {m}
                </span>
            }
        })
    }
}

/// `aria-invalid` of an input whose `field` the problem names.
pub fn invalid(problem: RwSignal<Option<Problem>>, field: &'static str) -> impl Fn() -> Option<&'static str> {
    move || problem.with(|p| p.as_ref().and_then(|p| p.field(field))).map(|_| "true")
}

/// The browser's own confirmation dialog (`false` when there is no window).
pub fn confirm(question: &str) -> bool {
    web_sys::window().is_some_and(|w| w.confirm_with_message(question).unwrap_or(false))
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
