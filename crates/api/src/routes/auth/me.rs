//! `GET /auth/me`: the caller (id, name, role, agency) and the policy a client needs
//! to say what will happen before it asks (the approval window of backdated payments:
//! the agency's own, or the server's), so no client hard-codes a value the server or
//! the agency configures.

use crate::{
    auth::{policy::Operation, AuthUser},
    clock::Clock,
    config::MoneySettings,
    db,
    problem::{responses, ApiError},
    routes::agencies::Agency,
    store,
};
use actix_web::{get, web, HttpResponse};
pub use debtflow_wire::auth::{Me, Policy};
use sqlx::PgPool;

/// The rules in force for the caller: their agency's, or the server's defaults.
fn policy(money: &MoneySettings, agency: Option<&Agency>) -> Policy {
    let server = money.approval_after_days;
    Policy {
        payment_approval_after_days: agency.map_or(server, |a| a.settings.approval_after_days(server)),
        default_payment_approval_after_days: server,
    }
}

/// The caller: id, username, full name, role, agency and the server's policy.
///
/// `policy` holds the rules in force a client announces before acting, such as how far
/// back a payment may be dated before it waits for a manager's approval (the agency's
/// own window, or the server's).
#[utoipa::path(
    tag = "auth",
    operation_id = "getCurrentUser",
    security(("bearer" = [])),
    responses((status = 200, description = "The caller", body = Me), (status = 401, response = responses::Unauthorized))
)]
#[get("/auth/me")]
pub async fn get(
    user: AuthUser,
    db: web::Data<PgPool>,
    money: web::Data<MoneySettings>,
    clock: web::Data<Clock>,
) -> Result<HttpResponse, ApiError> {
    user.require(Operation::ReadOwnProfile)?;
    let mut tx = db::begin(&db, user.scope()).await?;
    let me = store::users::get(&mut tx, user.agency_id, user.id).await?.ok_or(ApiError::NotFound)?;
    let (agency, today) = match user.agency_id {
        Some(id) => (
            store::agencies::get(&mut tx, Some(id), id).await?.map(Agency::from),
            Some(store::agencies::today(&mut tx, id, clock.now()).await?),
        ),
        None => (None, None),
    };
    tx.commit().await?;
    let policy = policy(&money, agency.as_ref());
    Ok(HttpResponse::Ok().json(Me {
        id: me.id,
        username: me.username,
        full_name: me.full_name,
        role: me.role,
        password_change_required: me.password_change_required,
        agency,
        today,
        policy,
    }))
}
