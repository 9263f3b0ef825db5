//! The agency's payments (`/payments`, for everyone who reads money but collectors, who
//! find theirs on each account): filtered by status, method, dates paid and collector —
//! all in the URL, so a view can be shared — in pages, each row linking to its
//! account; and the filtered list as CSV.

mod filters;
mod table;

use crate::{
    api::{self, Page, Payment, Problem},
    components::{csv_name, Cursors, Empty, ErrorBox, ExportCsv, Loading, PageHeading, Pager},
    session::{use_session, Session},
};
use debtflow_domain::{permission::Operation, Role};
use filters::{FilterBar, Filters};
use leptos::{either::EitherOf4, prelude::*};
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

    let cursors = Cursors::new();
    // Other filters: back to the first page.
    Effect::new(move |previous: Option<Filters>| {
        let f = filters.get();
        if previous.is_some_and(|p| p != f) {
            cursors.reset();
        }
        f
    });
    let list = RwSignal::new(None::<Result<Page<Payment>, Problem>>);
    let reload = RwSignal::new(0u32);
    // The last page asked for: an earlier answer arriving late is dropped.
    let asked = StoredValue::new(0u32);
    Effect::new(move |_| {
        reload.track();
        let f = filters.get();
        let cursor = cursors.current.get();
        let n = asked.get_value() + 1;
        asked.set_value(n);
        if f.period_problem().is_some() {
            list.set(Some(Ok(Page { items: Vec::new(), next_cursor: None })));
            return;
        }
        list.set(None);
        let mut q = f.to_query();
        q.push_str(&format!("{}limit={PAGE_SIZE}", if q.is_empty() { "" } else { "&" }));
        if !cursor.is_empty() {
            q.push_str(&format!("&cursor={}", api::enc(&cursor)));
        }
        leptos::task::spawn_local(async move {
            let r = api::payments(&q).await;
            if asked.try_get_value() == Some(n) {
                let _ = list.try_set(Some(r));
            }
        });
    });

    view! {
        <section class="payments-page">
            <PageHeading text="Payments" />
            <FilterBar filters=filters collectors=collectors.read_only() go=go />
            <ExportCsv
                export=Callback::new(move |()| {
                    let f = filters.get_untracked();
                    let q = f.to_query();
                    let sep = if q.is_empty() { "" } else { "&" };
                    f.period_problem()
                        .is_none()
                        .then(|| (format!("/payments?{q}{sep}format=csv"), csv_name("payments", f.paid_from, f.paid_to)))
                })
                note="Every payment these filters select, not only this page."
            />
            {move || match list.get() {
                None => EitherOf4::A(view! { <Loading /> }),
                Some(Err(p)) => EitherOf4::B(view! { <ErrorBox problem=p retry=move |_| reload.update(|v| *v += 1) /> }),
                Some(Ok(page)) if page.items.is_empty() => {
                    EitherOf4::C(view! { <Empty text="No payment matches these filters." /> })
                }
                Some(Ok(page)) => {
                    EitherOf4::D(view! {
                        <div class="table-wrap" inner_html=table::payments_html(&page.items)></div>
                        <Pager cursors=cursors next=page.next_cursor label="Pages of payments" />
                    })
                }
            }}
        </section>
    }
}
