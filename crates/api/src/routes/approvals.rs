//! `GET /approvals/pending`: how many plans and backdated payments wait for a
//! manager's decision — the count beside "Approvals" in the SPA's navigation, without
//! reading the items themselves.

use crate::{
    auth::{policy::Operation, AuthUser},
    db,
    problem::{responses, ApiError},
    store,
};
use actix_web::{get, web, HttpResponse};
pub use debtflow_wire::payments::PendingApprovals;
use sqlx::PgPool;

/// Count what waits for a manager's decision.
///
/// For those who decide plans (the same roles decide backdated payments).
#[utoipa::path(
    tag = "plans",
    operation_id = "countPendingApprovals",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The counts", body = PendingApprovals),
        (status = 401, response = responses::Unauthorized),
        (status = 403, response = responses::Forbidden),
    )
)]
#[get("/approvals/pending")]
pub async fn pending(user: AuthUser, db: web::Data<PgPool>) -> Result<HttpResponse, ApiError> {
    user.require(Operation::DecidePlan)?;
    let agency_id = user.agency_id.ok_or(ApiError::Forbidden)?;
    let mut tx = db::begin(&db, user.scope()).await?;
    let (payments, plans) = store::analytics::awaiting_approval(&mut tx, agency_id, None).await?;
    tx.commit().await?;
    Ok(HttpResponse::Ok().json(PendingApprovals { plans, payments }))
}
