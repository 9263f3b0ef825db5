//! The audit trail as CSV (`GET /audit-logs?format=csv`): every entry the filters
//! select, newest first, streamed a part at a time ([`export::download`]). Before and
//! after are their JSON.

use crate::{
    db::{self, Scope},
    export,
    store::{
        self,
        audit::{AuditRow, Filter},
    },
};
use actix_web::HttpResponse;
use sqlx::PgPool;

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
    let read = move |before| {
        let (db, filter) = (db.clone(), Filter { before, ..filter.clone() });
        async move {
            let mut tx = db::begin(&db, scope).await?;
            let rows = store::audit::list(&mut tx, &filter, export::PART).await?;
            tx.commit().await?;
            Ok(rows)
        }
    };
    export::download("audit-log.csv", &HEADER, read, |r: &AuditRow| (r.occurred_at, r.id), line)
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
