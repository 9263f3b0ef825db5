//! The role matrix: which role may perform which operation. The one place this is
//! decided; every handler asks [`AuthUser::require`](super::AuthUser::require), the
//! README's table is generated from [`markdown_table`] (a test keeps them equal), and
//! an integration test walks every role against every route.

use debtflow_domain::Role;

/// Everything a caller can ask for, by what it does rather than by route.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Operation {
    ReadOwnProfile,
    ReadAgencies,
    UpdateAgency,
    ReadCollectors,
    ManageCollectors,
    ReadUsers,
    ReadAuditLog,
    ReadAccounts,
    CreateAccount,
    WorkAccount,
    AddNote,
    AssignAccounts,
    ReadNotifications,
    ReadMoney,
    RecordPayment,
    DecidePayment,
    RefundPayment,
    ManageFees,
    ReadCommission,
    ProposePlan,
    DecidePlan,
    PauseAging,
    ReadJobRuns,
    RunJobs,
    ReadSettings,
    ManageSettings,
}

use Role::*;

impl Operation {
    pub const ALL: [Operation; 26] = [
        Operation::ReadOwnProfile,
        Operation::ReadAgencies,
        Operation::UpdateAgency,
        Operation::ReadCollectors,
        Operation::ManageCollectors,
        Operation::ReadUsers,
        Operation::ReadAuditLog,
        Operation::ReadAccounts,
        Operation::CreateAccount,
        Operation::WorkAccount,
        Operation::AddNote,
        Operation::AssignAccounts,
        Operation::ReadNotifications,
        Operation::ReadMoney,
        Operation::RecordPayment,
        Operation::DecidePayment,
        Operation::RefundPayment,
        Operation::ManageFees,
        Operation::ReadCommission,
        Operation::ProposePlan,
        Operation::DecidePlan,
        Operation::PauseAging,
        Operation::ReadJobRuns,
        Operation::RunJobs,
        Operation::ReadSettings,
        Operation::ManageSettings,
    ];

    /// The roles allowed to perform the operation.
    pub fn roles(self) -> &'static [Role] {
        match self {
            Operation::ReadOwnProfile => &Role::ALL,
            // Everyone sees their own agency; platform admins see all of them.
            Operation::ReadAgencies => &Role::ALL,
            Operation::UpdateAgency => &[Admin, AgencyAdmin],
            // Managers pick collectors when they assign accounts.
            Operation::ReadCollectors => &[Admin, AgencyAdmin, Manager],
            Operation::ManageCollectors => &[AgencyAdmin],
            Operation::ReadUsers => &[Admin, AgencyAdmin],
            Operation::ReadAuditLog => &[Admin, AgencyAdmin, Compliance, Auditor],
            // Collectors reach only their own accounts (another's is a 404).
            Operation::ReadAccounts => &Role::ALL,
            Operation::CreateAccount => &[AgencyAdmin, Manager],
            Operation::WorkAccount => &[AgencyAdmin, Manager, Collector],
            // Compliance and auditors write nothing but notes.
            Operation::AddNote => &[AgencyAdmin, Manager, Collector, Compliance, Auditor],
            Operation::AssignAccounts => &[AgencyAdmin, Manager],
            // Everyone reads their own.
            Operation::ReadNotifications => &Role::ALL,
            // Like accounts: collectors see the money of their own accounts only.
            Operation::ReadMoney => &Role::ALL,
            // Compliance and auditors record nothing.
            Operation::RecordPayment => &[AgencyAdmin, Manager, Collector],
            // Managers approve backdated payments but cannot edit any payment.
            Operation::DecidePayment => &[AgencyAdmin, Manager],
            Operation::RefundPayment => &[AgencyAdmin, Manager],
            Operation::ManageFees => &[AgencyAdmin, Manager],
            // A collector reads their own commission only.
            Operation::ReadCommission => &[Admin, AgencyAdmin, Manager, Collector],
            // Collectors propose plans on their own accounts; managers decide.
            Operation::ProposePlan => &[AgencyAdmin, Manager, Collector],
            Operation::DecidePlan => &[AgencyAdmin, Manager],
            Operation::PauseAging => &[AgencyAdmin, Manager],
            Operation::ReadJobRuns => &[Admin, AgencyAdmin, Manager],
            Operation::RunJobs => &[AgencyAdmin],
            Operation::ReadSettings => &[AgencyAdmin, Manager],
            Operation::ManageSettings => &[AgencyAdmin],
        }
    }

    /// The routes that perform it, for the README.
    pub fn routes(self) -> &'static str {
        match self {
            Operation::ReadOwnProfile => "`GET /auth/me`",
            Operation::ReadAgencies => "`GET /agencies`, `GET /agencies/{id}`",
            Operation::UpdateAgency => "`PATCH /agencies/{id}`",
            Operation::ReadCollectors => "`GET /collectors`, `GET /collectors/{id}`",
            Operation::ManageCollectors => "`POST /collectors`, `PATCH /collectors/{id}`",
            Operation::ReadUsers => "`GET /users`",
            Operation::ReadAuditLog => "`GET /audit-logs`",
            Operation::ReadAccounts => "`GET /accounts`, `GET /accounts/{id}`, `GET /accounts/{id}/timeline`",
            Operation::CreateAccount => "`POST /accounts`",
            Operation::WorkAccount => "`PATCH /accounts/{id}`, `POST /accounts/{id}/transition`",
            Operation::AddNote => "`POST /accounts/{id}/notes` (or `/add_note`)",
            Operation::AssignAccounts => "`POST /accounts/{id}/assign`, `POST /accounts/assign`",
            Operation::ReadNotifications => "`GET /notifications`, `POST /notifications/{id}/read`",
            Operation::ReadMoney => {
                "`GET /payments`, `GET /payments/{id}`, `GET /accounts/{id}/ledger`, `GET /accounts/{id}/fees`, \
                 `GET /plans`, `GET /plans/{id}`, `GET /accounts/{id}/plans`"
            }
            Operation::RecordPayment => "`POST /payments`",
            Operation::DecidePayment => "`POST /payments/{id}/approve`, `POST /payments/{id}/reject`",
            Operation::RefundPayment => "`POST /payments/{id}/refund`",
            Operation::ManageFees => "`POST /accounts/{id}/fees`, `POST /accounts/{id}/fees/{fee_id}/waive`",
            Operation::ReadCommission => "`GET /collectors/{id}/commission`",
            Operation::ProposePlan => {
                "`POST /accounts/{id}/plans`, `PATCH`/`DELETE /plans/{id}`, `POST /plans/{id}/submit`"
            }
            Operation::DecidePlan => "`POST /plans/{id}/approve`, `/reject`, `/cancel`",
            Operation::PauseAging => "`POST /accounts/{id}/pauses`",
            Operation::ReadJobRuns => "`GET /jobs/runs`",
            Operation::ReadSettings => "`GET /settings`",
            Operation::RunJobs => "`POST /jobs/{name}/run`",
            Operation::ManageSettings => "`PATCH /settings`",
        }
    }
}

pub fn allows(role: Role, operation: Operation) -> bool {
    operation.roles().contains(&role)
}

/// The matrix as a Markdown table (roles across, operations down).
pub fn markdown_table() -> String {
    let mut out = String::from("| operation (under `/api/v1`) |");
    for role in Role::ALL {
        out.push_str(&format!(" {role} |"));
    }
    out.push_str("\n|---|");
    out.push_str(&"---|".repeat(Role::ALL.len()));
    for op in Operation::ALL {
        out.push_str(&format!("\n| {} |", op.routes()));
        for role in Role::ALL {
            out.push_str(if allows(role, op) { " ✓ |" } else { " |" });
        }
    }
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_readme_shows_the_matrix_as_the_code_has_it() {
        let readme = include_str!("../../../../README.md");
        assert!(
            readme.contains(&markdown_table()),
            "README.md's role matrix is stale; replace it with:\n{}",
            markdown_table()
        );
    }

    #[test]
    fn only_reading_roles_read_the_audit_trail() {
        assert!(!allows(Collector, Operation::ReadAuditLog));
        assert!(!allows(Manager, Operation::ReadAuditLog));
        assert!(allows(Auditor, Operation::ReadAuditLog));
        assert!(!allows(Compliance, Operation::ManageCollectors));
    }
}
