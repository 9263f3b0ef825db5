//! `/accounts/{id}/validation-notice`: the Regulation F validation notice — sent once
//! (`services::accounts::validation`), read back as data or as the letter (PDF).

use crate::{
    audit::Actor,
    auth::{policy::Operation, AuthUser},
    clock::Clock,
    db,
    letters::validation_notice::{self as letters, ValidationNotice as Letter},
    problem::{responses, ApiError},
    services::{accounts::validation as service, ServiceError},
    store::validation_notices::NoticeRow,
};
use actix_web::{get, http::header, post, web, HttpResponse};
use debtflow_domain::{
    contact::{Channel, Direction},
    Currency,
};
pub use debtflow_wire::accounts::{NoticeItemization, ValidationNotice};
use sqlx::PgPool;
use uuid::Uuid;

fn notice(r: NoticeRow, currency: &str) -> ValidationNotice {
    let money = |d| super::super::amount(d, currency);
    ValidationNotice {
        account_id: r.account_id,
        sent_on: r.sent_on,
        period_ends_on: r.period_ends_on,
        contact_id: r.contact_id,
        itemization: NoticeItemization {
            date: r.itemization_date,
            owed_then: money(r.owed_then),
            interest: money(r.interest),
            fees: money(r.fees),
            credits: money(r.credits),
            owed_now: money(r.owed_now),
        },
        sent_by: r.sent_by,
        created_at: r.created_at,
    }
}

/// Send the account's validation notice today: the letter is recorded as an outbound
/// letter attempt (a block on the debtor's letters refuses it, 409 `contact-flag`) and
/// the validation period starts — it ends five business days (for the post) and 30 days
/// later. A dispute within it moves the account to `disputed` and blocks contact until
/// the dispute is resolved. Once per account (409 `validation-notice-sent`).
#[utoipa::path(
    tag = "accounts",
    operation_id = "sendValidationNotice",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Account id")),
    responses(
        (status = 201, description = "The notice, sent", body = ValidationNotice),
        (status = 401, response = responses::Unauthorized),
        (status = 403, response = responses::Forbidden),
        (status = 404, response = responses::NotFound),
        (status = 409, response = responses::Conflict),
    )
)]
#[post("/accounts/{id}/validation-notice")]
pub async fn send(
    user: AuthUser,
    id: web::Path<Uuid>,
    db: web::Data<PgPool>,
    clock: web::Data<Clock>,
) -> Result<HttpResponse, ApiError> {
    user.require(Operation::WorkAccount)?;
    let actor = Actor::from(&user);
    let mut tx = db::begin(&db, user.scope()).await?;
    match service::send(&mut tx, &actor, *id, clock.now()).await {
        Ok((row, currency)) => {
            tx.commit().await?;
            Ok(HttpResponse::Created().json(notice(row, &currency)))
        }
        Err(ServiceError::Refused(refusal)) => {
            tx.rollback().await?;
            Err(super::contacts::refused(&db, &user, *id, (Channel::Letter, Direction::Outbound), refusal).await)
        }
        Err(e) => Err(e.into()),
    }
}

/// The account's validation notice as sent: dates and itemisation.
#[utoipa::path(
    tag = "accounts",
    operation_id = "getValidationNotice",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Account id")),
    responses(
        (status = 200, description = "The notice", body = ValidationNotice),
        (status = 401, response = responses::Unauthorized),
        (status = 403, response = responses::Forbidden),
        (status = 404, response = responses::NotFound),
    )
)]
#[get("/accounts/{id}/validation-notice")]
pub async fn get(
    user: AuthUser,
    id: web::Path<Uuid>,
    db: web::Data<PgPool>,
    clock: web::Data<Clock>,
) -> Result<HttpResponse, ApiError> {
    user.require(Operation::ReadAccounts)?;
    let mut tx = db::begin(&db, user.scope()).await?;
    let (row, account, _) = service::get(&mut tx, &Actor::from(&user), *id, clock.now()).await?;
    tx.commit().await?;
    Ok(HttpResponse::Ok().json(notice(row, &account.currency)))
}

/// The validation notice letter as sent (PDF, A4): the model form's content — the
/// collector, the creditor and account, the itemisation, the validation period's end
/// date and how to dispute, with a tear-off response form.
#[utoipa::path(
    tag = "accounts",
    operation_id = "downloadValidationNoticeLetter",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Account id")),
    responses(
        (status = 200, description = "The letter", content_type = "application/pdf", body = Vec<u8>),
        (status = 401, response = responses::Unauthorized),
        (status = 403, response = responses::Forbidden),
        (status = 404, response = responses::NotFound),
    )
)]
#[get("/accounts/{id}/validation-notice/letter")]
pub async fn letter(
    user: AuthUser,
    id: web::Path<Uuid>,
    db: web::Data<PgPool>,
    clock: web::Data<Clock>,
) -> Result<HttpResponse, ApiError> {
    user.require(Operation::ReadAccounts)?;
    let mut tx = db::begin(&db, user.scope()).await?;
    let (row, account, agency) = service::get(&mut tx, &Actor::from(&user), *id, clock.now()).await?;
    tx.commit().await?;
    let currency = Currency::parse(&account.currency).map_err(ApiError::internal)?;
    let document = letters::render(&Letter {
        agency: &agency.name,
        licence_number: &agency.licence_number,
        sent_on: row.sent_on,
        debtor_name: &account.debtor_full_name,
        debtor_address: account.debtor_address.as_deref(),
        creditor: &account.creditor,
        original_creditor: account.original_creditor.as_deref(),
        account_ref: &account.external_ref,
        currency,
        itemization: row.itemization(),
        period_ends_on: row.period_ends_on,
    });
    let file = format!("attachment; filename=\"validation-notice-{}.pdf\"", account.external_ref.replace('"', ""));
    Ok(HttpResponse::Ok()
        .content_type("application/pdf")
        .insert_header((header::CONTENT_DISPOSITION, file))
        .body(document))
}
