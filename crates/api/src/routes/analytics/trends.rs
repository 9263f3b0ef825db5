use super::{open, period, respond, Format};
use crate::{
    auth::{policy::Operation, AuthUser},
    clock::Clock,
    edge::query::Query,
    problem::{responses, ApiError},
    reports::trends::Trends,
    services::analytics as service,
    store::read_pool::ReadPool,
};
use actix_web::{get, web, HttpRequest, HttpResponse};
use debtflow_domain::analytics::Interval;
use debtflow_domain::date::BusinessDate;
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;
use validator::Validate;

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct TrendsQuery {
    /// `day` (default), `week` (ISO, from Monday) or `month`, in the agency's calendar.
    #[param(inline, nullable = false)]
    pub interval: Option<Interval>,
    /// The period's first day (default: 29 days before `to`).
    #[param(nullable = false)]
    pub from: Option<BusinessDate>,
    /// The period's last day (default: the agency's today). At most 366 days by day,
    /// 3,660 by week or month.
    #[param(nullable = false)]
    pub to: Option<BusinessDate>,
    /// Split each bucket by payment method.
    #[param(nullable = false)]
    pub by_method: Option<bool>,
    /// One collector's money (a collector always gets their own).
    #[param(nullable = false)]
    pub collector_id: Option<Uuid>,
    /// `json` (default), `csv` or `pdf`; or ask with `Accept`.
    #[param(inline, nullable = false)]
    pub format: Option<Format>,
}

/// Payments received and money collected per day, week or month, every bucket present
/// (zeros where nothing happened).
#[utoipa::path(
    tag = "analytics",
    operation_id = "getPaymentTrends",
    security(("bearer" = [])),
    params(TrendsQuery),
    responses(
        (status = 200, description = "The trend (or its CSV or PDF)", content(
            (Trends = "application/json"),
            (String = "text/csv"),
            (Vec<u8> = "application/pdf"),
        )),
        (status = 401, response = responses::Unauthorized),
        (status = 403, response = responses::Forbidden),
        (status = 422, response = responses::Invalid),
    )
)]
#[get("/analytics/payments/trends")]
pub async fn trends(
    req: HttpRequest,
    user: AuthUser,
    query: Query<TrendsQuery>,
    reads: web::Data<ReadPool>,
    clock: web::Data<Clock>,
) -> Result<HttpResponse, ApiError> {
    user.require(Operation::ReadAnalytics)?;
    let q = query.into_inner()?;
    let interval = q.interval.unwrap_or(Interval::Day);
    let (mut tx, scope) = open(&reads, &clock, &user, q.collector_id).await?;
    let period = period(q.from, q.to, scope.today, interval.max_days())?;
    let report = service::trends(&mut tx, &scope, period, interval, q.by_method.unwrap_or(false)).await?;
    tx.commit().await?;
    respond(Format::of(&req, q.format), &report, &scope, clock.now()).await
}
