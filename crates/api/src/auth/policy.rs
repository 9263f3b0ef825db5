//! The role matrix as the API documents it. The table itself (which role may perform
//! which operation) is the domain's (`debtflow_domain::permission`), shared with the
//! SPA; here are the routes of each operation, for the README's table, which a test
//! keeps equal to [`markdown_table`]; an integration test walks every role against
//! every route.

pub use debtflow_domain::permission::{allows, Operation};
use debtflow_domain::{api_key::Scope, Role};

/// The routes that perform `operation`, for the README.
pub fn routes(operation: Operation) -> &'static str {
    match operation {
        Operation::ReadOwnProfile => "`GET /auth/me`, `POST /auth/password`",
        Operation::ReadAgencies => "`GET /agencies`, `GET /agencies/{id}`",
        Operation::ManageAgencies => "`POST /agencies`, `POST /agencies/{id}/deactivate`, `/reactivate`",
        Operation::UpdateAgency => "`PATCH /agencies/{id}`",
        Operation::ReadCollectors => "`GET /collectors`, `GET /collectors/{id}`",
        Operation::ManageCollectors => "`POST /collectors`, `PATCH /collectors/{id}`",
        Operation::ReadUsers => "`GET /users`, `GET /users/{id}`",
        Operation::ManageStaff => {
            "`POST /users`, `PATCH /users/{id}`, `POST /users/{id}/password-reset`, `POST /users/{id}/unlock`"
        }
        Operation::ReadAuditLog => "`GET /audit-logs`",
        Operation::ReadAccounts => {
            "`GET /accounts`, `GET /accounts/count`, `GET /accounts/{id}`, `GET /accounts/{id}/timeline`, \
             `GET /accounts/{id}/contacts`, `GET /accounts/{id}/contact-blocks`, `GET /accounts/{id}/promises`, \
             `GET /accounts/{id}/validation-notice` (and `/letter`), `GET /accounts/{id}/legal-cases`, \
             `GET /legal-cases/{id}`, `GET /accounts/{id}/recovery-actions`, `GET /recovery-actions/{id}`, \
             `GET /accounts/{id}/write-offs`, `GET /write-offs`, `GET /write-offs/{id}`, \
             `GET /accounts/{id}/documents`, `GET /accounts/{id}/documents/{document_id}` (and its versions' content)"
        }
        Operation::CreateAccount => "`POST /accounts`",
        Operation::WorkAccount => {
            "`PATCH /accounts/{id}`, `POST /accounts/{id}/transition`, `POST /accounts/{id}/contacts`, \
             `POST /accounts/{id}/promises`, `POST /accounts/{id}/promises/{promise_id}/cancel`, \
             `POST /accounts/{id}/validation-notice`"
        }
        Operation::AddNote => "`POST /accounts/{id}/notes` (or `/add_note`)",
        Operation::ManageContactBlocks => {
            "`POST /accounts/{id}/contact-blocks`, `POST /accounts/{id}/contact-blocks/{block_id}/clear`"
        }
        Operation::AssignAccounts => "`POST /accounts/{id}/assign`, `POST /accounts/assign`",
        Operation::ReadNotifications => {
            "`GET /notifications` (and `/unread-count`, `/stream`), `POST /notifications/{id}/read`, \
             `POST /notifications/read-all`, `DELETE /notifications/{id}`, `GET`/`PUT /notifications/preferences` \
             (each user their own)"
        }
        Operation::ReadMoney => {
            "`GET /payments`, `GET /payments/{id}`, `GET /accounts/{id}/ledger`, `GET /accounts/{id}/fees`, \
         `GET /plans`, `GET /plans/{id}`, `GET /accounts/{id}/plans`"
        }
        Operation::RecordPayment => "`POST /payments`",
        Operation::DecidePayment => "`POST /payments/{id}/approve`, `/reject`, `/apply`",
        Operation::RefundPayment => "`POST /payments/{id}/refund`",
        Operation::ManageFees => "`POST /accounts/{id}/fees`, `POST /accounts/{id}/fees/{fee_id}/waive`",
        Operation::ReadCommission => "`GET /collectors/{id}/commission`",
        Operation::ProposePlan => {
            "`POST /accounts/{id}/plans`, `PATCH`/`DELETE /plans/{id}`, `POST /plans/{id}/submit`"
        }
        Operation::DecidePlan => "`POST /plans/{id}/approve`, `/reject`, `/cancel`, `GET /approvals/pending`",
        Operation::PauseAging => "`POST /accounts/{id}/pauses`",
        Operation::ReadJobRuns => "`GET /jobs/runs`",
        Operation::ReadSettings => "`GET /settings`, `GET /reminder-templates`",
        Operation::RunJobs => "`POST /jobs/{name}/run`",
        Operation::ManageSettings => {
            "`PATCH /settings`, `PUT /imports/sftp`, `PUT`/`DELETE /reminder-templates/{kind}`"
        }
        Operation::ReadImports => "`GET /imports`, `GET /imports/mappings`, `GET /imports/sftp`",
        Operation::ImportAccounts => "`POST /imports`, `PUT /imports/mappings/{name}`, `POST /imports/trigger`",
        Operation::ReadMailLog => "`GET /mail/deliveries`",
        Operation::ReadAnalytics => {
            "`GET /analytics/dashboard`, `/analytics/collectors`, `/analytics/payments/trends`, \
             `/analytics/aging-report`, `GET /reports/repayment-compliance` (a collector: their own figures)"
        }
        Operation::ReadReconciliation => "`GET /reports/reconciliation`",
        Operation::ManageLegalCases => {
            "`POST /accounts/{id}/legal-cases`, `PATCH`/`DELETE /legal-cases/{id}`, `POST /legal-cases/{id}/file`, \
             `/judgment`, `/close`, `/hearings`, `POST /legal-cases/{id}/hearings/{hearing_id}/outcome`"
        }
        Operation::ManageRecoveryActions => {
            "`POST /accounts/{id}/recovery-actions`, `POST /recovery-actions/{id}/milestones`, \
             `POST /recovery-actions/{id}/milestones/{milestone_id}/done`, `POST /recovery-actions/{id}/complete`, \
             `/cancel`"
        }
        Operation::RecommendWriteOff => {
            "`POST /accounts/{id}/write-offs`, `PATCH`/`DELETE /write-offs/{id}`, `POST /write-offs/{id}/recommend`"
        }
        Operation::DecideWriteOff => "`POST /write-offs/{id}/approve`, `/reject`",
        Operation::UploadDocuments => {
            "`POST /accounts/{id}/documents`, `POST /accounts/{id}/documents/{document_id}/versions`"
        }
        Operation::ManageApiKeys => "`POST /api-keys`, `GET /api-keys`, `POST /api-keys/{id}/revoke`",
        Operation::ManageWebhooks => {
            "`POST`/`GET /webhooks`, `GET`/`PATCH`/`DELETE /webhooks/{id}`, `GET /webhooks/{id}/deliveries`, \
             `POST /webhooks/deliveries/{id}/replay`"
        }
    }
}

/// The matrix as a Markdown table (roles across, operations down), with the API-key
/// scope that grants each operation (`debtflow_domain::api_key`) in the last column.
pub fn markdown_table() -> String {
    let mut out = String::from("| operation (under `/api/v1`) |");
    for role in Role::ALL {
        out.push_str(&format!(" {role} |"));
    }
    out.push_str(" API key scope |\n|---|");
    out.push_str(&"---|".repeat(Role::ALL.len() + 1));
    for op in Operation::ALL {
        out.push_str(&format!("\n| {} |", routes(op)));
        for role in Role::ALL {
            out.push_str(if allows(role, op) { " ✓ |" } else { " |" });
        }
        match Scope::of(op) {
            Some(scope) => out.push_str(&format!(" `{scope}` |")),
            None => out.push_str(" |"),
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
}
