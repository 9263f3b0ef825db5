use super::{begin, csv_chunks, csv_line, csv_response, open, period, respond, Format};
use crate::{
    auth::{policy::Operation, AuthUser},
    clock::Clock,
    edge::query::Query,
    export,
    pagination::{self, PageSize},
    problem::{responses, ApiError},
    reports::{
        compliance::{Compliance, ComplianceBy},
        pdf, Report,
    },
    services::analytics::{self as service, Scope},
    store::read_pool::ReadPool,
};
use actix_web::{get, web, HttpRequest, HttpResponse};
use debtflow_domain::analytics::{Period, MAX_PERIOD_DAYS};
use debtflow_domain::date::BusinessDate;
use futures_util::StreamExt;
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;
use validator::Validate;

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ComplianceQuery {
    /// The first due date counted (default: 29 days before `to`).
    #[param(nullable = false)]
    pub from: Option<BusinessDate>,
    /// The last due date counted (default: the agency's today). At most 3,660 days.
    #[param(nullable = false)]
    pub to: Option<BusinessDate>,
    /// `collector` (default) or `plan` (a page of plans, by plan id; the CSV holds every
    /// plan).
    #[param(inline, nullable = false)]
    pub by: Option<ComplianceBy>,
    /// One collector's plans (a collector always gets their own).
    #[param(nullable = false)]
    pub collector_id: Option<Uuid>,
    /// With `by=plan`: page size, 1–200 (default 50).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 200)]
    pub limit: Option<PageSize>,
    /// With `by=plan`: `next_cursor` of the previous page.
    #[param(nullable = false)]
    pub cursor: Option<String>,
    /// `json` (default), `csv` or `pdf`; or ask with `Accept`.
    #[param(inline, nullable = false)]
    pub format: Option<Format>,
}

/// The installments due in the period — paid on time, late, missed or still open —
/// per collector or per plan.
#[utoipa::path(
    tag = "analytics",
    operation_id = "getRepaymentComplianceReport",
    security(("bearer" = [])),
    params(ComplianceQuery),
    responses(
        (status = 200, description = "Repayment compliance (or its CSV or PDF)", content(
            (Compliance = "application/json"),
            (String = "text/csv"),
            (Vec<u8> = "application/pdf"),
        )),
        (status = 401, response = responses::Unauthorized),
        (status = 403, response = responses::Forbidden),
        (status = 422, response = responses::Invalid),
    )
)]
#[get("/reports/repayment-compliance")]
pub async fn compliance(
    req: HttpRequest,
    user: AuthUser,
    query: Query<ComplianceQuery>,
    reads: web::Data<ReadPool>,
    clock: web::Data<Clock>,
) -> Result<HttpResponse, ApiError> {
    user.require(Operation::ReadAnalytics)?;
    let q = query.into_inner()?;
    let by = q.by.unwrap_or_default();
    let format = Format::of(&req, q.format);
    let after = match q.cursor.as_deref() {
        None => None,
        Some(cursor) => {
            let key = pagination::decode("repayment-compliance", cursor, 1)?;
            Some(key[0].parse().map_err(|_| ApiError::field("cursor", "is not a cursor of this list"))?)
        }
    };
    let (mut tx, scope) = open(&reads, &clock, &user, q.collector_id).await?;
    let period = period(q.from, q.to, scope.today, MAX_PERIOD_DAYS)?;
    // The exports of the plans hold every plan: the CSV streams them a page at a time;
    // the PDF reads one more than it prints, so that a longer report is refused.
    let limit = match (by, format) {
        (ComplianceBy::Plan, Format::Csv) => PAGE,
        (ComplianceBy::Plan, Format::Pdf) => pdf::MAX_ROWS as i64 + 1,
        _ => pagination::limit(q.limit),
    };
    let report = service::compliance(&mut tx, &scope, period, by, after, limit).await?;
    tx.commit().await?;
    if (by, format) == (ComplianceBy::Plan, Format::Csv) {
        return Ok(plans_csv(reads, user, scope, period, report, clock.now()));
    }
    respond(format, &report, &scope, clock.now()).await
}

const PAGE: i64 = 1000;

/// Every plan's row as CSV: the first page (already read), then a page per
/// transaction, then the totals.
fn plans_csv(
    reads: web::Data<ReadPool>,
    user: AuthUser,
    scope: Scope,
    period: Period,
    first: Compliance,
    now: chrono::DateTime<chrono::Utc>,
) -> HttpResponse {
    let table = first.table(&scope.agency_name, now);
    let header = export::line(table.columns.iter().map(|c| c.heading));
    let totals = table.totals.as_deref().map(csv_line);
    let start = first.next_cursor.as_ref().and(first.rows.last().and_then(|r| r.plan_id));
    let head = csv_chunks(std::iter::once(header).chain(table.rows.into_iter().map(|r| csv_line(&r))));
    let page_scope = scope.clone();
    let rest = futures_util::stream::try_unfold(start, move |after| {
        let (reads, user, scope) = (reads.clone(), user.clone(), page_scope.clone());
        async move {
            let Some(after) = after else { return Ok(None) };
            let mut tx = begin(&reads, &user).await?;
            let rows = service::compliance_plans(&mut tx, &scope, period, Some(after), PAGE).await?;
            tx.commit().await?;
            let next = if rows.len() as i64 == PAGE { rows.last().and_then(|r| r.plan_id) } else { None };
            let body: Vec<u8> =
                rows.iter().flat_map(|r| csv_line(&crate::reports::compliance::cells(ComplianceBy::Plan, r))).collect();
            Ok::<_, ApiError>(Some((web::Bytes::from(body), next)))
        }
    });
    let tail = futures_util::stream::iter(totals.map(|t| Ok(web::Bytes::from(t))));
    csv_response(Compliance::FILE, &scope, head.chain(rest).chain(tail))
}
