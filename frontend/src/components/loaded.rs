//! [`Loaded`]: the four states of something a view reads from the API, drawn in one
//! place — loading, failed (with "Try again"), empty (said in words) and loaded (drawn
//! by the page) — so every page shows them alike.
//!
//! The state comes from a [`Fetch`](super::Fetch) (`state=list.state`) or a
//! `LocalResource` (`state=Signal::derive(move || resource.get())`).

use super::{Empty, ErrorBox, Loading};
use crate::api::{ApiResult, Problem};
use leptos::prelude::*;

/// When a loaded value counts as empty, and what [`Loaded`] says then: a closure of the
/// value giving the words, `None` when there is something to draw —
/// `|page: &Page<Fee>| page.items.is_empty().then_some("No fees.")`.
pub struct IfEmpty<T>(Box<Words<T>>);

/// The words an empty value gets, `None` when it is not empty.
type Words<T> = dyn Fn(&T) -> Option<&'static str> + Send;

impl<T, F> From<F> for IfEmpty<T>
where
    F: Fn(&T) -> Option<&'static str> + Send + 'static,
{
    fn from(words: F) -> Self {
        IfEmpty(Box::new(words))
    }
}

/// Draws `state`: "Loading…" while it is `None`; the problem and a "Try again" that
/// runs `retry` after a failure; the `empty` words when the value holds nothing; else
/// `children` of the value. Drawn again whenever `state` (or a signal `children` reads)
/// changes.
#[component]
pub fn Loaded<T, F, V>(
    /// What was read: `None` until the first answer.
    #[prop(into)]
    state: Signal<Option<ApiResult<T>>>,
    /// Reads again, after a failure.
    #[prop(into)]
    retry: Callback<()>,
    /// Whether the value is empty, and what to say then (by default nothing is empty).
    #[prop(optional, into)]
    empty: Option<IfEmpty<T>>,
    /// Draws the value (`let:value` in `view!`).
    children: F,
) -> impl IntoView
where
    T: Clone + Send + Sync + 'static,
    F: Fn(T) -> V + Send + 'static,
    V: IntoView + 'static,
{
    move || {
        let instead = match state.get() {
            None => Instead::Loading,
            Some(Err(problem)) => Instead::Failed(problem),
            Some(Ok(value)) => match empty.as_ref().and_then(|words| (words.0)(&value)) {
                Some(text) => Instead::Empty(text),
                None => return children(value).into_any(),
            },
        };
        instead.draw(retry)
    }
}

/// What [`Loaded`] draws when it has no value to hand its children. Drawn outside its
/// generic code, so compiled once rather than once per page.
enum Instead {
    Loading,
    Failed(Problem),
    Empty(&'static str),
}

impl Instead {
    fn draw(self, retry: Callback<()>) -> AnyView {
        match self {
            Instead::Loading => view! { <Loading /> }.into_any(),
            Instead::Failed(problem) => view! { <ErrorBox problem=problem retry=retry /> }.into_any(),
            Instead::Empty(text) => view! { <Empty text=text /> }.into_any(),
        }
    }
}
