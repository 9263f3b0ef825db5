//! The worklist: filters, debounced search, sort and keyset paging, all kept in the URL
//! query (so the back button works); managers select rows and bulk-assign them.

use crate::{
    api,
    components::{Empty, ErrorBox, Loading, PageHeading, StatusBadge},
    format::{self, url_encode},
    session::use_session,
};
use debtflow_domain::{permission::Operation, AccountStatus, Bucket};
use leptos::prelude::*;
use leptos_router::{
    components::A,
    hooks::{use_navigate, use_query_map},
    NavigateOptions,
};
use std::{collections::HashSet, time::Duration};

const PAGE_SIZE: u32 = 25;
/// The page sizes offered (`limit` in the URL); the API accepts up to 200.
pub const PAGE_SIZES: [u32; 4] = [25, 50, 100, 200];

/// The worklist's state, as kept in the URL query.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Filters {
    pub status: String,
    pub priority: String,
    pub balance_min: String,
    pub balance_max: String,
    pub bucket: String,
    pub collector: String,
    /// The accounts one import placed (its id).
    pub import: String,
    pub q: String,
    pub sort: String,
    pub order: String,
    pub cursor: String,
    /// The page size, when not the default.
    pub limit: String,
}

impl Filters {
    /// Reads the state from a query lookup (`?status=…&sort=…`).
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Self {
        let v = |k: &str| get(k).map(|s| s.trim().to_string()).unwrap_or_default();
        let sort = v("sort");
        let order = v("order");
        Filters {
            status: v("status"),
            priority: v("priority"),
            balance_min: v("balance_min"),
            balance_max: v("balance_max"),
            bucket: v("bucket"),
            collector: v("collector"),
            import: v("import"),
            q: v("q"),
            sort: if ["created", "balance", "priority", "days_past_due"].contains(&sort.as_str()) {
                sort
            } else {
                String::new()
            },
            order: if order == "asc" || order == "desc" { order } else { String::new() },
            cursor: v("cursor"),
            limit: {
                let l = v("limit");
                match l.parse::<u32>() {
                    Ok(n) if n != PAGE_SIZE && PAGE_SIZES.contains(&n) => l,
                    _ => String::new(),
                }
            },
        }
    }

    fn pairs(&self) -> [(&'static str, &str); 11] {
        [
            ("status", &self.status),
            ("priority", &self.priority),
            ("balance_min", &self.balance_min),
            ("balance_max", &self.balance_max),
            ("bucket", &self.bucket),
            ("collector", &self.collector),
            ("import", &self.import),
            ("q", &self.q),
            ("sort", &self.sort),
            ("order", &self.order),
            ("cursor", &self.cursor),
        ]
    }

    fn filter_query(&self) -> Vec<String> {
        self.pairs().iter().filter(|(_, v)| !v.is_empty()).map(|(k, v)| format!("{k}={}", url_encode(v))).collect()
    }

    /// The page's query string: only what is set, in a fixed order.
    pub fn to_query(&self) -> String {
        let mut q = self.filter_query();
        if !self.limit.is_empty() {
            q.push(format!("limit={}", self.limit));
        }
        q.join("&")
    }

    /// The page size in effect.
    /// How many filters narrow the list, besides the search (said on the button that
    /// shows them at phone width).
    pub fn narrowing(&self) -> usize {
        [&self.status, &self.priority, &self.balance_min, &self.balance_max, &self.bucket, &self.collector]
            .into_iter()
            .filter(|v| !v.is_empty())
            .count()
    }

    pub fn page_size(&self) -> u32 {
        self.limit.parse().unwrap_or(PAGE_SIZE)
    }

    /// The API's query string (`GET /accounts?…`).
    pub fn api_query(&self) -> String {
        let mut q = self.filter_query();
        q.push(format!("limit={}", self.page_size()));
        q.join("&")
    }

    /// The sort in effect (the API's default: newest first).
    pub fn effective_sort(&self) -> (&str, &str) {
        let sort = if self.sort.is_empty() { "created" } else { &self.sort };
        let order = if self.order.is_empty() { "desc" } else { &self.order };
        (sort, order)
    }

    /// Sorting by `column`: a second click flips the order; back to the first page.
    pub fn sorted_by(&self, column: &str) -> Self {
        let (sort, order) = self.effective_sort();
        let order = if sort == column && order == "desc" { "asc" } else { "desc" };
        Filters { sort: column.into(), order: order.into(), cursor: String::new(), ..self.clone() }
    }

    /// A filter changed: back to the first page.
    pub fn first_page(self) -> Self {
        Filters { cursor: String::new(), ..self }
    }
}

#[component]
pub fn WorklistPage() -> impl IntoView {
    let session = use_session();
    // Managers select rows and assign them; whoever reads the collectors filters by them.
    let assigner = session.can(Operation::AssignAccounts);
    let sees_collectors = session.can(Operation::ReadCollectors);
    let navigate = use_navigate();
    let query = use_query_map();
    let filters = Memo::new(move |_| query.with(|q| Filters::from_lookup(|k| q.get(k))));
    let accounts = LocalResource::new(move || {
        let f = filters.get();
        async move { api::accounts(&f.api_query()).await }
    });
    let collectors = LocalResource::new(move || async move {
        if sees_collectors {
            api::collectors().await.map(|p| p.items).unwrap_or_default()
        } else {
            Vec::new()
        }
    });

    let go = {
        let navigate = navigate.clone();
        move |f: Filters, replace: bool| {
            let q = f.to_query();
            let url = if q.is_empty() { "/accounts".to_string() } else { format!("/accounts?{q}") };
            navigate(&url, NavigateOptions { replace, scroll: false, ..Default::default() });
        }
    };

    // Keyset paging: the cursors of the pages before this one.
    let previous = RwSignal::new(Vec::<String>::new());
    Effect::new(move |_| {
        let cursor = filters.with(|f| f.cursor.clone());
        previous.update(|stack| {
            if stack.last() == Some(&cursor) {
                stack.pop();
            } else if cursor.is_empty() {
                stack.clear();
            }
        });
    });

    // The search box: debounced, then into the URL.
    let search = RwSignal::new(filters.get_untracked().q);
    let filters_open = RwSignal::new(false);
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
    let go_search = go.clone();
    let on_search = move |ev| {
        search.set(event_target_value(&ev));
        if let Some(h) = timer.get_value() {
            h.clear();
        }
        let go = go_search.clone();
        let handle = set_timeout_with_handle(
            move || {
                let q = search.get_untracked().trim().to_string();
                let f = filters.get_untracked();
                if f.q != q {
                    go(Filters { q, ..f }.first_page(), true);
                }
            },
            Duration::from_millis(350),
        );
        timer.set_value(handle.ok());
    };

    let set_filter = {
        let go = go.clone();
        move |apply: fn(&mut Filters, String)| {
            let go = go.clone();
            move |ev: leptos::ev::Event| {
                let mut f = filters.get_untracked();
                apply(&mut f, event_target_value(&ev));
                go(f.first_page(), false);
            }
        }
    };

    let on_page_size = set_filter(|f, v| f.limit = if v == PAGE_SIZE.to_string() { String::new() } else { v });

    let selected = RwSignal::new(HashSet::<String>::new());
    let assign_to = RwSignal::new(String::new());
    let assign_msg = RwSignal::new(None::<Result<String, String>>);
    let assigning = RwSignal::new(false);
    let bulk_assign = move |_| {
        let ids: Vec<String> = selected.get_untracked().into_iter().collect();
        let to = assign_to.get_untracked();
        if ids.is_empty() || to.is_empty() {
            assign_msg.set(Some(Err("Select accounts and a collector first.".into())));
            return;
        }
        assigning.set(true);
        leptos::task::spawn_local(async move {
            let n = ids.len();
            let r = api::bulk_assign(ids, &to).await;
            assigning.set(false);
            match r {
                Ok(_) => {
                    assign_msg.set(Some(Ok(format!("{n} account(s) assigned."))));
                    selected.set(HashSet::new());
                    accounts.refetch();
                }
                Err(p) => assign_msg.set(Some(Err(p.message()))),
            }
        });
    };

    let collector_name = move |id: &Option<String>| -> String {
        let Some(id) = id else { return "Unassigned".into() };
        if let Some(me) = session.user.with_untracked(|u| u.clone()).filter(|u| &u.id == id) {
            return me.full_name;
        }
        collectors
            .get()
            .and_then(|list| list.iter().find(|c| &c.id == id).map(|c| c.full_name.clone()))
            .unwrap_or_else(|| "Another collector".into())
    };

    let sort_header = {
        let go = go.clone();
        move |column: &'static str, text: &'static str| {
            let go = go.clone();
            let aria = move || {
                let f = filters.get();
                match f.effective_sort() {
                    (s, "asc") if s == column => "ascending",
                    (s, _) if s == column => "descending",
                    _ => "none",
                }
            };
            view! {
                <th aria-sort=aria>
                    <button
                        class="sort"
                        data-sort=column
                        on:click=move |_| go(filters.get_untracked().sorted_by(column), false)
                    >
                        {text}
                        {move || match aria() {
                            "ascending" => " ▲",
                            "descending" => " ▼",
                            _ => "",
                        }}
                    </button>
                </th>
            }
        }
    };

    let go_page = go.clone();
    let next_page = move |cursor: String| {
        let f = filters.get_untracked();
        previous.update(|s| s.push(f.cursor.clone()));
        go_page(Filters { cursor, ..f }, false);
    };
    let go_prev = go.clone();
    let prev_page = move |_| {
        let cursor = previous.with_untracked(|s| s.last().cloned()).unwrap_or_default();
        go_prev(Filters { cursor, ..filters.get_untracked() }, false);
    };

    view! {
        <section class="worklist">
            <div class="page-head">
                <PageHeading text="Worklist" />
                <Show when=move || session.can(Operation::CreateAccount)>
                    <A href="/accounts/new" attr:class="button" attr:data-testid="new-account">"New account"</A>
                </Show>
            </div>
            <form
                class=move || if filters_open.get() { "filters open" } else { "filters" }
                on:submit=|ev| ev.prevent_default()
                role="search"
            >
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
                    aria-expanded=move || filters_open.get().to_string()
                    on:click=move |_| filters_open.update(|o| *o = !*o)
                >
                    {move || match filters.with(Filters::narrowing) {
                        0 => "Filters".to_string(),
                        n => format!("Filters ({n})"),
                    }}
                </button>
                <div class="more-filters" id="more-filters">
                <label>
                    "Status"
                    <select
                        name="status"
                        prop:value=move || filters.get().status
                        on:change=set_filter(|f, v| f.status = v)
                    >
                        <option value="">"Any"</option>
                        {AccountStatus::ALL
                            .map(|s| view! { <option value=s.as_str()>{format::label(s.as_str())}</option> })}
                    </select>
                </label>
                <label>
                    "Priority"
                    <select
                        name="priority"
                        prop:value=move || filters.get().priority
                        on:change=set_filter(|f, v| f.priority = v)
                    >
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
                    <select
                        name="bucket"
                        prop:value=move || filters.get().bucket
                        on:change=set_filter(|f, v| f.bucket = v)
                    >
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
                        on:change=set_filter(|f, v| f.balance_min = v.trim().into())
                    />
                </label>
                <label>
                    "to"
                    <input
                        name="balance_max"
                        inputmode="decimal"
                        size="8"
                        prop:value=move || filters.get().balance_max
                        on:change=set_filter(|f, v| f.balance_max = v.trim().into())
                    />
                </label>
                <Show when=move || sees_collectors>
                    <label>
                        "Collector"
                        <select
                            name="collector"
                            prop:value=move || filters.get().collector
                            on:change=set_filter(|f, v| f.collector = v)
                        >
                            <option value="">"Anyone"</option>
                            <option value="none">"Unassigned"</option>
                            {move || {
                                collectors
                                    .get()
                                    .unwrap_or_default()
                                    .into_iter()
                                    .map(|c| view! { <option value=c.id.clone()>{c.full_name.clone()}</option> })
                                    .collect_view()
                            }}
                        </select>
                    </label>
                </Show>
                <label>
                    "Rows"
                    <select
                        name="limit"
                        data-testid="page-size"
                        prop:value=move || filters.get().page_size().to_string()
                        on:change=on_page_size
                    >
                        {PAGE_SIZES.map(|n| view! { <option value=n.to_string()>{n.to_string()}</option> })}
                    </select>
                </label>
                {
                    let go = go.clone();
                    view! {
                        <button
                            type="button"
                            class="link"
                            on:click=move |_| {
                                search.set(String::new());
                                go(Filters::default(), false)
                            }
                        >
                            "Clear filters"
                        </button>
                    }
                }
                </div>
            </form>

            <Show when=move || assigner>
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
                                    .map(|c| view! { <option value=c.id.clone()>{c.full_name.clone()}</option> })
                                    .collect_view()
                            }}
                        </select>
                    </label>
                    <button
                        on:click=bulk_assign
                        disabled=move || assigning.get() || selected.with(|s| s.is_empty())
                    >
                        "Assign selected"
                    </button>
                    {move || {
                        assign_msg
                            .get()
                            .map(|m| match m {
                                Ok(t) => view! { <span class="ok" role="status">{t}</span> }.into_any(),
                                Err(t) => view! { <span class="form-error" role="alert">{t}</span> }.into_any(),
                            })
                    }}
                </div>
            </Show>

            <Transition fallback=|| view! { <Loading /> }>
                {move || {
                    accounts
                        .get()
                        .map(|result| match result {
                            Err(p) => view! { <ErrorBox problem=p retry=move |_| accounts.refetch() /> }.into_any(),
                            Ok(page) if page.items.is_empty() => {
                                view! { <Empty text="No accounts match these filters." /> }.into_any()
                            }
                            Ok(page) => {
                                let next = page.next_cursor.clone();
                                let next_page = next_page.clone();
                                let sort_header = sort_header.clone();
                                let rows = page
                                    .items
                                    .into_iter()
                                    .map(|a| {
                                        let id = a.id.clone();
                                        let id2 = a.id.clone();
                                        let collector = collector_name(&a.collector_id);
                                        view! {
                                            <tr data-testid="account-row">
                                                <Show when=move || assigner>
                                                    <td class="select">
                                                        <input
                                                            type="checkbox"
                                                            aria-label="Select"
                                                            prop:checked={
                                                                let id = id.clone();
                                                                move || selected.with(|s| s.contains(&id))
                                                            }
                                                            on:change={
                                                                let id = id.clone();
                                                                move |ev| {
                                                                    let on = event_target_checked(&ev);
                                                                    selected
                                                                        .update(|s| {
                                                                            if on {
                                                                                s.insert(id.clone());
                                                                            } else {
                                                                                s.remove(&id);
                                                                            }
                                                                        })
                                                                }
                                                            }
                                                        />
                                                    </td>
                                                </Show>
                                                <td data-label="Status">
                                                    <StatusBadge status=a.status />
                                                </td>
                                                <td data-label="Priority">
                                                    <span class=format!(
                                                        "prio prio-{}",
                                                        a.priority,
                                                    )>{format::priority(a.priority)}</span>
                                                </td>
                                                <td class="debtor">
                                                    <A href=format!("/accounts/{id2}")>{a.debtor.full_name.clone()}</A>
                                                    <small class="muted">{format!(" {}", a.external_ref)}</small>
                                                </td>
                                                <td class="num" data-label="Balance" data-testid="balance">
                                                    {format::money(&a.current_balance, &a.currency)}
                                                </td>
                                                <td class="num" data-label="DPD">{a.days_past_due}</td>
                                                <td data-label="Bucket">{a.bucket.as_str()}</td>
                                                <td data-label="Next installment due" data-testid="next-due">
                                                    {a.next_installment_due.clone().unwrap_or_default()}
                                                </td>
                                                <td data-label="Collector">{collector}</td>
                                            </tr>
                                        }
                                    })
                                    .collect_view();
                                view! {
                                    <div class="table-wrap">
                                        <table class="accounts cards" data-testid="worklist">
                                            <thead>
                                                <tr>
                                                    <Show when=move || assigner>
                                                        <th>
                                                            <span class="sr-only">"Select"</span>
                                                        </th>
                                                    </Show>
                                                    <th>"Status"</th>
                                                    {sort_header("priority", "Priority")}
                                                    <th>"Debtor"</th>
                                                    {sort_header("balance", "Balance")}
                                                    {sort_header("days_past_due", "DPD")}
                                                    <th>"Bucket"</th>
                                                    <th>"Next installment due"</th>
                                                    <th>"Collector"</th>
                                                </tr>
                                            </thead>
                                            <tbody>{rows}</tbody>
                                        </table>
                                    </div>
                                    <nav class="pager" aria-label="Pages">
                                        <button
                                            on:click=prev_page.clone()
                                            disabled=move || filters.with(|f| f.cursor.is_empty())
                                        >
                                            "← Previous"
                                        </button>
                                        <button
                                            disabled=next.is_none()
                                            on:click=move |_| {
                                                if let Some(c) = next.clone() {
                                                    next_page(c)
                                                }
                                            }
                                        >
                                            "Next →"
                                        </button>
                                    </nav>
                                }
                                    .into_any()
                            }
                        })
                }}
            </Transition>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn lookup(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        move |k| map.get(k).cloned()
    }

    #[test]
    fn the_filters_button_counts_what_narrows_the_list_but_not_the_search_or_the_order() {
        let f = Filters::from_lookup(lookup(&[("q", "Smith"), ("sort", "balance"), ("limit", "100")]));
        assert_eq!(f.narrowing(), 0);
        let f = Filters::from_lookup(lookup(&[("status", "assigned"), ("bucket", "90+"), ("balance_max", "10")]));
        assert_eq!(f.narrowing(), 3);
    }

    #[test]
    fn url_query_round_trips() {
        let f = Filters::from_lookup(lookup(&[
            ("status", "assigned,in_contact"),
            ("bucket", "90+"),
            ("q", "Smith Jones"),
            ("sort", "balance"),
            ("order", "asc"),
            ("balance_min", "100"),
        ]));
        assert_eq!(f.status, "assigned,in_contact");
        let q = f.to_query();
        assert_eq!(
            q,
            "status=assigned%2Cin_contact&balance_min=100&bucket=90%2B&q=Smith%20Jones&sort=balance&order=asc"
        );
        // What the router decodes from that query gives the same state back.
        let decoded: Vec<(String, String)> = q
            .split('&')
            .map(|kv| {
                let (k, v) = kv.split_once('=').unwrap();
                (k.to_string(), v.replace("%2C", ",").replace("%2B", "+").replace("%20", " "))
            })
            .collect();
        let back = Filters::from_lookup(|k| decoded.iter().find(|(dk, _)| dk == k).map(|(_, v)| v.clone()));
        assert_eq!(back, f);
    }

    #[test]
    fn empty_state_is_an_empty_query() {
        let f = Filters::from_lookup(lookup(&[]));
        assert_eq!(f, Filters::default());
        assert_eq!(f.to_query(), "");
        assert_eq!(f.api_query(), "limit=25");
        assert_eq!(f.effective_sort(), ("created", "desc"));
    }

    #[test]
    fn unknown_sorts_are_dropped() {
        let f = Filters::from_lookup(lookup(&[("sort", "ssn"), ("order", "sideways")]));
        assert_eq!((f.sort.as_str(), f.order.as_str()), ("", ""));
    }

    #[test]
    fn sorting_toggles_and_resets_paging() {
        let f = Filters { cursor: "abc".into(), ..Default::default() };
        let by_balance = f.sorted_by("balance");
        assert_eq!(
            (by_balance.sort.as_str(), by_balance.order.as_str(), by_balance.cursor.as_str()),
            ("balance", "desc", "")
        );
        let flipped = by_balance.sorted_by("balance");
        assert_eq!(flipped.order, "asc");
        assert_eq!(flipped.sorted_by("balance").order, "desc");
        assert_eq!(flipped.sorted_by("priority").order, "desc");
    }

    #[test]
    fn api_query_keeps_filters_and_cursor() {
        let f = Filters { collector: "me".into(), cursor: "c1".into(), ..Default::default() };
        assert_eq!(f.api_query(), "collector=me&cursor=c1&limit=25");
        assert_eq!(f.first_page().api_query(), "collector=me&limit=25");
    }

    #[test]
    fn page_size_is_kept_in_the_url() {
        let f = Filters::from_lookup(lookup(&[("limit", "200"), ("status", "new")]));
        assert_eq!(f.to_query(), "status=new&limit=200");
        assert_eq!(f.api_query(), "status=new&limit=200");
        assert_eq!(f.first_page().page_size(), 200);
        // The default, and sizes not offered, are dropped.
        for l in ["25", "7", "1000", "x"] {
            let f = Filters::from_lookup(lookup(&[("limit", l)]));
            assert_eq!((f.to_query().as_str(), f.api_query().as_str()), ("", "limit=25"));
        }
    }
}
