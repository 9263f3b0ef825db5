//! The scheduler's retry policy (seed 000's runbook: "retry once after 5 minutes for
//! fatal failures; no retry for lock skips; escalate repeated failures"), as one pure
//! function of a job's runs for an agency and date ([`next_action`]).
//!
//! Each minute, for each job whose time has come in an agency, the scheduler asks:
//!
//! - a **finished** run — `succeeded`, `partial` or `skipped_done` — ends the day. A
//!   partial run is a finished run: its failed records are counted and reported (the
//!   JSON line, `errors_count`, `error_summary`, exit code 2), the others are
//!   committed, and running it again would only retry the same broken records; it is
//!   not retried.
//! - **two failures** end the day: the second one escalated to the agency's admins
//!   ([`escalates`], written by [`super::escalation`]); the job waits for an operator's
//!   replay (`--as-of-date`).
//! - otherwise the latest run to end decides:
//!   - none yet (or only one still `running`, whose runner may have died: the lock
//!     tells) → run;
//!   - `skipped_lock` → rest: another runner holds the job, and its own run records
//!     how that ended (a failure it records later is the latest again, and is
//!     retried);
//!   - `disabled` → rest while the kill switch is off (one row per day, however many
//!     minutes pass); run as soon as it is switched back on;
//!   - `failed` → run again once [`RETRY_AFTER`] has passed since it ended; wait until
//!     then.

use super::RunStatus;
use chrono::{DateTime, TimeDelta, Utc};

/// How long after a failure the one retry comes.
pub const RETRY_AFTER: TimeDelta = TimeDelta::minutes(5);

/// Failures of a date after which a job is escalated and not run again that day.
pub const MAX_FAILURES: i64 = 2;

/// A run of the job for the agency and date, as the policy sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PastRun {
    pub status: RunStatus,
    /// When it ended (when it began, if it is still `running`).
    pub at: DateTime<Utc>,
}

/// Whether the agency's kill switches let the job run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Switched {
    On,
    Off,
}

/// What the scheduler does about a due job this minute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Run it now (a first run records `disabled` if the switch is off).
    Run,
    /// A failure's retry comes at `until`.
    Wait { until: DateTime<Utc> },
    /// Nothing more today.
    Rest(Why),
}

/// Why a job rests until tomorrow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Why {
    /// It succeeded, partly succeeded, or had already succeeded.
    Finished,
    /// Another runner held its lock.
    LockTaken,
    /// Its kill switch is off, and that is recorded.
    SwitchedOff,
    /// It failed twice; its admins were told.
    GaveUp,
}

/// What to do about a due job, given its runs for the agency and date (in the order
/// they ended), its kill switch and the clock's instant.
pub fn next_action(runs: &[PastRun], switched: Switched, now: DateTime<Utc>) -> Action {
    let finished = |s: RunStatus| matches!(s, RunStatus::Succeeded | RunStatus::Partial | RunStatus::SkippedDone);
    if runs.iter().any(|r| finished(r.status)) {
        return Action::Rest(Why::Finished);
    }
    let failures = runs.iter().filter(|r| r.status == RunStatus::Failed).count() as i64;
    if failures >= MAX_FAILURES {
        return Action::Rest(Why::GaveUp);
    }
    // The last to end wins a tie: the runs come in the order they ended.
    let latest = runs.iter().filter(|r| r.status != RunStatus::Running).max_by_key(|r| r.at);
    let Some(latest) = latest else { return Action::Run };
    match latest.status {
        RunStatus::SkippedLock => Action::Rest(Why::LockTaken),
        RunStatus::Disabled => match switched {
            Switched::On => Action::Run,
            Switched::Off => Action::Rest(Why::SwitchedOff),
        },
        RunStatus::Failed if now >= latest.at + RETRY_AFTER => Action::Run,
        RunStatus::Failed => Action::Wait { until: latest.at + RETRY_AFTER },
        // Set aside above; stated so that the match is whole.
        RunStatus::Succeeded | RunStatus::Partial | RunStatus::SkippedDone => Action::Rest(Why::Finished),
        RunStatus::Running => Action::Run,
    }
}

/// Whether a job that has failed `failures` times for a date is escalated to the
/// agency's admins.
pub fn escalates(failures: i64) -> bool {
    failures >= MAX_FAILURES
}

#[cfg(test)]
mod tests {
    use super::*;
    use RunStatus::*;

    fn at(hm: &str) -> DateTime<Utc> {
        format!("2026-11-24T{hm}Z").parse().unwrap()
    }

    fn run(status: RunStatus, hm: &str) -> PastRun {
        PastRun { status, at: at(hm) }
    }

    const SWITCHES: [Switched; 2] = [Switched::On, Switched::Off];

    #[test]
    fn a_job_that_has_not_run_today_runs_even_if_switched_off_to_record_it() {
        for switched in SWITCHES {
            assert_eq!(next_action(&[], switched, at("07:00:00")), Action::Run);
        }
    }

    #[test]
    fn a_finished_run_ends_the_day_whatever_came_before_or_after() {
        for done in [Succeeded, Partial, SkippedDone] {
            for runs in [
                vec![run(done, "07:00:00")],
                vec![run(Failed, "07:00:00"), run(done, "07:05:00")],
                vec![run(done, "07:00:00"), run(SkippedLock, "07:01:00")],
                vec![run(Disabled, "07:00:00"), run(done, "09:00:00")],
            ] {
                for switched in SWITCHES {
                    assert_eq!(next_action(&runs, switched, at("23:59:00")), Action::Rest(Why::Finished), "{runs:?}");
                }
            }
        }
    }

    #[test]
    fn a_failure_is_retried_once_five_minutes_after_it_ended() {
        let runs = [run(Failed, "07:00:30")];
        let retry = at("07:05:30");
        for now in ["07:00:30", "07:01:00", "07:04:00", "07:05:29"] {
            assert_eq!(next_action(&runs, Switched::On, at(now)), Action::Wait { until: retry }, "{now}");
        }
        for now in ["07:05:30", "07:06:00", "23:59:00"] {
            assert_eq!(next_action(&runs, Switched::On, at(now)), Action::Run, "{now}");
        }
    }

    #[test]
    fn a_second_failure_gives_up_for_the_day_and_escalates() {
        let runs = [run(Failed, "07:00:00"), run(Failed, "07:05:00")];
        for switched in SWITCHES {
            for now in ["07:05:00", "07:10:00", "23:59:00"] {
                assert_eq!(next_action(&runs, switched, at(now)), Action::Rest(Why::GaveUp));
            }
        }
        let with_others = [run(Failed, "07:00:00"), run(SkippedLock, "07:05:00"), run(Failed, "07:06:00")];
        assert_eq!(next_action(&with_others, Switched::On, at("08:00:00")), Action::Rest(Why::GaveUp));
        assert_eq!([0, 1, 2, 3].map(escalates), [false, false, true, true]);
    }

    #[test]
    fn a_lock_skip_is_never_retried() {
        for runs in [vec![run(SkippedLock, "07:00:00")], vec![run(Failed, "07:00:00"), run(SkippedLock, "07:05:00")]] {
            for switched in SWITCHES {
                for now in ["07:00:00", "07:05:00", "07:10:00", "23:59:00"] {
                    assert_eq!(next_action(&runs, switched, at(now)), Action::Rest(Why::LockTaken), "{runs:?}");
                }
            }
        }
    }

    #[test]
    fn a_failure_the_lock_holder_records_after_a_skip_is_retried() {
        // Two schedulers: one skipped at 07:00:01 while the other ran until 07:00:40
        // and failed.
        let runs = [run(SkippedLock, "07:00:01"), run(Failed, "07:00:40")];
        assert_eq!(next_action(&runs, Switched::On, at("07:05:00")), Action::Wait { until: at("07:05:40") });
        assert_eq!(next_action(&runs, Switched::On, at("07:06:00")), Action::Run);
    }

    #[test]
    fn the_run_that_ended_last_decides_a_tie() {
        let skip_then_failure = [run(SkippedLock, "07:00:00"), run(Failed, "07:00:00")];
        assert_eq!(next_action(&skip_then_failure, Switched::On, at("07:05:00")), Action::Run);
        let failure_then_skip = [run(Failed, "07:00:00"), run(SkippedLock, "07:00:00")];
        assert_eq!(next_action(&failure_then_skip, Switched::On, at("07:05:00")), Action::Rest(Why::LockTaken));
    }

    #[test]
    fn a_disabled_job_rests_while_switched_off_and_runs_once_switched_on() {
        let runs = [run(Disabled, "07:00:00")];
        for now in ["07:01:00", "12:00:00", "23:59:00"] {
            assert_eq!(next_action(&runs, Switched::Off, at(now)), Action::Rest(Why::SwitchedOff));
        }
        assert_eq!(next_action(&runs, Switched::On, at("09:00:00")), Action::Run);
        // Switched off at the retry: recorded once, then at rest.
        let runs = [run(Failed, "07:00:00"), run(Disabled, "07:05:00")];
        assert_eq!(next_action(&runs, Switched::Off, at("07:06:00")), Action::Rest(Why::SwitchedOff));
        assert_eq!(next_action(&runs, Switched::On, at("08:00:00")), Action::Run, "the retry, once back on");
    }

    #[test]
    fn a_run_still_running_does_not_decide() {
        // Its runner may have died (the lock it held is free): try; a live runner's
        // lock makes that a skip.
        assert_eq!(next_action(&[run(Running, "07:00:00")], Switched::On, at("07:01:00")), Action::Run);
        let runs = [run(Running, "07:00:00"), run(SkippedLock, "07:01:00")];
        assert_eq!(next_action(&runs, Switched::On, at("07:02:00")), Action::Rest(Why::LockTaken));
        let runs = [run(Failed, "07:00:00"), run(Running, "07:05:00")];
        assert_eq!(next_action(&runs, Switched::On, at("07:03:00")), Action::Wait { until: at("07:05:00") });
    }

    /// A day of minutes from the job's time, the runner answering each run with the
    /// next of `outcomes` (the last one repeating): the rows the day leaves.
    fn simulate(outcomes: &[RunStatus], switched: Switched) -> Vec<PastRun> {
        let mut runs: Vec<PastRun> = Vec::new();
        let mut now = at("07:00:00");
        while now < at("23:59:59") {
            if next_action(&runs, switched, now) == Action::Run {
                let status = outcomes[runs.len().min(outcomes.len() - 1)];
                runs.push(PastRun { status, at: now });
            }
            now += TimeDelta::minutes(1);
        }
        runs
    }

    #[test]
    fn over_a_whole_day_every_outcome_gets_at_most_one_retry_five_minutes_on() {
        let ends = [Succeeded, Partial, Failed, SkippedLock, SkippedDone];
        for first in ends {
            for second in ends {
                for third in ends {
                    let outcomes = [first, second, third];
                    let runs = simulate(&outcomes, Switched::On);
                    let statuses: Vec<RunStatus> = runs.iter().map(|r| r.status).collect();
                    let expected: &[RunStatus] = if first == Failed { &outcomes[..2] } else { &outcomes[..1] };
                    assert_eq!(statuses, expected, "outcomes {outcomes:?}");
                    assert_eq!(runs[0].at, at("07:00:00"));
                    if let Some(retry) = runs.get(1) {
                        assert_eq!(retry.at, at("07:05:00"), "the retry, 5 minutes on: {outcomes:?}");
                    }
                    let failures = statuses.iter().filter(|s| **s == Failed).count() as i64;
                    assert_eq!(escalates(failures), statuses == [Failed, Failed], "{outcomes:?}");
                }
            }
        }
    }

    #[test]
    fn over_a_whole_day_a_disabled_job_is_recorded_once() {
        assert_eq!(simulate(&[Disabled], Switched::Off), [run(Disabled, "07:00:00")]);
    }
}
