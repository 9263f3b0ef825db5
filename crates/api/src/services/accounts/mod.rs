//! The account use cases: open an account, assign accounts to collectors (one or
//! many), move an account through its lifecycle by hand (opening and resolving its
//! dispute), change its contact data, note something on its timeline, pause its aging,
//! record contact attempts and promises to pay.
//!
//! Each writes the account's timeline and the audit trail in the caller's
//! transaction; the rules are the domain's (`debtflow_domain::account`).

pub mod assign;
pub mod contacts;
pub mod create;
pub mod notes;
pub mod pauses;
pub mod promises;
pub mod transition;
pub mod update;
pub mod validation;

use crate::{
    audit::Actor,
    store::{self, account_events::NewEvent, accounts::AccountRow, accounts::Reach},
};
use debtflow_domain::Currency;
use rust_decimal::Decimal;
use sqlx::PgConnection;
use uuid::Uuid;

/// The accounts `actor` reaches: their agency's (every agency's for platform admins),
/// and only their own if they are a collector.
pub fn reach(actor: &Actor) -> Reach {
    match (actor.user_id, actor.role) {
        (Some(user), Some(role)) => Reach::of(actor.agency_id, user, role),
        _ => Reach { agency_id: actor.agency_id, collector_id: None },
    }
}

/// The person acting: a use case done by hand needs one (it is recorded as who opened
/// a dispute or a pause).
pub(in crate::services) fn person(actor: &Actor) -> Result<Uuid, super::ServiceError> {
    actor.user_id.ok_or_else(|| super::ServiceError::invariant("this use case is done by a signed-in person"))
}

/// What the audit trail shows of an account: its own fields, the SSN left out.
fn snapshot(row: &AccountRow) -> serde_json::Value {
    serde_json::json!({
        "external_ref": row.external_ref, "status": row.status, "priority": row.priority,
        "original_balance": in_minor_units(row.original_balance, &row.currency), "due_date": row.due_date,
        "collector_id": row.collector_id, "creditor": row.creditor,
        "debtor": {"full_name": row.debtor_full_name, "phone": row.debtor_phone,
                   "email": row.debtor_email, "address": row.debtor_address, "time_zone": row.debtor_time_zone},
    })
}

/// `value` with as many decimals as `currency` has minor units (`1250.50`).
fn in_minor_units(mut value: Decimal, currency: &str) -> Decimal {
    value.rescale(Currency::parse(currency).map_or(2, |c| c.minor_units()));
    value
}

/// Appends an event to the account's timeline.
pub(in crate::services) async fn timeline(
    tx: &mut PgConnection,
    actor: &Actor,
    agency_id: Uuid,
    account_id: Uuid,
    kind: &'static str,
    body: Option<&str>,
    data: serde_json::Value,
) -> Result<store::account_events::EventRow, sqlx::Error> {
    let event = NewEvent { agency_id, account_id, kind, actor_id: actor.user_id, body, data };
    store::account_events::insert(tx, &event).await
}
