//! "Run now" (agency admins): one of the agency's jobs for its today, after a
//! confirmation saying what it does; then what the run did, beside the button.

use super::runs::status_label;
use crate::{
    api::{self, jobs::TriggeredRun},
    components::{confirm, FormError},
    submit::Submission,
};
use debtflow_domain::job::Job;
use leptos::prelude::*;
use uuid::Uuid;

/// The jobs an agency runs for itself (the platform-wide ones are the platform's).
fn agency_jobs() -> impl Iterator<Item = Job> {
    Job::ALL.into_iter().filter(|j| j.per_agency())
}

/// What a run came to, in a sentence (its counts are in the list).
pub fn outcome(run: &TriggeredRun) -> String {
    format!("{} for {} — {}.", run.job.title(), run.as_of_date, status_label(run.status))
}

#[component]
pub fn RunNow(on_ran: Callback<Uuid>) -> impl IntoView {
    let job = RwSignal::new(Job::DpdAging);
    let submission = Submission::new();
    let Submission { pending, problem, .. } = submission;
    let done = RwSignal::new(None::<String>);
    let run = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let j = job.get_untracked();
        if pending.get_untracked() {
            return;
        }
        let question = format!(
            "Run “{}” now for today?\n\nIt {}. A day already done is skipped; the kill switches apply.",
            j.title(),
            j.description()
        );
        if !confirm(&question) {
            return;
        }
        done.set(None);
        submission.run(
            move |_| async move { api::jobs::run_now(j).await },
            move |runs| {
                done.set(Some(runs.iter().map(outcome).collect::<Vec<_>>().join(" ")));
                if let Some(first) = runs.into_iter().next() {
                    on_ran.run(first.run_id);
                }
            },
        );
    };
    view! {
        <form class="card run-now" data-testid="run-now" on:submit=run>
            <h2>"Run a job now"</h2>
            <div class="actions">
                <label for="run-job">"Job"</label>
                <select
                    id="run-job"
                    data-testid="run-job"
                    on:change=move |ev| {
                        if let Ok(j) = event_target_value(&ev).parse::<Job>() {
                            job.set(j);
                        }
                    }
                >
                    {agency_jobs()
                        .map(|j| view! { <option value=j.name() selected=move || job.get() == j>{j.title()}</option> })
                        .collect_view()}
                </select>
                <button type="submit" class="primary" disabled=move || pending.get() data-testid="run-job-now">
                    {move || if pending.get() { "Running…" } else { "Run now" }}
                </button>
            </div>
            <p class="muted">{move || format!("What it does: {}.", job.get().description())}</p>
            <FormError problem=problem />
            {move || done.get().map(|m| view! { <p class="ok notice" role="status" data-testid="run-outcome">{m}</p> })}
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use debtflow_domain::job::RunStatus;

    #[test]
    fn an_outcome_says_what_the_run_did_and_agencies_run_their_own_jobs() {
        let run = TriggeredRun {
            run_id: crate::fixtures::id(1),
            job: Job::DataQuality,
            as_of_date: crate::fixtures::day("2026-11-02"),
            status: RunStatus::SkippedDone,
            duration_ms: 3,
            records_scanned: 0,
            records_updated: 0,
            notifications_sent: 0,
            errors_count: 0,
            findings: 0,
        };
        assert_eq!(outcome(&run), "Data quality for 2026-11-02 — Skipped: done already.");
        assert!(agency_jobs().all(|j| j.per_agency()) && agency_jobs().count() == 10);
    }
}
