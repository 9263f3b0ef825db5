//! Imports (`/imports`): upload a placement CSV (dropped on the zone or chosen with
//! the file button), read with one of the agency's column mappings or none; a file
//! imported before is refused until the user says to import it again. Then its
//! progress, live from the stream's `import_progress` (polled every second while the
//! stream is down): rows done of total, rows per second, time left; once finished, the
//! counts, the row errors with their CSV download, and a link to the new accounts.
//! Below, the history of the agency's imports.
//!
//! - [`upload`]: the file, its mapping, the duplicate's second chance;
//! - [`progress`]: the live progress of a running import;
//! - [`outcome`]: a finished import's counts and row errors;
//! - [`history`]: the agency's imports, paged.

mod history;
mod outcome;
mod progress;
mod upload;

use history::History;
use progress::Progress;
use upload::UploadForm;

use crate::{api::imports::Import, components::Forbidden, components::PageHeading, session::use_session};
use debtflow_domain::{import::ImportStatus, permission::Operation};
use leptos::prelude::*;

pub(super) const HISTORY_PAGE: u32 = 10;
/// Row errors listed on the page (all of them are in the CSV).
pub(super) const ERRORS_SHOWN: u32 = 50;

/// `12345` → `12.0 KB` (integer arithmetic: float formatting would add to the wasm).
pub fn size(bytes: i64) -> String {
    let tenths = |unit: i64| format!("{}.{}", bytes / unit, (bytes % unit) * 10 / unit);
    match bytes {
        b if b < 1024 => format!("{b} B"),
        b if b < 1024 * 1024 => format!("{} KB", tenths(1024)),
        _ => format!("{} MB", tenths(1024 * 1024)),
    }
}

/// Rows per second between the first and the last `(milliseconds, rows done)` sample.
pub fn rate(samples: &[(f64, i64)]) -> Option<i64> {
    let (&(t0, r0), &(t1, r1)) = (samples.first()?, samples.last()?);
    (t1 > t0 && r1 > r0).then(|| ((r1 - r0) as f64 * 1000.0 / (t1 - t0)).round() as i64)
}

/// Whole percent done (0 while the rows are not counted yet).
pub fn percent(processed: i64, total: Option<i64>) -> i64 {
    match total {
        Some(t) if t > 0 => (processed.clamp(0, t) * 100) / t,
        Some(_) => 100,
        None => 0,
    }
}

/// `75` s → `1 min 15 s`.
pub fn duration(seconds: i64) -> String {
    let s = seconds.max(0);
    if s < 60 {
        format!("{s} s")
    } else {
        format!("{} min {} s", s / 60, s % 60)
    }
}

/// The progress in words: "120 of 301 rows (39 %) · 60 rows/s · about 3 s left"; a
/// finished import says how long it took (`elapsed_ms`, start to finish).
pub fn progress_text(import: &Import, rate: Option<i64>, elapsed_ms: Option<i64>) -> String {
    let Some(total) = import.total_rows else {
        return match import.status {
            ImportStatus::Queued => "Waiting to start…".into(),
            _ => "Counting the rows…".into(),
        };
    };
    let mut text = format!("{} of {} rows ({} %)", import.processed, total, percent(import.processed, Some(total)));
    if import.status.is_finished() {
        if let Some(ms) = elapsed_ms.filter(|ms| *ms >= 0) {
            match ms {
                0..500 => text.push_str(" in under a second"),
                _ => text.push_str(&format!(" in {}", duration((ms + 500) / 1000))),
            }
            if ms > 0 && import.processed > 0 {
                text.push_str(&format!(" · {} rows/s", (import.processed * 1000 + ms / 2) / ms));
            }
        }
        return text;
    }
    if let Some(r) = rate.filter(|r| *r > 0) {
        let left = ((total - import.processed).max(0) + r - 1) / r;
        text.push_str(&format!(" · {r} rows/s · about {} left", duration(left)));
    }
    text
}

/// Milliseconds from start to finish of a finished import (the browser reads the
/// timestamps).
pub(super) fn elapsed_ms(import: &Import) -> Option<i64> {
    Some((import.finished_at? - import.started_at?).num_milliseconds())
}

/// What a finished import came to, in a sentence.
pub fn outcome(import: &Import) -> String {
    match import.status {
        ImportStatus::Failed => {
            format!("The file could not be imported: {}", import.error.as_deref().unwrap_or("no reason given"))
        }
        ImportStatus::Queued | ImportStatus::Running => "Importing…".into(),
        _ => {
            let mut text = format!(
                "{} new account(s), {} updated, {} unchanged, {} row(s) refused.",
                import.created, import.updated, import.skipped, import.failed
            );
            if import.failed == 0 {
                text.insert_str(0, "Imported: ");
            } else {
                text.insert_str(0, "Imported with errors: ");
            }
            text
        }
    }
}

/// An import's rows in a line: "301: 300 new, 0 updated, 0 unchanged, 1 refused".
pub fn counts(i: &Import) -> String {
    match i.total_rows {
        None => "not counted yet".into(),
        Some(t) => {
            format!("{t}: {} new, {} updated, {} unchanged, {} refused", i.created, i.updated, i.skipped, i.failed)
        }
    }
}

/// `accounts.csv` → `accounts-errors.csv`.
pub fn errors_file_name(file_name: &str) -> String {
    format!("{}-errors.csv", file_name.trim_end_matches(".csv").trim_end_matches(".CSV"))
}

#[component]
pub fn ImportsPage() -> impl IntoView {
    let session = use_session();
    if !session.can(Operation::ReadImports) {
        return view! { <Forbidden text="Imports are for managers" /> }.into_any();
    }
    // The import followed on the page (just uploaded, or picked in the history).
    let followed = RwSignal::new(None::<Import>);
    let history_version = RwSignal::new(0u32);
    let on_started = Callback::new(move |import: Import| {
        followed.set(Some(import));
        history_version.update(|v| *v += 1);
    });
    let on_finished = Callback::new(move |()| history_version.update(|v| *v += 1));
    view! {
        <section class="imports">
            <PageHeading text="Imports" />
            {session.can(Operation::ImportAccounts).then(|| view! { <UploadForm on_started=on_started /> })}
            {move || {
                followed
                    .get()
                    .map(|import| {
                        view! { <Progress initial=import on_finished=on_finished /> }
                    })
            }}
            <History version=history_version on_pick=Callback::new(move |i| followed.set(Some(i))) />
        </section>
    }
    .into_any()
}

/// The upload: a drop zone around the file button, the mapping, and the offer to
/// import again a file seen before.
#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::{at, id};
    use debtflow_domain::import::ImportSource;

    fn import(status: ImportStatus, total: Option<i64>, processed: i64) -> Import {
        Import {
            id: id(1),
            status,
            source: ImportSource::Upload,
            file_name: "placements.csv".into(),
            sha256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08".into(),
            size_bytes: 2_048,
            mapping: None,
            forced: false,
            total_rows: total,
            processed,
            created: processed,
            updated: 0,
            skipped: 0,
            failed: 0,
            error: None,
            created_by: None,
            created_by_name: None,
            created_at: at("2026-12-01T10:00:00Z"),
            started_at: Some(at("2026-12-01T10:00:00Z")),
            finished_at: Some(at("2026-12-01T10:00:02.500Z")),
        }
    }

    #[test]
    fn the_rate_is_rows_over_time_between_the_first_and_last_sample() {
        assert_eq!(rate(&[]), None);
        assert_eq!(rate(&[(0.0, 0)]), None, "one sample: no rate yet");
        assert_eq!(rate(&[(1_000.0, 100), (1_500.0, 200), (3_000.0, 500)]), Some(200));
        assert_eq!(rate(&[(1_000.0, 100), (1_000.0, 200)]), None, "no time passed");
    }

    #[test]
    fn progress_says_rows_rate_and_time_left() {
        let running = import(ImportStatus::Running, Some(301), 120);
        assert_eq!(progress_text(&running, Some(60), None), "120 of 301 rows (39 %) · 60 rows/s · about 4 s left");
        assert_eq!(progress_text(&running, None, None), "120 of 301 rows (39 %)");
        let slow = import(ImportStatus::Running, Some(100_000), 10_000);
        assert!(progress_text(&slow, Some(1_000), None).ends_with("about 1 min 30 s left"));
        assert_eq!(progress_text(&import(ImportStatus::Queued, None, 0), None, None), "Waiting to start…");
        let done = import(ImportStatus::Completed, Some(300), 300);
        assert_eq!(progress_text(&done, None, Some(2_500)), "300 of 300 rows (100 %) in 3 s · 120 rows/s");
        assert_eq!(progress_text(&done, None, None), "300 of 300 rows (100 %)");
        assert_eq!(progress_text(&done, None, Some(136)), "300 of 300 rows (100 %) in under a second · 2206 rows/s");
    }

    #[test]
    fn percent_is_whole_and_bounded() {
        assert_eq!(percent(0, None), 0);
        assert_eq!(percent(150, Some(300)), 50);
        assert_eq!(percent(299, Some(300)), 99, "100 % only when every row is done");
        assert_eq!(percent(400, Some(300)), 100);
        assert_eq!(percent(0, Some(0)), 100, "an empty file is done");
    }

    #[test]
    fn outcomes_and_names_in_words() {
        let mut i = import(ImportStatus::CompletedWithErrors, Some(301), 301);
        i.created = 300;
        i.failed = 1;
        assert_eq!(outcome(&i), "Imported with errors: 300 new account(s), 0 updated, 0 unchanged, 1 row(s) refused.");
        i.status = ImportStatus::Failed;
        i.error = Some("no header".into());
        assert_eq!(outcome(&i), "The file could not be imported: no header");
        assert_eq!(counts(&i), "301: 300 new, 0 updated, 0 unchanged, 1 refused");
        assert_eq!(counts(&import(ImportStatus::Queued, None, 0)), "not counted yet");
        assert_eq!(errors_file_name("placements.csv"), "placements-errors.csv");
        assert_eq!(size(2_048), "2.0 KB");
        assert_eq!(size(12), "12 B");
        assert_eq!(size(1_572_864), "1.5 MB");
        assert_eq!(duration(75), "1 min 15 s");
    }
}
