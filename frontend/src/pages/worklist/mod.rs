//! The worklist: filters, debounced search, sort and keyset paging, all kept in the URL
//! query (so the back button works); managers select rows and bulk-assign them.
//!
//! - [`filters`]: the state in the URL;
//! - [`filter_bar`]: the search and the filters;
//! - [`bulk`]: assigning the selected rows;
//! - [`table`]: the accounts, sortable, and the pager.

mod bulk;
mod filter_bar;
pub mod filters;
mod table;

use crate::{
    api::{self, Account, Page, User},
    components::{Fetch, Loaded, PageHeading},
    format,
    session::use_session,
};
use debtflow_domain::permission::Operation;
use filters::Filters;
use leptos::prelude::*;
use leptos_router::{
    components::A,
    hooks::{use_location, use_navigate, use_query_map},
    NavigateOptions,
};
use std::collections::HashSet;
use uuid::Uuid;

/// What the worklist's parts share: the filters in the URL, the way to change them,
/// the agency's collectors (for the filter, the names and the bulk bar) and the rows
/// selected for assignment.
#[derive(Clone, Copy)]
pub(crate) struct Worklist {
    pub filters: Memo<Filters>,
    /// Goes to the list for these filters (`true`: replacing the history entry).
    pub go: Callback<(Filters, bool)>,
    pub collectors: LocalResource<Vec<User>>,
    pub selected: RwSignal<HashSet<Uuid>>,
    /// The signed-in user assigns accounts (rows can be selected).
    pub assigner: bool,
    /// The signed-in user reads the collectors (the collector filter and names).
    pub sees_collectors: bool,
}

#[component]
pub fn WorklistPage() -> impl IntoView {
    let session = use_session();
    let navigate = use_navigate();
    let query = use_query_map();
    let filters = Memo::new(move |_| query.with(|q| Filters::from_lookup(|k| q.get(k))));
    // The last page stays shown while the next is on its way.
    let accounts = Fetch::new(move || {
        let f = filters.get();
        async move { api::accounts(&f.api_query()).await }
    });
    // The total is counted apart, and again only when the filters change (not the
    // page or the sort): a count of a large agency never holds up the rows.
    let count_query = Memo::new(move |_| filters.with(|f| f.count_query()));
    let total = LocalResource::new(move || {
        let q = count_query.get();
        async move { api::count_accounts(&q).await.ok() }
    });
    let sees_collectors = session.can(Operation::ReadCollectors);
    let collectors = LocalResource::new(move || async move {
        if sees_collectors {
            api::collectors().await.map(|p| p.items).unwrap_or_default()
        } else {
            Vec::new()
        }
    });
    // The list stays where it is shown (`/accounts`, or `/` for a collector): moving to
    // another route would draw the page afresh and close what the user has open.
    let here = use_location().pathname;
    let go = Callback::new(move |(f, replace): (Filters, bool)| {
        let q = f.to_query();
        let path = here.get_untracked();
        let url = if q.is_empty() { path } else { format!("{path}?{q}") };
        navigate(&url, NavigateOptions { replace, scroll: false, ..Default::default() });
    });
    // Keyset paging: the cursors of the pages before this one (for "Previous").
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
    provide_context(table::Previous(previous));
    let list = Worklist {
        filters,
        go,
        collectors,
        selected: RwSignal::new(HashSet::new()),
        assigner: session.can(Operation::AssignAccounts),
        sees_collectors,
    };

    view! {
        <section class="worklist">
            <div class="page-head">
                <PageHeading text="Worklist" />
                <span class="total muted" data-testid="total" aria-live="polite">
                    {move || total.get().flatten().map(|n| match n {
                        1 => "1 account".to_owned(),
                        n => format!("{} accounts", format::count(n)),
                    })}
                </span>
                <Show when=move || session.can(Operation::CreateAccount)>
                    <A href="/accounts/new" attr:class="button" attr:data-testid="new-account">"New account"</A>
                </Show>
            </div>
            <filter_bar::FilterBar list=list />
            <Show when=move || list.assigner>
                <bulk::BulkBar
                    list=list
                    on_assigned=move |_| {
                        accounts.again();
                        total.refetch();
                    }
                />
            </Show>
            <Loaded
                state=accounts.state
                retry=move |()| accounts.again()
                empty={|page: &Page<Account>| page.items.is_empty().then_some("No accounts match these filters.")}
                let:page
            >
                <table::Accounts list=list page=page />
            </Loaded>
        </section>
    }
}
