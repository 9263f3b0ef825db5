//! How a use case fails: [`ServiceError`], and the business rules that may refuse a
//! command ([`Refusal`]), each with a stable problem type that clients can match on
//! (`urn:debtflow:problem:<code>`) instead of parsing English.

use crate::store::StoreError;
use debtflow_domain::{
    remedial::{Lifecycle, Step, StepError},
    AccountStatus,
};
use uuid::Uuid;

/// Why a use case did not happen. Nothing it wrote survives: the caller rolls back.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// The entity is not within the caller's reach (another agency's is a 404 too).
    #[error("no such resource")]
    NotFound,
    /// A field of the command is invalid: a 422 naming it.
    #[error("`{field}` {message}")]
    Invalid { field: String, message: String },
    /// A business rule refuses the command in the state it found.
    #[error(transparent)]
    Refused(#[from] Refusal),
    /// The database failed, or refused a write no rule above foresaw.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A rule of the domain broke where it cannot (an unbalanced entry built by our
    /// own code, an amount in a currency the account does not have): a bug.
    #[error("invariant broken: {0}")]
    Invariant(String),
}

impl ServiceError {
    pub fn invalid(field: impl Into<String>, message: impl ToString) -> Self {
        ServiceError::Invalid { field: field.into(), message: message.to_string() }
    }

    pub fn invariant(err: impl std::fmt::Display) -> Self {
        ServiceError::Invariant(err.to_string())
    }
}

impl From<sqlx::Error> for ServiceError {
    fn from(err: sqlx::Error) -> Self {
        ServiceError::Store(err.into())
    }
}

impl From<debtflow_domain::MoneyError> for ServiceError {
    fn from(err: debtflow_domain::MoneyError) -> Self {
        ServiceError::invariant(err)
    }
}

impl From<debtflow_domain::ledger::LedgerError> for ServiceError {
    fn from(err: debtflow_domain::ledger::LedgerError) -> Self {
        // The domain builds every entry; one that does not balance is a bug.
        ServiceError::invariant(err)
    }
}

impl From<debtflow_domain::remedial::Invalid> for ServiceError {
    fn from(err: debtflow_domain::remedial::Invalid) -> Self {
        ServiceError::invalid(err.field, err.message)
    }
}

/// A thing a status-bearing entity is: what a [`Refusal::WrongStatus`] is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entity {
    Account,
    Payment,
    Plan,
    Fee,
    Promise,
    LegalCase,
    RecoveryAction,
    WriteOff,
}

impl Entity {
    pub fn as_str(self) -> &'static str {
        match self {
            Entity::Account => "account",
            Entity::Payment => "payment",
            Entity::Plan => "plan",
            Entity::Fee => "fee",
            Entity::Promise => "promise",
            Entity::LegalCase => "legal case",
            Entity::RecoveryAction => "recovery action",
            Entity::WriteOff => "write-off request",
        }
    }
}

/// A business rule that refuses a command: HTTP 409, with a stable problem type.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// The entity's lifecycle does not allow the step from where it is.
    #[error("the {} is {current}: {action} needs a {} in status {}", entity.as_str(), entity.as_str(), allowed.join(" or "))]
    WrongStatus { entity: Entity, current: String, action: &'static str, allowed: Vec<String> },
    /// A person asked for an account move the lifecycle does not allow.
    #[error("cannot move an account from {from} to {to}")]
    InvalidTransition { from: AccountStatus, to: AccountStatus, allowed: Vec<AccountStatus> },
    #[error("an account in status {status} takes no payments")]
    AccountTakesNoPayments { status: AccountStatus },
    #[error("an account in status {status} takes no fees")]
    AccountTakesNoFees { status: AccountStatus },
    #[error("the reference `{reference}` is already used{}", existing.map(|id| format!(" by payment {id}")).unwrap_or_default())]
    DuplicateReference { reference: String, existing: Option<Uuid> },
    #[error("the agency already has an account `{external_ref}`")]
    DuplicateAccountReference { external_ref: String },
    #[error("the account already has an active plan")]
    PlanAlreadyActive { existing: Option<Uuid> },
    #[error("{detail}")]
    CollectorAtLimit { collector_id: Option<Uuid>, detail: String },
    #[error("the username `{username}` is taken")]
    UsernameTaken { username: String },
    #[error("another agency has this licence number")]
    DuplicateLicence,
    #[error("a request with this Idempotency-Key is still in progress; retry it in a moment")]
    RequestInProgress,
    #[error("this file was imported already (import {existing}); send it with force=true to import it again")]
    DuplicateImport { existing: Uuid },
    #[error("the agency's SFTP inbox is being polled already; retry when that poll ends")]
    PollInProgress,
    #[error("the agency would be left without an active agency admin; appoint another one first")]
    LastAgencyAdmin,
    #[error("the collector still holds {accounts} accounts being worked; reassign them first")]
    HoldsAccounts { accounts: i64 },
    #[error("an admin cannot reset their own password; change it with POST /auth/password")]
    OwnPassword,
    /// A Regulation F guardrail (`debtflow_domain::contact`) blocks the contact attempt;
    /// `rule` is its code, `allowed_at` when the attempt becomes allowed (none while a
    /// block on the debtor stands).
    #[error("{detail}")]
    ContactBlocked { rule: &'static str, detail: String, allowed_at: Option<chrono::DateTime<chrono::Utc>> },
    #[error("the account's validation notice was sent on {sent_on}; a debt has one")]
    ValidationNoticeSent { sent_on: chrono::NaiveDate },
    #[error("the account has an open write-off request ({existing}); edit or delete it instead")]
    WriteOffOpen { existing: Uuid },
    #[error(
        "the balance is {balance} now, not the {amount} recommended; recommend the write-off again for the new balance"
    )]
    WriteOffBalanceChanged { amount: rust_decimal::Decimal, balance: rust_decimal::Decimal },
}

impl Refusal {
    /// Every code, for the README's table and the OpenAPI document.
    pub const CODES: [(&'static str, &'static str); 23] = [
        (
            "wrong-status",
            "the entity's lifecycle does not allow this step from its status (`current_status`, `allowed_statuses`)",
        ),
        ("invalid-transition", "the account cannot move to the status asked for (`allowed_transitions`)"),
        ("account-takes-no-payments", "the account is not being worked (`current_status`)"),
        ("account-takes-no-fees", "the account is settled or closed (`current_status`)"),
        ("duplicate-reference", "another payment of the agency has this reference (`existing_id`)"),
        ("duplicate-account-reference", "another account of the agency has this external reference"),
        ("plan-already-active", "the account has an active plan already (`existing_id` when known)"),
        ("collector-at-limit", "the collector holds as many accounts as their limit allows"),
        ("username-taken", "another user has this username"),
        ("duplicate-licence", "another agency has this licence number"),
        ("request-in-progress", "a request with this Idempotency-Key is still running; retry it"),
        ("duplicate-import", "the agency imported this file (same SHA-256) already (`existing_id`); force to repeat"),
        ("poll-in-progress", "the agency's SFTP inbox is being polled already; retry when that poll ends"),
        ("last-agency-admin", "the change would leave the agency without an active agency admin"),
        ("holds-accounts", "the collector holds accounts being worked; reassign them before a new role"),
        ("own-password", "admins change their own password with `POST /auth/password`, not by a reset"),
        (
            "contact-flag",
            "a block on the debtor (cease and desist, bankruptcy, the debtor's request …) stops this channel",
        ),
        ("calling-hours", "outside 08:00–21:00 in the debtor's time zone (`allowed_at`: the next 08:00)"),
        (
            "call-after-conversation",
            "a call within 7 days after a telephone conversation about the debt (`allowed_at`)",
        ),
        ("call-frequency", "an 8th call within 7 days (`allowed_at`: when the oldest of the 7 leaves the window)"),
        ("validation-notice-sent", "the account's validation notice went out already (`GET` prints it again)"),
        ("write-off-open", "the account has a write-off request in draft or recommended already (`existing_id`)"),
        (
            "write-off-balance-changed",
            "a payment or fee moved the balance since the write-off was recommended; it is recommended again first",
        ),
    ];

    /// The stable code: the last part of the problem's `type`.
    pub fn code(&self) -> &'static str {
        match self {
            Refusal::WrongStatus { .. } => "wrong-status",
            Refusal::InvalidTransition { .. } => "invalid-transition",
            Refusal::AccountTakesNoPayments { .. } => "account-takes-no-payments",
            Refusal::AccountTakesNoFees { .. } => "account-takes-no-fees",
            Refusal::DuplicateReference { .. } => "duplicate-reference",
            Refusal::DuplicateAccountReference { .. } => "duplicate-account-reference",
            Refusal::PlanAlreadyActive { .. } => "plan-already-active",
            Refusal::CollectorAtLimit { .. } => "collector-at-limit",
            Refusal::UsernameTaken { .. } => "username-taken",
            Refusal::DuplicateLicence => "duplicate-licence",
            Refusal::RequestInProgress => "request-in-progress",
            Refusal::DuplicateImport { .. } => "duplicate-import",
            Refusal::PollInProgress => "poll-in-progress",
            Refusal::LastAgencyAdmin => "last-agency-admin",
            Refusal::HoldsAccounts { .. } => "holds-accounts",
            Refusal::OwnPassword => "own-password",
            Refusal::ContactBlocked { rule, .. } => rule,
            Refusal::ValidationNoticeSent { .. } => "validation-notice-sent",
            Refusal::WriteOffOpen { .. } => "write-off-open",
            Refusal::WriteOffBalanceChanged { .. } => "write-off-balance-changed",
        }
    }

    /// The codes as a Markdown table, for the README (a test keeps them equal).
    pub fn markdown_table() -> String {
        let mut out = String::from("| `type` (`urn:debtflow:problem:…`) | the rule that refused |\n|---|---|\n");
        for (code, what) in Self::CODES {
            out.push_str(&format!("| `{code}` | {what} |\n"));
        }
        out
    }

    /// A step a remedial record's lifecycle does not allow from where it is.
    pub fn step<S: Lifecycle>(entity: Entity, err: StepError<S>) -> Self {
        Self::wrong_status(entity, err.from, err.step.verb(), err.allowed)
    }

    /// A refusal of `action` on `entity`, which is `current` and would need one of
    /// `allowed`.
    pub fn wrong_status<S: std::fmt::Display>(
        entity: Entity,
        current: S,
        action: &'static str,
        allowed: impl IntoIterator<Item = S>,
    ) -> Self {
        Refusal::WrongStatus {
            entity,
            current: current.to_string(),
            action,
            allowed: allowed.into_iter().map(|s| s.to_string()).collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_refusal_has_a_listed_code() {
        let examples = [
            Refusal::wrong_status(Entity::Plan, "active", "submit", ["draft"]),
            Refusal::InvalidTransition { from: AccountStatus::New, to: AccountStatus::Closed, allowed: vec![] },
            Refusal::AccountTakesNoPayments { status: AccountStatus::Closed },
            Refusal::AccountTakesNoFees { status: AccountStatus::Closed },
            Refusal::DuplicateReference { reference: "UTR-1".into(), existing: None },
            Refusal::DuplicateAccountReference { external_ref: "A-1".into() },
            Refusal::PlanAlreadyActive { existing: None },
            Refusal::CollectorAtLimit { collector_id: None, detail: "full".into() },
            Refusal::UsernameTaken { username: "x".into() },
            Refusal::DuplicateLicence,
            Refusal::RequestInProgress,
            Refusal::DuplicateImport { existing: Uuid::nil() },
            Refusal::PollInProgress,
            Refusal::LastAgencyAdmin,
            Refusal::HoldsAccounts { accounts: 3 },
            Refusal::OwnPassword,
            Refusal::ContactBlocked { rule: "contact-flag", detail: String::new(), allowed_at: None },
            Refusal::ContactBlocked { rule: "calling-hours", detail: String::new(), allowed_at: None },
            Refusal::ContactBlocked { rule: "call-after-conversation", detail: String::new(), allowed_at: None },
            Refusal::ContactBlocked { rule: "call-frequency", detail: String::new(), allowed_at: None },
            Refusal::ValidationNoticeSent { sent_on: chrono::NaiveDate::MIN },
            Refusal::WriteOffOpen { existing: Uuid::nil() },
            Refusal::WriteOffBalanceChanged { amount: 1.into(), balance: 2.into() },
        ];
        let listed: Vec<&str> = Refusal::CODES.iter().map(|(code, _)| *code).collect();
        let used: Vec<&str> = examples.iter().map(Refusal::code).collect();
        assert_eq!(used, listed, "every refusal once, in the listed order");
    }

    #[test]
    fn the_readme_lists_every_refusal() {
        let readme = include_str!("../../../../README.md");
        assert!(
            readme.contains(&Refusal::markdown_table()),
            "README.md's problem types are stale; replace them with:\n{}",
            Refusal::markdown_table()
        );
    }

    #[test]
    fn a_wrong_status_says_what_it_needed() {
        let refusal = Refusal::wrong_status(Entity::Payment, "completed", "approval", ["pending_approval"]);
        assert_eq!(
            refusal.to_string(),
            "the payment is completed: approval needs a payment in status pending_approval"
        );
    }
}
