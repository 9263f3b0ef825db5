//! An import's lifecycle: `queued` → `running` → `completed` | `completed_with_errors`
//! | `failed`. A `running` import whose runner died is `running` still, and is
//! resumed by the next runner from its last committed batch.

use crate::names::named_enum;

named_enum!(
    /// Where an import is.
    ImportStatus as "import_status" {
        Queued => "queued",
        Running => "running",
        Completed => "completed",
        CompletedWithErrors => "completed_with_errors",
        Failed => "failed",
    }
);

named_enum!(
    /// Where an import's file came from.
    ImportSource as "import_source" { Upload => "upload", Sftp => "sftp", Cli => "cli" }
);

impl ImportStatus {
    /// The statuses a runner picks up: waiting, or left running by a runner that died.
    pub const UNFINISHED: [ImportStatus; 2] = [ImportStatus::Queued, ImportStatus::Running];

    pub fn is_finished(self) -> bool {
        !Self::UNFINISHED.contains(&self)
    }

    /// How a finished run ends: with errors when any row failed.
    pub fn finished(failed_rows: u64) -> ImportStatus {
        if failed_rows == 0 {
            ImportStatus::Completed
        } else {
            ImportStatus::CompletedWithErrors
        }
    }

    /// The process exit code of the CLI (and the jobs'): 0 clean, 2 with row errors,
    /// 1 failed.
    pub fn exit_code(self) -> u8 {
        match self {
            ImportStatus::Completed => 0,
            ImportStatus::CompletedWithErrors => 2,
            _ => 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_run_with_failed_rows_completes_with_errors_and_exits_2() {
        assert_eq!(ImportStatus::finished(0), ImportStatus::Completed);
        assert_eq!(ImportStatus::finished(3), ImportStatus::CompletedWithErrors);
        assert_eq!(ImportStatus::Completed.exit_code(), 0);
        assert_eq!(ImportStatus::CompletedWithErrors.exit_code(), 2);
        assert_eq!(ImportStatus::Failed.exit_code(), 1);
        assert!(ImportStatus::ALL.iter().filter(|s| !s.is_finished()).eq(ImportStatus::UNFINISHED.iter()));
    }
}
