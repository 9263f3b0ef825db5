use super::Payment;
use crate::{
    auth::{policy::Operation, AuthUser},
    db,
    edge::query::Query,
    export,
    pagination::{self, Page, PageSize},
    problem::{responses, ApiError},
    store::{
        self,
        payments::{Filter, PaymentRow},
    },
};
use actix_web::{get, web, HttpResponse};
use debtflow_domain::date::BusinessDate;
use debtflow_domain::payment::{PaymentMethod, PaymentStatus};
use serde::Deserialize;
use sqlx::PgPool;
use utoipa::IntoParams;
use uuid::Uuid;
use validator::Validate;

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct PaymentQuery {
    /// Only this account's payments.
    pub account_id: Option<Uuid>,
    pub status: Option<PaymentStatus>,
    pub method: Option<PaymentMethod>,
    /// Paid on or after this business date (`YYYY-MM-DD`, from 1900-01-01).
    pub paid_from: Option<BusinessDate>,
    /// Paid on or before this business date.
    pub paid_to: Option<BusinessDate>,
    /// Only the payments whose commission went to this collector.
    pub collector_id: Option<Uuid>,
    /// `json` (default) or `csv`: every payment the filters select, newest first, as a
    /// download streamed a thousand rows at a time (`limit` and `cursor` are ignored).
    pub format: Option<export::Format>,
    /// Page size, 1–200 (default 50; JSON only).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 200)]
    pub limit: Option<PageSize>,
    /// `next_cursor` of the previous page (JSON only).
    pub cursor: Option<String>,
}

/// The CSV's columns.
pub const HEADER: [&str; 14] = [
    "paid_on",
    "recorded_at",
    "payment_id",
    "account_id",
    "account_ref",
    "debtor_name",
    "amount",
    "currency",
    "method",
    "status",
    "reference",
    "refunded_amount",
    "recorded_by",
    "decided_at",
];

/// The agency's payments, newest first (a collector's: on their own accounts), as JSON
/// pages or, with `format=csv`, as one CSV download of every payment selected.
#[utoipa::path(
    tag = "payments",
    operation_id = "listPayments",
    security(("bearer" = [])),
    params(PaymentQuery),
    responses(
        (status = 200, description = "A page of payments, newest first; or, with `format=csv`, every payment \
            selected, newest first, as CSV with the header paid_on,recorded_at,payment_id,account_id,account_ref,\
            debtor_name,amount,currency,method,status,reference,refunded_amount,recorded_by,decided_at (cells a \
            spreadsheet would run as formulas written as text)", content(
            (Page<Payment> = "application/json"),
            (String = "text/csv"),
        )),
        (status = 401, response = responses::Unauthorized),
        (status = 422, response = responses::Invalid),
    )
)]
#[get("/payments")]
pub async fn list(user: AuthUser, query: Query<PaymentQuery>, db: web::Data<PgPool>) -> Result<HttpResponse, ApiError> {
    user.require(Operation::ReadMoney)?;
    let q = query.into_inner()?;
    if let (Some(from), Some(to)) = (q.paid_from, q.paid_to) {
        if from > to {
            return Err(ApiError::field("paid_to", "must not be before `paid_from`"));
        }
    }
    let filter = Filter {
        account_id: q.account_id,
        status: q.status,
        method: q.method,
        paid_from: q.paid_from.map(Into::into),
        paid_to: q.paid_to.map(Into::into),
        collector_id: q.collector_id,
    };
    let (scope, reach) = (user.scope(), user.reach());
    if q.format == Some(export::Format::Csv) {
        // The token check before the download starts; each part is read in its own
        // transaction, as the caller.
        db::begin(&db, scope).await?.commit().await?;
        let db = db.get_ref().clone();
        let read = move |before| {
            let (db, filter) = (db.clone(), filter.clone());
            async move {
                let mut tx = db::begin(&db, scope).await?;
                let rows = store::payments::list(&mut tx, reach, &filter, before, export::PART).await?;
                tx.commit().await?;
                Ok(rows)
            }
        };
        return Ok(export::download("payments.csv", &HEADER, read, |r: &PaymentRow| (r.created_at, r.id), line));
    }
    let limit = pagination::limit(q.limit);
    let before = pagination::decode_time("payments", q.cursor.as_deref())?;
    let mut tx = db::begin(&db, scope).await?;
    let rows = store::payments::list(&mut tx, reach, &filter, before, limit + 1).await?;
    tx.commit().await?;
    let key = |r: &PaymentRow| pagination::time_key(r.created_at, r.id);
    Ok(HttpResponse::Ok().json(crate::pagination::page(rows, limit, "payments", key, Payment::from)))
}

/// One payment as a CSV line, its amounts as the API writes them.
fn line(r: &PaymentRow) -> Vec<u8> {
    let p = Payment::from(r.clone());
    let cells = [
        p.paid_on.to_string(),
        p.created_at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        p.id.to_string(),
        p.account_id.to_string(),
        p.account_ref,
        p.debtor_name,
        p.amount.to_string(),
        p.currency,
        p.method.to_string(),
        p.status.to_string(),
        p.reference.unwrap_or_default(),
        p.refunded_amount.to_string(),
        p.recorded_by_name.unwrap_or_default(),
        p.decided_at.map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)).unwrap_or_default(),
    ];
    export::line(cells.iter().map(String::as_str))
}
