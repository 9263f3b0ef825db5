use super::export as trail;
use crate::{
    auth::{policy::Operation, AuthUser},
    db,
    edge::query::Query,
    export,
    pagination::PageSize,
    pagination::{self, Page},
    problem::{responses, ApiError},
    store::{self, audit::Filter},
};
use actix_web::{get, web, HttpResponse};
use debtflow_domain::date::Timestamp;
pub use debtflow_wire::audit::AuditEntry;
use serde::Deserialize;
use sqlx::PgPool;
use utoipa::IntoParams;
use uuid::Uuid;
use validator::Validate;

impl From<store::audit::AuditRow> for AuditEntry {
    fn from(r: store::audit::AuditRow) -> Self {
        AuditEntry {
            id: r.id,
            occurred_at: r.occurred_at,
            agency_id: r.agency_id,
            actor_id: r.actor_id,
            actor_name: r.actor_name,
            actor_role: r.actor_role,
            action: r.action,
            entity_type: r.entity_type,
            entity_id: r.entity_id,
            before: r.before,
            after: r.after,
            ip: r.ip,
            request_id: r.request_id,
        }
    }
}

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ListAuditLogs {
    /// e.g. `user`, `agency`, `session`.
    #[validate(length(max = 64))]
    #[param(max_length = 64)]
    pub entity_type: Option<String>,
    #[validate(length(max = 128))]
    #[param(max_length = 128)]
    pub entity_id: Option<String>,
    pub actor_id: Option<Uuid>,
    #[validate(length(max = 64))]
    #[param(max_length = 64)]
    pub action: Option<String>,
    /// From this instant (inclusive), RFC 3339.
    pub from: Option<Timestamp>,
    /// Until this instant (exclusive), RFC 3339.
    pub to: Option<Timestamp>,
    /// `json` (default) or `csv`: every entry the filters select, newest first, as a
    /// download streamed a thousand rows at a time (`limit` and `cursor` are ignored).
    pub format: Option<export::Format>,
    /// Page size, 1–200 (default 50; JSON only).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 200)]
    pub limit: Option<PageSize>,
    /// `next_cursor` of the previous page (JSON only).
    pub cursor: Option<String>,
}

/// The audit trail of the caller's agency, newest first (platform admins: every agency),
/// as JSON pages or, with `format=csv`, as one CSV download of every entry selected.
#[utoipa::path(
    tag = "audit",
    operation_id = "listAuditLogs",
    security(("bearer" = [])),
    params(ListAuditLogs),
    responses(
        (status = 200, description = "A page of audit entries, newest first; or, with `format=csv`, every entry \
            selected, newest first, as CSV with the header occurred_at,agency_id,actor_id,actor_name,actor_role,\
            action,entity_type,entity_id,before,after,ip,request_id (before and after as JSON; cells a spreadsheet \
            would run as formulas written as text)", content(
            (Page<AuditEntry> = "application/json"),
            (String = "text/csv"),
        )),
        (status = 401, response = responses::Unauthorized),
        (status = 403, response = responses::Forbidden),
        (status = 422, response = responses::Invalid),
    )
)]
#[get("/audit-logs")]
pub async fn list(
    user: AuthUser,
    query: Query<ListAuditLogs>,
    db: web::Data<PgPool>,
) -> Result<HttpResponse, ApiError> {
    user.require(Operation::ReadAuditLog)?;
    let q = query.into_inner()?;
    let filter = Filter {
        agency_id: user.agency_id,
        entity_type: q.entity_type,
        entity_id: q.entity_id,
        actor_id: q.actor_id,
        action: q.action,
        from: q.from.map(Into::into),
        to: q.to.map(Into::into),
        before: None,
    };
    if q.format == Some(export::Format::Csv) {
        // The token check before the download starts; each part is read in its own
        // transaction, as the caller.
        db::begin(&db, user.scope()).await?.commit().await?;
        return Ok(trail::csv(db.get_ref().clone(), user.scope(), filter));
    }
    let limit = pagination::limit(q.limit);
    let filter = Filter { before: pagination::decode_time("audit-logs", q.cursor.as_deref())?, ..filter };
    let mut tx = db::begin(&db, user.scope()).await?;
    let rows = store::audit::list(&mut tx, &filter, limit + 1).await?;
    tx.commit().await?;
    let key = |r: &store::audit::AuditRow| pagination::time_key(r.occurred_at, r.id);
    Ok(HttpResponse::Ok().json(crate::pagination::page(rows, limit, "audit-logs", key, AuditEntry::from)))
}
