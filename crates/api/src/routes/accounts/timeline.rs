use crate::{
    auth::{policy::Operation, AuthUser},
    db,
    edge::query::Query,
    pagination::{self, Page},
    problem::{responses, ApiError},
    store::{self, account_events::EventRow},
};
use actix_web::{get, web, HttpResponse};
pub use debtflow_wire::accounts::TimelineEvent;
use sqlx::PgPool;
use uuid::Uuid;

impl From<EventRow> for TimelineEvent {
    fn from(r: EventRow) -> Self {
        TimelineEvent {
            id: r.id,
            occurred_at: r.occurred_at,
            kind: r.kind,
            actor_id: r.actor_id,
            actor_name: r.actor_name,
            body: r.body,
            data: r.data,
        }
    }
}

/// The account's timeline, newest first: creation, notes, status changes, assignments.
#[utoipa::path(
    tag = "accounts",
    operation_id = "getAccountTimeline",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Account id"), pagination::PageQuery),
    responses(
        (status = 200, description = "A page of events, newest first", body = Page<TimelineEvent>),
        (status = 401, response = responses::Unauthorized),
        (status = 404, response = responses::NotFound),
        (status = 422, response = responses::Invalid),
    )
)]
#[get("/accounts/{id}/timeline")]
pub async fn timeline(
    user: AuthUser,
    id: web::Path<Uuid>,
    query: Query<pagination::PageQuery>,
    db: web::Data<PgPool>,
) -> Result<HttpResponse, ApiError> {
    user.require(Operation::ReadAccounts)?;
    let query = query.into_inner()?;
    let limit = pagination::limit(query.limit);
    let before = pagination::decode_time("timeline", query.cursor.as_deref())?;
    let mut tx = db::begin(&db, user.scope()).await?;
    let agency_id = store::accounts::reachable(&mut tx, user.reach(), *id).await?.ok_or(ApiError::NotFound)?;
    let rows = store::account_events::list(&mut tx, agency_id, *id, before, limit + 1).await?;
    tx.commit().await?;
    let key = |r: &EventRow| pagination::time_key(r.occurred_at, r.id);
    Ok(HttpResponse::Ok().json(crate::pagination::page(rows, limit, "timeline", key, TimelineEvent::from)))
}
