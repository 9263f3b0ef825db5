//! `/accounts/{id}/contacts`: record an attempt to reach the debtor, within the
//! Regulation F guardrails (`services::accounts::contacts`), and list them;
//! `/accounts/{id}/contact-blocks`: what stops contact with the debtor, set and cleared
//! by managers and compliance.

use crate::{
    audit::Actor,
    auth::{policy::Operation, AuthUser},
    clock::Clock,
    db,
    edge::{json::Json, query::Query},
    pagination::{self, Page, PageQuery},
    problem::{responses, ApiError},
    services::{
        accounts::contacts::{self as service, RecordContact},
        Refusal, ServiceError,
    },
    store::contacts::{BlockRow, ContactRow},
};
use actix_web::{get, post, web, HttpResponse};
use debtflow_domain::contact::{Channel, Direction, Flag, Outcome};
use debtflow_domain::date::Timestamp;
pub use debtflow_wire::accounts::{ContactAttempt, ContactBlock};
use serde::Deserialize;
use sqlx::PgPool;
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

impl From<ContactRow> for ContactAttempt {
    fn from(r: ContactRow) -> Self {
        ContactAttempt {
            id: r.id,
            account_id: r.account_id,
            channel: r.channel,
            direction: r.direction,
            outcome: r.outcome,
            used: r.used,
            notes: r.notes,
            occurred_at: r.occurred_at,
            recorded_by: r.recorded_by,
            recorded_by_name: r.recorded_by_name,
            created_at: r.created_at,
        }
    }
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewContact {
    pub channel: Channel,
    pub direction: Direction,
    pub outcome: Outcome,
    /// The phone number, email address or postal address used.
    #[validate(length(max = 500))]
    #[schema(max_length = 500)]
    #[schema(example = "+1 555 0100")]
    pub used: Option<String>,
    #[validate(length(max = 5000))]
    #[schema(max_length = 5000)]
    #[schema(example = "Spoke with the debtor; will call back Friday.")]
    pub notes: Option<String>,
    /// When it happened: now if left out; at most 24 hours back, never ahead. The
    /// guardrails judge the attempt at this instant.
    pub occurred_at: Option<Timestamp>,
}

/// Record an attempt to reach the debtor. Outbound attempts pass the Regulation F
/// guardrails first: no contact outside 08:00–21:00 in the debtor's time zone (a
/// letter excepted), at most 7 calls in 7 days, no call within 7 days after a
/// telephone conversation, and none on a channel a block on the debtor stops. A
/// blocked attempt is refused 409 (`type` names the rule, `allowed_at` when it becomes
/// allowed) and the refusal is audited. The first right-party contact moves an
/// `assigned` account to `in_contact`.
#[utoipa::path(
    tag = "accounts",
    operation_id = "createContactAttempt",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Account id")),
    request_body = NewContact,
    responses(
        (status = 201, description = "The attempt, recorded", body = ContactAttempt),
        (status = 400, response = responses::BadRequest),
        (status = 401, response = responses::Unauthorized),
        (status = 403, response = responses::Forbidden),
        (status = 404, response = responses::NotFound),
        (status = 409, response = responses::Conflict),
        (status = 422, response = responses::Invalid),
    )
)]
#[post("/accounts/{id}/contacts")]
pub async fn create(
    user: AuthUser,
    id: web::Path<Uuid>,
    body: Json<NewContact>,
    db: web::Data<PgPool>,
    clock: web::Data<Clock>,
) -> Result<HttpResponse, ApiError> {
    user.require(Operation::WorkAccount)?;
    let body = body.into_inner()?;
    let (channel, direction) = (body.channel, body.direction);
    let cmd = RecordContact {
        account_id: *id,
        channel,
        direction,
        outcome: body.outcome,
        used: body.used,
        notes: body.notes,
        occurred_at: body.occurred_at.map(Into::into),
    };
    let actor = Actor::from(&user);
    let mut tx = db::begin(&db, user.scope()).await?;
    match service::record(&mut tx, &actor, cmd, clock.now()).await {
        Ok(row) => {
            tx.commit().await?;
            Ok(HttpResponse::Created().json(ContactAttempt::from(row)))
        }
        Err(ServiceError::Refused(refusal)) => {
            tx.rollback().await?;
            Err(refused(&db, &user, *id, (channel, direction), refusal).await)
        }
        Err(e) => Err(e.into()),
    }
}

/// The error of an attempt a guardrail refused, once the refusal is audited in a
/// transaction of its own (the attempt's rolled back).
pub(super) async fn refused(
    db: &PgPool,
    user: &AuthUser,
    account_id: Uuid,
    (channel, direction): (Channel, Direction),
    refusal: Refusal,
) -> ApiError {
    let audited = async {
        let mut tx = db::begin(db, user.scope()).await?;
        service::record_blocked(&mut tx, &Actor::from(user), account_id, channel, direction, &refusal).await?;
        tx.commit().await?;
        Ok::<_, ApiError>(())
    };
    match audited.await {
        Ok(()) => ServiceError::Refused(refusal).into(),
        Err(e) => e,
    }
}

/// The account's contact attempts, newest first.
#[utoipa::path(
    tag = "accounts",
    operation_id = "listContactAttempts",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Account id"), PageQuery),
    responses(
        (status = 200, description = "A page of attempts, newest first", body = Page<ContactAttempt>),
        (status = 401, response = responses::Unauthorized),
        (status = 403, response = responses::Forbidden),
        (status = 404, response = responses::NotFound),
        (status = 422, response = responses::Invalid),
    )
)]
#[get("/accounts/{id}/contacts")]
pub async fn list(
    user: AuthUser,
    id: web::Path<Uuid>,
    query: Query<PageQuery>,
    db: web::Data<PgPool>,
    clock: web::Data<Clock>,
) -> Result<HttpResponse, ApiError> {
    user.require(Operation::ReadAccounts)?;
    let query = query.into_inner()?;
    let limit = pagination::limit(query.limit);
    let after = pagination::decode_time("contacts", query.cursor.as_deref())?;
    let mut tx = db::begin(&db, user.scope()).await?;
    let rows = service::list(&mut tx, &Actor::from(&user), *id, after, limit + 1, clock.now()).await?;
    tx.commit().await?;
    let key = |r: &ContactRow| pagination::time_key(r.occurred_at, r.id);
    Ok(HttpResponse::Ok().json(pagination::page(rows, limit, "contacts", key, ContactAttempt::from)))
}

impl From<BlockRow> for ContactBlock {
    fn from(r: BlockRow) -> Self {
        ContactBlock {
            id: r.id,
            debtor_id: r.debtor_id,
            flag: r.flag,
            channel: r.channel,
            reason: r.reason,
            set_by: r.set_by,
            set_by_name: r.set_by_name,
            set_at: r.set_at,
            cleared_by: r.cleared_by,
            cleared_at: r.cleared_at,
        }
    }
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewBlock {
    pub flag: Flag,
    /// The channel it stops; leave out to stop every channel (bankruptcy, deceased and
    /// cease and desist always stop every one).
    pub channel: Option<Channel>,
    #[validate(length(min = 1, max = 1000))]
    #[schema(min_length = 1, max_length = 1000)]
    #[schema(example = "Cease-and-desist letter received 2026-11-30.")]
    pub reason: String,
}

/// Block contact with the account's debtor on a channel, or on all. Audited.
#[utoipa::path(
    tag = "accounts",
    operation_id = "createContactBlock",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Account id")),
    request_body = NewBlock,
    responses(
        (status = 201, description = "The block, in force", body = ContactBlock),
        (status = 400, response = responses::BadRequest),
        (status = 401, response = responses::Unauthorized),
        (status = 403, response = responses::Forbidden),
        (status = 404, response = responses::NotFound),
        (status = 422, response = responses::Invalid),
    )
)]
#[post("/accounts/{id}/contact-blocks")]
pub async fn block(
    user: AuthUser,
    id: web::Path<Uuid>,
    body: Json<NewBlock>,
    db: web::Data<PgPool>,
    clock: web::Data<Clock>,
) -> Result<HttpResponse, ApiError> {
    user.require(Operation::ManageContactBlocks)?;
    let body = body.into_inner()?;
    let mut tx = db::begin(&db, user.scope()).await?;
    let actor = Actor::from(&user);
    let row = service::set_block(&mut tx, &actor, *id, body.flag, body.channel, &body.reason, clock.now()).await?;
    tx.commit().await?;
    Ok(HttpResponse::Created().json(ContactBlock::from(row)))
}

/// Clear a block on the account's debtor: the channel opens again. Audited.
#[utoipa::path(
    tag = "accounts",
    operation_id = "clearContactBlock",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Account id"), ("block_id" = Uuid, Path, description = "Block id")),
    responses(
        (status = 200, description = "The block, cleared", body = ContactBlock),
        (status = 401, response = responses::Unauthorized),
        (status = 403, response = responses::Forbidden),
        (status = 404, response = responses::NotFound),
    )
)]
#[post("/accounts/{id}/contact-blocks/{block_id}/clear")]
pub async fn clear(
    user: AuthUser,
    path: web::Path<(Uuid, Uuid)>,
    db: web::Data<PgPool>,
    clock: web::Data<Clock>,
) -> Result<HttpResponse, ApiError> {
    user.require(Operation::ManageContactBlocks)?;
    let (id, block_id) = path.into_inner();
    let mut tx = db::begin(&db, user.scope()).await?;
    let row = service::clear_block(&mut tx, &Actor::from(&user), id, block_id, clock.now()).await?;
    tx.commit().await?;
    Ok(HttpResponse::Ok().json(ContactBlock::from(row)))
}

/// The blocks on the account's debtor: those in force first, then the cleared ones.
#[utoipa::path(
    tag = "accounts",
    operation_id = "listContactBlocks",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Account id")),
    responses(
        (status = 200, description = "The debtor's blocks", body = Vec<ContactBlock>),
        (status = 401, response = responses::Unauthorized),
        (status = 403, response = responses::Forbidden),
        (status = 404, response = responses::NotFound),
    )
)]
#[get("/accounts/{id}/contact-blocks")]
pub async fn blocks(
    user: AuthUser,
    id: web::Path<Uuid>,
    db: web::Data<PgPool>,
    clock: web::Data<Clock>,
) -> Result<HttpResponse, ApiError> {
    user.require(Operation::ReadAccounts)?;
    let mut tx = db::begin(&db, user.scope()).await?;
    let rows = service::blocks(&mut tx, &Actor::from(&user), *id, clock.now()).await?;
    tx.commit().await?;
    Ok(HttpResponse::Ok().json(rows.into_iter().map(ContactBlock::from).collect::<Vec<_>>()))
}
