use super::{open, respond, Format};
use crate::{
    auth::{policy::Operation, AuthUser},
    clock::Clock,
    edge::query::Query,
    problem::{responses, ApiError},
    reports::reconciliation::Reconciliation,
    services::analytics as service,
    store::read_pool::ReadPool,
};
use actix_web::{get, web, HttpRequest, HttpResponse};
use debtflow_domain::date::BusinessDate;
use serde::Deserialize;
use utoipa::IntoParams;
use validator::Validate;

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ReconciliationQuery {
    /// The business day (default: the agency's today), not after today.
    #[param(nullable = false)]
    pub date: Option<BusinessDate>,
    /// `json` (default), `csv` or `pdf`; or ask with `Accept`.
    #[param(inline, nullable = false)]
    pub format: Option<Format>,
}

/// A day's money in and out per payment method and per ledger account, checked
/// against the payments the ledger names and the processor's events; every variance
/// listed line by line.
#[utoipa::path(
    tag = "analytics",
    operation_id = "getReconciliationReport",
    security(("bearer" = [])),
    params(ReconciliationQuery),
    responses(
        (status = 200, description = "The day's reconciliation (or its CSV or PDF)", content(
            (Reconciliation = "application/json"),
            (String = "text/csv"),
            (Vec<u8> = "application/pdf"),
        )),
        (status = 401, response = responses::Unauthorized),
        (status = 403, response = responses::Forbidden),
        (status = 422, response = responses::Invalid),
    )
)]
#[get("/reports/reconciliation")]
pub async fn reconciliation(
    req: HttpRequest,
    user: AuthUser,
    query: Query<ReconciliationQuery>,
    reads: web::Data<ReadPool>,
    clock: web::Data<Clock>,
) -> Result<HttpResponse, ApiError> {
    user.require(Operation::ReadReconciliation)?;
    let q = query.into_inner()?;
    let (mut tx, scope) = open(&reads, &clock, &user, None).await?;
    let report = service::reconciliation(&mut tx, &scope, q.date.map_or(scope.today, Into::into)).await?;
    tx.commit().await?;
    respond(Format::of(&req, q.format), &report, &scope, clock.now()).await
}
