//! Small views shared by the pages: the page heading, states (loading, error, empty,
//! not found) and [`Loaded`], which draws the first three around what a page read
//! ([`Fetch`]), badges, field errors (and a problem's messages no field shows) and the pager of lists paged by cursor; and
//! downloads ([`save_csv`], [`save_bytes`], [`ExportCsv`]).

mod download;
mod fetch;
mod loaded;

pub use download::{csv_name, save_bytes, save_csv, ExportCsv};
pub use fetch::Fetch;
pub use loaded::Loaded;

use crate::api::Problem;
use debtflow_domain::AccountStatus;
use leptos::prelude::*;
use leptos_router::components::A;

thread_local! {
    /// The path whose heading last took the focus.
    static FOCUSED_PATH: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
}

/// A screen's `<h1>`, which also names the browser tab ("Worklist · DebtFlow"). The
/// first heading shown after a navigation takes the keyboard focus, so a screen reader
/// announces the new screen and the next Tab starts from it; a heading drawn again on
/// the same screen (its data reloaded) leaves the focus where the user is.
#[component]
pub fn PageHeading(
    #[prop(into)] text: String,
    #[prop(optional)] testid: Option<&'static str>,
    /// Shown after the text, not in the tab's title.
    #[prop(optional)]
    children: Option<Children>,
) -> impl IntoView {
    let heading = NodeRef::<leptos::html::H1>::new();
    let path = leptos_router::hooks::use_location().pathname;
    let title = format!("{text} · DebtFlow");
    Effect::new(move |_| {
        let Some(h1) = heading.get() else { return };
        if let Some(document) = web_sys::window().and_then(|w| w.document()) {
            document.set_title(&title);
        }
        let here = path.get_untracked();
        if FOCUSED_PATH.with(|p| *p.borrow() != here) {
            let _ = h1.focus();
            FOCUSED_PATH.with(|p| *p.borrow_mut() = here);
        }
    });
    view! {
        <h1 node_ref=heading tabindex="-1" data-testid=testid>
            {text}
            {children.map(|c| c())}
        </h1>
    }
}

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

/// The messages of a problem's fields that no input of the form shows (`placed`), and
/// the problem itself when it names no field: what is said atop the form's buttons.
pub fn unplaced(problem: &Problem, placed: &[&str]) -> Option<String> {
    if !problem.names_fields() {
        return Some(problem.message());
    }
    let rest: Vec<String> = problem
        .errors
        .iter()
        .flatten()
        .filter(|(field, _)| !placed.contains(&field.as_str()))
        .map(|(field, messages)| format!("{}: {}", crate::format::label(field), messages.join(" ")))
        .collect();
    (!rest.is_empty()).then(|| rest.join(" "))
}

/// What a form's problem says of no field it shows ([`unplaced`]), as an alert.
#[component]
pub fn OtherErrors(problem: RwSignal<Option<Problem>>, placed: &'static [&'static str]) -> impl IntoView {
    move || {
        problem.with(|p| p.as_ref().and_then(|p| unplaced(p, placed))).map(|m| {
            view! { <p class="form-error" role="alert" data-testid="form-error">{m}</p> }
        })
    }
}

/// `aria-invalid` of an input whose `field` the problem names.
pub fn invalid(problem: RwSignal<Option<Problem>>, field: &'static str) -> impl Fn() -> Option<&'static str> {
    move || problem.with(|p| p.as_ref().and_then(|p| p.field(field))).map(|_| "true")
}

/// A select's options: the domain's names (`as_str`), each labelled ("In contact").
pub fn options(names: impl IntoIterator<Item = &'static str>) -> impl IntoView {
    names.into_iter().map(|v| view! { <option value=v>{crate::format::label(v)}</option> }).collect_view()
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

/// In place of a page the user's role does not open (reached by its URL: the
/// navigation does not offer it), saying whom it is for.
#[component]
pub fn Forbidden(#[prop(into)] text: String) -> impl IntoView {
    view! {
        <section class="not-found" data-testid="forbidden">
            <PageHeading text=text />
            <A href="/accounts">"Back to the worklist"</A>
        </section>
    }
}

#[component]
pub fn NotFound(what: &'static str) -> impl IntoView {
    view! {
        <section class="not-found" data-testid="not-found">
            <PageHeading text=format!("This {what} was not found") />
            <p>"It does not exist, or it is not yours to see."</p>
            <A href="/accounts">"Back to the worklist"</A>
        </section>
    }
}

/// Where a list paged by the API's opaque cursors (`next_cursor`) stands: the cursor of
/// the page shown (empty: the first) and those of the pages before it.
#[derive(Clone, Copy)]
pub struct Cursors {
    pub current: RwSignal<String>,
    previous: RwSignal<Vec<String>>,
}

impl Cursors {
    pub fn new() -> Self {
        Cursors { current: RwSignal::new(String::new()), previous: RwSignal::new(Vec::new()) }
    }

    /// Cursors that go back to the first page whenever `filter` (what the list is
    /// narrowed to, read from signals) changes.
    pub fn following<T: PartialEq + 'static>(filter: impl Fn() -> T + 'static) -> Self {
        let cursors = Self::new();
        Effect::new(move |previous: Option<T>| {
            let f = filter();
            if previous.is_some_and(|p| p != f) {
                cursors.reset();
            }
            f
        });
        cursors
    }

    /// Back to the first page (the list's filter changed).
    pub fn reset(self) {
        self.current.set(String::new());
        self.previous.set(Vec::new());
    }
}

/// "Newer" (the page before) and "Older" (`next`, the page after) under such a list.
#[component]
pub fn Pager(cursors: Cursors, next: Option<String>, #[prop(into)] label: String) -> impl IntoView {
    let Cursors { current, previous } = cursors;
    view! {
        <nav class="pager" aria-label=label>
            <button
                disabled=move || previous.with(|p| p.is_empty())
                on:click=move |_| current.set(previous.try_update(|p| p.pop()).flatten().unwrap_or_default())
            >
                "Newer"
            </button>
            <button
                disabled=next.is_none()
                data-testid="older"
                on:click=move |_| {
                    if let Some(next) = next.clone() {
                        previous.update(|p| p.push(current.get_untracked()));
                        current.set(next);
                    }
                }
            >
                "Older"
            </button>
        </nav>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn what_no_field_shows_is_said_atop_the_buttons() {
        let p = Problem {
            title: "Check the fields".into(),
            errors: Some(BTreeMap::from([
                ("minutes".to_string(), vec!["must not be empty".to_string()]),
                ("decision".to_string(), vec!["the person who recommended a write-off does not decide it".to_string()]),
            ])),
            ..Problem::default()
        };
        assert_eq!(
            unplaced(&p, &["minutes"]).as_deref(),
            Some("Decision: the person who recommended a write-off does not decide it")
        );
        assert_eq!(unplaced(&p, &["minutes", "decision"]), None);
        let conflict = Problem {
            title: "Refused by a business rule".into(),
            detail: "the balance changed".into(),
            ..Problem::default()
        };
        assert_eq!(
            unplaced(&conflict, &["minutes"]).as_deref(),
            Some("Refused by a business rule: the balance changed")
        );
    }
}
