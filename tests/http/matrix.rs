//! The role matrix, walked: every role against every route. Allowed → anything but
//! 403 (and never a 401 or 5xx); denied → 403. The expectations come from the one
//! table in `auth::policy`; this test proves every route enforces it, and that no
//! route under `/api/v1` is missing from the walk.

use debtflow_api::auth::policy::{allows, Operation};
use debtflow_domain::api_key::{self, Scope};
use debtflow_tests::{spawn_app, Demo, USER_OF_ROLE};
use reqwest::Method;
use serde_json::{json, Value};
use std::collections::BTreeSet;

struct Route {
    method: Method,
    template: &'static str,
    path: String,
    body: Option<Value>,
    operation: Operation,
}

fn routes(demo: &Demo, account: &str, payment: &str, plan: &str, caller: &str) -> Vec<Route> {
    let terms = json!({"total": "100.00", "installments": 2, "frequency": "monthly", "first_due_date": tomorrow()});
    let route = |method, template: &'static str, path: String, body, operation| Route {
        method,
        template,
        path,
        body,
        operation,
    };
    vec![
        route(Method::GET, "/auth/me", "/api/v1/auth/me".into(), None, Operation::ReadOwnProfile),
        // A wrong current password: allowed callers get a 422 and keep theirs.
        route(
            Method::POST,
            "/auth/password",
            "/api/v1/auth/password".into(),
            Some(json!({"current_password": "not it", "new_password": "a brand new passphrase"})),
            Operation::ReadOwnProfile,
        ),
        route(Method::GET, "/agencies", "/api/v1/agencies".into(), None, Operation::ReadAgencies),
        route(
            Method::POST,
            "/agencies",
            "/api/v1/agencies".into(),
            Some(json!({
                "name": format!("Agency of {caller}"), "licence_number": format!("M-{caller}"), "currency": "USD",
                "time_zone": "UTC", "admin": {"username": format!("first.{}", caller.replace('.', "-")), "full_name": "First"}
            })),
            Operation::ManageAgencies,
        ),
        // Reopening an open agency changes nothing (closing it would end the walk).
        route(
            Method::POST,
            "/agencies/{id}/reactivate",
            format!("/api/v1/agencies/{}/reactivate", demo.agency),
            None,
            Operation::ManageAgencies,
        ),
        route(
            Method::POST,
            "/agencies/{id}/deactivate",
            format!("/api/v1/agencies/{}/deactivate", uuid::Uuid::nil()),
            None,
            Operation::ManageAgencies,
        ),
        route(
            Method::GET,
            "/agencies/{id}",
            format!("/api/v1/agencies/{}", demo.agency),
            None,
            Operation::ReadAgencies,
        ),
        route(
            Method::PATCH,
            "/agencies/{id}",
            format!("/api/v1/agencies/{}", demo.agency),
            Some(json!({"settings": {"stale_after_days": 14}})),
            Operation::UpdateAgency,
        ),
        route(Method::GET, "/collectors", "/api/v1/collectors".into(), None, Operation::ReadCollectors),
        route(
            Method::GET,
            "/collectors/{id}",
            format!("/api/v1/collectors/{}", demo.sarah),
            None,
            Operation::ReadCollectors,
        ),
        route(
            Method::POST,
            "/collectors",
            "/api/v1/collectors".into(),
            Some(json!({
                "username": format!("new.{}", caller.replace('.', "-")), "full_name": "New Collector",
                "password": "a-long-enough-password", "commission_rate": "0.05", "account_limit": 100
            })),
            Operation::ManageCollectors,
        ),
        route(
            Method::PATCH,
            "/collectors/{id}",
            format!("/api/v1/collectors/{}", demo.sarah),
            Some(json!({"account_limit": 400})),
            Operation::ManageCollectors,
        ),
        route(Method::GET, "/users", "/api/v1/users".into(), None, Operation::ReadUsers),
        route(Method::GET, "/users/{id}", format!("/api/v1/users/{}", demo.sarah), None, Operation::ReadUsers),
        route(
            Method::POST,
            "/users",
            "/api/v1/users".into(),
            Some(
                json!({"username": format!("staff.{}", caller.replace('.', "-")), "full_name": "New Staff", "role": "auditor"}),
            ),
            Operation::ManageStaff,
        ),
        route(
            Method::PATCH,
            "/users/{id}",
            format!("/api/v1/users/{}", demo.sarah),
            Some(json!({"email": "sarah.mitchell@example.com"})),
            Operation::ManageStaff,
        ),
        // James does not walk: his sessions may end.
        route(
            Method::POST,
            "/users/{id}/password-reset",
            format!("/api/v1/users/{}/password-reset", demo.james),
            None,
            Operation::ManageStaff,
        ),
        route(
            Method::POST,
            "/users/{id}/unlock",
            format!("/api/v1/users/{}/unlock", demo.sarah),
            None,
            Operation::ManageStaff,
        ),
        route(Method::GET, "/audit-logs", "/api/v1/audit-logs".into(), None, Operation::ReadAuditLog),
        route(
            Method::POST,
            "/accounts",
            "/api/v1/accounts".into(),
            Some(crate::accounts::new_account(&format!("M-{caller}"))),
            Operation::CreateAccount,
        ),
        route(Method::GET, "/accounts", "/api/v1/accounts".into(), None, Operation::ReadAccounts),
        route(Method::GET, "/accounts/count", "/api/v1/accounts/count".into(), None, Operation::ReadAccounts),
        route(Method::GET, "/accounts/{id}", format!("/api/v1/accounts/{account}"), None, Operation::ReadAccounts),
        route(
            Method::GET,
            "/accounts/{id}/timeline",
            format!("/api/v1/accounts/{account}/timeline"),
            None,
            Operation::ReadAccounts,
        ),
        route(
            Method::PATCH,
            "/accounts/{id}",
            format!("/api/v1/accounts/{account}"),
            Some(json!({"priority": 1})),
            Operation::WorkAccount,
        ),
        route(
            Method::POST,
            "/accounts/{id}/transition",
            format!("/api/v1/accounts/{account}/transition"),
            Some(json!({"to": "in_contact", "reason": "matrix"})),
            Operation::WorkAccount,
        ),
        route(
            Method::POST,
            "/accounts/{id}/notes",
            format!("/api/v1/accounts/{account}/notes"),
            Some(json!({"body": "matrix"})),
            Operation::AddNote,
        ),
        route(
            Method::POST,
            "/accounts/{id}/add_note",
            format!("/api/v1/accounts/{account}/add_note/"),
            Some(json!({"body": "matrix, the seed's way"})),
            Operation::AddNote,
        ),
        route(
            Method::POST,
            "/accounts/{id}/contacts",
            format!("/api/v1/accounts/{account}/contacts"),
            // Inbound: the guardrails (and the hour the matrix runs at) never refuse it.
            Some(json!({"channel": "call", "direction": "inbound", "outcome": "wrong_number"})),
            Operation::WorkAccount,
        ),
        route(
            Method::GET,
            "/accounts/{id}/contact-blocks",
            format!("/api/v1/accounts/{account}/contact-blocks"),
            None,
            Operation::ReadAccounts,
        ),
        route(
            Method::POST,
            "/accounts/{id}/contact-blocks",
            format!("/api/v1/accounts/{account}/contact-blocks"),
            Some(json!({"flag": "debtor_request", "channel": "visit", "reason": "matrix"})),
            Operation::ManageContactBlocks,
        ),
        route(
            Method::POST,
            "/accounts/{id}/contact-blocks/{block_id}/clear",
            // No such block: a 404 for who may clear one, a 403 for the others.
            format!("/api/v1/accounts/{account}/contact-blocks/{}/clear", uuid::Uuid::nil()),
            None,
            Operation::ManageContactBlocks,
        ),
        route(
            Method::GET,
            "/accounts/{id}/contacts",
            format!("/api/v1/accounts/{account}/contacts"),
            None,
            Operation::ReadAccounts,
        ),
        route(
            Method::POST,
            "/accounts/{id}/promises",
            format!("/api/v1/accounts/{account}/promises"),
            Some(json!({"items": [{"amount": "1.00", "due_on": tomorrow()}]})),
            Operation::WorkAccount,
        ),
        route(
            Method::GET,
            "/accounts/{id}/promises",
            format!("/api/v1/accounts/{account}/promises"),
            None,
            Operation::ReadAccounts,
        ),
        route(
            Method::POST,
            "/accounts/{id}/promises/{promise_id}/cancel",
            // No such promise: a 404 for who may cancel one, a 403 for the others.
            format!("/api/v1/accounts/{account}/promises/{}/cancel", uuid::Uuid::nil()),
            Some(json!({"reason": "matrix"})),
            Operation::WorkAccount,
        ),
        route(
            Method::POST,
            "/accounts/{id}/validation-notice",
            format!("/api/v1/accounts/{account}/validation-notice"),
            None,
            Operation::WorkAccount,
        ),
        route(
            Method::GET,
            "/accounts/{id}/validation-notice",
            format!("/api/v1/accounts/{account}/validation-notice"),
            None,
            Operation::ReadAccounts,
        ),
        route(
            Method::GET,
            "/accounts/{id}/validation-notice/letter",
            format!("/api/v1/accounts/{account}/validation-notice/letter"),
            None,
            Operation::ReadAccounts,
        ),
        // Remedial: the records of the walk do not exist (404 for who may, 403 for the others)
        // but the drafts each allowed role makes on the account.
        route(Method::GET, "/accounts/{id}/legal-cases", format!("/api/v1/accounts/{account}/legal-cases"), None, Operation::ReadAccounts),
        route(Method::POST, "/accounts/{id}/legal-cases", format!("/api/v1/accounts/{account}/legal-cases"), Some(json!({"court": "Circuit Court", "amount_claimed": "100.00"})), Operation::ManageLegalCases),
        route(Method::GET, "/legal-cases/{id}", "/api/v1/legal-cases/00000000-0000-0000-0000-000000000000".into(), None, Operation::ReadAccounts),
        route(Method::PATCH, "/legal-cases/{id}", "/api/v1/legal-cases/00000000-0000-0000-0000-000000000000".into(), Some(json!({"counsel": "Hollis & Reed"})), Operation::ManageLegalCases),
        route(Method::DELETE, "/legal-cases/{id}", "/api/v1/legal-cases/00000000-0000-0000-0000-000000000000".into(), None, Operation::ManageLegalCases),
        route(Method::POST, "/legal-cases/{id}/file", "/api/v1/legal-cases/00000000-0000-0000-0000-000000000000/file".into(), Some(json!({"case_number": "1", "filed_on": "2026-01-05"})), Operation::ManageLegalCases),
        route(Method::POST, "/legal-cases/{id}/judgment", "/api/v1/legal-cases/00000000-0000-0000-0000-000000000000/judgment".into(), Some(json!({"outcome": "judgment_for_creditor", "judgment_on": "2026-01-05"})), Operation::ManageLegalCases),
        route(Method::POST, "/legal-cases/{id}/close", "/api/v1/legal-cases/00000000-0000-0000-0000-000000000000/close".into(), Some(json!({"outcome": "withdrawn"})), Operation::ManageLegalCases),
        route(Method::POST, "/legal-cases/{id}/hearings", "/api/v1/legal-cases/00000000-0000-0000-0000-000000000000/hearings".into(), Some(json!({"starts_at": "2026-02-01T15:00:00Z", "venue": "Room 1", "purpose": "Trial"})), Operation::ManageLegalCases),
        route(Method::POST, "/legal-cases/{id}/hearings/{hearing_id}/outcome", "/api/v1/legal-cases/00000000-0000-0000-0000-000000000000/hearings/00000000-0000-0000-0000-000000000000/outcome".into(), Some(json!({"outcome": "Continued"})), Operation::ManageLegalCases),
        route(Method::GET, "/accounts/{id}/recovery-actions", format!("/api/v1/accounts/{account}/recovery-actions"), None, Operation::ReadAccounts),
        route(Method::POST, "/accounts/{id}/recovery-actions", format!("/api/v1/accounts/{account}/recovery-actions"), Some(json!({"kind": "garnishment", "milestones": [{"name": "Writ obtained", "target_on": "2030-01-01"}]})), Operation::ManageRecoveryActions),
        route(Method::GET, "/recovery-actions/{id}", "/api/v1/recovery-actions/00000000-0000-0000-0000-000000000000".into(), None, Operation::ReadAccounts),
        route(Method::POST, "/recovery-actions/{id}/milestones", "/api/v1/recovery-actions/00000000-0000-0000-0000-000000000000/milestones".into(), Some(json!({"milestones": [{"name": "Asset sold", "target_on": "2030-01-01"}]})), Operation::ManageRecoveryActions),
        route(Method::POST, "/recovery-actions/{id}/milestones/{milestone_id}/done", "/api/v1/recovery-actions/00000000-0000-0000-0000-000000000000/milestones/00000000-0000-0000-0000-000000000000/done".into(), Some(json!({"done_on": "2026-01-05"})), Operation::ManageRecoveryActions),
        route(Method::POST, "/recovery-actions/{id}/complete", "/api/v1/recovery-actions/00000000-0000-0000-0000-000000000000/complete".into(), None, Operation::ManageRecoveryActions),
        route(Method::POST, "/recovery-actions/{id}/cancel", "/api/v1/recovery-actions/00000000-0000-0000-0000-000000000000/cancel".into(), Some(json!({"reason": "Paid"})), Operation::ManageRecoveryActions),
        route(Method::GET, "/accounts/{id}/write-offs", format!("/api/v1/accounts/{account}/write-offs"), None, Operation::ReadAccounts),
        route(Method::POST, "/accounts/{id}/write-offs", format!("/api/v1/accounts/{account}/write-offs"), Some(json!({"amount": "1.00", "reason": "Uncollectible"})), Operation::RecommendWriteOff),
        route(Method::GET, "/write-offs", "/api/v1/write-offs?status=recommended".into(), None, Operation::ReadAccounts),
        route(Method::GET, "/write-offs/{id}", "/api/v1/write-offs/00000000-0000-0000-0000-000000000000".into(), None, Operation::ReadAccounts),
        route(Method::PATCH, "/write-offs/{id}", "/api/v1/write-offs/00000000-0000-0000-0000-000000000000".into(), Some(json!({"reason": "Uncollectible"})), Operation::RecommendWriteOff),
        route(Method::DELETE, "/write-offs/{id}", "/api/v1/write-offs/00000000-0000-0000-0000-000000000000".into(), None, Operation::RecommendWriteOff),
        route(Method::POST, "/write-offs/{id}/recommend", "/api/v1/write-offs/00000000-0000-0000-0000-000000000000/recommend".into(), None, Operation::RecommendWriteOff),
        route(Method::POST, "/write-offs/{id}/approve", "/api/v1/write-offs/00000000-0000-0000-0000-000000000000/approve".into(), Some(json!({"minutes": "Approved"})), Operation::DecideWriteOff),
        route(Method::POST, "/write-offs/{id}/reject", "/api/v1/write-offs/00000000-0000-0000-0000-000000000000/reject".into(), Some(json!({"minutes": "Rejected"})), Operation::DecideWriteOff),
        // Not a form: a 415 for who may upload, a 403 for the others.
        route(
            Method::POST,
            "/accounts/{id}/documents",
            format!("/api/v1/accounts/{account}/documents"),
            Some(json!({"file": "not a form"})),
            Operation::UploadDocuments,
        ),
        route(
            Method::GET,
            "/accounts/{id}/documents",
            format!("/api/v1/accounts/{account}/documents"),
            None,
            Operation::ReadAccounts,
        ),
        // No such document: a 404 for who may read, upload or download, a 403 for the others.
        route(
            Method::GET,
            "/accounts/{id}/documents/{document_id}",
            format!("/api/v1/accounts/{account}/documents/{}", uuid::Uuid::nil()),
            None,
            Operation::ReadAccounts,
        ),
        route(
            Method::POST,
            "/accounts/{id}/documents/{document_id}/versions",
            format!("/api/v1/accounts/{account}/documents/{}/versions", uuid::Uuid::nil()),
            Some(json!({"file": "not a form"})),
            Operation::UploadDocuments,
        ),
        route(
            Method::GET,
            "/accounts/{id}/documents/{document_id}/versions/{version}",
            format!("/api/v1/accounts/{account}/documents/{}/versions/1", uuid::Uuid::nil()),
            None,
            Operation::ReadAccounts,
        ),
        route(
            Method::POST,
            "/api-keys",
            "/api/v1/api-keys".into(),
            Some(json!({"name": format!("Key of {caller}"), "scopes": ["accounts:read"]})),
            Operation::ManageApiKeys,
        ),
        route(Method::GET, "/api-keys", "/api/v1/api-keys".into(), None, Operation::ManageApiKeys),
        route(
            Method::POST,
            "/api-keys/{id}/revoke",
            format!("/api/v1/api-keys/{}/revoke", uuid::Uuid::nil()),
            None,
            Operation::ManageApiKeys,
        ),
        route(Method::GET, "/reminder-templates", "/api/v1/reminder-templates".into(), None, Operation::ReadSettings),
        route(
            Method::PUT,
            "/reminder-templates/{kind}",
            "/api/v1/reminder-templates/upcoming".into(),
            Some(json!({"subject": "Due on {due_date}", "body": "Dear {debtor_name}, {amount} is due."})),
            Operation::ManageSettings,
        ),
        route(
            Method::DELETE,
            "/reminder-templates/{kind}",
            "/api/v1/reminder-templates/upcoming".into(),
            None,
            Operation::ManageSettings,
        ),
        route(
            Method::POST,
            "/accounts/{id}/assign",
            format!("/api/v1/accounts/{account}/assign"),
            Some(json!({"collector_id": demo.sarah})),
            Operation::AssignAccounts,
        ),
        route(
            Method::POST,
            "/accounts/assign",
            "/api/v1/accounts/assign".into(),
            Some(json!({"account_ids": [account], "collector_ids": [demo.sarah]})),
            Operation::AssignAccounts,
        ),
        route(Method::GET, "/payments", "/api/v1/payments".into(), None, Operation::ReadMoney),
        route(Method::GET, "/payments/{id}", format!("/api/v1/payments/{payment}"), None, Operation::ReadMoney),
        route(
            Method::GET,
            "/accounts/{id}/ledger",
            format!("/api/v1/accounts/{account}/ledger"),
            None,
            Operation::ReadMoney,
        ),
        route(
            Method::GET,
            "/accounts/{id}/fees",
            format!("/api/v1/accounts/{account}/fees"),
            None,
            Operation::ReadMoney,
        ),
        route(
            Method::POST,
            "/payments",
            "/api/v1/payments".into(),
            Some(json!({"account_id": account, "amount": "1.00", "method": "cash", "paid_on": yesterday()})),
            Operation::RecordPayment,
        ),
        route(
            Method::POST,
            "/payments/{id}/approve",
            format!("/api/v1/payments/{payment}/approve"),
            Some(json!({"reason": "matrix"})),
            Operation::DecidePayment,
        ),
        route(
            Method::POST,
            "/payments/{id}/reject",
            format!("/api/v1/payments/{payment}/reject"),
            None,
            Operation::DecidePayment,
        ),
        route(
            Method::POST,
            "/payments/{id}/refund",
            format!("/api/v1/payments/{payment}/refund"),
            Some(json!({"amount": "0.01", "reason": "matrix"})),
            Operation::RefundPayment,
        ),
        route(
            Method::POST,
            "/payments/{id}/apply",
            format!("/api/v1/payments/{payment}/apply"),
            None,
            Operation::DecidePayment,
        ),
        route(
            Method::POST,
            "/accounts/{id}/fees",
            format!("/api/v1/accounts/{account}/fees"),
            Some(json!({"kind": "late", "amount": "1.00", "reason": "matrix"})),
            Operation::ManageFees,
        ),
        route(
            Method::POST,
            "/accounts/{id}/fees/{fee_id}/waive",
            format!("/api/v1/accounts/{account}/fees/{}/waive", uuid::Uuid::nil()),
            Some(json!({"reason": "matrix"})),
            Operation::ManageFees,
        ),
        route(
            Method::GET,
            "/collectors/{id}/commission",
            format!("/api/v1/collectors/{}/commission?from=2026-01-01&to=2026-12-31", demo.sarah),
            None,
            Operation::ReadCommission,
        ),
        route(Method::GET, "/plans", "/api/v1/plans".into(), None, Operation::ReadMoney),
        route(Method::GET, "/plans/{id}", format!("/api/v1/plans/{plan}"), None, Operation::ReadMoney),
        route(
            Method::GET,
            "/accounts/{id}/plans",
            format!("/api/v1/accounts/{account}/plans"),
            None,
            Operation::ReadMoney,
        ),
        route(
            Method::POST,
            "/accounts/{id}/plans",
            format!("/api/v1/accounts/{account}/plans"),
            Some(terms.clone()),
            Operation::ProposePlan,
        ),
        route(Method::PATCH, "/plans/{id}", format!("/api/v1/plans/{plan}"), Some(terms), Operation::ProposePlan),
        route(
            Method::DELETE,
            "/plans/{id}",
            format!("/api/v1/plans/{}", uuid::Uuid::nil()),
            None,
            Operation::ProposePlan,
        ),
        route(Method::POST, "/plans/{id}/submit", format!("/api/v1/plans/{plan}/submit"), None, Operation::ProposePlan),
        route(
            Method::POST,
            "/plans/{id}/approve",
            format!("/api/v1/plans/{plan}/approve"),
            None,
            Operation::DecidePlan,
        ),
        route(Method::POST, "/plans/{id}/reject", format!("/api/v1/plans/{plan}/reject"), None, Operation::DecidePlan),
        route(Method::POST, "/plans/{id}/cancel", format!("/api/v1/plans/{plan}/cancel"), None, Operation::DecidePlan),
        route(
            Method::POST,
            "/accounts/{id}/pauses",
            format!("/api/v1/accounts/{account}/pauses"),
            Some(json!({"ends_on": tomorrow(), "reason": "matrix"})),
            Operation::PauseAging,
        ),
        route(Method::GET, "/approvals/pending", "/api/v1/approvals/pending".into(), None, Operation::DecidePlan),
        route(Method::GET, "/jobs/runs", "/api/v1/jobs/runs".into(), None, Operation::ReadJobRuns),
        route(Method::POST, "/jobs/{name}/run", "/api/v1/jobs/idempotency_purge/run".into(), None, Operation::RunJobs),
        route(Method::GET, "/settings", "/api/v1/settings".into(), None, Operation::ReadSettings),
        route(
            Method::PATCH,
            "/settings",
            "/api/v1/settings".into(),
            Some(json!({"jobs_enabled": true})),
            Operation::ManageSettings,
        ),
        route(
            Method::POST,
            "/imports",
            "/api/v1/imports".into(),
            Some(json!({"file": "not a form"})),
            Operation::ImportAccounts,
        ),
        route(Method::GET, "/imports", "/api/v1/imports".into(), None, Operation::ReadImports),
        route(Method::GET, "/imports/mappings", "/api/v1/imports/mappings".into(), None, Operation::ReadImports),
        route(Method::GET, "/imports/sftp", "/api/v1/imports/sftp".into(), None, Operation::ReadImports),
        route(
            Method::PUT,
            "/imports/sftp",
            "/api/v1/imports/sftp".into(),
            Some(json!({"host": "sftp.example", "username": "u", "password": "p", "inbox_dir": "in",
                        "processed_dir": "done", "enabled": false})),
            Operation::ManageSettings,
        ),
        route(Method::POST, "/imports/trigger", "/api/v1/imports/trigger".into(), None, Operation::ImportAccounts),
        route(
            Method::PUT,
            "/imports/mappings/{name}",
            format!("/api/v1/imports/mappings/{caller}"),
            Some(json!({"columns": {"Acct": "external_ref"}})),
            Operation::ImportAccounts,
        ),
        route(
            Method::DELETE,
            "/imports/mappings/{name}",
            "/api/v1/imports/mappings/none".into(),
            None,
            Operation::ImportAccounts,
        ),
        route(
            Method::GET,
            "/imports/{id}",
            format!("/api/v1/imports/{}", uuid::Uuid::nil()),
            None,
            Operation::ReadImports,
        ),
        route(
            Method::GET,
            "/imports/{id}/errors",
            format!("/api/v1/imports/{}/errors", uuid::Uuid::nil()),
            None,
            Operation::ReadImports,
        ),
        route(Method::GET, "/mail/deliveries", "/api/v1/mail/deliveries".into(), None, Operation::ReadMailLog),
        route(
            Method::GET,
            "/analytics/dashboard",
            "/api/v1/analytics/dashboard".into(),
            None,
            Operation::ReadAnalytics,
        ),
        route(
            Method::GET,
            "/analytics/collectors",
            "/api/v1/analytics/collectors".into(),
            None,
            Operation::ReadAnalytics,
        ),
        route(
            Method::GET,
            "/analytics/payments/trends",
            "/api/v1/analytics/payments/trends".into(),
            None,
            Operation::ReadAnalytics,
        ),
        route(
            Method::GET,
            "/analytics/aging-report",
            "/api/v1/analytics/aging-report".into(),
            None,
            Operation::ReadAnalytics,
        ),
        route(
            Method::GET,
            "/reports/repayment-compliance",
            "/api/v1/reports/repayment-compliance".into(),
            None,
            Operation::ReadAnalytics,
        ),
        route(
            Method::GET,
            "/reports/reconciliation",
            "/api/v1/reports/reconciliation".into(),
            None,
            Operation::ReadReconciliation,
        ),
        route(Method::GET, "/notifications", "/api/v1/notifications".into(), None, Operation::ReadNotifications),
        route(
            Method::POST,
            "/notifications/{id}/read",
            format!("/api/v1/notifications/{}", uuid::Uuid::nil()) + "/read",
            None,
            Operation::ReadNotifications,
        ),
        route(
            Method::GET,
            "/notifications/unread-count",
            "/api/v1/notifications/unread-count".into(),
            None,
            Operation::ReadNotifications,
        ),
        route(
            Method::POST,
            "/notifications/read-all",
            "/api/v1/notifications/read-all".into(),
            None,
            Operation::ReadNotifications,
        ),
        route(
            Method::DELETE,
            "/notifications/{id}",
            format!("/api/v1/notifications/{}", uuid::Uuid::nil()),
            None,
            Operation::ReadNotifications,
        ),
        route(
            Method::GET,
            "/notifications/preferences",
            "/api/v1/notifications/preferences".into(),
            None,
            Operation::ReadNotifications,
        ),
        route(
            Method::PUT,
            "/notifications/preferences",
            "/api/v1/notifications/preferences".into(),
            Some(json!({})),
            Operation::ReadNotifications,
        ),
        route(
            Method::GET,
            "/notifications/stream",
            "/api/v1/notifications/stream".into(),
            None,
            Operation::ReadNotifications,
        ),
        // Webhooks: a receiver that refuses connections (nothing listens on port 9).
        route(
            Method::POST,
            "/webhooks",
            "/api/v1/webhooks".into(),
            Some(json!({"url": "http://127.0.0.1:9/hooks", "event_types": ["payment.completed"]})),
            Operation::ManageWebhooks,
        ),
        route(Method::GET, "/webhooks", "/api/v1/webhooks".into(), None, Operation::ManageWebhooks),
        route(
            Method::GET,
            "/webhooks/{id}",
            format!("/api/v1/webhooks/{}", uuid::Uuid::nil()),
            None,
            Operation::ManageWebhooks,
        ),
        route(
            Method::PATCH,
            "/webhooks/{id}",
            format!("/api/v1/webhooks/{}", uuid::Uuid::nil()),
            Some(json!({"active": true})),
            Operation::ManageWebhooks,
        ),
        route(
            Method::DELETE,
            "/webhooks/{id}",
            format!("/api/v1/webhooks/{}", uuid::Uuid::nil()),
            None,
            Operation::ManageWebhooks,
        ),
        route(
            Method::GET,
            "/webhooks/{id}/deliveries",
            format!("/api/v1/webhooks/{}/deliveries", uuid::Uuid::nil()),
            None,
            Operation::ManageWebhooks,
        ),
        route(
            Method::POST,
            "/webhooks/deliveries/{id}/replay",
            format!("/api/v1/webhooks/deliveries/{}/replay", uuid::Uuid::nil()),
            None,
            Operation::ManageWebhooks,
        ),
    ]
}

fn tomorrow() -> String {
    (chrono::Utc::now().date_naive() + chrono::Days::new(2)).to_string()
}

fn yesterday() -> String {
    (chrono::Utc::now().date_naive() - chrono::Days::new(1)).to_string()
}

#[tokio::test]
async fn every_role_against_every_route() {
    let app = spawn_app().await;
    let demo = app.seed().await;
    let account = crate::accounts::create_account(&app, &app.token("demo.manager").await, "MATRIX-1").await;
    let account = account["id"].as_str().unwrap();
    // Collectors reach only their own accounts: give it to the walking collector.
    sqlx::query("UPDATE accounts SET collector_id = $1, status = 'assigned'")
        .bind(demo.sarah)
        .execute(&app.db)
        .await
        .unwrap();
    let manager = app.token("demo.manager").await;
    let body = json!({"account_id": account, "amount": "5.00", "method": "cash", "paid_on": yesterday()});
    let payment: Value = app.send(Method::POST, "/api/v1/payments", &manager, Some(&body)).await.json().await.unwrap();
    let payment = payment["id"].as_str().expect("a payment");
    let terms = json!({"total": "100.00", "installments": 2, "frequency": "monthly", "first_due_date": tomorrow()});
    let plan_path = format!("/api/v1/accounts/{account}/plans");
    let plan: Value = app.send(Method::POST, &plan_path, &manager, Some(&terms)).await.json().await.unwrap();
    let plan = plan["id"].as_str().expect("a plan");

    for (role, username) in USER_OF_ROLE {
        let token = app.token(username).await;
        for route in routes(&demo, account, payment, plan, username) {
            let response = app.send(route.method.clone(), &route.path, &token, route.body.as_ref()).await;
            let status = response.status().as_u16();
            let what = format!("{role} {} {}", route.method, route.path);
            // The walk's SFTP source names a host that does not exist: polling it is the
            // gateway error it should be.
            let gateway = route.template == "/imports/trigger" && status == 502;
            if allows(role, route.operation) {
                assert!(status != 403 && status != 401 && (status < 500 || gateway), "{what}: allowed, got {status}");
            } else {
                assert_eq!(status, 403, "{what}: denied");
                // Authorisation before validation: a denied caller's malformed body or
                // query is still a 403, never a critique of what they may not send.
                let malformed = route.body.as_ref().map(|_| json!(["not", "the", "body"]));
                let path =
                    format!("{}{}limit=zero&from=-", route.path, if route.path.contains('?') { '&' } else { '?' });
                let response = app.send(route.method.clone(), &path, &token, malformed.as_ref()).await;
                assert_eq!(response.status(), 403, "{what}: denied, with a malformed body and query");
            }
        }
    }
}

/// An API key holding every scope, against every route: allowed what its scopes grant
/// (`debtflow_domain::api_key`), refused everything else — people matters included.
#[tokio::test]
async fn a_key_with_every_scope_against_every_route() {
    let app = spawn_app().await;
    let demo = app.seed().await;
    let manager = app.token("demo.manager").await;
    let account = crate::accounts::create_account(&app, &manager, "MATRIX-KEY").await;
    let account = account["id"].as_str().unwrap();
    let body = json!({"account_id": account, "amount": "5.00", "method": "cash", "paid_on": yesterday()});
    sqlx::query("UPDATE accounts SET collector_id = $1, status = 'assigned'")
        .bind(demo.sarah)
        .execute(&app.db)
        .await
        .unwrap();
    let payment: Value = app.send(Method::POST, "/api/v1/payments", &manager, Some(&body)).await.json().await.unwrap();
    let payment = payment["id"].as_str().expect("a payment");
    let terms = json!({"total": "100.00", "installments": 2, "frequency": "monthly", "first_due_date": tomorrow()});
    let plan_path = format!("/api/v1/accounts/{account}/plans");
    let plan: Value = app.send(Method::POST, &plan_path, &manager, Some(&terms)).await.json().await.unwrap();
    let plan = plan["id"].as_str().expect("a plan");
    let every: Vec<&str> = Scope::ALL.iter().map(|s| s.as_str()).collect();
    let (_, key) = crate::api_keys::create_key(&app, &app.token("demo.admin").await, "Everything", &every).await;

    for route in routes(&demo, account, payment, plan, "service.key") {
        let response = app.send(route.method.clone(), &route.path, &key, route.body.as_ref()).await;
        let status = response.status().as_u16();
        let what = format!("key {} {}", route.method, route.path);
        let gateway = route.template == "/imports/trigger" && status == 502;
        if api_key::allows(&Scope::ALL, route.operation) {
            assert!(status != 403 && status != 401 && (status < 500 || gateway), "{what}: allowed, got {status}");
        } else {
            assert_eq!(status, 403, "{what}: denied");
        }
    }
}

#[tokio::test]
async fn the_walk_covers_every_authenticated_route_of_the_spec() {
    let spec: Value = serde_json::from_str(&debtflow_api::openapi::json()).unwrap();
    let public =
        ["/api/v1/auth/token", "/api/v1/auth/token/refresh", "/api/v1/auth/logout", "/api/v1/payments/webhook/stripe"];
    let documented: BTreeSet<(String, String)> = spec["paths"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(path, _)| path.starts_with("/api/v1/") && !public.contains(&path.as_str()))
        .flat_map(|(path, ops)| {
            ops.as_object().unwrap().keys().map(move |m| (m.to_uppercase(), path.trim_start_matches("/api/v1").into()))
        })
        .collect();
    let demo = Demo {
        agency: uuid::Uuid::nil(),
        northwind: uuid::Uuid::nil(),
        sarah: uuid::Uuid::nil(),
        james: uuid::Uuid::nil(),
    };
    let walked: BTreeSet<(String, String)> =
        routes(&demo, "x", "x", "x", "x").into_iter().map(|r| (r.method.to_string(), r.template.to_owned())).collect();

    assert_eq!(walked, documented, "add the new route to the matrix walk");
}
