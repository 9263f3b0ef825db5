//! `/accounts/{id}/legal-cases` and `/legal-cases/{id}`: legal cases and their
//! hearings (`services::remedial::legal_cases`). Every role reading the account reads
//! its cases; managers and agency admins draft, file, judge and close them.

use crate::{
    audit::Actor,
    auth::{policy::Operation, AuthUser},
    clock::Clock,
    db,
    edge::json::Json,
    problem::{responses, ApiError},
    services::remedial::legal_cases::{self as service, Case, NewHearing, Particulars},
    store::legal_cases::HearingRow,
};
use actix_web::{delete, get, patch, post, web, HttpResponse};
use debtflow_domain::date::BusinessDate;
use debtflow_domain::date::Timestamp;
use debtflow_domain::decimal::PlainDecimal;
use debtflow_domain::remedial::legal::CaseOutcome;
pub use debtflow_wire::remedial::{Hearing, LegalCase};
use rust_decimal::Decimal;
use serde::Deserialize;
use sqlx::PgPool;
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

pub fn configure(cfg: &mut actix_web::web::ServiceConfig) {
    cfg.service(list)
        .service(create)
        .service(get)
        .service(update)
        .service(remove)
        .service(file)
        .service(judgment)
        .service(close)
        .service(schedule_hearing)
        .service(hearing_outcome);
}

impl From<HearingRow> for Hearing {
    fn from(h: HearingRow) -> Self {
        Hearing {
            id: h.id,
            case_id: h.case_id,
            starts_at: h.starts_at,
            venue: h.venue,
            purpose: h.purpose,
            outcome: h.outcome,
            next_step: h.next_step,
            scheduled_by: h.scheduled_by,
            scheduled_at: h.scheduled_at,
            recorded_by: h.recorded_by,
            recorded_at: h.recorded_at,
        }
    }
}

impl From<Case> for LegalCase {
    fn from(Case { row: r, hearings }: Case) -> Self {
        LegalCase {
            id: r.id,
            account_id: r.account_id,
            status: r.status,
            court: r.court,
            case_number: r.case_number,
            counsel: r.counsel,
            amount_claimed: crate::routes::amount(r.amount_claimed, &r.currency),
            currency: r.currency,
            filed_on: r.filed_on,
            judgment_on: r.judgment_on,
            outcome: r.outcome,
            closed_on: r.closed_on,
            next_hearing_at: r.next_hearing_at,
            notes: r.notes,
            created_by: r.created_by,
            created_by_name: r.created_by_name,
            created_at: r.created_at,
            updated_at: r.updated_at,
            hearings: hearings.into_iter().map(Hearing::from).collect(),
        }
    }
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewLegalCase {
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    #[schema(example = "Circuit Court of Cook County")]
    pub court: String,
    /// Known once filed; required to file.
    #[validate(length(max = 100))]
    #[schema(max_length = 100)]
    pub case_number: Option<String>,
    #[validate(length(max = 200))]
    #[schema(max_length = 200)]
    #[schema(example = "Hollis & Reed LLP")]
    pub counsel: Option<String>,
    /// A decimal string in the account's currency, greater than zero.
    #[schema(example = "4250.00")]
    pub amount_claimed: PlainDecimal,
    #[validate(length(max = 2000))]
    #[schema(max_length = 2000)]
    pub notes: Option<String>,
}

/// A draft's particulars to change; a key left out keeps its value, an empty string
/// clears an optional one.
#[derive(Debug, Default, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LegalCaseChanges {
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub court: Option<String>,
    #[validate(length(max = 100))]
    #[schema(max_length = 100)]
    pub case_number: Option<String>,
    #[validate(length(max = 200))]
    #[schema(max_length = 200)]
    pub counsel: Option<String>,
    #[schema(example = "4250.00")]
    pub amount_claimed: Option<PlainDecimal>,
    #[validate(length(max = 2000))]
    #[schema(max_length = 2000)]
    pub notes: Option<String>,
}

impl From<LegalCaseChanges> for Particulars {
    fn from(c: LegalCaseChanges) -> Self {
        Particulars {
            court: c.court,
            case_number: c.case_number,
            counsel: c.counsel,
            amount_claimed: c.amount_claimed.map(Decimal::from),
            notes: c.notes,
        }
    }
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FileCase {
    /// Given now if the draft has none yet (or to correct it).
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100)]
    #[schema(example = "2026-M1-004512")]
    pub case_number: Option<String>,
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub court: Option<String>,
    /// Not after today (the agency's).
    pub filed_on: BusinessDate,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Judgment {
    /// `judgment_for_creditor` or `judgment_for_debtor`.
    pub outcome: CaseOutcome,
    /// From the filing to today.
    pub judgment_on: BusinessDate,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CloseCase {
    /// Required without a judgment (`settled`, `withdrawn`, `dismissed`); after one, the
    /// case closes with the judgment.
    pub outcome: Option<CaseOutcome>,
    #[validate(length(max = 1000))]
    #[schema(max_length = 1000)]
    pub note: Option<String>,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewHearingRequest {
    /// From the day the case was filed on.
    pub starts_at: Timestamp,
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    #[schema(example = "Courtroom 1402, Daley Center")]
    pub venue: String,
    #[validate(length(min = 1, max = 500))]
    #[schema(min_length = 1, max_length = 500)]
    #[schema(example = "Pre-trial conference")]
    pub purpose: String,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HearingOutcome {
    #[validate(length(min = 1, max = 2000))]
    #[schema(min_length = 1, max_length = 2000)]
    #[schema(example = "Continued: the debtor asked for time to retain counsel.")]
    pub outcome: String,
    #[validate(length(max = 1000))]
    #[schema(max_length = 1000)]
    #[schema(example = "File the motion for summary judgment.")]
    pub next_step: Option<String>,
}

/// The account's legal cases, the newest first, each with its hearings.
#[utoipa::path(
    tag = "remedial",
    operation_id = "listLegalCases",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Account id")),
    responses(
        (status = 200, description = "The cases", body = Vec<LegalCase>),
        (status = 401, response = responses::Unauthorized),
        (status = 403, response = responses::Forbidden),
        (status = 404, response = responses::NotFound),
    )
)]
#[get("/accounts/{id}/legal-cases")]
pub async fn list(
    user: AuthUser,
    id: web::Path<Uuid>,
    db: web::Data<PgPool>,
    clock: web::Data<Clock>,
) -> Result<HttpResponse, ApiError> {
    user.require(Operation::ReadAccounts)?;
    let mut tx = db::begin(&db, user.scope()).await?;
    let cases = service::list(&mut tx, &Actor::from(&user), *id, clock.now()).await?;
    tx.commit().await?;
    Ok(HttpResponse::Ok().json(cases.into_iter().map(LegalCase::from).collect::<Vec<_>>()))
}

/// Draft a legal case on an open account (a manager's: seed 000's Branch Manager).
#[utoipa::path(
    tag = "remedial",
    operation_id = "createLegalCase",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Account id")),
    request_body = NewLegalCase,
    responses(
        (status = 201, description = "The draft", body = LegalCase),
        (status = 400, response = responses::BadRequest),
        (status = 401, response = responses::Unauthorized),
        (status = 403, response = responses::Forbidden),
        (status = 404, response = responses::NotFound),
        (status = 409, response = responses::Conflict),
        (status = 422, response = responses::Invalid),
    )
)]
#[post("/accounts/{id}/legal-cases")]
pub async fn create(
    user: AuthUser,
    id: web::Path<Uuid>,
    body: Json<NewLegalCase>,
    db: web::Data<PgPool>,
    clock: web::Data<Clock>,
) -> Result<HttpResponse, ApiError> {
    user.require(Operation::ManageLegalCases)?;
    let b = body.into_inner()?;
    let p = Particulars {
        court: Some(b.court),
        case_number: b.case_number,
        counsel: b.counsel,
        amount_claimed: Some(b.amount_claimed.0),
        notes: b.notes,
    };
    let mut tx = db::begin(&db, user.scope()).await?;
    let case = service::draft(&mut tx, &Actor::from(&user), *id, p, clock.now()).await?;
    tx.commit().await?;
    Ok(HttpResponse::Created().json(LegalCase::from(case)))
}

/// A legal case with its hearings.
#[utoipa::path(
    tag = "remedial",
    operation_id = "getLegalCase",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Legal case id")),
    responses(
        (status = 200, description = "The case", body = LegalCase),
        (status = 401, response = responses::Unauthorized),
        (status = 403, response = responses::Forbidden),
        (status = 404, response = responses::NotFound),
    )
)]
#[get("/legal-cases/{id}")]
pub async fn get(
    user: AuthUser,
    id: web::Path<Uuid>,
    db: web::Data<PgPool>,
    clock: web::Data<Clock>,
) -> Result<HttpResponse, ApiError> {
    user.require(Operation::ReadAccounts)?;
    let mut tx = db::begin(&db, user.scope()).await?;
    let case = service::get(&mut tx, &Actor::from(&user), *id, clock.now()).await?;
    tx.commit().await?;
    Ok(HttpResponse::Ok().json(LegalCase::from(case)))
}

/// Change a draft case's particulars (a filed case's are the court's record).
#[utoipa::path(
    tag = "remedial",
    operation_id = "updateLegalCase",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Legal case id")),
    request_body = LegalCaseChanges,
    responses(
        (status = 200, description = "The draft", body = LegalCase),
        (status = 400, response = responses::BadRequest),
        (status = 401, response = responses::Unauthorized),
        (status = 403, response = responses::Forbidden),
        (status = 404, response = responses::NotFound),
        (status = 409, response = responses::Conflict),
        (status = 422, response = responses::Invalid),
    )
)]
#[patch("/legal-cases/{id}")]
pub async fn update(
    user: AuthUser,
    id: web::Path<Uuid>,
    body: Json<LegalCaseChanges>,
    db: web::Data<PgPool>,
    clock: web::Data<Clock>,
) -> Result<HttpResponse, ApiError> {
    user.require(Operation::ManageLegalCases)?;
    let mut tx = db::begin(&db, user.scope()).await?;
    let case = service::edit(&mut tx, &Actor::from(&user), *id, body.into_inner()?.into(), clock.now()).await?;
    tx.commit().await?;
    Ok(HttpResponse::Ok().json(LegalCase::from(case)))
}

/// Delete a draft case (kept, hidden: `GET` no longer finds it).
#[utoipa::path(
    tag = "remedial",
    operation_id = "deleteLegalCase",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Legal case id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, response = responses::Unauthorized),
        (status = 403, response = responses::Forbidden),
        (status = 404, response = responses::NotFound),
        (status = 409, response = responses::Conflict),
    )
)]
#[delete("/legal-cases/{id}")]
pub async fn remove(
    user: AuthUser,
    id: web::Path<Uuid>,
    db: web::Data<PgPool>,
    clock: web::Data<Clock>,
) -> Result<HttpResponse, ApiError> {
    user.require(Operation::ManageLegalCases)?;
    let mut tx = db::begin(&db, user.scope()).await?;
    service::delete(&mut tx, &Actor::from(&user), *id, clock.now()).await?;
    tx.commit().await?;
    Ok(HttpResponse::NoContent().finish())
}

/// File a draft case: its court and case number (unique in the court for the agency)
/// and the day it was filed.
#[utoipa::path(
    tag = "remedial",
    operation_id = "fileLegalCase",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Legal case id")),
    request_body = FileCase,
    responses(
        (status = 200, description = "The case, filed", body = LegalCase),
        (status = 400, response = responses::BadRequest),
        (status = 401, response = responses::Unauthorized),
        (status = 403, response = responses::Forbidden),
        (status = 404, response = responses::NotFound),
        (status = 409, response = responses::Conflict),
        (status = 422, response = responses::Invalid),
    )
)]
#[post("/legal-cases/{id}/file")]
pub async fn file(
    user: AuthUser,
    id: web::Path<Uuid>,
    body: Json<FileCase>,
    db: web::Data<PgPool>,
    clock: web::Data<Clock>,
) -> Result<HttpResponse, ApiError> {
    user.require(Operation::ManageLegalCases)?;
    let b = body.into_inner()?;
    let p = Particulars { court: b.court, case_number: b.case_number, ..Particulars::default() };
    let mut tx = db::begin(&db, user.scope()).await?;
    let case = service::file(&mut tx, &Actor::from(&user), *id, p, b.filed_on.0, clock.now()).await?;
    tx.commit().await?;
    Ok(HttpResponse::Ok().json(LegalCase::from(case)))
}

/// Record the court's judgment on a filed case.
#[utoipa::path(
    tag = "remedial",
    operation_id = "recordJudgment",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Legal case id")),
    request_body = Judgment,
    responses(
        (status = 200, description = "The case, judged", body = LegalCase),
        (status = 400, response = responses::BadRequest),
        (status = 401, response = responses::Unauthorized),
        (status = 403, response = responses::Forbidden),
        (status = 404, response = responses::NotFound),
        (status = 409, response = responses::Conflict),
        (status = 422, response = responses::Invalid),
    )
)]
#[post("/legal-cases/{id}/judgment")]
pub async fn judgment(
    user: AuthUser,
    id: web::Path<Uuid>,
    body: Json<Judgment>,
    db: web::Data<PgPool>,
    clock: web::Data<Clock>,
) -> Result<HttpResponse, ApiError> {
    user.require(Operation::ManageLegalCases)?;
    let b = body.into_inner()?;
    let mut tx = db::begin(&db, user.scope()).await?;
    let case = service::judge(&mut tx, &Actor::from(&user), *id, b.outcome, b.judgment_on.0, clock.now()).await?;
    tx.commit().await?;
    Ok(HttpResponse::Ok().json(LegalCase::from(case)))
}

/// Close a filed case: with its judgment, or with how it ended without one. Final.
#[utoipa::path(
    tag = "remedial",
    operation_id = "closeLegalCase",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Legal case id")),
    request_body = CloseCase,
    responses(
        (status = 200, description = "The case, closed", body = LegalCase),
        (status = 400, response = responses::BadRequest),
        (status = 401, response = responses::Unauthorized),
        (status = 403, response = responses::Forbidden),
        (status = 404, response = responses::NotFound),
        (status = 409, response = responses::Conflict),
        (status = 422, response = responses::Invalid),
    )
)]
#[post("/legal-cases/{id}/close")]
pub async fn close(
    user: AuthUser,
    id: web::Path<Uuid>,
    body: Json<CloseCase>,
    db: web::Data<PgPool>,
    clock: web::Data<Clock>,
) -> Result<HttpResponse, ApiError> {
    user.require(Operation::ManageLegalCases)?;
    let b = body.into_inner()?;
    let mut tx = db::begin(&db, user.scope()).await?;
    let case = service::close(&mut tx, &Actor::from(&user), *id, b.outcome, b.note.as_deref(), clock.now()).await?;
    tx.commit().await?;
    Ok(HttpResponse::Ok().json(LegalCase::from(case)))
}

/// Schedule a hearing of a filed case; the first puts it in hearing.
#[utoipa::path(
    tag = "remedial",
    operation_id = "scheduleHearing",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Legal case id")),
    request_body = NewHearingRequest,
    responses(
        (status = 201, description = "The case with the hearing", body = LegalCase),
        (status = 400, response = responses::BadRequest),
        (status = 401, response = responses::Unauthorized),
        (status = 403, response = responses::Forbidden),
        (status = 404, response = responses::NotFound),
        (status = 409, response = responses::Conflict),
        (status = 422, response = responses::Invalid),
    )
)]
#[post("/legal-cases/{id}/hearings")]
pub async fn schedule_hearing(
    user: AuthUser,
    id: web::Path<Uuid>,
    body: Json<NewHearingRequest>,
    db: web::Data<PgPool>,
    clock: web::Data<Clock>,
) -> Result<HttpResponse, ApiError> {
    user.require(Operation::ManageLegalCases)?;
    let b = body.into_inner()?;
    let h = NewHearing { starts_at: b.starts_at.0, venue: b.venue, purpose: b.purpose };
    let mut tx = db::begin(&db, user.scope()).await?;
    let case = service::schedule_hearing(&mut tx, &Actor::from(&user), *id, h, clock.now()).await?;
    tx.commit().await?;
    Ok(HttpResponse::Created().json(LegalCase::from(case)))
}

/// Record what came of a hearing once it has taken place, and the next step. Once.
#[utoipa::path(
    tag = "remedial",
    operation_id = "recordHearingOutcome",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Legal case id"), ("hearing_id" = Uuid, Path, description = "Hearing id")),
    request_body = HearingOutcome,
    responses(
        (status = 200, description = "The case with the hearing's outcome", body = LegalCase),
        (status = 400, response = responses::BadRequest),
        (status = 401, response = responses::Unauthorized),
        (status = 403, response = responses::Forbidden),
        (status = 404, response = responses::NotFound),
        (status = 409, response = responses::Conflict),
        (status = 422, response = responses::Invalid),
    )
)]
#[post("/legal-cases/{id}/hearings/{hearing_id}/outcome")]
pub async fn hearing_outcome(
    user: AuthUser,
    path: web::Path<(Uuid, Uuid)>,
    body: Json<HearingOutcome>,
    db: web::Data<PgPool>,
    clock: web::Data<Clock>,
) -> Result<HttpResponse, ApiError> {
    user.require(Operation::ManageLegalCases)?;
    let (id, hearing_id) = path.into_inner();
    let b = body.into_inner()?;
    let mut tx = db::begin(&db, user.scope()).await?;
    let actor = Actor::from(&user);
    let case =
        service::record_outcome(&mut tx, &actor, id, hearing_id, &b.outcome, b.next_step.as_deref(), clock.now())
            .await?;
    tx.commit().await?;
    Ok(HttpResponse::Ok().json(LegalCase::from(case)))
}
