use super::Account;
use crate::{
    audit::{self, Actor, Change},
    auth::{policy::Operation, AuthUser},
    crypto::FieldCipher,
    db,
    edge::json::Json,
    problem::{responses, ApiError},
    services::Refusal,
    store::{
        self,
        account_events::NewEvent,
        accounts::{NewAccount as NewAccountRow, NewDebtor as NewDebtorRow, Reach},
        ledger::Links,
    },
};
use actix_web::{post, web, HttpResponse};
use chrono::NaiveDate;
use debtflow_domain::{
    ledger::{Entry, EntryKind},
    Currency, Money, Priority,
};
use rust_decimal::Decimal;
use serde::Deserialize;
use sqlx::PgPool;
use utoipa::ToSchema;
use validator::Validate;

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewDebtor {
    #[validate(length(min = 1, max = 200))]
    pub full_name: String,
    #[validate(length(max = 40))]
    pub phone: Option<String>,
    #[validate(email)]
    pub email: Option<String>,
    #[validate(length(max = 500))]
    pub address: Option<String>,
    pub date_of_birth: Option<NaiveDate>,
    /// The last four digits of the SSN; stored encrypted, shown masked.
    #[validate(length(equal = 4), custom(function = "digits"))]
    pub ssn_last4: Option<String>,
    /// The creditor's own reference of the debtor.
    #[validate(length(min = 1, max = 100))]
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
    pub external_ref: String,
    /// A decimal string in the agency's currency, e.g. `"1250.00"`.
    #[schema(value_type = String, example = "1250.00")]
    pub original_balance: Decimal,
    #[validate(length(min = 1, max = 200))]
    pub creditor: String,
    #[validate(length(min = 1, max = 200))]
    pub original_creditor: Option<String>,
    /// The first missed payment.
    pub delinquency_date: NaiveDate,
    pub due_date: Option<NaiveDate>,
    /// 0 (lowest) to 3; default 0.
    pub priority: Option<Priority>,
    #[validate(nested)]
    pub debtor: NewDebtor,
}

/// Create a debtor and their account, in the agency's currency, status `new`.
#[utoipa::path(
    tag = "accounts",
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
    cipher: web::Data<FieldCipher>,
) -> Result<HttpResponse, ApiError> {
    user.require(Operation::CreateAccount)?;
    let new = body.into_inner();
    let agency_id = user.agency_id.ok_or(ApiError::Forbidden)?;
    let mut tx = db::begin(&db, user.scope()).await?;
    let agency = store::agencies::get(&mut tx, Some(agency_id), agency_id).await?.ok_or(ApiError::NotFound)?;
    let currency = Currency::parse(&agency.currency).map_err(ApiError::internal)?;
    let balance =
        Money::new(new.original_balance, currency).map_err(|e| ApiError::field("original_balance", e.to_string()))?;
    if !balance.is_positive() {
        return Err(ApiError::field("original_balance", "must be greater than zero"));
    }
    let today = store::agencies::today(&mut tx, agency_id).await?;
    if new.delinquency_date > today {
        return Err(ApiError::field("delinquency_date", "must not be in the future"));
    }
    let d = &new.debtor;
    let row = NewAccountRow {
        agency_id,
        external_ref: new.external_ref.trim(),
        creditor: new.creditor.trim(),
        original_creditor: new.original_creditor.as_deref(),
        original_balance: balance.amount(),
        currency: currency.code(),
        priority: new.priority.unwrap_or_default(),
        delinquency_date: new.delinquency_date,
        due_date: new.due_date,
        debtor: NewDebtorRow {
            full_name: d.full_name.trim(),
            phone: d.phone.as_deref(),
            email: d.email.as_deref(),
            address: d.address.as_deref(),
            date_of_birth: d.date_of_birth,
            ssn_last4_enc: d.ssn_last4.as_deref().map(|s| cipher.encrypt(s)),
            external_ref: d.external_ref.as_deref(),
        },
    };
    let id = store::accounts::insert(&mut tx, &row)
        .await?
        .ok_or_else(|| Refusal::DuplicateAccountReference { external_ref: row.external_ref.to_owned() })?;
    let opening = Entry::of(EntryKind::Opening, balance)?;
    store::ledger::post(&mut tx, agency_id, id, &opening, Links::default()).await?;
    let reach = Reach { agency_id: Some(agency_id), collector_id: None };
    let account = store::accounts::get(&mut tx, reach, id, false).await?.ok_or(ApiError::NotFound)?;
    let account = Account::from_row(account, &cipher);
    let event = NewEvent {
        agency_id,
        account_id: id,
        kind: "created",
        actor_id: Some(user.id),
        body: None,
        data: serde_json::json!({}),
    };
    store::account_events::insert(&mut tx, &event).await?;
    audit::record(
        &mut tx,
        &Actor::from(&user),
        Change::created("account.create", "account", id, account.audit_snapshot()),
    )
    .await?;
    tx.commit().await?;
    Ok(HttpResponse::Created().json(account))
}
