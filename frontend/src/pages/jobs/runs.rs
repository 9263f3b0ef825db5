//! The table of runs: the latest run of each job per day, with its status, counts,
//! duration, whether it was forced, and a failed run's errors.

use crate::{api::jobs::JobRun, format};
use debtflow_domain::job::RunStatus;
use leptos::prelude::*;

/// A status in words.
pub fn status_label(status: RunStatus) -> &'static str {
    match status {
        RunStatus::Running => "Running",
        RunStatus::Succeeded => "Succeeded",
        RunStatus::Partial => "Partial",
        RunStatus::Failed => "Failed",
        RunStatus::SkippedLock => "Skipped: another runner had it",
        RunStatus::SkippedDone => "Skipped: done already",
        RunStatus::Disabled => "Off: a kill switch",
    }
}

/// `850` → `850 ms`, `3200` → `3.2 s`, `65000` → `1 min 5 s`.
pub fn duration(ms: i64) -> String {
    match ms.max(0) {
        ms @ 0..1_000 => format!("{ms} ms"),
        ms @ 1_000..60_000 => format!("{}.{} s", ms / 1_000, ms % 1_000 / 100),
        ms => format!("{} min {} s", ms / 60_000, ms % 60_000 / 1_000),
    }
}

/// How the run came about, besides being the day's latest.
fn note(run: &JobRun) -> String {
    let mut parts = Vec::new();
    if run.forced {
        parts.push("forced re-run".to_owned());
    }
    match run.runs_that_day {
        Some(n) if n > 1 => parts.push(format!("latest of {n} runs")),
        _ => {}
    }
    if run.agency_id.is_none() {
        parts.push("platform-wide".to_owned());
    }
    parts.join(", ")
}

#[component]
pub fn Runs(runs: Vec<JobRun>, #[prop(into)] fresh: Signal<Option<String>>) -> impl IntoView {
    view! {
        <table class="job-runs stacked" data-testid="job-runs">
            <thead>
                <tr>
                    <th scope="col">"Date"</th>
                    <th scope="col">"Job"</th>
                    <th scope="col">"Status"</th>
                    <th scope="col" class="num">"Scanned"</th>
                    <th scope="col" class="num">"Updated"</th>
                    <th scope="col" class="num">"Notified"</th>
                    <th scope="col" class="num">"Failed"</th>
                    <th scope="col" class="num">"Findings"</th>
                    <th scope="col" class="num">"Duration"</th>
                    <th scope="col">"Started"</th>
                </tr>
            </thead>
            {runs.into_iter().map(|run| view! { <Run run=run fresh=fresh /> }).collect_view()}
        </table>
    }
}

#[component]
fn Run(run: JobRun, fresh: Signal<Option<String>>) -> impl IntoView {
    let id = run.run_id.clone();
    let is_fresh = move || fresh.with(|f| f.as_deref() == Some(id.as_str()));
    let notified = if run.notifications_failed > 0 {
        format!("{} ({} failed)", run.notifications_sent, run.notifications_failed)
    } else {
        run.notifications_sent.to_string()
    };
    let note = note(&run);
    let errors = run.error_summary.clone().filter(|_| run.status.is_failure() || run.errors_count > 0);
    view! {
        <tbody
            data-testid="job-run"
            data-run=run.run_id.clone()
            data-job=run.job.name()
            data-status=run.status.as_str()
            class:fresh=is_fresh
        >
            <tr>
                <td data-label="Date">{run.as_of_date.clone()}</td>
                <td data-label="Job" class="job">
                    <span title=run.job.description()>{run.job.title()}</span>
                    {(!note.is_empty()).then(|| view! { <small class="muted">{note}</small> })}
                </td>
                <td data-label="Status">
                    <span class=format!("badge run-{}", run.status) data-testid="run-status">
                        {status_label(run.status)}
                    </span>
                </td>
                <td data-label="Scanned" class="num">{run.records_scanned}</td>
                <td data-label="Updated" class="num">{run.records_updated}</td>
                <td data-label="Notified" class="num">{notified}</td>
                <td data-label="Failed" class="num" class:bad={run.errors_count > 0}>{run.errors_count}</td>
                <td data-label="Findings" class="num">{run.findings}</td>
                <td data-label="Duration" class="num">{run.duration_ms.map_or_else(|| "—".into(), duration)}</td>
                <td data-label="Started">
                    <time datetime=run.started_at.clone()>{format::local_datetime(&run.started_at)}</time>
                </td>
            </tr>
            {errors
                .map(|summary| {
                    view! {
                        <tr class="run-errors">
                            <td colspan="10">
                                <details data-testid="run-errors">
                                    <summary>{format!("What failed ({} record(s))", run.errors_count)}</summary>
                                    <p class="error-summary">{summary}</p>
                                </details>
                            </td>
                        </tr>
                    }
                })}
        </tbody>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use debtflow_domain::job::Job;

    #[test]
    fn durations_read_in_the_unit_that_suits_them() {
        assert_eq!(duration(850), "850 ms");
        assert_eq!(duration(3_250), "3.2 s");
        assert_eq!(duration(65_400), "1 min 5 s");
        assert_eq!(duration(-5), "0 ms");
    }

    #[test]
    fn each_status_has_words_and_a_run_says_how_it_came_about() {
        for status in RunStatus::ALL {
            assert!(!status_label(*status).is_empty());
        }
        let mut run = JobRun {
            run_id: "r".into(),
            job: Job::DpdAging,
            agency_id: Some("a".into()),
            as_of_date: "2026-11-02".into(),
            status: RunStatus::SkippedDone,
            forced: false,
            started_at: "2026-11-02T11:50:00Z".into(),
            finished_at: None,
            duration_ms: None,
            records_scanned: 0,
            records_updated: 0,
            notifications_sent: 0,
            notifications_failed: 0,
            errors_count: 0,
            findings: 0,
            error_summary: None,
            runs_that_day: Some(2),
        };
        assert_eq!(note(&run), "latest of 2 runs");
        run.forced = true;
        run.agency_id = None;
        run.runs_that_day = Some(1);
        assert_eq!(note(&run), "forced re-run, platform-wide");
    }
}
