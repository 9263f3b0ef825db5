//! `POST /accounts`: a debtor and their account (`services::accounts::create`).

use super::Account;
use crate::{
    audit::Actor,
    auth::{policy::Operation, AuthUser},
    clock::Clock,
    crypto::FieldCipher,
    db,
    edge::json::Json,
    problem::{responses, ApiError},
    services::accounts::create as service,
};
use actix_web::{post, web, HttpResponse};
use debtflow_domain::date::BusinessDate;
use debtflow_domain::decimal::PlainDecimal;
use debtflow_domain::Priority;
use serde::Deserialize;
use sqlx::PgPool;
use utoipa::ToSchema;
use validator::Validate;

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewDebtor {
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub full_name: String,
    #[validate(length(max = 40))]
    #[schema(max_length = 40)]
    pub phone: Option<String>,
    #[validate(email)]
    pub email: Option<String>,
    #[validate(length(max = 500))]
    #[schema(max_length = 500)]
    pub address: Option<String>,
    pub date_of_birth: Option<BusinessDate>,
    /// The last four digits of the SSN; stored encrypted, shown masked.
    #[validate(length(equal = 4), custom(function = "digits"))]
    #[schema(pattern = "^[0-9]{4}$")]
    pub ssn_last4: Option<String>,
    /// The creditor's own reference of the debtor.
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100)]
    pub external_ref: Option<String>,
}

fn digits(s: &str) -> Result<(), validator::ValidationError> {
    if s.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(validator::ValidationError::new("digits").with_message("must be digits".into()))
    }
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewAccount {
    /// The creditor's reference; unique within the agency.
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100)]
    pub external_ref: String,
    /// A decimal string in the agency's currency, e.g. `"1250.00"`.
    #[schema(example = "1250.00")]
    pub original_balance: PlainDecimal,
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub creditor: String,
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub original_creditor: Option<String>,
    /// The first missed payment.
    pub delinquency_date: BusinessDate,
    pub due_date: Option<BusinessDate>,
    /// 0 (lowest) to 3; default 0.
    pub priority: Option<Priority>,
    #[validate(nested)]
    pub debtor: NewDebtor,
}

/// Create a debtor and their account, in the agency's currency, status `new`.
#[utoipa::path(
    tag = "accounts",
    operation_id = "createAccount",
    security(("bearer" = [])),
    request_body = NewAccount,
    responses(
        (status = 201, description = "The account created", body = Account),
        (status = 400, response = responses::BadRequest),
        (status = 401, response = responses::Unauthorized),
        (status = 403, response = responses::Forbidden),
        (status = 409, response = responses::Conflict),
        (status = 422, response = responses::Invalid),
    )
)]
#[post("/accounts")]
pub async fn create(
    user: AuthUser,
    body: Json<NewAccount>,
    db: web::Data<PgPool>,
    clock: web::Data<Clock>,
    cipher: web::Data<FieldCipher>,
) -> Result<HttpResponse, ApiError> {
    user.require(Operation::CreateAccount)?;
    let new = body.into_inner()?;
    let d = new.debtor;
    let cmd = service::NewAccount {
        external_ref: new.external_ref,
        original_balance: new.original_balance.0,
        creditor: new.creditor,
        original_creditor: new.original_creditor,
        delinquency_date: new.delinquency_date.0,
        due_date: new.due_date.map(Into::into),
        priority: new.priority.unwrap_or_default(),
        debtor: service::NewDebtor {
            full_name: d.full_name,
            phone: d.phone,
            email: d.email,
            address: d.address,
            date_of_birth: d.date_of_birth.map(Into::into),
            ssn_last4_enc: d.ssn_last4.as_deref().map(|s| cipher.encrypt(s)),
            external_ref: d.external_ref,
        },
    };
    let mut tx = db::begin(&db, user.scope()).await?;
    let row = service::create(&mut tx, &Actor::from(&user), cmd, clock.now()).await?;
    tx.commit().await?;
    Ok(HttpResponse::Created().json(crate::routes::accounts::account(row, &cipher)))
}
