//! The audit trail as CSV (`GET /audit-logs?format=csv`): every entry the filters
//! select, newest first, streamed a page of the store at a time, so an export of a
//! year's trail holds one page in memory. Before and after are their JSON; formula
//! cells are neutralised (`crate::export`).

use crate::{
    db::{self, Scope},
    export,
    problem::ApiError,
    store::{
        self,
        audit::{AuditRow, Filter},
    },
};
use actix_web::{http::header, web, HttpResponse};
use sqlx::PgPool;

/// Rows read per transaction.
const PAGE: i64 = 1000;

/// The CSV's columns.
pub const HEADER: [&str; 12] = [
    "occurred_at",
    "agency_id",
    "actor_id",
    "actor_name",
    "actor_role",
    "action",
    "entity_type",
    "entity_id",
    "before",
    "after",
    "ip",
    "request_id",
];

/// The download: the header, then the rows of `filter`, read as `scope`.
pub fn csv(db: PgPool, scope: Scope, filter: Filter) -> HttpResponse {
    let header = web::Bytes::from(export::line(HEADER));
    let pages = futures_util::stream::try_unfold(Some(filter), move |filter: Option<Filter>| {
        let db = db.clone();
        async move {
            let Some(filter) = filter else { return Ok(None) };
            let mut tx = db::begin(&db, scope).await?;
            let rows = store::audit::list(&mut tx, &filter, PAGE).await?;
            tx.commit().await?;
            let next = match rows.last() {
                Some(last) if rows.len() as i64 == PAGE => {
                    Some(Filter { before: Some((last.occurred_at, last.id)), ..filter })
                }
                _ => None,
            };
            let body: Vec<u8> = rows.iter().flat_map(line).collect();
            Ok::<_, ApiError>(Some((web::Bytes::from(body), next)))
        }
    });
    HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((header::CONTENT_DISPOSITION, "attachment; filename=\"audit-log.csv\""))
        .streaming(futures_util::StreamExt::chain(futures_util::stream::once(async { Ok(header) }), pages))
}

/// One entry as a CSV line.
fn line(r: &AuditRow) -> Vec<u8> {
    let opt = |v: Option<String>| v.unwrap_or_default();
    let json = |v: &Option<serde_json::Value>| v.as_ref().map(|v| v.to_string()).unwrap_or_default();
    let cells = [
        r.occurred_at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        opt(r.agency_id.map(|a| a.to_string())),
        opt(r.actor_id.map(|a| a.to_string())),
        opt(r.actor_name.clone()),
        opt(r.actor_role.map(|role| role.to_string())),
        r.action.clone(),
        r.entity_type.clone(),
        r.entity_id.clone(),
        json(&r.before),
        json(&r.after),
        opt(r.ip.map(|ip| ip.to_string())),
        opt(r.request_id.clone()),
    ];
    export::line(cells.iter().map(String::as_str))
}
