//! Assignment: accounts to collectors — one account to one collector
//! (`POST /accounts/{id}/assign`) or many spread evenly over several
//! (`POST /accounts/assign`) — in one place, so a collector's account limit holds
//! whichever way, and however concurrently, the assignments come.
//!
//! The order of locks is always the same, so concurrent assignments queue instead of
//! deadlocking: the accounts (in id order), then the collectors' user rows (in id
//! order). Only then are the collectors' accounts counted: an assignment that committed
//! while this one waited for a collector is counted, and the limit is never overshot.
//! NEW accounts become ASSIGNED, a worked one keeps its status, a settled or closed one
//! is refused. The accounts are spread by `debtflow_domain::account::distribution`;
//! each collector is notified once per command.

use super::{reach, timeline};
use crate::{
    audit::{self, Actor, Change},
    services::{
        webhooks::{self, Moved},
        Entity, Refusal, ServiceError,
    },
    store::{
        self,
        accounts::{AssignableRow, Worklist},
        notifications::NewNotification,
        users::CollectorRow,
    },
};
use chrono::{DateTime, Utc};
use debtflow_domain::notification::NotificationKind;
use debtflow_domain::{
    account::distribution::{capacity, spread, Load},
    AccountStatus, Bucket, Priority,
};
use rust_decimal::Decimal;
use sqlx::PgConnection;
use std::collections::BTreeMap;
use uuid::Uuid;

/// The most accounts one command moves.
pub const MAX_ACCOUNTS: usize = 1000;

/// Which accounts to assign.
#[derive(Debug, Clone)]
pub enum Accounts {
    /// One account: one out of the caller's reach is not found.
    One(Uuid),
    /// These accounts; one that is not the agency's is an invalid `account_ids`.
    Ids(Vec<Uuid>),
    /// The accounts the filter matches (1 to [`MAX_ACCOUNTS`], else an invalid `filter`).
    Matching(Filter),
}

/// A worklist filter, for a bulk assignment.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub statuses: Vec<AccountStatus>,
    pub priorities: Vec<Priority>,
    pub buckets: Vec<Bucket>,
    pub balance_min: Option<Decimal>,
    pub balance_max: Option<Decimal>,
    /// Only accounts no collector holds.
    pub unassigned_only: bool,
    /// A debtor's name (fuzzy) or an exact external reference.
    pub search: Option<String>,
}

/// Assign `accounts` to `collectors`: one account to one collector, or many spread
/// evenly by count and then by balance, within each collector's account limit.
#[derive(Debug, Clone)]
pub struct Assign {
    pub accounts: Accounts,
    pub collectors: Vec<Uuid>,
}

/// One account's new collector.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Assignment {
    pub account_id: Uuid,
    pub collector_id: Uuid,
}

/// What an assignment did.
#[derive(Debug, Clone)]
pub struct Assigned {
    pub assignments: Vec<Assignment>,
    /// What each collector received (collectors in id order).
    pub shares: Vec<Load<Uuid>>,
}

/// Assigns the accounts: all or nothing.
pub async fn assign(
    tx: &mut PgConnection,
    actor: &Actor,
    cmd: Assign,
    now: DateTime<Utc>,
) -> Result<Assigned, ServiceError> {
    let agency_id = actor.agency_id.ok_or(ServiceError::NotFound)?;
    let one = matches!(cmd.accounts, Accounts::One(_));
    let collectors_field = if one { "collector_id" } else { "collector_ids" };
    let accounts = lock_accounts(tx, actor, agency_id, cmd.accounts, now).await?;
    let collectors = lock_collectors(tx, agency_id, cmd.collectors, collectors_field).await?;
    if let ([account], [collector]) = (accounts.as_slice(), collectors.as_slice()) {
        if one && account.collector_id == Some(collector.id) {
            // Already theirs: nothing to do.
            return Ok(Assigned { assignments: Vec::new(), shares: vec![Load::new(collector.id, 0)] });
        }
    }
    let mut after = BTreeMap::new();
    for account in &accounts {
        let status = account.status.after_assignment().ok_or_else(|| {
            Refusal::wrong_status(Entity::Account, account.status, "assignment", AccountStatus::WORKING)
        })?;
        after.insert(account.id, (account, status));
    }

    // The collectors are locked: what they hold now is what every earlier assignment left.
    let ids: Vec<Uuid> = collectors.iter().map(|c| c.id).collect();
    let held = store::accounts::held_by(tx, agency_id, &ids, &AccountStatus::WORKING).await?;
    let mut loads: Vec<Load<Uuid>> = collectors
        .iter()
        .map(|c| {
            let holds = held.iter().find(|h| h.collector_id == c.id).map_or(0, |h| h.accounts);
            Load::new(c.id, capacity(limit(c), u64::try_from(holds).unwrap_or(0)))
        })
        .collect();
    let balances: Vec<(Uuid, Decimal)> = accounts.iter().map(|a| (a.id, a.current_balance)).collect();
    let plan = spread(&balances, &mut loads).map_err(|no_room| {
        let (collector_id, detail) = match collectors.as_slice() {
            [one] => {
                let limit = limit(one).unwrap_or_default();
                let detail = if no_room.capacity == 0 {
                    format!("{} is at their account limit of {limit}", one.full_name)
                } else {
                    format!(
                        "{} has room for {} more accounts within their limit of {limit}, not {}",
                        one.full_name, no_room.capacity, no_room.accounts
                    )
                };
                (Some(one.id), detail)
            }
            _ => (None, no_room.to_string()),
        };
        ServiceError::Refused(Refusal::CollectorAtLimit { collector_id, detail })
    })?;

    let mut received: BTreeMap<Uuid, Vec<Uuid>> = BTreeMap::new();
    let mut moved = Vec::with_capacity(plan.len());
    for (account_id, to) in &plan {
        let Some((account, status)) = after.get(account_id) else {
            return Err(ServiceError::invariant("the plan assigns an account it was not given"));
        };
        store::accounts::assign(tx, agency_id, account.id, *to, *status).await?;
        let data = serde_json::json!({ "from": account.collector_id, "to": to });
        timeline(tx, actor, agency_id, account.id, "assignment", None, data).await?;
        let change = Change::updated(
            "account.assign",
            "account",
            account.id,
            &serde_json::json!({ "collector_id": account.collector_id, "status": account.status }),
            &serde_json::json!({ "collector_id": to, "status": status }),
        );
        audit::record(tx, actor, change.in_agency(Some(agency_id))).await?;
        received.entry(*to).or_default().push(account.id);
        let (from, previous_collector_id) = (account.status, account.collector_id);
        moved.push(Moved { account_id: account.id, collector_id: *to, previous_collector_id, from, to: *status });
    }
    notify(tx, agency_id, &received).await?;
    webhooks::assigned(tx, agency_id, &moved, now).await?;
    Ok(Assigned {
        assignments: plan
            .into_iter()
            .map(|(account_id, collector_id)| Assignment { account_id, collector_id })
            .collect(),
        shares: loads,
    })
}

/// The collector's account limit.
fn limit(collector: &CollectorRow) -> Option<u32> {
    collector.account_limit.map(|limit| u32::try_from(limit).unwrap_or(0))
}

/// The accounts asked for, locked in id order.
async fn lock_accounts(
    tx: &mut PgConnection,
    actor: &Actor,
    agency_id: Uuid,
    accounts: Accounts,
    now: DateTime<Utc>,
) -> Result<Vec<AssignableRow>, ServiceError> {
    let (mut ids, field) = match accounts {
        Accounts::One(id) => {
            // Within the caller's reach, or not found.
            let reach = reach(actor);
            let locked = store::accounts::lock_many(tx, agency_id, &[id]).await?;
            return match locked.into_iter().next() {
                Some(account) if reach.collector_id.is_none_or(|c| account.collector_id == Some(c)) => {
                    Ok(vec![account])
                }
                _ => Err(ServiceError::NotFound),
            };
        }
        Accounts::Ids(ids) => (ids, "account_ids"),
        Accounts::Matching(filter) => {
            let worklist = worklist(tx, agency_id, filter, now).await?;
            let ids = store::accounts::matching_ids(tx, &worklist, MAX_ACCOUNTS as i64 + 1).await?;
            if ids.is_empty() || ids.len() > MAX_ACCOUNTS {
                return Err(ServiceError::invalid("filter", format!("must match 1 to {MAX_ACCOUNTS} accounts")));
            }
            (ids, "filter")
        }
    };
    if ids.is_empty() || ids.len() > MAX_ACCOUNTS {
        return Err(ServiceError::invalid(field, format!("must name 1 to {MAX_ACCOUNTS} accounts")));
    }
    ids.sort_unstable();
    ids.dedup();
    let locked = store::accounts::lock_many(tx, agency_id, &ids).await?;
    if let Some(missing) = ids.iter().find(|id| !locked.iter().any(|a| a.id == **id)) {
        return Err(ServiceError::invalid(field, format!("{missing} is not an account of this agency")));
    }
    Ok(locked)
}

/// The store's worklist of a filter, its buckets turned into aging anchors as of the
/// agency's today.
async fn worklist(
    tx: &mut PgConnection,
    agency_id: Uuid,
    filter: Filter,
    now: DateTime<Utc>,
) -> Result<Worklist, ServiceError> {
    let today = store::agencies::today(tx, agency_id, now).await?;
    Ok(Worklist {
        reach: store::accounts::Reach { agency_id: Some(agency_id), collector_id: None },
        statuses: filter.statuses,
        priorities: filter.priorities,
        balance_min: filter.balance_min,
        balance_max: filter.balance_max,
        delinquent_between: filter.buckets.iter().map(|b| b.anchors(today)).collect(),
        collector_id: None,
        unassigned_only: filter.unassigned_only,
        follow_up_due_for: None,
        import_id: None,
        search: filter.search,
        contactable: None,
    })
}

/// The agency's active collectors among `ids`, locked in id order, or an invalid
/// `field`.
async fn lock_collectors(
    tx: &mut PgConnection,
    agency_id: Uuid,
    mut ids: Vec<Uuid>,
    field: &'static str,
) -> Result<Vec<CollectorRow>, ServiceError> {
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Err(ServiceError::invalid(field, "name at least one collector"));
    }
    let found = store::users::lock_collectors(tx, agency_id, &ids).await?;
    if let Some(missing) = ids.iter().find(|id| !found.iter().any(|c| c.id == **id)) {
        return Err(ServiceError::invalid(field, format!("{missing} is not a collector of this agency")));
    }
    if let Some(inactive) = found.iter().find(|c| !c.is_active) {
        return Err(ServiceError::invalid(field, format!("{} is inactive", inactive.full_name)));
    }
    Ok(found)
}

/// One notification per collector: the recipients are the collectors who received
/// accounts, keyed by this command so a retry of the same transaction cannot notify twice.
async fn notify(
    tx: &mut PgConnection,
    agency_id: Uuid,
    received: &BTreeMap<Uuid, Vec<Uuid>>,
) -> Result<(), ServiceError> {
    let batch = Uuid::now_v7();
    for (collector, accounts) in received {
        let (title, entity_id) = match accounts.as_slice() {
            [one] => ("An account was assigned to you".to_owned(), Some(one.to_string())),
            many => (format!("{} accounts were assigned to you", many.len()), None),
        };
        let key = format!("account_assigned:{batch}:{collector}");
        let notification = NewNotification {
            agency_id,
            recipient_id: *collector,
            kind: NotificationKind::AccountAssigned,
            title: &title,
            body: "They are on your worklist.",
            entity_type: entity_id.as_ref().map(|_| "account"),
            entity_id,
            idempotency_key: &key,
        };
        store::notifications::insert(tx, &notification).await?;
    }
    Ok(())
}
