use crate::{
    auth::{policy::Operation, AuthUser},
    db,
    edge::query::Query,
    problem::{responses, ApiError},
    routes::amount,
    store,
};
use actix_web::{get, web, HttpResponse};
use chrono::{NaiveDate, NaiveTime};
use debtflow_domain::date::BusinessDate;
use debtflow_domain::Role;
pub use debtflow_wire::users::Commission;
use serde::Deserialize;
use sqlx::PgPool;
use utoipa::IntoParams;
use uuid::Uuid;
use validator::Validate;

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct CommissionQuery {
    /// First day (UTC), inclusive.
    pub from: BusinessDate,
    /// Last day (UTC), inclusive.
    pub to: BusinessDate,
}

/// A collector's commission between two dates (collectors: their own only).
#[utoipa::path(
    tag = "collectors",
    operation_id = "getCollectorCommission",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Collector (user) id"), CommissionQuery),
    responses(
        (status = 200, description = "Commission earned, reversed and net", body = Commission),
        (status = 401, response = responses::Unauthorized),
        (status = 403, response = responses::Forbidden),
        (status = 404, response = responses::NotFound),
        (status = 422, response = responses::Invalid),
    )
)]
#[get("/collectors/{id}/commission")]
pub async fn commission(
    user: AuthUser,
    id: web::Path<Uuid>,
    query: Query<CommissionQuery>,
    db: web::Data<PgPool>,
) -> Result<HttpResponse, ApiError> {
    user.require(Operation::ReadCommission)?;
    let query = query.into_inner()?;
    let (from, to) = (NaiveDate::from(query.from), NaiveDate::from(query.to));
    if to < from {
        return Err(ApiError::field("to", "must not be before `from`"));
    }
    if user.role == Role::Collector && user.id != *id {
        return Err(ApiError::NotFound);
    }
    let mut tx = db::begin(&db, user.scope()).await?;
    let collector = store::users::get(&mut tx, user.agency_id, *id)
        .await?
        .filter(|c| c.role == Role::Collector)
        .ok_or(ApiError::NotFound)?;
    let agency_id = collector.agency_id.ok_or(ApiError::NotFound)?;
    let agency = store::agencies::get(&mut tx, Some(agency_id), agency_id).await?.ok_or(ApiError::NotFound)?;
    let start = from.and_time(NaiveTime::MIN).and_utc();
    let end = (to + chrono::Days::new(1)).and_time(NaiveTime::MIN).and_utc();
    let (earned, reversed, payments) = store::ledger::commission(&mut tx, agency_id, *id, start, end).await?;
    tx.commit().await?;
    let currency = agency.currency;
    Ok(HttpResponse::Ok().json(Commission {
        collector_id: *id,
        from,
        to,
        earned: amount(earned, &currency),
        reversed: amount(reversed, &currency),
        net: amount(earned - reversed, &currency),
        currency,
        payments,
    }))
}
