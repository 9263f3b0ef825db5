//! API keys: what an outside system (a creditor's platform, a dialer, a payment page)
//! may do in an agency's name.
//!
//! A key acts as its own service account ([`crate::Role::Service`]) inside its agency.
//! Each operation of the role table belongs to at most one [`Scope`]; a key may perform
//! an operation when one of its scopes covers it. Scopes cover only what the agency
//! admin who creates the key may do, so a key never reaches further than the role
//! table lets its creator; staff, settings, approvals and the keys themselves belong to
//! no scope and stay with people.

use crate::permission::Operation;
use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};
use std::{fmt, str::FromStr};

/// What the secret of every key starts with: recognisable in logs and by secret
/// scanners, and telling the extractor a key from an access token.
pub const SECRET_PREFIX: &str = "dfk_live_";

/// How many characters of a secret are kept in the clear to name the key in lists
/// (the prefix and eight of the random characters).
pub const SHOWN_LENGTH: usize = SECRET_PREFIX.len() + 8;

/// A key's name: 1 to 100 characters, not blank.
pub const NAME_RULE: &str = "must be 1-100 characters, not blank";

/// A permission granted to a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Scope {
    /// Read accounts, their timeline, contacts and documents.
    #[serde(rename = "accounts:read")]
    AccountsRead,
    /// Place new accounts, work them (status, contacts, promises) and add notes.
    #[serde(rename = "accounts:write")]
    AccountsWrite,
    /// Read payments, ledgers, fees and plans.
    #[serde(rename = "payments:read")]
    PaymentsRead,
    /// Record payments and refund them.
    #[serde(rename = "payments:write")]
    PaymentsWrite,
    /// Upload account files and follow their imports.
    #[serde(rename = "imports:write")]
    ImportsWrite,
    /// Register webhook endpoints, read and replay their deliveries.
    #[serde(rename = "webhooks:manage")]
    WebhooksManage,
}

impl Scope {
    pub const ALL: [Scope; 6] = [
        Scope::AccountsRead,
        Scope::AccountsWrite,
        Scope::PaymentsRead,
        Scope::PaymentsWrite,
        Scope::ImportsWrite,
        Scope::WebhooksManage,
    ];

    /// The stable wire name (`payments:write`).
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::AccountsRead => "accounts:read",
            Scope::AccountsWrite => "accounts:write",
            Scope::PaymentsRead => "payments:read",
            Scope::PaymentsWrite => "payments:write",
            Scope::ImportsWrite => "imports:write",
            Scope::WebhooksManage => "webhooks:manage",
        }
    }

    /// What the scope grants, in a sentence (forms and lists show it).
    pub fn description(self) -> &'static str {
        match self {
            Scope::AccountsRead => "Read accounts, their timeline, contacts and documents.",
            Scope::AccountsWrite => "Place new accounts, work them (status, contacts, promises) and add notes.",
            Scope::PaymentsRead => "Read payments, ledgers, fees and plans.",
            Scope::PaymentsWrite => "Record payments and refund them.",
            Scope::ImportsWrite => "Upload account files and follow their imports.",
            Scope::WebhooksManage => "Register webhook endpoints, read and replay their deliveries.",
        }
    }

    /// The operations the scope grants.
    pub fn operations(self) -> &'static [Operation] {
        match self {
            Scope::AccountsRead => &[Operation::ReadAccounts],
            Scope::AccountsWrite => &[Operation::CreateAccount, Operation::WorkAccount, Operation::AddNote],
            Scope::PaymentsRead => &[Operation::ReadMoney],
            Scope::PaymentsWrite => &[Operation::RecordPayment, Operation::RefundPayment],
            Scope::ImportsWrite => &[Operation::ImportAccounts, Operation::ReadImports],
            Scope::WebhooksManage => &[Operation::ManageWebhooks],
        }
    }

    /// The scope that grants `operation`, if any does.
    pub fn of(operation: Operation) -> Option<Scope> {
        Scope::ALL.into_iter().find(|scope| scope.operations().contains(&operation))
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The name given was not one of the scopes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown scope `{0}`")]
pub struct UnknownScope(pub String);

impl FromStr for Scope {
    type Err = UnknownScope;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Scope::ALL.into_iter().find(|scope| scope.as_str() == s).ok_or_else(|| UnknownScope(s.to_owned()))
    }
}

/// Whether a key holding `scopes` may perform `operation`.
pub fn allows(scopes: &[Scope], operation: Operation) -> bool {
    Scope::of(operation).is_some_and(|scope| scopes.contains(&scope))
}

/// The scopes of a new key: at least one, none twice. Returned sorted, as stored.
pub fn check_scopes(scopes: &[Scope]) -> Result<Vec<Scope>, &'static str> {
    let mut sorted = scopes.to_vec();
    sorted.sort();
    sorted.dedup();
    match (scopes.is_empty(), sorted.len() == scopes.len()) {
        (true, _) => Err("must name at least one scope"),
        (_, false) => Err("must not name a scope twice"),
        _ => Ok(sorted),
    }
}

/// The furthest ahead a key may expire: beyond it, "until revoked" (no expiry) says it.
pub const LONGEST_LIFE_DAYS: i64 = 3660;

/// A new key's expiry: in the future, and at most [`LONGEST_LIFE_DAYS`] ahead.
pub fn check_expiry(expires_at: DateTime<Utc>, now: DateTime<Utc>) -> Result<(), &'static str> {
    if expires_at <= now {
        Err("must be in the future")
    } else if expires_at > now + TimeDelta::days(LONGEST_LIFE_DAYS) {
        Err("must be within 10 years; leave it out for a key that works until revoked")
    } else {
        Ok(())
    }
}

/// A key's name, trimmed: what lists and the audit trail call it.
pub fn check_name(name: &str) -> Result<&str, &'static str> {
    let name = name.trim();
    if (1..=100).contains(&name.chars().count()) {
        Ok(name)
    } else {
        Err(NAME_RULE)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{permission, Role};

    #[test]
    fn a_key_reaches_no_further_than_the_agency_admin_who_creates_it() {
        for scope in Scope::ALL {
            for op in scope.operations() {
                assert!(permission::allows(Role::AgencyAdmin, *op), "{scope} grants {op:?}, which agency admins lack");
            }
        }
    }

    #[test]
    fn each_operation_belongs_to_at_most_one_scope() {
        for op in Operation::ALL {
            let holders = Scope::ALL.into_iter().filter(|s| s.operations().contains(&op)).count();
            assert!(holders <= 1, "{op:?} is granted by {holders} scopes");
        }
    }

    #[test]
    fn people_matters_belong_to_no_scope() {
        for op in [
            Operation::ManageStaff,
            Operation::ManageApiKeys,
            Operation::DecidePayment,
            Operation::DecidePlan,
            Operation::DecideWriteOff,
            Operation::ManageSettings,
            Operation::ReadAuditLog,
        ] {
            assert_eq!(Scope::of(op), None, "{op:?}");
            assert!(!allows(&Scope::ALL, op));
        }
    }

    #[test]
    fn a_key_may_do_what_its_scopes_grant_and_nothing_else() {
        let reader = [Scope::AccountsRead, Scope::PaymentsRead];
        assert!(allows(&reader, Operation::ReadAccounts));
        assert!(allows(&reader, Operation::ReadMoney));
        assert!(!allows(&reader, Operation::RecordPayment));
        assert!(allows(&[Scope::PaymentsWrite], Operation::RecordPayment));
        assert!(!allows(&[Scope::PaymentsWrite], Operation::ReadMoney), "writing does not imply reading");
    }

    #[test]
    fn every_scope_says_what_it_grants() {
        for scope in Scope::ALL {
            let words = scope.description();
            assert!(words.ends_with('.') && words.len() > 20, "{scope}: {words}");
        }
    }

    #[test]
    fn scopes_round_trip_through_their_names() {
        for scope in Scope::ALL {
            assert_eq!(scope.as_str().parse::<Scope>(), Ok(scope));
            assert_eq!(serde_json::to_value(scope).unwrap(), scope.as_str());
        }
        assert!("payments:admin".parse::<Scope>().is_err());
    }

    #[test]
    fn scopes_are_named_once_at_least_once() {
        assert_eq!(
            check_scopes(&[Scope::PaymentsWrite, Scope::AccountsRead]),
            Ok(vec![Scope::AccountsRead, Scope::PaymentsWrite])
        );
        assert!(check_scopes(&[]).is_err());
        assert!(check_scopes(&[Scope::AccountsRead, Scope::AccountsRead]).is_err());
    }

    #[test]
    fn expiries_are_ahead_and_not_absurdly_far() {
        let now = DateTime::parse_from_rfc3339("2026-12-03T10:00:00Z").unwrap().to_utc();
        assert!(check_expiry(now + TimeDelta::days(90), now).is_ok());
        assert!(check_expiry(now, now).is_err());
        assert!(check_expiry(now + TimeDelta::days(LONGEST_LIFE_DAYS + 1), now).is_err());
    }

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(check_name("  Creditor sync "), Ok("Creditor sync"));
        assert!(check_name("   ").is_err());
        assert!(check_name(&"x".repeat(101)).is_err());
        assert!(check_name(&"é".repeat(100)).is_ok(), "characters, not bytes");
    }
}
