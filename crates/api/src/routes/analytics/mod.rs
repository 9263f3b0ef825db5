//! `/analytics/*` and `/reports/*`: the dashboard, collector performance, payment
//! trends, the aging report, repayment compliance and the daily reconciliation.
//! Every report answers as JSON, as CSV (`?format=csv` or `Accept: text/csv`) or as
//! PDF (`?format=pdf` or `Accept: application/pdf`); the query parameter wins over
//! the header. All are the caller's agency's; a collector's are their own figures
//! (naming another collector is a 403).

pub mod aging;
pub mod collectors;
pub mod compliance;
pub mod dashboard;
pub mod reconciliation;
pub mod trends;

use crate::{
    auth::AuthUser,
    clock::Clock,
    db::Planning,
    export,
    problem::ApiError,
    reports::{pdf, Report, Table},
    services::analytics::Scope,
    store::read_pool::ReadPool,
};
use actix_web::{http::header, web, HttpRequest, HttpResponse};
use chrono::{DateTime, NaiveDate, Utc};
use debtflow_domain::analytics::Period;
use debtflow_domain::date::BusinessDate;
use serde::{Deserialize, Serialize};
use sqlx::PgConnection;
use utoipa::ToSchema;
use uuid::Uuid;

/// How a report answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Json,
    /// RFC 4180, UTF-8, a header row, the rows and a totals row; cells a spreadsheet
    /// would run as formulas are written as text.
    Csv,
    /// A printable A4 document: title, agency, filters, generation time, the table,
    /// totals and page numbers.
    Pdf,
}

impl Format {
    /// The format asked for: the query parameter, else the `Accept` header, else JSON.
    pub fn of(req: &HttpRequest, asked: Option<Format>) -> Format {
        asked.unwrap_or_else(|| {
            let accept = req.headers().get(header::ACCEPT).and_then(|v| v.to_str().ok()).unwrap_or("");
            if accept.contains("text/csv") {
                Format::Csv
            } else if accept.contains("application/pdf") {
                Format::Pdf
            } else {
                Format::Json
            }
        })
    }
}

/// The agency (and collector) a caller's report is about: a collector reaches only
/// their own accounts, so their figures are their own, and naming another collector is
/// a 403.
pub async fn scope(
    tx: &mut PgConnection,
    user: &AuthUser,
    collector_id: Option<Uuid>,
    now: DateTime<Utc>,
) -> Result<Scope, ApiError> {
    let agency_id = user.agency_id.ok_or(ApiError::Forbidden)?;
    let collector_id = match (user.reach().collector_id, collector_id) {
        (Some(me), Some(other)) if other != me => return Err(ApiError::Forbidden),
        (Some(me), _) => Some(me),
        (None, asked) => asked,
    };
    Ok(Scope::of(tx, agency_id, collector_id, now).await?)
}

/// `from`–`to` as a period of at most `max_days` days, by default the 30 days ending
/// `to`, and `to` by default `today`; else a 422 naming `from`.
pub fn period(
    from: Option<BusinessDate>,
    to: Option<BusinessDate>,
    today: NaiveDate,
    max_days: i64,
) -> Result<Period, ApiError> {
    let to = to.map_or(today, Into::into);
    let from = from.map_or(to - chrono::Days::new(29), Into::into);
    Period::new(from, to, max_days).map_err(|why| ApiError::field("from", why.to_string()))
}

/// The caller's read transaction for a report: on the read replica when there is one
/// (`store::read_pool`).
pub async fn begin(reads: &ReadPool, user: &AuthUser) -> Result<sqlx::Transaction<'static, sqlx::Postgres>, ApiError> {
    Ok(reads.begin(user.scope(), Planning::Costed).await?)
}

/// Opens the caller's read transaction and builds their scope.
pub async fn open(
    reads: &ReadPool,
    clock: &Clock,
    user: &AuthUser,
    collector_id: Option<Uuid>,
) -> Result<(sqlx::Transaction<'static, sqlx::Postgres>, Scope), ApiError> {
    let mut tx = begin(reads, user).await?;
    let scope = scope(&mut tx, user, collector_id, clock.now()).await?;
    Ok((tx, scope))
}

/// The report in the format asked for.
pub async fn respond<R: Report + Serialize>(
    format: Format,
    report: &R,
    scope: &Scope,
    now: DateTime<Utc>,
) -> Result<HttpResponse, ApiError> {
    match format {
        Format::Json => Ok(HttpResponse::Ok().json(report)),
        Format::Csv => Ok(csv(R::FILE, scope, report.table(&scope.agency_name, now))),
        Format::Pdf => pdf_response(R::FILE, scope, report.table(&scope.agency_name, now)).await,
    }
}

fn attachment(stem: &str, scope: &Scope, extension: &str) -> (header::HeaderName, String) {
    (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{stem}-{}.{extension}\"", scope.today))
}

/// A table as CSV, streamed a thousand lines at a time.
fn csv(stem: &str, scope: &Scope, table: Table) -> HttpResponse {
    let header = export::line(table.columns.iter().map(|c| c.heading));
    let lines = std::iter::once(header).chain(table.rows.into_iter().chain(table.totals).map(|row| csv_line(&row)));
    csv_response(stem, scope, csv_chunks(lines))
}

/// A row of cells as a CSV line.
pub fn csv_line(row: &[String]) -> Vec<u8> {
    export::line(row.iter().map(String::as_str))
}

/// A CSV attachment named after the report and the day.
pub fn csv_response(
    stem: &str,
    scope: &Scope,
    body: impl futures_util::Stream<Item = Result<web::Bytes, ApiError>> + 'static,
) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header(attachment(stem, scope, "csv"))
        .streaming(body)
}

/// CSV lines as body chunks of a thousand lines.
pub fn csv_chunks(
    lines: impl Iterator<Item = Vec<u8>>,
) -> impl futures_util::Stream<Item = Result<web::Bytes, ApiError>> {
    let mut lines = lines.peekable();
    futures_util::stream::iter(std::iter::from_fn(move || {
        lines.peek()?;
        Some(Ok(web::Bytes::from(lines.by_ref().take(1000).flatten().collect::<Vec<u8>>())))
    }))
}

/// The table as a PDF, laid out on a blocking thread (a 5,000-row report is CPU work
/// the async workers should not wait behind).
async fn pdf_response(stem: &str, scope: &Scope, table: Table) -> Result<HttpResponse, ApiError> {
    if table.rows.len() > pdf::MAX_ROWS {
        let message = format!("a PDF holds at most {} rows and this report has more: ask for CSV", pdf::MAX_ROWS);
        return Err(ApiError::field("format", message));
    }
    let document = web::block(move || pdf::render(&table)).await.map_err(|e| ApiError::Internal(Box::new(e)))?;
    Ok(HttpResponse::Ok().content_type("application/pdf").insert_header(attachment(stem, scope, "pdf")).body(document))
}
