use super::{open, period, respond, Format};
use crate::{
    auth::{policy::Operation, AuthUser},
    clock::Clock,
    edge::query::Query,
    problem::{responses, ApiError},
    reports::collectors::CollectorsReport,
    services::analytics as service,
    store::read_pool::ReadPool,
};
use actix_web::{get, web, HttpRequest, HttpResponse};
use debtflow_domain::analytics::MAX_PERIOD_DAYS;
use debtflow_domain::date::BusinessDate;
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;
use validator::Validate;

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct CollectorsQuery {
    /// The period's first day (default: 29 days before `to`).
    #[param(nullable = false)]
    pub from: Option<BusinessDate>,
    /// The period's last day (default: the agency's today). At most 3,660 days.
    #[param(nullable = false)]
    pub to: Option<BusinessDate>,
    /// Only this collector (a collector always gets only themselves).
    #[param(nullable = false)]
    pub collector_id: Option<Uuid>,
    /// `json` (default), `csv` or `pdf`; or ask with `Accept`.
    #[param(inline, nullable = false)]
    pub format: Option<Format>,
}

/// Each collector's portfolio, work, money and ratios in the period, with totals.
#[utoipa::path(
    tag = "analytics",
    operation_id = "getCollectorPerformanceReport",
    security(("bearer" = [])),
    params(CollectorsQuery),
    responses(
        (status = 200, description = "Collector performance (or its CSV or PDF)", content(
            (CollectorsReport = "application/json"),
            (String = "text/csv"),
            (Vec<u8> = "application/pdf"),
        )),
        (status = 401, response = responses::Unauthorized),
        (status = 403, response = responses::Forbidden),
        (status = 422, response = responses::Invalid),
    )
)]
#[get("/analytics/collectors")]
pub async fn collectors(
    req: HttpRequest,
    user: AuthUser,
    query: Query<CollectorsQuery>,
    reads: web::Data<ReadPool>,
    clock: web::Data<Clock>,
) -> Result<HttpResponse, ApiError> {
    user.require(Operation::ReadAnalytics)?;
    let q = query.into_inner()?;
    let (mut tx, scope) = open(&reads, &clock, &user, q.collector_id).await?;
    let report = service::collectors(&mut tx, &scope, period(q.from, q.to, scope.today, MAX_PERIOD_DAYS)?).await?;
    tx.commit().await?;
    respond(Format::of(&req, q.format), &report, &scope, clock.now()).await
}
