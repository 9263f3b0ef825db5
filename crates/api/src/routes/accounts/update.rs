use super::{reach, Account, AccountDetail};
use crate::{
    audit::{self, Actor, Change},
    auth::{policy::Operation, AuthUser},
    clock::Clock,
    crypto::FieldCipher,
    db,
    edge::json::Json,
    problem::{responses, ApiError},
    store::{self, accounts::AccountChanges},
};
use actix_web::{patch, web, HttpResponse};
use chrono::NaiveDate;
use debtflow_domain::Priority;
use serde::{de::IgnoredAny, Deserialize};
use sqlx::PgPool;
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

/// Contact data, priority and due date. Status, balances, days past due, bucket and
/// collector are computed or changed by their own operations: naming one is a 422.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AccountPatch {
    pub priority: Option<Priority>,
    pub due_date: Option<NaiveDate>,
    #[validate(length(min = 1, max = 40))]
    pub phone: Option<String>,
    #[validate(email)]
    pub email: Option<String>,
    #[validate(length(min = 1, max = 500))]
    pub address: Option<String>,
    #[schema(ignore)]
    status: Option<IgnoredAny>,
    #[schema(ignore)]
    current_balance: Option<IgnoredAny>,
    #[schema(ignore)]
    original_balance: Option<IgnoredAny>,
    #[schema(ignore)]
    days_past_due: Option<IgnoredAny>,
    #[schema(ignore)]
    bucket: Option<IgnoredAny>,
    #[schema(ignore)]
    collector_id: Option<IgnoredAny>,
}

impl AccountPatch {
    /// The first read-only field the body names.
    fn read_only_field(&self) -> Option<&'static str> {
        [
            ("status", self.status.is_some()),
            ("current_balance", self.current_balance.is_some()),
            ("original_balance", self.original_balance.is_some()),
            ("days_past_due", self.days_past_due.is_some()),
            ("bucket", self.bucket.is_some()),
            ("collector_id", self.collector_id.is_some()),
        ]
        .into_iter()
        .find_map(|(name, named)| named.then_some(name))
    }
}

/// Change an account's contact data, priority or due date.
#[utoipa::path(
    tag = "accounts",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Account id")),
    request_body = AccountPatch,
    responses(
        (status = 200, description = "The account as changed", body = AccountDetail),
        (status = 400, response = responses::BadRequest),
        (status = 401, response = responses::Unauthorized),
        (status = 403, response = responses::Forbidden),
        (status = 404, response = responses::NotFound),
        (status = 422, response = responses::Invalid),
    )
)]
#[patch("/accounts/{id}")]
pub async fn update(
    user: AuthUser,
    id: web::Path<Uuid>,
    body: Json<AccountPatch>,
    db: web::Data<PgPool>,
    cipher: web::Data<FieldCipher>,
    clock: web::Data<Clock>,
) -> Result<HttpResponse, ApiError> {
    user.require(Operation::WorkAccount)?;
    let patch = body.into_inner();
    if let Some(field) = patch.read_only_field() {
        return Err(ApiError::field(field, "is computed by DebtFlow and read-only"));
    }
    let mut tx = db::begin(&db, user.scope()).await?;
    let row = store::accounts::get(&mut tx, reach(&user), *id, true).await?.ok_or(ApiError::NotFound)?;
    let (agency_id, debtor_id) = (row.agency_id, row.debtor_id);
    let before = Account::from_row(row, &cipher);
    let changes = AccountChanges {
        priority: patch.priority,
        due_date: patch.due_date,
        phone: patch.phone.as_deref(),
        email: patch.email.as_deref(),
        address: patch.address.as_deref(),
    };
    store::accounts::update(&mut tx, agency_id, *id, debtor_id, &changes).await?;
    let after = super::get::detail(&mut tx, &user, *id, &cipher, clock.now()).await?;
    let change =
        Change::updated("account.update", "account", *id, &before.audit_snapshot(), &after.account.audit_snapshot());
    audit::record(&mut tx, &Actor::from(&user), change.in_agency(Some(agency_id))).await?;
    tx.commit().await?;
    Ok(HttpResponse::Ok().json(after))
}
