use crate::{
    audit::{self, Actor, Change},
    auth::{policy::Operation, AuthUser},
    db,
    problem::{responses, ApiError},
    store,
};
use actix_web::{post, web, HttpResponse};
pub use debtflow_wire::users::Unlocked;
use sqlx::PgPool;
use uuid::Uuid;

/// Lift a login lock: forget a user's failed logins.
///
/// For the user's agency admins. Audited as
/// `auth.unlocked`; unlocking a user who is not locked clears nothing and is a 200.
#[utoipa::path(
    tag = "users",
    operation_id = "unlockUser",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "User id")),
    responses(
        (status = 200, description = "The user's failed logins forgotten", body = Unlocked),
        (status = 401, response = responses::Unauthorized),
        (status = 403, response = responses::Forbidden),
        (status = 404, response = responses::NotFound),
    )
)]
#[post("/users/{id}/unlock")]
pub async fn unlock(user: AuthUser, id: web::Path<Uuid>, db: web::Data<PgPool>) -> Result<HttpResponse, ApiError> {
    user.require(Operation::ManageStaff)?;
    let mut tx = db::begin(&db, user.scope()).await?;
    let target = store::users::get(&mut tx, user.agency_id, *id).await?.ok_or(ApiError::NotFound)?;
    let failures_cleared = store::login_failures::clear(&mut tx, &target.username).await?;
    let after = serde_json::json!({ "username": target.username, "failures_cleared": failures_cleared });
    let change = Change::created("auth.unlocked", "user", target.id, after).in_agency(target.agency_id);
    audit::record(&mut tx, &Actor::from(&user), change).await?;
    tx.commit().await?;
    Ok(HttpResponse::Ok().json(Unlocked { failures_cleared }))
}
