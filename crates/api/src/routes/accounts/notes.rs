use super::{reach, timeline::TimelineEvent};
use crate::{
    audit::{self, Actor, Change},
    auth::{policy::Operation, AuthUser},
    db,
    edge::json::Json,
    problem::{responses, ApiError},
    store::{self, account_events::NewEvent},
};
use actix_web::{post, web, HttpResponse};
use serde::Deserialize;
use sqlx::PgPool;
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewNote {
    #[validate(length(min = 1, max = 5000))]
    #[schema(example = "Debtor asked to be called after 6 pm.")]
    pub body: String,
}

/// Add a note to the account's timeline.
#[utoipa::path(
    tag = "accounts",
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
) -> Result<HttpResponse, ApiError> {
    add(user, *id, body.into_inner(), &db).await
}

/// The product overview's name for adding a note: the same as `POST /accounts/{id}/notes`.
#[utoipa::path(
    tag = "accounts",
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
) -> Result<HttpResponse, ApiError> {
    add(user, *id, body.into_inner(), &db).await
}

async fn add(user: AuthUser, id: Uuid, note: NewNote, db: &PgPool) -> Result<HttpResponse, ApiError> {
    user.require(Operation::AddNote)?;
    let note = note.body.trim();
    if note.is_empty() {
        return Err(ApiError::field("body", "must not be blank"));
    }
    let mut tx = db::begin(db, user.scope()).await?;
    let account = store::accounts::get(&mut tx, reach(&user), id, false).await?.ok_or(ApiError::NotFound)?;
    let event = NewEvent {
        agency_id: account.agency_id,
        account_id: account.id,
        kind: "note",
        actor_id: Some(user.id),
        body: Some(note),
        data: serde_json::json!({}),
    };
    let event = store::account_events::insert(&mut tx, &event).await?;
    let change = Change::created(
        "account.note",
        "account_event",
        event.id,
        serde_json::json!({ "account_id": account.id, "body": note }),
    );
    audit::record(&mut tx, &Actor::from(&user), change.in_agency(Some(account.agency_id))).await?;
    tx.commit().await?;
    Ok(HttpResponse::Created().json(TimelineEvent::from(event)))
}
