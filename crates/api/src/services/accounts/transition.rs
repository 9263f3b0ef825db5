//! A person's move of an account through its lifecycle (`POST /accounts/{id}/transition`),
//! with a reason.
//!
//! Only the moves `AccountStatus::cause_of` gives to [`Cause::Manual`] are allowed;
//! the others belong to assignment, plans and money, and are refused as an invalid
//! transition listing the statuses a person may choose. What the move does to the
//! account's dispute is the domain's (`DisputeStep`): entering DISPUTED opens one,
//! leaving it by hand resolves it for good with that outcome.

use super::{person, reach, timeline};
use crate::{
    audit::{self, Actor, Change},
    services::{Refusal, ServiceError},
    store::{
        self,
        disputes::{NewDispute, Resolution},
    },
};
use chrono::{DateTime, Utc};
use debtflow_domain::{
    account::{dispute::DisputeStep, status::Cause},
    AccountStatus,
};
use sqlx::PgConnection;
use uuid::Uuid;

/// Move `account_id` to `to`, because `reason`.
#[derive(Debug, Clone)]
pub struct Transition {
    pub account_id: Uuid,
    pub to: AccountStatus,
    pub reason: String,
}

/// The move made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Moved {
    pub from: AccountStatus,
    pub to: AccountStatus,
    /// The dispute the move opened or resolved.
    pub dispute_id: Option<Uuid>,
}

pub async fn transition(
    tx: &mut PgConnection,
    actor: &Actor,
    cmd: Transition,
    now: DateTime<Utc>,
) -> Result<Moved, ServiceError> {
    let reason = cmd.reason.trim();
    if reason.is_empty() {
        return Err(ServiceError::invalid("reason", "must not be blank"));
    }
    let by = person(actor)?;
    let account = store::accounts::lock(tx, reach(actor), cmd.account_id, now).await?.ok_or(ServiceError::NotFound)?;
    let (agency_id, from) = (account.agency_id, account.status);
    let to = from.transition(cmd.to, Cause::Manual).map_err(|_| Refusal::InvalidTransition {
        from,
        to: cmd.to,
        allowed: from.allowed_transitions(),
    })?;
    store::accounts::set_status(tx, agency_id, account.id, to).await?;
    let dispute_id = match DisputeStep::of(from, to, Cause::Manual) {
        Some(DisputeStep::Open) => {
            let dispute = NewDispute { agency_id, account_id: account.id, reason, opened_by: by, opened_at: now };
            Some(store::disputes::open(tx, &dispute).await?)
        }
        Some(DisputeStep::Resolve(outcome)) => {
            let resolution = Resolution {
                agency_id,
                account_id: account.id,
                outcome,
                resolution: reason,
                resolved_by: by,
                resolved_at: now,
            };
            store::disputes::resolve(tx, &resolution).await?
        }
        None => None,
    };

    let mut data = serde_json::json!({ "from": from, "to": to });
    if let Some(dispute) = dispute_id {
        data["dispute_id"] = serde_json::json!(dispute);
    }
    timeline(tx, actor, agency_id, account.id, "status_change", Some(reason), data).await?;
    let change = Change::updated(
        "account.transition",
        "account",
        account.id,
        &serde_json::json!({ "status": from }),
        &serde_json::json!({ "status": to, "reason": reason }),
    );
    audit::record(tx, actor, change.in_agency(Some(agency_id))).await?;
    Ok(Moved { from, to, dispute_id })
}
