//! Payment plans: proposed and edited as drafts ([`propose`]), stepped through their
//! lifecycle by people and by events ([`step`]), and paid — or unpaid by refunds —
//! installment by installment ([`installments`]). The rules are the domain's
//! (`debtflow_domain::plan`: schedules, the lifecycle table, activation, completion).

pub mod installments;
pub mod propose;
pub mod step;

use super::{book::LockedAccount, ServiceError};
use crate::{
    audit::Actor,
    store::{self, accounts::Reach, plans::PlanRow},
};
use chrono::{DateTime, Utc};
use serde_json::json;
use sqlx::PgConnection;
use uuid::Uuid;

/// The plan's account, then the plan, both locked: the order every plan and money use
/// case locks in.
pub async fn lock(
    tx: &mut PgConnection,
    reach: Reach,
    plan_id: Uuid,
    now: DateTime<Utc>,
) -> Result<(LockedAccount, PlanRow), ServiceError> {
    let account_id = store::plans::get(tx, reach, plan_id, now).await?.ok_or(ServiceError::NotFound)?.account_id;
    let account = LockedAccount::lock(tx, reach, account_id, now).await?.ok_or(ServiceError::NotFound)?;
    let plan = store::plans::lock(tx, reach, plan_id, now).await?.ok_or(ServiceError::NotFound)?;
    Ok((account, plan))
}

/// A plan's step on its account's timeline.
async fn event(
    tx: &mut PgConnection,
    actor: &Actor,
    account: &LockedAccount,
    plan_id: Uuid,
    action: &str,
    body: Option<&str>,
) -> Result<(), ServiceError> {
    account.event(tx, actor, "plan", body, json!({ "plan_id": plan_id, "action": action })).await
}
