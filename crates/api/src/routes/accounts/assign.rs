//! Assignment: one account to a collector, or many spread over several collectors.
//! NEW accounts become ASSIGNED; a reassignment keeps the status. Inactive
//! collectors and collectors at their account limit are refused. Each collector is
//! notified once per request.

use super::{reach, AccountDetail};
use crate::{
    audit::{self, Actor, Change},
    auth::{policy::Operation, AuthUser},
    clock::Clock,
    crypto::FieldCipher,
    db,
    edge::json::Json,
    problem::{responses, ApiError},
    services::{Entity, Refusal},
    store::{
        self,
        account_events::NewEvent,
        accounts::{Reach, Worklist},
        notifications::NewNotification,
        users::CollectorLoad,
    },
};
use actix_web::{post, web, HttpResponse};
use debtflow_domain::{
    account::distribution::{spread, Load},
    AccountStatus, Bucket, Priority,
};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use sqlx::{PgConnection, PgPool};
use std::collections::BTreeMap;
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssignRequest {
    pub collector_id: Uuid,
}

/// Which accounts a bulk assignment takes: the worklist's filters, as JSON.
#[derive(Debug, Default, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AccountFilter {
    /// Statuses (`new`; upper-case accepted).
    pub status: Option<Vec<String>>,
    /// Priorities, 0–3.
    pub priority: Option<Vec<Priority>>,
    /// Aging buckets (`31-60`, `90+`).
    pub bucket: Option<Vec<String>>,
    #[schema(value_type = Option<String>)]
    pub balance_min: Option<Decimal>,
    #[schema(value_type = Option<String>)]
    pub balance_max: Option<Decimal>,
    /// Only accounts no collector holds.
    pub unassigned: Option<bool>,
    /// A debtor's name (fuzzy) or an exact external reference.
    #[validate(length(min = 1, max = 200))]
    pub q: Option<String>,
}

/// The most accounts one bulk assignment moves.
const MAX_BULK: usize = 1000;

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BulkAssignRequest {
    /// The accounts to distribute (at most 1,000) — or give `filter` instead.
    #[validate(length(min = 1, max = 1000))]
    pub account_ids: Option<Vec<Uuid>>,
    /// The accounts matching this filter (at most 1,000) — or give `account_ids`.
    #[validate(nested)]
    pub filter: Option<AccountFilter>,
    /// The collectors to spread them over, evenly by count and then by balance.
    #[validate(length(min = 1, max = 100))]
    pub collector_ids: Vec<Uuid>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Assignment {
    pub account_id: Uuid,
    pub collector_id: Uuid,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CollectorShare {
    pub collector_id: Uuid,
    pub accounts: u32,
    #[schema(value_type = String, example = "12500.00")]
    pub balance: Decimal,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BulkAssignment {
    pub assignments: Vec<Assignment>,
    /// What each collector received in this request.
    pub shares: Vec<CollectorShare>,
}

/// One account's move in a plan.
struct Move {
    account: Uuid,
    status: AccountStatus,
    from: Option<Uuid>,
    to: Uuid,
}

/// The agency's active collectors among `ids`, or a 422 naming `field`.
async fn collectors(
    tx: &mut PgConnection,
    agency_id: Uuid,
    ids: &[Uuid],
    field: &str,
) -> Result<Vec<CollectorLoad>, ApiError> {
    let found = store::users::lock_collectors(tx, agency_id, ids).await?;
    if let Some(missing) = ids.iter().find(|id| !found.iter().any(|c| c.id == **id)) {
        return Err(ApiError::field(field, format!("{missing} is not a collector of this agency")));
    }
    if let Some(inactive) = found.iter().find(|c| !c.is_active) {
        return Err(ApiError::field(field, format!("{} is inactive", inactive.full_name)));
    }
    Ok(found)
}

/// Applies the moves: status, collector, timeline, audit, and one notification per
/// collector keyed by `batch`.
async fn apply(
    tx: &mut PgConnection,
    user: &AuthUser,
    agency_id: Uuid,
    moves: &[Move],
    batch: Uuid,
) -> Result<(), ApiError> {
    let mut received: BTreeMap<Uuid, Vec<Uuid>> = BTreeMap::new();
    for m in moves {
        let status = m
            .status
            .after_assignment()
            .ok_or_else(|| Refusal::wrong_status(Entity::Account, m.status, "assignment", AccountStatus::WORKING))?;
        store::accounts::assign(tx, agency_id, m.account, m.to, status).await?;
        let data = serde_json::json!({ "from": m.from, "to": m.to });
        let event = NewEvent {
            agency_id,
            account_id: m.account,
            kind: "assignment",
            actor_id: Some(user.id),
            body: None,
            data,
        };
        store::account_events::insert(tx, &event).await?;
        let change = Change::updated(
            "account.assign",
            "account",
            m.account,
            &serde_json::json!({ "collector_id": m.from, "status": m.status }),
            &serde_json::json!({ "collector_id": m.to, "status": status }),
        );
        audit::record(tx, &Actor::from(user), change.in_agency(Some(agency_id))).await?;
        received.entry(m.to).or_default().push(m.account);
    }
    for (collector, accounts) in received {
        let (title, entity_id) = match accounts.as_slice() {
            [one] => ("An account was assigned to you".to_owned(), Some(one.to_string())),
            many => (format!("{} accounts were assigned to you", many.len()), None),
        };
        let key = format!("account_assigned:{batch}:{collector}");
        let notification = NewNotification {
            agency_id,
            recipient_id: collector,
            kind: "account_assigned",
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

/// Assign an account to a collector (NEW → ASSIGNED; a reassignment keeps the status).
#[utoipa::path(
    tag = "accounts",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Account id")),
    request_body = AssignRequest,
    responses(
        (status = 200, description = "The account, assigned", body = AccountDetail),
        (status = 400, response = responses::BadRequest),
        (status = 401, response = responses::Unauthorized),
        (status = 403, response = responses::Forbidden),
        (status = 404, response = responses::NotFound),
        (status = 409, description = "The collector is at their account limit, or the account is settled or closed", body = crate::problem::Problem, content_type = "application/problem+json"),
        (status = 422, response = responses::Invalid),
    )
)]
#[post("/accounts/{id}/assign")]
pub async fn assign_one(
    user: AuthUser,
    id: web::Path<Uuid>,
    body: Json<AssignRequest>,
    db: web::Data<PgPool>,
    cipher: web::Data<FieldCipher>,
    clock: web::Data<Clock>,
) -> Result<HttpResponse, ApiError> {
    user.require(Operation::AssignAccounts)?;
    let collector_id = body.into_inner().collector_id;
    let agency_id = user.agency_id.ok_or(ApiError::Forbidden)?;
    let mut tx = db::begin(&db, user.scope()).await?;
    let account = store::accounts::get(&mut tx, reach(&user), *id, true).await?.ok_or(ApiError::NotFound)?;
    let collector = collectors(&mut tx, agency_id, &[collector_id], "collector_id").await?.remove(0);
    if account.collector_id != Some(collector_id) {
        if collector.capacity() == 0 {
            let detail = format!(
                "{} is at their account limit of {}",
                collector.full_name,
                collector.account_limit.unwrap_or_default()
            );
            return Err(Refusal::CollectorAtLimit { collector_id: Some(collector_id), detail }.into());
        }
        let moves =
            [Move { account: account.id, status: account.status.0, from: account.collector_id, to: collector_id }];
        apply(&mut tx, &user, agency_id, &moves, Uuid::now_v7()).await?;
    }
    let detail = super::get::detail(&mut tx, &user, *id, &cipher, clock.now()).await?;
    tx.commit().await?;
    Ok(HttpResponse::Ok().json(detail))
}

/// Spread accounts over collectors, evenly by count and then by balance, within each
/// collector's account limit. All or nothing.
#[utoipa::path(
    tag = "accounts",
    security(("bearer" = [])),
    request_body = BulkAssignRequest,
    responses(
        (status = 200, description = "Who got which account", body = BulkAssignment),
        (status = 400, response = responses::BadRequest),
        (status = 401, response = responses::Unauthorized),
        (status = 403, response = responses::Forbidden),
        (status = 409, description = "Not enough capacity, or an account is settled or closed", body = crate::problem::Problem, content_type = "application/problem+json"),
        (status = 422, response = responses::Invalid),
    )
)]
#[post("/accounts/assign")]
pub async fn assign_many(
    user: AuthUser,
    body: Json<BulkAssignRequest>,
    db: web::Data<PgPool>,
) -> Result<HttpResponse, ApiError> {
    user.require(Operation::AssignAccounts)?;
    let mut request = body.into_inner();
    request.collector_ids.sort_unstable();
    request.collector_ids.dedup();
    let agency_id = user.agency_id.ok_or(ApiError::Forbidden)?;
    let mut tx = db::begin(&db, user.scope()).await?;
    let mut account_ids = match (request.account_ids, request.filter) {
        (Some(ids), None) => ids,
        (None, Some(filter)) => {
            let today = store::agencies::today(&mut tx, agency_id).await?;
            let worklist = worklist_of(&filter, agency_id, today)?;
            let ids = store::accounts::matching_ids(&mut tx, &worklist, MAX_BULK as i64 + 1).await?;
            if ids.is_empty() || ids.len() > MAX_BULK {
                return Err(ApiError::field("filter", format!("must match 1 to {MAX_BULK} accounts")));
            }
            ids
        }
        _ => return Err(ApiError::field("account_ids", "give either account_ids or filter")),
    };
    account_ids.sort_unstable();
    account_ids.dedup();
    let accounts = store::accounts::lock_many(&mut tx, agency_id, &account_ids).await?;
    if let Some(missing) = account_ids.iter().find(|id| !accounts.iter().any(|a| a.0 == **id)) {
        return Err(ApiError::field("account_ids", format!("{missing} is not an account of this agency")));
    }
    let collectors = collectors(&mut tx, agency_id, &request.collector_ids, "collector_ids").await?;
    let mut loads: Vec<Load<Uuid>> = collectors.iter().map(|c| Load::new(c.id, c.capacity())).collect();
    let balances: Vec<(Uuid, Decimal)> = accounts.iter().map(|a| (a.0, a.3)).collect();
    let plan = spread(&balances, &mut loads)
        .map_err(|e| Refusal::CollectorAtLimit { collector_id: None, detail: e.to_string() })?;
    let moves: Vec<Move> = plan
        .iter()
        .map(|(account, to)| {
            let (_, status, from, _) = accounts.iter().find(|a| a.0 == *account).expect("planned from these accounts");
            Move { account: *account, status: status.0, from: *from, to: *to }
        })
        .collect();
    apply(&mut tx, &user, agency_id, &moves, Uuid::now_v7()).await?;
    tx.commit().await?;
    Ok(HttpResponse::Ok().json(BulkAssignment {
        assignments: plan
            .into_iter()
            .map(|(account_id, collector_id)| Assignment { account_id, collector_id })
            .collect(),
        shares: loads
            .into_iter()
            .map(|l| CollectorShare { collector_id: l.collector, accounts: l.accounts, balance: l.balance })
            .collect(),
    }))
}

/// The worklist filter of a bulk assignment's `filter`.
fn worklist_of(filter: &AccountFilter, agency_id: Uuid, today: chrono::NaiveDate) -> Result<Worklist, ApiError> {
    let statuses: Vec<AccountStatus> = super::list::parse_each(filter.status.iter().flatten(), "filter.status")?;
    let buckets: Vec<Bucket> = super::list::parse_each(filter.bucket.iter().flatten(), "filter.bucket")?;
    let priorities = filter.priority.clone().unwrap_or_default();
    Ok(Worklist {
        reach: Reach { agency_id: Some(agency_id), collector_id: None },
        statuses,
        priorities,
        balance_min: filter.balance_min,
        balance_max: filter.balance_max,
        delinquent_between: buckets.iter().map(|b| super::list::delinquency_dates(*b, today)).collect(),
        collector_id: None,
        unassigned_only: filter.unassigned.unwrap_or(false),
        search: filter.q.clone(),
    })
}
