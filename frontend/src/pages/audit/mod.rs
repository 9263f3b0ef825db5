//! The audit viewer (`/audit`, for those who read the audit trail: compliance,
//! auditors, agency admins): who did what to which entity and when, filtered by who,
//! what, action and period — all in the URL, so a view can be shared — in pages, each
//! entry opening its before and after field by field; and the filtered trail as CSV.

mod diff;
mod entries;
mod filters;

use crate::{
    api::{self, audit::AuditEntry, Page},
    components::{csv_name, Cursors, ExportCsv, Fetch, Forbidden, Loaded, PageHeading, Pager},
    format,
    session::use_session,
};
use debtflow_domain::permission::Operation;
use filters::{local_start_of, FilterBar, Filters};
use leptos::prelude::*;
use leptos_router::{
    hooks::{use_navigate, use_query_map},
    NavigateOptions,
};
use uuid::Uuid;

const PAGE_SIZE: u32 = 50;

/// The page's link for the trail of one entity (the account page's "Audit trail").
pub fn trail_of(entity_type: &str, entity_id: Uuid) -> String {
    let f = Filters { entity_type: entity_type.into(), entity_id: entity_id.to_string(), ..Filters::default() };
    format!("/audit?{}", f.to_query())
}

#[component]
pub fn AuditPage() -> impl IntoView {
    let session = use_session();
    if !session.can(Operation::ReadAuditLog) {
        return view! { <Forbidden text="The audit trail is for compliance, auditors and admins" /> }.into_any();
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

    let cursors = Cursors::following(move || filters.get());
    let list = Fetch::blanking(move || {
        let (f, cursor) = (filters.get(), cursors.current.get());
        async move {
            if f.period_problem().is_some() {
                return Ok(Page { items: Vec::new(), next_cursor: None });
            }
            api::audit::list(&api::paged(&f.api_query(local_start_of), PAGE_SIZE, &cursor)).await
        }
    });

    view! {
        <section class="audit">
            <PageHeading text="Audit trail" />
            <FilterBar filters=filters staff=staff.read_only() go=go />
            <ExportCsv
                export=Callback::new(move |()| {
                    let f = filters.get_untracked();
                    let path = api::csv_path("/audit-logs", &f.api_query(local_start_of));
                    f.period_problem().is_none().then(|| (path, csv_name("audit-log", f.from, f.to)))
                })
                note="Every entry these filters select, not only this page."
            />
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_entity_trail_link() {
        let id = crate::fixtures::id(0xa1);
        assert_eq!(trail_of("account", id), format!("/audit?entity_type=account&entity_id={id}"));
    }
}
