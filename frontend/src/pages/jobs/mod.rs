//! Job runs (`/jobs`, for managers and admins): the latest run of each daily job per
//! day, newest first — status, counts, duration, a failed run's errors — filtered by
//! job (`?job=` in the URL); agency admins run a job now, after a confirmation, and
//! see its run come in at the top.

mod run_now;
mod runs;

use crate::{
    api::{self, jobs::JobRun, Page},
    components::{Cursors, Fetch, Forbidden, Loaded, PageHeading, Pager},
    format,
    session::use_session,
};
use debtflow_domain::{job::Job, permission::Operation};
use leptos::prelude::*;
use leptos_router::{
    hooks::{use_navigate, use_query_map},
    NavigateOptions,
};
use uuid::Uuid;

const PAGE_SIZE: u32 = 30;

#[component]
pub fn JobsPage() -> impl IntoView {
    let session = use_session();
    if !session.can(Operation::ReadJobRuns) {
        return view! { <Forbidden text="Job runs are for managers and admins" /> }.into_any();
    }
    let query = use_query_map();
    let job = Memo::new(move |_| query.with(|q| q.get("job").and_then(|j| j.parse::<Job>().ok())));
    let navigate = use_navigate();
    let choose = move |ev: leptos::ev::Event| {
        let value = event_target_value(&ev);
        let url = if value.is_empty() { "/jobs".to_owned() } else { format!("/jobs?job={value}") };
        navigate(&url, NavigateOptions { scroll: false, ..Default::default() });
    };

    let cursors = Cursors::following(move || job.get());
    let list = Fetch::new(move || {
        let (job, cursor) = (job.get(), cursors.current.get());
        async move { api::jobs::latest(job, PAGE_SIZE, &cursor).await }
    });
    // The run just started here, marked in the list.
    let fresh = RwSignal::new(None::<Uuid>);
    let on_ran = Callback::new(move |run_id: Uuid| {
        fresh.set(Some(run_id));
        cursors.reset();
        list.again();
    });

    view! {
        <section class="jobs">
            <PageHeading text="Job runs" />
            {session.can(Operation::RunJobs).then(|| view! { <run_now::RunNow on_ran=on_ran /> })}
            <form class="filters" aria-label="Filter the runs" on:submit=|ev| ev.prevent_default()>
                <label>
                    "Show the runs of"
                    <select name="job" data-testid="filter-job" on:change=choose>
                        <option value="">"Every job"</option>
                        {Job::ALL
                            .into_iter()
                            .map(|j| {
                                view! {
                                    <option value=j.name() selected=move || job.get() == Some(j)>
                                        {j.title()}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                </label>
            </form>
            <p class="muted">"The latest run of each job per day, newest day first."</p>
            <Loaded
                state=list.state
                retry=move |()| list.again()
                empty={|page: &Page<JobRun>| page.items.is_empty().then_some("No run yet.")}
                let:page
            >
                <div
                    class="table-wrap"
                    inner_html=move || runs::runs_html(&page.items, fresh.get(), format::local_datetime)
                ></div>
                <Pager cursors=cursors next=page.next_cursor label="Pages of job runs" />
            </Loaded>
        </section>
    }
    .into_any()
}
