use super::{views, Plan};
use crate::{
    auth::{policy::Operation, AuthUser},
    clock::Clock,
    db,
    edge::query::Query,
    pagination::{self, Page, PageSize},
    problem::{responses, ApiError},
    store,
    store::plans::Filter,
};
use actix_web::{get, web, HttpResponse};
use debtflow_domain::date::BusinessDate;
use debtflow_domain::plan::PlanStatus;
use serde::Deserialize;
use sqlx::PgPool;
use utoipa::IntoParams;
use validator::Validate;

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct PlanQuery {
    pub status: Option<PlanStatus>,
    /// Only plans with an installment still owing that fell or falls due on or before
    /// this date: the upcoming and late installments of the worklist.
    pub due_before: Option<BusinessDate>,
    /// Page size, 1–200 (default 50).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 200)]
    pub limit: Option<PageSize>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// Plans, newest first (a collector's: on their own accounts).
#[utoipa::path(
    tag = "plans",
    operation_id = "listPlans",
    security(("bearer" = [])),
    params(PlanQuery),
    responses(
        (status = 200, description = "A page of plans with their schedules", body = Page<Plan>),
        (status = 401, response = responses::Unauthorized),
        (status = 422, response = responses::Invalid),
    )
)]
#[get("/plans")]
pub async fn list(
    user: AuthUser,
    query: Query<PlanQuery>,
    db: web::Data<PgPool>,
    clock: web::Data<Clock>,
) -> Result<HttpResponse, ApiError> {
    user.require(Operation::ReadMoney)?;
    let q = query.into_inner()?;
    let limit = pagination::limit(q.limit);
    let before = pagination::decode_time("plans", q.cursor.as_deref())?;
    let mut tx = db::begin(&db, user.scope()).await?;
    let filter = Filter { status: q.status, due_before: q.due_before.map(Into::into) };
    let rows = store::plans::list(&mut tx, user.reach(), filter, before, limit + 1, clock.now()).await?;
    let (rows, next_cursor) = pagination::split(rows, limit, "plans", |r| pagination::time_key(r.created_at, r.id));
    let items = views(&mut tx, rows).await?;
    tx.commit().await?;
    Ok(HttpResponse::Ok().json(Page { items, next_cursor }))
}
