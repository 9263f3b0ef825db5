//! `/accounts/{id}/recovery-actions` and `/recovery-actions/{id}`: foreclosure, dacion
//! en pago, repossession and garnishment, with their milestones
//! (`services::remedial::recovery_actions`).

use crate::{
    audit::Actor,
    auth::{policy::Operation, AuthUser},
    clock::Clock,
    db,
    edge::json::Json,
    problem::{responses, ApiError},
    services::remedial::recovery_actions::{self as service, Action},
    store::recovery_actions::MilestoneRow,
};
use actix_web::{get, post, web, HttpResponse};
use debtflow_domain::date::BusinessDate;
use debtflow_domain::remedial::recovery::{NewMilestone, RecoveryKind};
pub use debtflow_wire::remedial::{Milestone, RecoveryAction};
use serde::{Deserialize, Serialize};
use sqlx::PgPool;
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

pub fn configure(cfg: &mut actix_web::web::ServiceConfig) {
    cfg.service(list)
        .service(create)
        .service(get)
        .service(add_milestones)
        .service(done)
        .service(complete)
        .service(cancel);
}

impl From<MilestoneRow> for Milestone {
    fn from(m: MilestoneRow) -> Self {
        Milestone {
            id: m.id,
            position: m.position,
            name: m.name,
            target_on: m.target_on,
            done_on: m.done_on,
            done_by: m.done_by,
            overdue_since: m.overdue_since,
        }
    }
}

impl From<Action> for RecoveryAction {
    fn from(Action { row: r, milestones }: Action) -> Self {
        RecoveryAction {
            id: r.id,
            account_id: r.account_id,
            kind: r.kind,
            status: r.status,
            initiated_on: r.initiated_on,
            notes: r.notes,
            initiated_by: r.initiated_by,
            initiated_by_name: r.initiated_by_name,
            created_at: r.created_at,
            updated_at: r.updated_at,
            ended_on: r.ended_on,
            cancel_reason: r.cancel_reason,
            milestones: milestones.into_iter().map(Milestone::from).collect(),
        }
    }
}

#[derive(Debug, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MilestoneItem {
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    #[schema(example = "Notice of sale published")]
    pub name: String,
    /// From the day the action was initiated on.
    pub target_on: BusinessDate,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewRecoveryAction {
    pub kind: RecoveryKind,
    /// 1 to 12, each named once.
    #[validate(length(min = 1, max = 12), nested)]
    #[schema(min_items = 1, max_items = 12)]
    pub milestones: Vec<MilestoneItem>,
    #[validate(length(max = 2000))]
    #[schema(max_length = 2000)]
    pub notes: Option<String>,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewMilestones {
    #[validate(length(min = 1, max = 12), nested)]
    #[schema(min_items = 1, max_items = 12)]
    pub milestones: Vec<MilestoneItem>,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MilestoneDone {
    /// From the initiation to today (the agency's).
    pub done_on: BusinessDate,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CancelAction {
    #[validate(length(min = 1, max = 1000))]
    #[schema(min_length = 1, max_length = 1000)]
    #[schema(example = "The debtor sold the vehicle and paid in full.")]
    pub reason: String,
}

fn items(milestones: Vec<MilestoneItem>) -> Vec<NewMilestone> {
    milestones.into_iter().map(|m| NewMilestone { name: m.name, target_on: m.target_on.0 }).collect()
}

/// The account's recovery actions, the newest first, with their milestones.
#[utoipa::path(
    tag = "remedial",
    operation_id = "listRecoveryActions",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Account id")),
    responses(
        (status = 200, description = "The actions", body = Vec<RecoveryAction>),
        (status = 401, response = responses::Unauthorized),
        (status = 403, response = responses::Forbidden),
        (status = 404, response = responses::NotFound),
    )
)]
#[get("/accounts/{id}/recovery-actions")]
pub async fn list(
    user: AuthUser,
    id: web::Path<Uuid>,
    db: web::Data<PgPool>,
    clock: web::Data<Clock>,
) -> Result<HttpResponse, ApiError> {
    user.require(Operation::ReadAccounts)?;
    let mut tx = db::begin(&db, user.scope()).await?;
    let actions = service::list(&mut tx, &Actor::from(&user), *id, clock.now()).await?;
    tx.commit().await?;
    Ok(HttpResponse::Ok().json(actions.into_iter().map(RecoveryAction::from).collect::<Vec<_>>()))
}

/// Initiate a recovery action on an open account, with its milestones (a manager's).
#[utoipa::path(
    tag = "remedial",
    operation_id = "createRecoveryAction",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Account id")),
    request_body = NewRecoveryAction,
    responses(
        (status = 201, description = "The action, initiated", body = RecoveryAction),
        (status = 400, response = responses::BadRequest),
        (status = 401, response = responses::Unauthorized),
        (status = 403, response = responses::Forbidden),
        (status = 404, response = responses::NotFound),
        (status = 409, response = responses::Conflict),
        (status = 422, response = responses::Invalid),
    )
)]
#[post("/accounts/{id}/recovery-actions")]
pub async fn create(
    user: AuthUser,
    id: web::Path<Uuid>,
    body: Json<NewRecoveryAction>,
    db: web::Data<PgPool>,
    clock: web::Data<Clock>,
) -> Result<HttpResponse, ApiError> {
    user.require(Operation::ManageRecoveryActions)?;
    let b = body.into_inner()?;
    let mut tx = db::begin(&db, user.scope()).await?;
    let action =
        service::initiate(&mut tx, &Actor::from(&user), *id, b.kind, items(b.milestones), b.notes, clock.now()).await?;
    tx.commit().await?;
    Ok(HttpResponse::Created().json(RecoveryAction::from(action)))
}

/// A recovery action with its milestones.
#[utoipa::path(
    tag = "remedial",
    operation_id = "getRecoveryAction",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Recovery action id")),
    responses(
        (status = 200, description = "The action", body = RecoveryAction),
        (status = 401, response = responses::Unauthorized),
        (status = 403, response = responses::Forbidden),
        (status = 404, response = responses::NotFound),
    )
)]
#[get("/recovery-actions/{id}")]
pub async fn get(
    user: AuthUser,
    id: web::Path<Uuid>,
    db: web::Data<PgPool>,
    clock: web::Data<Clock>,
) -> Result<HttpResponse, ApiError> {
    user.require(Operation::ReadAccounts)?;
    let mut tx = db::begin(&db, user.scope()).await?;
    let action = service::get(&mut tx, &Actor::from(&user), *id, clock.now()).await?;
    tx.commit().await?;
    Ok(HttpResponse::Ok().json(RecoveryAction::from(action)))
}

/// Add milestones to an open action (at most 12 in all, each named once).
#[utoipa::path(
    tag = "remedial",
    operation_id = "addRecoveryMilestones",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Recovery action id")),
    request_body = NewMilestones,
    responses(
        (status = 200, description = "The action", body = RecoveryAction),
        (status = 400, response = responses::BadRequest),
        (status = 401, response = responses::Unauthorized),
        (status = 403, response = responses::Forbidden),
        (status = 404, response = responses::NotFound),
        (status = 409, response = responses::Conflict),
        (status = 422, response = responses::Invalid),
    )
)]
#[post("/recovery-actions/{id}/milestones")]
pub async fn add_milestones(
    user: AuthUser,
    id: web::Path<Uuid>,
    body: Json<NewMilestones>,
    db: web::Data<PgPool>,
    clock: web::Data<Clock>,
) -> Result<HttpResponse, ApiError> {
    user.require(Operation::ManageRecoveryActions)?;
    let milestones = items(body.into_inner()?.milestones);
    let mut tx = db::begin(&db, user.scope()).await?;
    let action = service::add_milestones(&mut tx, &Actor::from(&user), *id, milestones, clock.now()).await?;
    tx.commit().await?;
    Ok(HttpResponse::Ok().json(RecoveryAction::from(action)))
}

/// Mark a milestone done; the first starts the action (`in_progress`).
#[utoipa::path(
    tag = "remedial",
    operation_id = "completeRecoveryMilestone",
    security(("bearer" = [])),
    params(
        ("id" = Uuid, Path, description = "Recovery action id"),
        ("milestone_id" = Uuid, Path, description = "Milestone id"),
    ),
    request_body = MilestoneDone,
    responses(
        (status = 200, description = "The action", body = RecoveryAction),
        (status = 400, response = responses::BadRequest),
        (status = 401, response = responses::Unauthorized),
        (status = 403, response = responses::Forbidden),
        (status = 404, response = responses::NotFound),
        (status = 409, response = responses::Conflict),
        (status = 422, response = responses::Invalid),
    )
)]
#[post("/recovery-actions/{id}/milestones/{milestone_id}/done")]
pub async fn done(
    user: AuthUser,
    path: web::Path<(Uuid, Uuid)>,
    body: Json<MilestoneDone>,
    db: web::Data<PgPool>,
    clock: web::Data<Clock>,
) -> Result<HttpResponse, ApiError> {
    user.require(Operation::ManageRecoveryActions)?;
    let (id, milestone_id) = path.into_inner();
    let mut tx = db::begin(&db, user.scope()).await?;
    let action =
        service::mark_done(&mut tx, &Actor::from(&user), id, milestone_id, body.into_inner()?.done_on.0, clock.now())
            .await?;
    tx.commit().await?;
    Ok(HttpResponse::Ok().json(RecoveryAction::from(action)))
}

/// Complete an action whose every milestone is done. Final.
#[utoipa::path(
    tag = "remedial",
    operation_id = "completeRecoveryAction",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Recovery action id")),
    responses(
        (status = 200, description = "The action, completed", body = RecoveryAction),
        (status = 401, response = responses::Unauthorized),
        (status = 403, response = responses::Forbidden),
        (status = 404, response = responses::NotFound),
        (status = 409, response = responses::Conflict),
        (status = 422, response = responses::Invalid),
    )
)]
#[post("/recovery-actions/{id}/complete")]
pub async fn complete(
    user: AuthUser,
    id: web::Path<Uuid>,
    db: web::Data<PgPool>,
    clock: web::Data<Clock>,
) -> Result<HttpResponse, ApiError> {
    user.require(Operation::ManageRecoveryActions)?;
    let mut tx = db::begin(&db, user.scope()).await?;
    let action = service::complete(&mut tx, &Actor::from(&user), *id, clock.now()).await?;
    tx.commit().await?;
    Ok(HttpResponse::Ok().json(RecoveryAction::from(action)))
}

/// Cancel an open action, with the reason. Final.
#[utoipa::path(
    tag = "remedial",
    operation_id = "cancelRecoveryAction",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Recovery action id")),
    request_body = CancelAction,
    responses(
        (status = 200, description = "The action, cancelled", body = RecoveryAction),
        (status = 400, response = responses::BadRequest),
        (status = 401, response = responses::Unauthorized),
        (status = 403, response = responses::Forbidden),
        (status = 404, response = responses::NotFound),
        (status = 409, response = responses::Conflict),
        (status = 422, response = responses::Invalid),
    )
)]
#[post("/recovery-actions/{id}/cancel")]
pub async fn cancel(
    user: AuthUser,
    id: web::Path<Uuid>,
    body: Json<CancelAction>,
    db: web::Data<PgPool>,
    clock: web::Data<Clock>,
) -> Result<HttpResponse, ApiError> {
    user.require(Operation::ManageRecoveryActions)?;
    let mut tx = db::begin(&db, user.scope()).await?;
    let action = service::cancel(&mut tx, &Actor::from(&user), *id, &body.into_inner()?.reason, clock.now()).await?;
    tx.commit().await?;
    Ok(HttpResponse::Ok().json(RecoveryAction::from(action)))
}
