//! A manager's decision on a backdated payment: approved, its money is placed (on its
//! account, or unapplied when the account can no longer take it); rejected, it never
//! posts.

use super::{lock, place, wrong_status};
use crate::{
    audit::{self, Actor, Change},
    services::{webhooks, ServiceError},
    store::{self, accounts::Reach, payments::PaymentRow},
};
use chrono::{DateTime, Utc};
use debtflow_domain::payment::{PaymentCause, PaymentStatus};
use serde_json::json;
use sqlx::PgConnection;
use uuid::Uuid;

/// A manager's verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Approve,
    Reject,
}

/// Decides the payment waiting for approval; returns it as it now is.
pub async fn decide(
    tx: &mut PgConnection,
    actor: &Actor,
    reach: Reach,
    payment_id: Uuid,
    verdict: Verdict,
    reason: Option<&str>,
    now: DateTime<Utc>,
) -> Result<PaymentRow, ServiceError> {
    let (mut account, before) = lock(tx, reach, payment_id, now).await?;
    let action = match verdict {
        Verdict::Approve => {
            place(tx, actor, &mut account, &before, PaymentCause::Approved, now).await?;
            "payment.approve"
        }
        Verdict::Reject => {
            let cause = PaymentCause::Rejected;
            let to =
                before.status.transition(PaymentStatus::Rejected, cause).map_err(|e| wrong_status(e.from, cause))?;
            store::payments::close_unposted(tx, account.agency_id, payment_id, to, actor.user_id).await?;
            "payment.reject"
        }
    };
    let after = store::payments::get(tx, reach, payment_id).await?.ok_or(ServiceError::NotFound)?;
    let change = Change::updated(
        action,
        "payment",
        payment_id,
        &json!({ "status": before.status }),
        &json!({ "status": after.status, "reason": reason }),
    );
    audit::record(tx, actor, change).await?;
    webhooks::payment_changed(tx, Some(&before), &after, now).await?;
    Ok(after)
}
