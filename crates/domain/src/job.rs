//! The daily jobs by name, what each does and when it runs, and how a run ends: the
//! API runs them (`crates/api/src/jobs`), the SPA lists their runs and offers to run
//! one now, both from these enums.

use crate::names::named_enum;
use chrono::{NaiveTime, Weekday};
use std::{fmt, str::FromStr};

/// Every job.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "sqlx", derive(sqlx::Type), sqlx(type_name = "text", rename_all = "snake_case"))]
#[serde(rename_all = "snake_case")]
pub enum Job {
    DpdAging,
    InstallmentReminders,
    OverdueDefaultScan,
    PromiseEvaluation,
    DebtorReminders,
    StaleAccountEscalation,
    HearingReminders,
    MilestoneOverdueScan,
    NextHearingRollup,
    DataQuality,
    IdempotencyPurge,
    Maintenance,
}

/// Which kill switch, besides `jobs_enabled`, stops a job.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Switch {
    Reminders,
    Escalation,
    Defaults,
}

impl Job {
    /// In the order they run each morning.
    pub const ALL: [Job; 12] = [
        Job::DpdAging,
        Job::InstallmentReminders,
        Job::OverdueDefaultScan,
        Job::PromiseEvaluation,
        Job::HearingReminders,
        Job::StaleAccountEscalation,
        Job::MilestoneOverdueScan,
        Job::NextHearingRollup,
        Job::DebtorReminders,
        Job::DataQuality,
        Job::IdempotencyPurge,
        Job::Maintenance,
    ];

    /// The stable wire and database name.
    pub fn name(self) -> &'static str {
        match self {
            Job::DpdAging => "dpd_aging",
            Job::InstallmentReminders => "installment_reminders",
            Job::OverdueDefaultScan => "overdue_default_scan",
            Job::PromiseEvaluation => "promise_evaluation",
            Job::DebtorReminders => "debtor_reminders",
            Job::StaleAccountEscalation => "stale_account_escalation",
            Job::HearingReminders => "hearing_reminders",
            Job::MilestoneOverdueScan => "milestone_overdue_scan",
            Job::NextHearingRollup => "next_hearing_rollup",
            Job::DataQuality => "data_quality",
            Job::IdempotencyPurge => "idempotency_purge",
            Job::Maintenance => "maintenance",
        }
    }

    /// Its name for people ("Days past due and aging").
    pub fn title(self) -> &'static str {
        match self {
            Job::DpdAging => "Days past due and aging",
            Job::InstallmentReminders => "Installment reminders",
            Job::OverdueDefaultScan => "Overdue and default scan",
            Job::PromiseEvaluation => "Promise evaluation",
            Job::DebtorReminders => "Debtor reminders",
            Job::StaleAccountEscalation => "Stale account escalation",
            Job::HearingReminders => "Hearing reminders",
            Job::MilestoneOverdueScan => "Milestone overdue scan",
            Job::NextHearingRollup => "Next hearing roll-up",
            Job::DataQuality => "Data quality",
            Job::IdempotencyPurge => "Idempotency key purge",
            Job::Maintenance => "Maintenance",
        }
    }

    pub fn description(self) -> &'static str {
        match self {
            Job::DpdAging => "days past due and aging buckets of open accounts; bucket moves recorded",
            Job::InstallmentReminders => {
                "collectors reminded of installments due in N days (setting reminder_days_before, 3)"
            }
            Job::OverdueDefaultScan => "late installments flagged; plans past their default threshold defaulted",
            Job::DebtorReminders => {
                "debtors reminded of installments due in N days and 3 and 7 days late, within the contact guardrails"
            }
            Job::PromiseEvaluation => {
                "promises to pay kept or broken (grace: setting plan_grace_days); broken ones raise the account and tell its collector"
            }
            Job::StaleAccountEscalation => {
                "managers told of accounts without activity for N days (setting stale_after_days, 14)"
            }
            Job::HearingReminders => {
                "the people on a legal case reminded of its hearings in the next N days (setting hearing_reminder_days, 3)"
            }
            Job::MilestoneOverdueScan => {
                "recovery milestones past their target date flagged overdue; the manager who initiated the action told"
            }
            Job::NextHearingRollup => "each open legal case's next hearing date set from its hearings",
            Job::DataQuality => {
                "balances against the ledger, balanced entries, plans on closed accounts, payments without entries"
            }
            Job::IdempotencyPurge => "idempotency keys older than IDEMPOTENCY_KEY_TTL_SECS deleted",
            Job::Maintenance => {
                "audit partitions made 3 months ahead, detached after 24 months; old failed logins deleted"
            }
        }
    }

    /// Platform-wide jobs run once, not per agency.
    pub fn per_agency(self) -> bool {
        !matches!(self, Job::IdempotencyPurge | Job::Maintenance)
    }

    pub fn switch(self) -> Option<Switch> {
        match self {
            Job::InstallmentReminders | Job::DebtorReminders | Job::HearingReminders => Some(Switch::Reminders),
            Job::StaleAccountEscalation | Job::MilestoneOverdueScan => Some(Switch::Escalation),
            Job::OverdueDefaultScan => Some(Switch::Defaults),
            _ => None,
        }
    }

    /// When the scheduler runs it, in each agency's time zone (the seed's runbook):
    /// a weekday for weekly jobs, and a time of day.
    pub fn schedule(self) -> (Option<Weekday>, NaiveTime) {
        let at = |h, m| NaiveTime::from_hms_opt(h, m, 0).unwrap_or(NaiveTime::MIN);
        match self {
            Job::Maintenance => (None, at(5, 30)),
            Job::IdempotencyPurge => (None, at(6, 0)),
            Job::DpdAging => (None, at(6, 50)),
            Job::InstallmentReminders => (None, at(7, 0)),
            Job::OverdueDefaultScan => (None, at(7, 10)),
            Job::PromiseEvaluation => (None, at(7, 20)),
            Job::HearingReminders => (None, at(7, 20)),
            Job::StaleAccountEscalation => (None, at(7, 30)),
            Job::MilestoneOverdueScan => (None, at(7, 30)),
            Job::NextHearingRollup => (None, at(7, 40)),
            Job::DebtorReminders => (None, at(9, 0)),
            Job::DataQuality => (Some(Weekday::Mon), at(8, 0)),
        }
    }
}

impl fmt::Display for Job {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Job {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Job::ALL.into_iter().find(|j| j.name() == s).ok_or_else(|| {
            let names: Vec<&str> = Job::ALL.iter().map(|j| j.name()).collect();
            format!("`{s}` is not a job; the jobs are {}", names.join(", "))
        })
    }
}

named_enum!(
    /// Where a run is, or how it ended: `running` (started, not ended — or its runner
    /// died, and the lock it held is free again), `succeeded`, `partial` (some records
    /// failed, the others are committed), `failed` (nothing committed), `skipped_lock`
    /// (another runner held the job's lock), `skipped_done` (the date had succeeded
    /// already) or `disabled` (a kill switch stopped it).
    RunStatus as "text" {
        Running => "running",
        Succeeded => "succeeded",
        Partial => "partial",
        Failed => "failed",
        SkippedLock => "skipped_lock",
        SkippedDone => "skipped_done",
        Disabled => "disabled",
    }
);

impl RunStatus {
    /// Whether the run went wrong (some or all of its records failed).
    pub fn is_failure(self) -> bool {
        matches!(self, RunStatus::Failed | RunStatus::Partial)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jobs_and_statuses_read_back_from_their_names() {
        for job in Job::ALL {
            assert_eq!(job.name().parse::<Job>(), Ok(job));
            assert!(!job.title().is_empty());
        }
        assert!("nope".parse::<Job>().unwrap_err().contains("the jobs are dpd_aging"));
        for status in RunStatus::ALL {
            assert_eq!(status.as_str().parse::<RunStatus>(), Ok(*status));
        }
        assert!(RunStatus::Partial.is_failure() && !RunStatus::SkippedDone.is_failure());
    }
}
