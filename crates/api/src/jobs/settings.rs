//! The jobs' kill switches, per agency, read at every run and by the scheduler each
//! minute: `jobs_enabled` stops all of an agency's jobs; `reminders_enabled`,
//! `escalation_enabled` and `defaults_enabled` stop one each. Changed with
//! `PATCH /api/v1/settings`, no restart needed.

use super::{Job, JobError, Switch};
use crate::store::{self, job_settings::Switches};
use sqlx::PgPool;
use uuid::Uuid;

/// Whether `switches` let `job` run.
pub fn allows(switches: &Switches, job: Job) -> bool {
    switches.jobs_enabled
        && match job.switch() {
            Some(Switch::Reminders) => switches.reminders_enabled,
            Some(Switch::Escalation) => switches.escalation_enabled,
            Some(Switch::Defaults) => switches.defaults_enabled,
            None => true,
        }
}

/// Whether `job` may run for the agency now.
pub async fn enabled(db: &PgPool, agency_id: Uuid, job: Job) -> Result<bool, JobError> {
    let mut conn = db.acquire().await?;
    let switches = store::job_settings::switches(&mut conn, agency_id).await?;
    Ok(allows(&switches, job))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jobs_enabled_stops_every_job_and_each_switch_its_own() {
        let on = Switches::default();
        assert!(Job::ALL.iter().all(|&job| allows(&on, job)));
        let all_off = Switches { jobs_enabled: false, ..on };
        assert!(Job::ALL.iter().all(|&job| !allows(&all_off, job)));
        let reminders_off = Switches { reminders_enabled: false, ..on };
        let stopped: Vec<Job> = Job::ALL.into_iter().filter(|&job| !allows(&reminders_off, job)).collect();
        assert_eq!(stopped, [Job::InstallmentReminders, Job::HearingReminders, Job::DebtorReminders]);
        let escalation_off = Switches { escalation_enabled: false, ..on };
        let stopped: Vec<Job> = Job::ALL.into_iter().filter(|&job| !allows(&escalation_off, job)).collect();
        assert_eq!(stopped, [Job::StaleAccountEscalation, Job::MilestoneOverdueScan]);
        let defaults_off = Switches { defaults_enabled: false, ..on };
        let stopped: Vec<Job> = Job::ALL.into_iter().filter(|&job| !allows(&defaults_off, job)).collect();
        assert_eq!(stopped, [Job::OverdueDefaultScan]);
    }
}
