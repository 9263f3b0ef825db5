use super::{open, respond, Format};
use crate::{
    auth::{policy::Operation, AuthUser},
    clock::Clock,
    edge::query::Query,
    problem::{responses, ApiError},
    reports::aging::AgingReport,
    services::analytics as service,
    store::read_pool::ReadPool,
};
use actix_web::{get, web, HttpRequest, HttpResponse};
use debtflow_domain::date::BusinessDate;
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;
use validator::Validate;

/// How the aging report's rows group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AgingBy {
    Bucket,
    Collector,
}

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct AgingQuery {
    /// The day (default: the agency's today, live). A past day answers from the
    /// portfolio the daily aging job recorded that day (a 422 if it recorded none).
    #[param(nullable = false)]
    pub as_of: Option<BusinessDate>,
    /// `bucket` (default) or `collector` (every collector's buckets).
    #[param(inline, nullable = false)]
    pub by: Option<AgingBy>,
    /// One collector's accounts (a collector always gets their own).
    #[param(nullable = false)]
    pub collector_id: Option<Uuid>,
    /// `json` (default), `csv` or `pdf`; or ask with `Accept`.
    #[param(inline, nullable = false)]
    pub format: Option<Format>,
}

/// Active accounts and their balance per aging bucket (0-30, 31-60, 61-90, 90+ days
/// past due), optionally per collector.
#[utoipa::path(
    tag = "analytics",
    operation_id = "getAgingReport",
    security(("bearer" = [])),
    params(AgingQuery),
    responses(
        (status = 200, description = "The aging report (or its CSV or PDF)", content(
            (AgingReport = "application/json"),
            (String = "text/csv"),
            (Vec<u8> = "application/pdf"),
        )),
        (status = 401, response = responses::Unauthorized),
        (status = 403, response = responses::Forbidden),
        (status = 422, response = responses::Invalid),
    )
)]
#[get("/analytics/aging-report")]
pub async fn aging(
    req: HttpRequest,
    user: AuthUser,
    query: Query<AgingQuery>,
    reads: web::Data<ReadPool>,
    clock: web::Data<Clock>,
) -> Result<HttpResponse, ApiError> {
    user.require(Operation::ReadAnalytics)?;
    let q = query.into_inner()?;
    let (mut tx, scope) = open(&reads, &clock, &user, q.collector_id).await?;
    let as_of = q.as_of.map_or(scope.today, Into::into);
    let report = service::aging(&mut tx, &scope, as_of, q.by == Some(AgingBy::Collector)).await?;
    tx.commit().await?;
    respond(Format::of(&req, q.format), &report, &scope, clock.now()).await
}
