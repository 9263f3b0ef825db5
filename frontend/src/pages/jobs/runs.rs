//! The table of runs, as markup ([`crate::markup`]): the latest run of each job per
//! day, with its status, counts, duration, whether it was forced, and a failed run's
//! errors.

use crate::{api::jobs::JobRun, format, markup::esc};
use chrono::{DateTime, Utc};
use debtflow_domain::job::RunStatus;
use uuid::Uuid;

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

/// The runs as table markup ([`crate::markup`]); `fresh` is the run just started
/// here, marked; `when` writes an instant for the reader.
pub fn runs_html(runs: &[JobRun], fresh: Option<Uuid>, when: impl Fn(&DateTime<Utc>) -> String) -> String {
    let mut html = String::from(concat!(
        r#"<table class="job-runs stacked" data-testid="job-runs"><thead><tr>"#,
        r#"<th scope="col">Date</th><th scope="col">Job</th><th scope="col">Status</th>"#,
        r#"<th scope="col" class="num">Scanned</th><th scope="col" class="num">Updated</th>"#,
        r#"<th scope="col" class="num">Notified</th><th scope="col" class="num">Failed</th>"#,
        r#"<th scope="col" class="num">Findings</th><th scope="col" class="num">Duration</th>"#,
        r#"<th scope="col">Started</th></tr></thead>"#
    ));
    for run in runs {
        html.push_str(&run_html(run, fresh == Some(run.run_id), &when));
    }
    html.push_str("</table>");
    html
}

fn run_html(run: &JobRun, fresh: bool, when: &impl Fn(&DateTime<Utc>) -> String) -> String {
    let notified = if run.notifications_failed > 0 {
        format!("{} ({} failed)", run.notifications_sent, run.notifications_failed)
    } else {
        run.notifications_sent.to_string()
    };
    let note = note(run);
    let note = if note.is_empty() { note } else { format!("<small class=\"muted\">{}</small>", esc(&note)) };
    let errors = run
        .error_summary
        .as_deref()
        .filter(|_| run.status.is_failure() || run.errors_count > 0)
        .map(|summary| {
            format!(
                concat!(
                    r#"<tr class="run-errors"><td colspan="10"><details data-testid="run-errors">"#,
                    r#"<summary>What failed ({} record(s))</summary><p class="error-summary">{}</p></details></td></tr>"#
                ),
                run.errors_count,
                esc(summary)
            )
        })
        .unwrap_or_default();
    format!(
        concat!(
            r#"<tbody data-testid="job-run" data-run="{id}" data-job="{job}" data-status="{status}"{fresh}><tr>"#,
            r#"<td data-label="Date">{date}</td>"#,
            r#"<td data-label="Job" class="job"><span title="{description}">{title}</span>{note}</td>"#,
            r#"<td data-label="Status"><span class="badge run-{status}" data-testid="run-status">{status_label}</span></td>"#,
            r#"<td data-label="Scanned" class="num">{scanned}</td><td data-label="Updated" class="num">{updated}</td>"#,
            r#"<td data-label="Notified" class="num">{notified}</td>"#,
            r#"<td data-label="Failed" class="num{bad}">{failed}</td><td data-label="Findings" class="num">{findings}</td>"#,
            r#"<td data-label="Duration" class="num">{duration}</td>"#,
            r#"<td data-label="Started"><time datetime="{started}">{local}</time></td></tr>{errors}</tbody>"#
        ),
        id = run.run_id,
        job = run.job.name(),
        status = run.status.as_str(),
        fresh = if fresh { r#" class="fresh""# } else { "" },
        date = run.as_of_date,
        description = esc(run.job.description()),
        title = run.job.title(),
        note = note,
        status_label = status_label(run.status),
        scanned = run.records_scanned,
        updated = run.records_updated,
        notified = notified,
        bad = if run.errors_count > 0 { " bad" } else { "" },
        failed = run.errors_count,
        findings = run.findings,
        duration = run.duration_ms.map_or_else(|| "—".into(), duration),
        started = format::iso(&run.started_at),
        local = esc(&when(&run.started_at)),
        errors = errors,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::{at, day, id};
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
            run_id: id(0xf),
            job: Job::DpdAging,
            agency_id: Some(id(0xa)),
            as_of_date: day("2026-11-02"),
            status: RunStatus::SkippedDone,
            forced: false,
            started_at: at("2026-11-02T11:50:00Z"),
            finished_at: None,
            duration_ms: None,
            records_scanned: 0,
            records_updated: 0,
            notifications_sent: 0,
            notifications_failed: 0,
            errors_count: 0,
            findings: 0,
            error_summary: None,
            host: "worker-1".into(),
            pid: 4242,
            runs_that_day: Some(2),
        };
        assert_eq!(note(&run), "latest of 2 runs");
        run.forced = true;
        run.agency_id = None;
        run.runs_that_day = Some(1);
        assert_eq!(note(&run), "forced re-run, platform-wide");

        run.status = RunStatus::Partial;
        run.errors_count = 1;
        run.error_summary = Some("plan p1: <boom>".into());
        let html = runs_html(&[run], Some(id(0xf)), |at| at.to_string());
        assert!(
            html.contains(
                r#"<tbody data-testid="job-run" data-run="00000000-0000-0000-0000-00000000000f" data-job="dpd_aging" data-status="partial" class="fresh">"#
            ),
            "{html}"
        );
        assert!(html.contains(r#"<span class="badge run-partial" data-testid="run-status">Partial</span>"#));
        assert!(html.contains("What failed (1 record(s))") && html.contains("plan p1: &lt;boom&gt;"));
        assert!(html.contains(r#"<td data-label="Failed" class="num bad">1</td>"#));
    }
}
