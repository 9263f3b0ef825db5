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
use debtflow_domain::Role;
use serde::Serialize;
use sqlx::PgPool;
use utoipa::ToSchema;
use uuid::Uuid;

/// The signed-in caller.
#[derive(Debug, Serialize, ToSchema)]
pub struct Me {
    pub id: Uuid,
    pub username: String,
    pub full_name: String,
    pub role: Role,
    /// The caller signed in with a temporary password an admin issued: until they
    /// change it (`POST /auth/password`, then refresh the tokens), every route but
    /// `/auth/me`, `/auth/password` and `/auth/logout` answers 403
    /// `password-change-required`.
    pub password_change_required: bool,
    /// The caller's agency; `null` for platform admins.
    pub agency: Option<Agency>,
    /// The agency's business date now, in its time zone (`null` for platform admins):
    /// the date a client proposes for a payment made today. The device's own date may
    /// be a day ahead or behind, and a payment dated after the agency's today is refused.
    #[schema(value_type = Option<String>, format = Date, example = "2026-03-10")]
    pub today: Option<chrono::NaiveDate>,
    /// The server's rules that change what the caller's actions do.
    pub policy: Policy,
}

/// The rules in force for the caller a client shows before acting, so that what it
/// announces is what the server will do.
#[derive(Debug, Serialize, ToSchema)]
pub struct Policy {
    /// A payment dated more than this many days before the agency's today waits for a
    /// manager's approval (`pending_approval`) and posts nothing until approved: the
    /// agency's setting `payment_approval_after_days`, or the server's default when it
    /// chose none.
    #[schema(example = 7)]
    pub payment_approval_after_days: u32,
    /// The server's default window (`PAYMENT_APPROVAL_AFTER_DAYS`), in force for every
    /// agency that chose none.
    #[schema(example = 7)]
    pub default_payment_approval_after_days: u32,
}

impl Policy {
    fn of(money: &MoneySettings, agency: Option<&Agency>) -> Self {
        let server = money.approval_after_days;
        Policy {
            payment_approval_after_days: agency.map_or(server, |a| a.settings.approval_after_days(server)),
            default_payment_approval_after_days: server,
        }
    }
}

/// The caller: id, username, full name, role, agency and the server's policy.
///
/// `policy` holds the rules in force a client announces before acting, such as how far
/// back a payment may be dated before it waits for a manager's approval (the agency's
/// own window, or the server's).
#[utoipa::path(
    tag = "auth",
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
    let policy = Policy::of(&money, agency.as_ref());
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
