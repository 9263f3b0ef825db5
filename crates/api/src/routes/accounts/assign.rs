//! `POST /accounts/{id}/assign` and `POST /accounts/assign`: one account to a
//! collector, or many spread over several. Both are the one assignment use case
//! (`services::accounts::assign`), which keeps each collector's account limit under
//! any concurrency.

use super::AccountDetail;
use crate::{
    audit::Actor,
    auth::{policy::Operation, AuthUser},
    clock::Clock,
    crypto::FieldCipher,
    db,
    edge::json::Json,
    problem::{responses, ApiError},
    services::accounts::assign::{self as service, Accounts, Assign, Filter},
};
use actix_web::{post, web, HttpResponse};
use debtflow_domain::decimal::PlainDecimal;
use debtflow_domain::{AccountStatus, Bucket, Priority};
pub use debtflow_wire::accounts::{Assignment, BulkAssignment, CollectorShare};
use rust_decimal::Decimal;
use serde::Deserialize;
use sqlx::PgPool;
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
    pub balance_min: Option<PlainDecimal>,
    pub balance_max: Option<PlainDecimal>,
    /// Only accounts no collector holds.
    pub unassigned: Option<bool>,
    /// A debtor's name (whole words, else like words) or an exact reference, phone or
    /// email, as the worklist's `q`.
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub q: Option<String>,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BulkAssignRequest {
    /// The accounts to distribute (at most 1,000) — or give `filter` instead.
    #[validate(length(min = 1, max = 1000))]
    #[schema(min_items = 1, max_items = 1000)]
    pub account_ids: Option<Vec<Uuid>>,
    /// The accounts matching this filter (at most 1,000) — or give `account_ids`.
    #[validate(nested)]
    pub filter: Option<AccountFilter>,
    /// The collectors to spread them over, evenly by count and then by balance.
    #[validate(length(min = 1, max = 100))]
    #[schema(min_items = 1, max_items = 100)]
    pub collector_ids: Vec<Uuid>,
}

/// Assign an account to a collector (NEW → ASSIGNED; a reassignment keeps the status).
#[utoipa::path(
    tag = "accounts",
    operation_id = "assignAccount",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Account id")),
    request_body = AssignRequest,
    responses(
        (status = 200, description = "The account, assigned", body = AccountDetail),
        (status = 400, response = responses::BadRequest),
        (status = 401, response = responses::Unauthorized),
        (status = 403, response = responses::Forbidden),
        (status = 404, response = responses::NotFound),
        (status = 409, description = "`collector-at-limit`: the collector holds as many accounts as their limit allows; `wrong-status`: the account is settled or closed", body = crate::problem::Problem, content_type = "application/problem+json"),
        (status = 422, response = responses::Invalid),
    )
)]
#[post("/accounts/{id}/assign")]
pub async fn assign_one(
    user: AuthUser,
    id: web::Path<Uuid>,
    body: Json<AssignRequest>,
    db: web::Data<PgPool>,
    clock: web::Data<Clock>,
    cipher: web::Data<FieldCipher>,
) -> Result<HttpResponse, ApiError> {
    user.require(Operation::AssignAccounts)?;
    let cmd = Assign { accounts: Accounts::One(*id), collectors: vec![body.into_inner()?.collector_id] };
    let mut tx = db::begin(&db, user.scope()).await?;
    service::assign(&mut tx, &Actor::from(&user), cmd, clock.now()).await?;
    let detail = super::get::detail(&mut tx, &user, *id, &cipher, clock.now()).await?;
    tx.commit().await?;
    Ok(HttpResponse::Ok().json(detail))
}

/// Spread accounts over collectors, evenly by count and then by balance, within each
/// collector's account limit. All or nothing.
#[utoipa::path(
    tag = "accounts",
    operation_id = "assignAccounts",
    security(("bearer" = [])),
    request_body = BulkAssignRequest,
    responses(
        (status = 200, description = "Who got which account", body = BulkAssignment),
        (status = 400, response = responses::BadRequest),
        (status = 401, response = responses::Unauthorized),
        (status = 403, response = responses::Forbidden),
        (status = 409, description = "`collector-at-limit`: the collectors have not room enough for the accounts; `wrong-status`: an account is settled or closed", body = crate::problem::Problem, content_type = "application/problem+json"),
        (status = 422, response = responses::Invalid),
    )
)]
#[post("/accounts/assign")]
pub async fn assign_many(
    user: AuthUser,
    body: Json<BulkAssignRequest>,
    db: web::Data<PgPool>,
    clock: web::Data<Clock>,
) -> Result<HttpResponse, ApiError> {
    user.require(Operation::AssignAccounts)?;
    let request = body.into_inner()?;
    let accounts = match (request.account_ids, request.filter) {
        (Some(ids), None) => Accounts::Ids(ids),
        (None, Some(filter)) => Accounts::Matching(filter_of(filter)?),
        _ => return Err(ApiError::field("account_ids", "give either account_ids or filter")),
    };
    let cmd = Assign { accounts, collectors: request.collector_ids };
    let mut tx = db::begin(&db, user.scope()).await?;
    let assigned = service::assign(&mut tx, &Actor::from(&user), cmd, clock.now()).await?;
    tx.commit().await?;
    Ok(HttpResponse::Ok().json(BulkAssignment {
        assignments: assigned
            .assignments
            .into_iter()
            .map(|a| Assignment { account_id: a.account_id, collector_id: a.collector_id })
            .collect(),
        shares: assigned
            .shares
            .into_iter()
            .map(|l| CollectorShare { collector_id: l.collector, accounts: l.accounts, balance: l.balance })
            .collect(),
    }))
}

/// The filter of a bulk assignment, in domain types (or a 422 naming the field).
fn filter_of(filter: AccountFilter) -> Result<Filter, ApiError> {
    Ok(Filter {
        statuses: super::list::parse_each::<AccountStatus>(filter.status.iter().flatten(), "filter.status")?,
        priorities: filter.priority.unwrap_or_default(),
        buckets: super::list::parse_each::<Bucket>(filter.bucket.iter().flatten(), "filter.bucket")?,
        balance_min: filter.balance_min.map(Decimal::from),
        balance_max: filter.balance_max.map(Decimal::from),
        unassigned_only: filter.unassigned.unwrap_or(false),
        search: filter.q,
    })
}
