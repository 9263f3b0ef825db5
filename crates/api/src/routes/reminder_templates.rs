//! `/reminder-templates`: the wording of the reminders debtors get of their
//! installments (`services::reminders`), per kind; placeholders `{debtor_name}`,
//! `{amount}`, `{due_date}`, `{account}`, `{agency}`.

use crate::{
    audit::Actor,
    auth::{policy::Operation, AuthUser},
    clock::Clock,
    db,
    edge::json::Json,
    problem::{responses, ApiError},
    services::reminders,
};
use actix_web::{delete, get, put, web, HttpResponse};
use debtflow_domain::reminder::{ReminderKind, Template};
pub use debtflow_wire::settings::ReminderTemplate;
use serde::Deserialize;
use sqlx::{PgConnection, PgPool};
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TemplateBody {
    /// 1–200 characters.
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    #[schema(example = "Your payment of {amount} is due on {due_date}")]
    pub subject: String,
    /// 1–2,000 characters.
    #[validate(length(min = 1, max = 2000))]
    #[schema(
        min_length = 1,
        max_length = 2000,
        example = "Dear {debtor_name}, your payment of {amount} on account {account} is due on {due_date}.\n{agency}"
    )]
    pub body: String,
}

async fn all(tx: &mut PgConnection, agency_id: Uuid) -> Result<Vec<ReminderTemplate>, ApiError> {
    Ok(reminders::templates(tx, agency_id)
        .await?
        .into_iter()
        .map(|(kind, t, is_custom)| ReminderTemplate { kind, subject: t.subject, body: t.body, is_custom })
        .collect())
}

/// The agency's reminder templates, one per kind: `upcoming` (before the due date),
/// `late_three` and `late_seven` (3 and 7 days late).
#[utoipa::path(
    tag = "jobs",
    operation_id = "listReminderTemplates",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The templates", body = Vec<ReminderTemplate>),
        (status = 401, response = responses::Unauthorized),
        (status = 403, response = responses::Forbidden),
    )
)]
#[get("/reminder-templates")]
pub async fn list(user: AuthUser, db: web::Data<PgPool>) -> Result<HttpResponse, ApiError> {
    user.require(Operation::ReadSettings)?;
    let agency_id = user.agency_id.ok_or(ApiError::Forbidden)?;
    let mut tx = db::begin(&db, user.scope()).await?;
    let templates = all(&mut tx, agency_id).await?;
    tx.commit().await?;
    Ok(HttpResponse::Ok().json(templates))
}

/// Set the agency's wording of one kind of reminder; audited. Only the listed
/// placeholders may appear in braces (422 naming `subject` or `body` otherwise).
#[utoipa::path(
    tag = "jobs",
    operation_id = "setReminderTemplate",
    security(("bearer" = [])),
    params(("kind" = ReminderKind, Path, description = "upcoming, late_three or late_seven")),
    request_body = TemplateBody,
    responses(
        (status = 200, description = "The templates as changed", body = Vec<ReminderTemplate>),
        (status = 400, response = responses::BadRequest),
        (status = 401, response = responses::Unauthorized),
        (status = 403, response = responses::Forbidden),
        (status = 404, response = responses::NotFound),
        (status = 422, response = responses::Invalid),
    )
)]
#[put("/reminder-templates/{kind}")]
pub async fn set(
    user: AuthUser,
    kind: web::Path<String>,
    body: Json<TemplateBody>,
    db: web::Data<PgPool>,
    clock: web::Data<Clock>,
) -> Result<HttpResponse, ApiError> {
    user.require(Operation::ManageSettings)?;
    let agency_id = user.agency_id.ok_or(ApiError::Forbidden)?;
    let kind: ReminderKind = kind.parse().map_err(|_| ApiError::NotFound)?;
    let TemplateBody { subject, body } = body.into_inner()?;
    let mut tx = db::begin(&db, user.scope()).await?;
    let template = Template { subject: subject.trim().to_owned(), body: body.trim().to_owned() };
    reminders::set_template(&mut tx, &Actor::from(&user), agency_id, kind, Some(template), clock.now()).await?;
    let templates = all(&mut tx, agency_id).await?;
    tx.commit().await?;
    Ok(HttpResponse::Ok().json(templates))
}

/// Go back to DebtFlow's default wording of one kind of reminder; audited.
#[utoipa::path(
    tag = "jobs",
    operation_id = "resetReminderTemplate",
    security(("bearer" = [])),
    params(("kind" = ReminderKind, Path, description = "upcoming, late_three or late_seven")),
    responses(
        (status = 200, description = "The templates as changed", body = Vec<ReminderTemplate>),
        (status = 401, response = responses::Unauthorized),
        (status = 403, response = responses::Forbidden),
        (status = 404, response = responses::NotFound),
    )
)]
#[delete("/reminder-templates/{kind}")]
pub async fn reset(
    user: AuthUser,
    kind: web::Path<String>,
    db: web::Data<PgPool>,
    clock: web::Data<Clock>,
) -> Result<HttpResponse, ApiError> {
    user.require(Operation::ManageSettings)?;
    let agency_id = user.agency_id.ok_or(ApiError::Forbidden)?;
    let kind: ReminderKind = kind.parse().map_err(|_| ApiError::NotFound)?;
    let mut tx = db::begin(&db, user.scope()).await?;
    reminders::set_template(&mut tx, &Actor::from(&user), agency_id, kind, None, clock.now()).await?;
    let templates = all(&mut tx, agency_id).await?;
    tx.commit().await?;
    Ok(HttpResponse::Ok().json(templates))
}
