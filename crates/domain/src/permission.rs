//! Who may do what: every operation a caller can ask for, and the roles allowed to
//! perform it. The one table of the role matrix: the API's handlers ask it
//! (`AuthUser::require`), the SPA reads it to show only what the API would allow, and
//! notifications choose their recipients from it.

use crate::Role;

/// Everything a caller can ask for, by what it does rather than by route.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Operation {
    ReadOwnProfile,
    ReadAgencies,
    /// Open an agency with its first admin; close or reopen one (platform admins).
    ManageAgencies,
    UpdateAgency,
    ReadCollectors,
    ManageCollectors,
    ReadUsers,
    /// What an agency admin does for the agency's staff (of every role): add them with
    /// a temporary password, change their name, email, role or seat, reset a password,
    /// lift a login lock.
    ManageStaff,
    ReadAuditLog,
    ReadAccounts,
    CreateAccount,
    WorkAccount,
    AddNote,
    /// Set and clear the blocks on a debtor's channels (cease and desist, bankruptcy …).
    ManageContactBlocks,
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
    ReadImports,
    ImportAccounts,
    ReadMailLog,
    /// Dashboards, collector performance, trends, aging and repayment compliance
    /// (a collector: their own figures).
    ReadAnalytics,
    /// The daily reconciliation of money against the ledger.
    ReadReconciliation,
    /// Draft, file, judge and close legal cases, and schedule their hearings (seed 000:
    /// the Branch Manager files).
    ManageLegalCases,
    /// Initiate recovery actions (foreclosure, dacion en pago …) and follow their
    /// milestones.
    ManageRecoveryActions,
    /// Draft and recommend writing off an account's balance.
    RecommendWriteOff,
    /// The board's decision on a recommended write-off.
    DecideWriteOff,
    /// Upload documents and new versions of them (every role reading the account
    /// downloads them).
    UploadDocuments,
    /// Create, list and revoke the agency's API keys (service accounts).
    ManageApiKeys,
    /// Register the agency's webhook endpoints, read their deliveries and replay them.
    ManageWebhooks,
}

use Role::*;

impl Operation {
    pub const ALL: [Operation; 41] = [
        Operation::ReadOwnProfile,
        Operation::ReadAgencies,
        Operation::ManageAgencies,
        Operation::UpdateAgency,
        Operation::ReadCollectors,
        Operation::ManageCollectors,
        Operation::ReadUsers,
        Operation::ManageStaff,
        Operation::ReadAuditLog,
        Operation::ReadAccounts,
        Operation::CreateAccount,
        Operation::WorkAccount,
        Operation::AddNote,
        Operation::ManageContactBlocks,
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
        Operation::ReadImports,
        Operation::ImportAccounts,
        Operation::ReadMailLog,
        Operation::ReadAnalytics,
        Operation::ReadReconciliation,
        Operation::ManageLegalCases,
        Operation::ManageRecoveryActions,
        Operation::RecommendWriteOff,
        Operation::DecideWriteOff,
        Operation::UploadDocuments,
        Operation::ManageApiKeys,
        Operation::ManageWebhooks,
    ];

    /// The roles allowed to perform the operation.
    pub fn roles(self) -> &'static [Role] {
        match self {
            Operation::ReadOwnProfile => &Role::ALL,
            // Everyone sees their own agency; platform admins see all of them.
            Operation::ReadAgencies => &Role::ALL,
            Operation::ManageAgencies => &[Admin],
            Operation::UpdateAgency => &[Admin, AgencyAdmin],
            // Managers pick collectors when they assign accounts.
            Operation::ReadCollectors => &[Admin, AgencyAdmin, Manager],
            Operation::ManageCollectors => &[AgencyAdmin],
            // Compliance and auditors read the staff list: the audit viewer names who
            // did what, and filters by them.
            Operation::ReadUsers => &[Admin, AgencyAdmin, Compliance, Auditor],
            // Only the agency's own admins; platform admins create agencies instead.
            Operation::ManageStaff => &[AgencyAdmin],
            Operation::ReadAuditLog => &[Admin, AgencyAdmin, Compliance, Auditor],
            // Collectors reach only their own accounts (another's is a 404).
            Operation::ReadAccounts => &Role::ALL,
            Operation::CreateAccount => &[AgencyAdmin, Manager],
            Operation::WorkAccount => &[AgencyAdmin, Manager, Collector],
            // Compliance and auditors write nothing but notes.
            Operation::AddNote => &[AgencyAdmin, Manager, Collector, Compliance, Auditor],
            // What stops contact with a debtor is a compliance decision, not a collector's.
            Operation::ManageContactBlocks => &[AgencyAdmin, Manager, Compliance],
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
            // Compliance and auditors read what came in, and from where.
            Operation::ReadImports => &[AgencyAdmin, Manager, Compliance, Auditor],
            // Imports and their column mappings.
            Operation::ImportAccounts => &[AgencyAdmin, Manager],
            // The sent-mail log: who was mailed what, and whether it went out.
            Operation::ReadMailLog => &[Admin, AgencyAdmin, Compliance, Auditor],
            Operation::ReadAnalytics => &[AgencyAdmin, Manager, Collector, Compliance, Auditor],
            Operation::ReadReconciliation => &[AgencyAdmin, Manager, Compliance, Auditor],
            // Seed 000's matrix: the Branch Manager (our manager) files cases, initiates
            // recovery and recommends write-offs; the agency admin may do what a manager does.
            Operation::ManageLegalCases => &[AgencyAdmin, Manager],
            Operation::ManageRecoveryActions => &[AgencyAdmin, Manager],
            Operation::RecommendWriteOff => &[AgencyAdmin, Manager],
            // The board: compliance or an agency admin. The seed lets the Branch Manager
            // record it too; here whoever recommends does not decide, so managers do not.
            Operation::DecideWriteOff => &[AgencyAdmin, Compliance],
            // Seed 000: Loan Officer, Branch Manager and Compliance upload; auditors do not.
            Operation::UploadDocuments => &[AgencyAdmin, Manager, Collector, Compliance],
            // What systems may do in the agency's name is the agency admin's to decide.
            Operation::ManageApiKeys => &[AgencyAdmin],
            Operation::ManageWebhooks => &[AgencyAdmin],
        }
    }

    /// The roles among `roles` allowed to perform it, in `Role::ALL` order: who is
    /// told when something waits for this operation (say, a payment to approve).
    pub fn deciders(self) -> impl Iterator<Item = Role> {
        Role::ALL.into_iter().filter(move |role| *role != Admin && self.roles().contains(role))
    }
}

/// Whether `role` may perform `operation`.
pub fn allows(role: Role, operation: Operation) -> bool {
    operation.roles().contains(&role)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_reading_roles_read_the_audit_trail() {
        assert!(!allows(Collector, Operation::ReadAuditLog));
        assert!(!allows(Manager, Operation::ReadAuditLog));
        assert!(allows(Auditor, Operation::ReadAuditLog));
        assert!(!allows(Compliance, Operation::ManageCollectors));
    }

    #[test]
    fn whoever_reads_the_audit_trail_reads_the_staff_it_names() {
        for role in Role::ALL {
            assert!(!allows(role, Operation::ReadAuditLog) || allows(role, Operation::ReadUsers), "{role}");
        }
    }

    #[test]
    fn every_operation_is_listed_once_and_someone_may_do_it() {
        for (i, op) in Operation::ALL.iter().enumerate() {
            assert!(!op.roles().is_empty(), "{op:?} has no role");
            assert!(!Operation::ALL[..i].contains(op), "{op:?} is listed twice");
        }
    }

    #[test]
    fn the_mail_log_is_read_by_admins_and_the_reading_roles_only() {
        let readers: Vec<Role> = Role::ALL.into_iter().filter(|r| allows(*r, Operation::ReadMailLog)).collect();
        assert_eq!(readers, vec![Admin, AgencyAdmin, Compliance, Auditor]);
    }

    #[test]
    fn deciders_are_the_agency_roles_of_the_operation() {
        let deciders: Vec<Role> = Operation::DecidePayment.deciders().collect();
        assert_eq!(deciders, vec![AgencyAdmin, Manager]);
        let readers: Vec<Role> = Operation::ReadAuditLog.deciders().collect();
        assert_eq!(readers, vec![AgencyAdmin, Compliance, Auditor], "platform admins belong to no agency");
    }
}
