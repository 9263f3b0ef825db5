//! The audit viewer (`/audit`, for those who read the audit trail: compliance,
//! auditors, agency admins): who did what to which entity and when, filtered by who,
//! what, action and period — all in the URL, so a view can be shared — in pages, each
//! entry opening its before and after field by field; and the filtered trail as CSV.

mod diff;
mod entries;
mod filters;

use crate::{
    api::{self, audit::AuditEntry, Page, Problem},
    components::{save_csv, Cursors, Fetch, FormError, Loaded, PageHeading, Pager},
    format,
    session::use_session,
};
use debtflow_domain::permission::Operation;
use filters::{local_start_of, FilterBar, Filters};
use leptos::prelude::*;
use leptos_router::{
    components::A,
    hooks::{use_navigate, use_query_map},
    NavigateOptions,
};

const PAGE_SIZE: u32 = 50;

/// The page's link for the trail of one entity (the account page's "Audit trail").
pub fn trail_of(entity_type: &str, entity_id: &str) -> String {
    let f = Filters { entity_type: entity_type.into(), entity_id: entity_id.into(), ..Filters::default() };
    format!("/audit?{}", f.to_query())
}

#[component]
pub fn AuditPage() -> impl IntoView {
    let session = use_session();
    if !session.can(Operation::ReadAuditLog) {
        return view! {
            <section class="not-found" data-testid="forbidden">
                <PageHeading text="The audit trail is for compliance, auditors and admins" />
                <A href="/accounts">"Back to the worklist"</A>
            </section>
        }
        .into_any();
    }
    let query = use_query_map();
    let filters = Memo::new(move |_| query.with(|q| Filters::from_lookup(|k| q.get(k))));
    let navigate = use_navigate();
    let go = Callback::new(move |f: Filters| {
        let q = f.to_query();
        let url = if q.is_empty() { "/audit".to_owned() } else { format!("/audit?{q}") };
        navigate(&url, NavigateOptions { scroll: false, ..Default::default() });
    });
    let staff = RwSignal::new(Vec::new());
    leptos::task::spawn_local(async move {
        if let Ok(list) = api::audit::staff().await {
            let _ = staff.try_set(list);
        }
    });

    let cursors = Cursors::new();
    // Other filters: back to the first page.
    Effect::new(move |previous: Option<Filters>| {
        let f = filters.get();
        if previous.is_some_and(|p| p != f) {
            cursors.reset();
        }
        f
    });
    let list = Fetch::blanking(move || {
        let (f, cursor) = (filters.get(), cursors.current.get());
        async move {
            if f.period_problem().is_some() {
                return Ok(Page { items: Vec::new(), next_cursor: None });
            }
            api::audit::list(&list_query(&f, &cursor)).await
        }
    });

    view! {
        <section class="audit">
            <PageHeading text="Audit trail" />
            <FilterBar filters=filters staff=staff.read_only() go=go />
            <Export filters=filters />
            <Loaded
                state=list.state
                retry=move |()| list.again()
                empty={|page: &Page<AuditEntry>| page.items.is_empty().then_some("No entry matches these filters.")}
                let:page
            >
                <div
                    class="audit-entries"
                    data-testid="audit-entries"
                    inner_html=entries::entries_html(&page.items, format::local_datetime)
                ></div>
                <Pager cursors=cursors next=page.next_cursor label="Pages of the audit trail" />
            </Loaded>
        </section>
    }
    .into_any()
}

/// The API's query of one page of the entries `f` selects, from `cursor` (empty: the first).
fn list_query(f: &Filters, cursor: &str) -> String {
    let mut q = f.api_query(local_start_of);
    q.push_str(&format!("{}limit={PAGE_SIZE}", if q.is_empty() { "" } else { "&" }));
    if !cursor.is_empty() {
        q.push_str(&format!("&cursor={}", api::enc(cursor)));
    }
    q
}

/// The CSV download of every entry the filters select.
#[component]
fn Export(filters: Memo<Filters>) -> impl IntoView {
    let pending = RwSignal::new(false);
    let problem = RwSignal::new(None::<Problem>);
    let download = move |_| {
        let f = filters.get_untracked();
        if pending.get_untracked() || f.period_problem().is_some() {
            return;
        }
        pending.set(true);
        problem.set(None);
        leptos::task::spawn_local(async move {
            let r = api::audit::csv(&f.api_query(local_start_of)).await;
            let _ = pending.try_set(false);
            if let Err(p) = r.and_then(|csv| save_csv(&csv, &file_name(&f))) {
                let _ = problem.try_set(Some(p));
            }
        });
    };
    view! {
        <div class="export">
            <button type="button" on:click=download disabled=move || pending.get() data-testid="export-csv">
                {move || if pending.get() { "Preparing the CSV…" } else { "Export CSV" }}
            </button>
            <span class="muted">"Every entry these filters select, not only this page."</span>
            <FormError problem=problem />
        </div>
    }
}

/// `audit-log.csv`, with the period when one is chosen (`audit-log-2026-11-01-to-2026-11-30.csv`).
fn file_name(f: &Filters) -> String {
    match (f.from, f.to) {
        (None, None) => "audit-log.csv".into(),
        (from, to) => format!(
            "audit-log-{}-to-{}.csv",
            from.map_or_else(|| "start".into(), |d| d.to_string()),
            to.map_or_else(|| "now".into(), |d| d.to_string())
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_entity_trail_link_and_file_names() {
        assert_eq!(trail_of("account", "a-1"), "/audit?entity_type=account&entity_id=a-1");
        assert_eq!(file_name(&Filters::default()), "audit-log.csv");
        let from = crate::format::date("2026-11-01");
        assert_eq!(file_name(&Filters { from, ..Filters::default() }), "audit-log-2026-11-01-to-now.csv");
    }
}
