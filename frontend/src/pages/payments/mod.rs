//! The agency's payments (`/payments`, for everyone who reads money but collectors, who
//! find theirs on each account): filtered by status, method, dates paid and collector —
//! all in the URL, so a view can be shared — in pages, each row linking to its
//! account; and the filtered list as CSV.

mod filters;
mod table;

use crate::{
    api::{self, Page, Payment},
    components::{csv_name, Cursors, ExportCsv, Fetch, Loaded, PageHeading, Pager},
    session::{use_session, Session},
};
use debtflow_domain::{permission::Operation, Role};
use filters::{FilterBar, Filters};
use leptos::prelude::*;
use leptos_router::{
    hooks::{use_navigate, use_query_map},
    NavigateOptions,
};

const PAGE_SIZE: u32 = 50;

/// Whether the navigation offers the page.
pub fn is_for(session: Session) -> bool {
    session.can(Operation::ReadMoney) && session.user.with(|u| u.as_ref().is_some_and(|u| u.role != Role::Collector))
}

#[component]
pub fn PaymentsPage() -> impl IntoView {
    let query = use_query_map();
    let filters = Memo::new(move |_| query.with(|q| Filters::from_lookup(|k| q.get(k))));
    let navigate = use_navigate();
    let go = Callback::new(move |f: Filters| {
        let q = f.to_query();
        let url = if q.is_empty() { "/payments".to_owned() } else { format!("/payments?{q}") };
        navigate(&url, NavigateOptions { scroll: false, ..Default::default() });
    });
    let collectors = RwSignal::new(Vec::new());
    if use_session().can(Operation::ReadCollectors) {
        leptos::task::spawn_local(async move {
            if let Ok(page) = api::collectors().await {
                let _ = collectors.try_set(page.items);
            }
        });
    }

    let cursors = Cursors::following(move || filters.get());
    let list = Fetch::blanking(move || {
        let (f, cursor) = (filters.get(), cursors.current.get());
        async move {
            if f.period_problem().is_some() {
                return Ok(Page { items: Vec::new(), next_cursor: None });
            }
            api::payments(&api::paged(&f.to_query(), PAGE_SIZE, &cursor)).await
        }
    });

    view! {
        <section class="payments-page">
            <PageHeading text="Payments" />
            <FilterBar filters=filters collectors=collectors.read_only() go=go />
            <ExportCsv
                export=Callback::new(move |()| {
                    let f = filters.get_untracked();
                    let path = api::csv_path("/payments", &f.to_query());
                    f.period_problem().is_none().then(|| (path, csv_name("payments", f.paid_from, f.paid_to)))
                })
                note="Every payment these filters select, not only this page."
            />
            <Loaded
                state=list.state
                retry=move |()| list.again()
                empty={|page: &Page<Payment>| page.items.is_empty().then_some("No payment matches these filters.")}
                let:page
            >
                <div class="table-wrap" inner_html=table::payments_html(&page.items)></div>
                <Pager cursors=cursors next=page.next_cursor label="Pages of payments" />
            </Loaded>
        </section>
    }
}
