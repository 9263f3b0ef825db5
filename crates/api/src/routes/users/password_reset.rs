use super::TemporaryPassword;
use crate::{
    audit::Actor,
    auth::{policy::Operation, AuthUser},
    db,
    problem::{responses, ApiError},
    services::staff::{self, Credential},
};
use actix_web::{post, web, HttpResponse};
use sqlx::PgPool;
use uuid::Uuid;

/// Reset a staff member's password to a temporary one.
///
/// The server makes up the password and returns it this once; the user must change it
/// at their next login. Every session of the user ends at once and their failed logins
/// are forgotten (a reset also lifts a login lock). An admin changes their own password
/// with `POST /auth/password` instead (409 `own-password`). Audited as
/// `auth.password_reset`, without the password.
#[utoipa::path(
    tag = "users",
    operation_id = "resetUserPassword",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "User id")),
    responses(
        (status = 200, description = "The temporary password", body = TemporaryPassword),
        (status = 401, response = responses::Unauthorized),
        (status = 403, response = responses::Forbidden),
        (status = 404, response = responses::NotFound),
        (status = 409, response = responses::Conflict),
    )
)]
#[post("/users/{id}/password-reset")]
pub async fn reset(user: AuthUser, id: web::Path<Uuid>, db: web::Data<PgPool>) -> Result<HttpResponse, ApiError> {
    user.require(Operation::ManageStaff)?;
    let (credential, temporary_password) = Credential::temporary().await?;
    let mut tx = db::begin(&db, user.scope()).await?;
    staff::reset_password(&mut tx, &Actor::from(&user), *id, &credential).await?;
    tx.commit().await?;
    Ok(HttpResponse::Ok().json(TemporaryPassword { temporary_password }))
}
