//! The worklist's search (debounced, then into the URL) and filters: statuses (any
//! number of them), priority, bucket, balance range, collector, only the debtors who may
//! be called now; the sort (callable first, among others) and the page size. At phone
//! width the filters wait behind a button that counts those in use.

use super::{
    filters::{Filters, PAGE_SIZE, PAGE_SIZES},
    Worklist,
};
use crate::format;
use debtflow_domain::{AccountStatus, Bucket};
use leptos::prelude::*;
use std::time::Duration;

/// The sorts offered, by the API's name: each in its default order (the columns'
/// headers flip it).
const SORTS: [(&str, &str); 5] = [
    ("created", "Newest first"),
    ("contactable", "Callable first"),
    ("priority", "Priority"),
    ("balance", "Balance"),
    ("days_past_due", "Days past due"),
];

/// `statuses` (comma-separated) with `status` added or removed.
pub fn toggled(statuses: &str, status: AccountStatus, on: bool) -> String {
    let mut chosen: Vec<AccountStatus> = statuses.split(',').filter_map(|s| s.parse().ok()).collect();
    chosen.retain(|s| *s != status);
    if on {
        chosen.push(status);
    }
    // In the lifecycle's order, so one choice has one URL.
    AccountStatus::ALL.iter().filter(|s| chosen.contains(s)).map(|s| s.as_str()).collect::<Vec<_>>().join(",")
}

/// What the status filter's button says.
pub fn statuses_label(statuses: &str) -> String {
    let chosen: Vec<AccountStatus> = statuses.split(',').filter_map(|s| s.parse().ok()).collect();
    match chosen.as_slice() {
        [] => "Any".into(),
        [one] => format::label(one.as_str()),
        many => format!("{} statuses", many.len()),
    }
}

#[component]
pub(super) fn FilterBar(list: Worklist) -> impl IntoView {
    let Worklist { filters, go, collectors, sees_collectors, .. } = list;
    let search = RwSignal::new(filters.get_untracked().q);
    let open = RwSignal::new(false);
    Effect::new(move |_| {
        let q = filters.with(|f| f.q.clone());
        if search.get_untracked().trim() != q {
            search.set(q);
        }
    });
    let timer = StoredValue::new(None::<TimeoutHandle>);
    // Leaving the page (a result clicked while typing) cancels a pending search: it
    // would read this page's signals after they are gone.
    on_cleanup(move || {
        if let Some(h) = timer.try_get_value().flatten() {
            h.clear();
        }
    });
    let on_search = move |ev| {
        search.set(event_target_value(&ev));
        if let Some(h) = timer.get_value() {
            h.clear();
        }
        let handle = set_timeout_with_handle(
            move || {
                let q = search.get_untracked().trim().to_string();
                let f = filters.get_untracked();
                if f.q != q {
                    go.run((Filters { q, ..f }.first_page(), true));
                }
            },
            Duration::from_millis(350),
        );
        timer.set_value(handle.ok());
    };
    let change = move |apply: fn(&mut Filters, String)| {
        move |ev: leptos::ev::Event| {
            let mut f = filters.get_untracked();
            apply(&mut f, event_target_value(&ev));
            go.run((f.first_page(), false));
        }
    };
    let status_box = move |status: AccountStatus| {
        let checked = move || filters.with(|f| f.status.split(',').any(|s| s == status.as_str()));
        let toggle = move |ev: leptos::ev::Event| {
            let mut f = filters.get_untracked();
            f.status = toggled(&f.status, status, event_target_checked(&ev));
            go.run((f.first_page(), false));
        };
        view! {
            <label class="check">
                <input type="checkbox" name="status" value=status.as_str() prop:checked=checked on:change=toggle />
                {format::label(status.as_str())}
            </label>
        }
    };
    view! {
        <form class=move || if open.get() { "filters open" } else { "filters" } on:submit=|ev| ev.prevent_default() role="search">
            <label>
                "Search"
                <input
                    type="search"
                    name="q"
                    placeholder="Debtor name or reference"
                    data-testid="search"
                    prop:value=move || search.get()
                    on:input=on_search
                />
            </label>
            // At phone width the other filters wait behind this button.
            <button
                type="button"
                class="filters-toggle"
                data-testid="filters-toggle"
                aria-controls="more-filters"
                aria-expanded=move || open.get().to_string()
                on:click=move |_| open.update(|o| *o = !*o)
            >
                {move || match filters.with(Filters::narrowing) {
                    0 => "Filters".to_string(),
                    n => format!("Filters ({n})"),
                }}
            </button>
            <div class="more-filters" id="more-filters">
                <div class="multi">
                    <span class="caption" id="status-caption">"Status"</span>
                    <details data-testid="status-filter">
                        <summary aria-describedby="status-caption">{move || filters.with(|f| statuses_label(&f.status))}</summary>
                        <fieldset>
                            <legend class="sr-only">"Statuses shown"</legend>
                            {AccountStatus::ALL.map(status_box)}
                        </fieldset>
                    </details>
                </div>
                <label>
                    "Priority"
                    <select name="priority" prop:value=move || filters.get().priority on:change=change(|f, v| f.priority = v)>
                        <option value="">"Any"</option>
                        <option value="3">"Urgent"</option>
                        <option value="2">"High"</option>
                        <option value="2,3">"High or urgent"</option>
                        <option value="1">"Normal"</option>
                        <option value="0">"Low"</option>
                    </select>
                </label>
                <label>
                    "Bucket"
                    <select name="bucket" prop:value=move || filters.get().bucket on:change=change(|f, v| f.bucket = v)>
                        <option value="">"Any"</option>
                        {Bucket::ALL.map(|b| view! { <option value=b.as_str()>{format!("{b} days")}</option> })}
                    </select>
                </label>
                <label>
                    "Balance from"
                    <input
                        name="balance_min"
                        inputmode="decimal"
                        size="8"
                        prop:value=move || filters.get().balance_min
                        on:change=change(|f, v| f.balance_min = v.trim().into())
                    />
                </label>
                <label>
                    "to"
                    <input
                        name="balance_max"
                        inputmode="decimal"
                        size="8"
                        prop:value=move || filters.get().balance_max
                        on:change=change(|f, v| f.balance_max = v.trim().into())
                    />
                </label>
                <Show when=move || sees_collectors>
                    <label>
                        "Collector"
                        <select name="collector" prop:value=move || filters.get().collector on:change=change(|f, v| f.collector = v)>
                            <option value="">"Anyone"</option>
                            <option value="none">"Unassigned"</option>
                            {move || {
                                collectors
                                    .get()
                                    .unwrap_or_default()
                                    .into_iter()
                                    .map(|c| view! { <option value=c.id.to_string()>{c.full_name.clone()}</option> })
                                    .collect_view()
                            }}
                        </select>
                    </label>
                </Show>
                <div class="multi">
                    <span class="caption">"Calls"</span>
                    <label class="check">
                        <input
                            type="checkbox"
                            name="contactable_now"
                            data-testid="callable-now"
                            prop:checked=move || filters.with(|f| !f.contactable_now.is_empty())
                            on:change=move |ev| {
                                let mut f = filters.get_untracked();
                                f.contactable_now = if event_target_checked(&ev) { "true".into() } else { String::new() };
                                go.run((f.first_page(), false));
                            }
                        />
                        "Callable now"
                    </label>
                </div>
                <label>
                    "Sort by"
                    <select
                        name="sort"
                        data-testid="sort"
                        prop:value=move || filters.with(|f| f.effective_sort().0.to_string())
                        on:change=move |ev| go.run((filters.get_untracked().sorted_as(&event_target_value(&ev)), false))
                    >
                        {SORTS.map(|(value, text)| view! { <option value=value>{text}</option> })}
                    </select>
                </label>
                <label>
                    "Rows"
                    <select
                        name="limit"
                        data-testid="page-size"
                        prop:value=move || filters.get().page_size().to_string()
                        on:change=change(|f, v| f.limit = if v == PAGE_SIZE.to_string() { String::new() } else { v })
                    >
                        {PAGE_SIZES.map(|n| view! { <option value=n.to_string()>{n.to_string()}</option> })}
                    </select>
                </label>
                <button
                    type="button"
                    class="link"
                    on:click=move |_| {
                        search.set(String::new());
                        go.run((Filters::default(), false))
                    }
                >
                    "Clear filters"
                </button>
            </div>
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_toggle_in_the_lifecycles_order() {
        let s = toggled("", AccountStatus::Disputed, true);
        let s = toggled(&s, AccountStatus::Assigned, true);
        assert_eq!(s, "assigned,disputed");
        assert_eq!(toggled(&s, AccountStatus::Disputed, false), "assigned");
        assert_eq!(statuses_label(""), "Any");
        assert_eq!(statuses_label("in_contact"), "In contact");
        assert_eq!(statuses_label("assigned,disputed"), "2 statuses");
    }
}
