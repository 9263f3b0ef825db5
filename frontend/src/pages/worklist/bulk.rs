//! Assigning the selected accounts to a collector at once (managers).

use super::Worklist;
use crate::{api, submit::Submission};
use leptos::prelude::*;
use std::collections::HashSet;
use uuid::Uuid;

#[component]
pub(super) fn BulkBar(list: Worklist, #[prop(into)] on_assigned: Callback<()>) -> impl IntoView {
    let Worklist { collectors, selected, .. } = list;
    let assign_to = RwSignal::new(String::new());
    let submission = Submission::new();
    let Submission { pending, problem, .. } = submission;
    let assigned = RwSignal::new(None::<String>);
    let assign = move |_| {
        let ids: Vec<Uuid> = selected.get_untracked().into_iter().collect();
        let to = assign_to.get_untracked().parse::<Uuid>();
        assigned.set(None);
        let (false, Ok(to)) = (ids.is_empty(), to) else {
            return submission
                .refuse(api::Problem { title: "Select accounts and a collector first.".into(), ..Default::default() });
        };
        let n = ids.len();
        submission.run(
            move |_| async move { api::bulk_assign(ids, to).await },
            move |_| {
                assigned.set(Some(format!("{n} account(s) assigned.")));
                selected.set(HashSet::new());
                on_assigned.run(());
            },
        );
    };
    view! {
        <div class="bulk" data-testid="bulk">
            <span>{move || format!("{} selected", selected.with(|s| s.len()))}</span>
            <label>
                "Assign to "
                <select name="assign_to" bind:value=assign_to>
                    <option value="">"Choose a collector"</option>
                    {move || {
                        collectors
                            .get()
                            .unwrap_or_default()
                            .into_iter()
                            .filter(|c| c.is_active)
                            .map(|c| view! { <option value=c.id.to_string()>{c.full_name.clone()}</option> })
                            .collect_view()
                    }}
                </select>
            </label>
            <button on:click=assign disabled=move || pending.get() || selected.with(|s| s.is_empty())>
                "Assign selected"
            </button>
            {move || assigned.get().map(|t| view! { <span class="ok" role="status">{t}</span> })}
            {move || problem.get().map(|p| view! { <span class="form-error" role="alert">{p.message()}</span> })}
        </div>
    }
}
