//! A person's move of an account through its lifecycle (`POST /accounts/{id}/transition`),
//! with a reason.
//!
//! Only the moves `AccountStatus::cause_of` gives to [`Cause::Manual`] are allowed;
//! the others belong to assignment, plans and money, and are refused as an invalid
//! transition listing the statuses a person may choose. What the move does to the
//! account's dispute is the domain's (`DisputeStep`): entering DISPUTED opens one,
//! leaving it by hand resolves it for good with that outcome. Within the validation
//! period of the debtor's notice (Regulation F), a dispute blocks every channel to the
//! debtor until it is resolved — the resolution is the verification.

use super::{contacts, person, reach, timeline};
use crate::{
    audit::{self, Actor, Change},
    services::{webhooks, Refusal, ServiceError},
    store::{
        self,
        accounts::AccountRow,
        disputes::{NewDispute, Resolution},
    },
};
use chrono::{DateTime, NaiveDate, Utc};
use debtflow_domain::{
    account::{dispute::DisputeStep, status::Cause},
    contact::Flag,
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
    person(actor)?;
    let account = store::accounts::lock(tx, reach(actor), cmd.account_id, now).await?.ok_or(ServiceError::NotFound)?;
    let from = account.status;
    let to = from.transition(cmd.to, Cause::Manual).map_err(|_| Refusal::InvalidTransition {
        from,
        to: cmd.to,
        allowed: from.allowed_transitions(),
    })?;
    apply(tx, actor, &account, to, Cause::Manual, reason, now).await
}

/// A dispute the debtor raised (the outcome of a contact) within the validation period
/// of their notice: the account goes to DISPUTED from wherever collection had got to
/// ([`Cause::ValidationDispute`] where no person could move it there). Nothing happens
/// when no notice was sent, its period is over, or the account is not being collected.
pub async fn dispute_in_validation_period(
    tx: &mut PgConnection,
    actor: &Actor,
    account: &AccountRow,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<Option<Moved>, ServiceError> {
    if validation_period(tx, account, now).await?.is_none() {
        return Ok(None);
    }
    match account.status.cause_of(AccountStatus::Disputed) {
        Some(cause @ (Cause::Manual | Cause::ValidationDispute)) => {
            Ok(Some(apply(tx, actor, account, AccountStatus::Disputed, cause, reason, now).await?))
        }
        _ => Ok(None),
    }
}

/// The end of the account's validation period, if a notice was sent and the period
/// is not over on the agency's today.
async fn validation_period(
    tx: &mut PgConnection,
    account: &AccountRow,
    now: DateTime<Utc>,
) -> Result<Option<NaiveDate>, ServiceError> {
    let Some(notice) = store::validation_notices::get(tx, account.agency_id, account.id).await? else {
        return Ok(None);
    };
    let today = store::agencies::today(tx, account.agency_id, now).await?;
    Ok((today <= notice.period_ends_on).then_some(notice.period_ends_on))
}

/// Moves the locked `account` to `to` for `cause`, with what that does to its dispute:
/// entering DISPUTED opens one — within the validation period, with every channel to
/// the debtor blocked until it is resolved (`dispute_unverified`) — and leaving it
/// resolves it, clearing that block.
async fn apply(
    tx: &mut PgConnection,
    actor: &Actor,
    account: &AccountRow,
    to: AccountStatus,
    cause: Cause,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<Moved, ServiceError> {
    let by = person(actor)?;
    let (agency_id, from) = (account.agency_id, account.status);
    store::accounts::set_status(tx, agency_id, account.id, to).await?;
    let dispute_id = match DisputeStep::of(from, to, cause) {
        Some(DisputeStep::Open) => {
            let dispute = NewDispute { agency_id, account_id: account.id, reason, opened_by: by, opened_at: now };
            let id = store::disputes::open(tx, &dispute).await?;
            if let Some(ends) = validation_period(tx, account, now).await? {
                let why = format!("Disputed within the validation period (to {ends}): {reason}");
                contacts::block(tx, actor, account, Flag::DisputeUnverified, None, &why, Some(id), now).await?;
            }
            Some(id)
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
            let resolved = store::disputes::resolve(tx, &resolution).await?;
            if let Some(id) = resolved {
                contacts::clear_dispute_blocks(tx, actor, account, id, now).await?;
            }
            resolved
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
    webhooks::status_changed(tx, agency_id, account.id, (from, to), reason, now).await?;
    Ok(Moved { from, to, dispute_id })
}
