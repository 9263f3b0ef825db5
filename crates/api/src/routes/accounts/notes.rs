//! `POST /accounts/{id}/notes` (and the seed's `/add_note`): a note on the account's
//! timeline (`services::accounts::notes`).

use super::timeline::TimelineEvent;
use crate::{
    audit::Actor,
    auth::{policy::Operation, AuthUser},
    clock::Clock,
    db,
    edge::json::Json,
    problem::{responses, ApiError},
    services::accounts::notes::{self as service, AddNote},
};
use actix_web::{post, web, HttpResponse};
use debtflow_domain::date::Timestamp;
use serde::Deserialize;
use sqlx::PgPool;
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewNote {
    #[validate(length(min = 1, max = 5000))]
    #[schema(min_length = 1, max_length = 5000)]
    #[schema(example = "Debtor asked to be called after 6 pm.")]
    pub body: String,
    /// Remind me then (within a year): a `follow_up_due` notification, and the account
    /// is due on my worklist (`follow_up=due`) until I write on it again.
    #[schema(example = "2026-12-02T17:00:00Z")]
    pub remind_at: Option<Timestamp>,
}

/// Add a note to the account's timeline.
#[utoipa::path(
    tag = "accounts",
    operation_id = "createNote",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Account id")),
    request_body = NewNote,
    responses(
        (status = 201, description = "The note, as a timeline event", body = TimelineEvent),
        (status = 400, response = responses::BadRequest),
        (status = 401, response = responses::Unauthorized),
        (status = 403, response = responses::Forbidden),
        (status = 404, response = responses::NotFound),
        (status = 422, response = responses::Invalid),
    )
)]
#[post("/accounts/{id}/notes")]
pub async fn create(
    user: AuthUser,
    id: web::Path<Uuid>,
    body: Json<NewNote>,
    db: web::Data<PgPool>,
    clock: web::Data<Clock>,
) -> Result<HttpResponse, ApiError> {
    add(user, *id, body, &db, &clock).await
}

/// The product overview's name for adding a note: the same as `POST /accounts/{id}/notes`.
#[utoipa::path(
    tag = "accounts",
    operation_id = "addNote",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Account id")),
    request_body = NewNote,
    responses(
        (status = 201, description = "The note, as a timeline event", body = TimelineEvent),
        (status = 400, response = responses::BadRequest),
        (status = 401, response = responses::Unauthorized),
        (status = 403, response = responses::Forbidden),
        (status = 404, response = responses::NotFound),
        (status = 422, response = responses::Invalid),
    )
)]
#[post("/accounts/{id}/add_note")]
pub async fn add_note(
    user: AuthUser,
    id: web::Path<Uuid>,
    body: Json<NewNote>,
    db: web::Data<PgPool>,
    clock: web::Data<Clock>,
) -> Result<HttpResponse, ApiError> {
    add(user, *id, body, &db, &clock).await
}

async fn add(
    user: AuthUser,
    id: Uuid,
    note: Json<NewNote>,
    db: &PgPool,
    clock: &Clock,
) -> Result<HttpResponse, ApiError> {
    user.require(Operation::AddNote)?;
    let note = note.into_inner()?;
    let cmd = AddNote { account_id: id, body: note.body, remind_at: note.remind_at.map(Into::into) };
    let mut tx = db::begin(db, user.scope()).await?;
    let event = service::add(&mut tx, &Actor::from(&user), cmd, clock.now()).await?;
    tx.commit().await?;
    Ok(HttpResponse::Created().json(TimelineEvent::from(event)))
}
