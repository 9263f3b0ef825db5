use super::Payment;
use crate::{
    audit::{self, Actor, Change},
    auth::{policy::Operation, AuthUser},
    config::MoneySettings,
    edge::json::Json,
    idempotency::{self, Begin, IdempotencyKey},
    posting,
    problem::{responses, ApiError},
    routes::accounts::reach,
    services::Refusal,
    store::{self, notifications::NewNotification, payments::NewPayment as NewPaymentRow},
};
use actix_web::{http::StatusCode, post, web, HttpResponse};
use chrono::NaiveDate;
use debtflow_domain::{
    payment::{self, NewPayment as Intake, PaymentError, PaymentMethod, PaymentStatus},
    Money, Role,
};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use sqlx::{PgConnection, PgPool};
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

#[derive(Debug, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewPayment {
    pub account_id: Uuid,
    /// A decimal string in the account's currency, greater than zero and at most
    /// what the account still owes.
    #[schema(value_type = String, example = "125.50")]
    pub amount: Decimal,
    pub method: PaymentMethod,
    /// When the debtor paid: not in the future; more than the approval window
    /// (default 7 days) back, the payment waits for a manager's approval.
    pub paid_on: NaiveDate,
    /// The bank's UTR or the processor's payment id; unique within the agency.
    #[validate(length(min = 1, max = 255))]
    pub reference: Option<String>,
    /// Free-form details kept with the payment.
    #[schema(value_type = Option<Object>)]
    pub metadata: Option<serde_json::Map<String, serde_json::Value>>,
}

/// Record a payment. Cash, checks and bank transfers post at once (`completed`); a
/// card payment is `pending` until the processor confirms it; a payment dated more
/// than the approval window back is `pending_approval`, posts nothing, and notifies
/// the managers. Requires an `Idempotency-Key`: a retry replays the first answer.
#[utoipa::path(
    tag = "payments",
    security(("bearer" = [])),
    params(("Idempotency-Key" = String, Header, description = "Unique per payment; a retry with the same key and body replays the answer")),
    request_body = NewPayment,
    responses(
        (status = 201, description = "The payment recorded", body = Payment,
         headers(("Idempotent-Replayed" = String, description = "`true` when this is the saved answer of an earlier request"))),
        (status = 400, response = responses::BadRequest),
        (status = 401, response = responses::Unauthorized),
        (status = 403, response = responses::Forbidden),
        (status = 409, response = responses::Conflict),
        (status = 422, response = responses::Invalid),
    )
)]
#[post("/payments")]
pub async fn create(
    user: AuthUser,
    key: IdempotencyKey,
    body: Json<NewPayment>,
    db: web::Data<PgPool>,
    settings: web::Data<MoneySettings>,
) -> Result<HttpResponse, ApiError> {
    user.require(Operation::RecordPayment)?;
    let new = body.into_inner();
    let mut claim = match idempotency::begin(&db, &settings, &user, &key, &new).await? {
        Begin::Fresh(claim) => claim,
        Begin::Replay(saved) => return Ok(saved),
    };
    let tx = &mut *claim.tx;
    let mut account = store::accounts::lock_money(tx, reach(&user), new.account_id)
        .await?
        .ok_or_else(|| ApiError::field("account_id", "no such account"))?;
    let amount = Money::new(new.amount, account.currency()?).map_err(|e| ApiError::field("amount", e.to_string()))?;
    account.ensure_takes_payments()?;
    let pending = store::payments::pending_total(tx, account.agency_id, account.id, None).await?;
    let available = account.money(account.current_balance - pending)?;
    let intake = Intake { amount, method: new.method, paid_on: new.paid_on };
    let status = payment::intake(&intake, account.today, settings.approval_after_days, available).map_err(|e| {
        let field = if e == PaymentError::InFuture { "paid_on" } else { "amount" };
        posting::refused(field, e)
    })?;
    let reference = new.reference.as_deref().map(str::trim);
    let metadata = serde_json::Value::Object(new.metadata.clone().unwrap_or_default());
    let row = NewPaymentRow {
        agency_id: account.agency_id,
        account_id: account.id,
        amount: amount.amount(),
        currency: &account.currency,
        method: new.method,
        // Money in hand is inserted pending and completed by posting it, below.
        status: if status == PaymentStatus::Completed { PaymentStatus::Pending } else { status },
        paid_on: new.paid_on,
        reference,
        metadata: &metadata,
        recorded_by: user.id,
    };
    let Some(payment) = store::payments::insert(tx, &row).await? else {
        let existing = store::payments::by_reference(tx, account.agency_id, reference.unwrap_or_default()).await?;
        return Err(
            Refusal::DuplicateReference { reference: reference.unwrap_or_default().to_owned(), existing }.into()
        );
    };
    let actor = Actor::from(&user);
    match status {
        PaymentStatus::Completed => posting::post_payment(tx, &mut account, &payment, None, &actor).await?,
        PaymentStatus::PendingApproval => ask_for_approval(tx, &payment).await?,
        _ => {}
    }
    let payment = store::payments::get(tx, reach(&user), payment.id, false).await?.ok_or(ApiError::NotFound)?;
    let payment = Payment::from(payment);
    let snapshot = serde_json::to_value(&payment).map_err(ApiError::internal)?;
    audit::record(tx, &actor, Change::created("payment.create", "payment", payment.id, snapshot)).await?;
    idempotency::finish(claim, StatusCode::CREATED, &payment).await
}

/// Tells the agency's managers and admins that a backdated payment waits for them.
async fn ask_for_approval(tx: &mut PgConnection, payment: &store::payments::PaymentRow) -> Result<(), ApiError> {
    let deciders = store::users::active_with_roles(tx, payment.agency_id, &[Role::Manager, Role::AgencyAdmin]).await?;
    let body = format!(
        "A payment of {} {} dated {} needs approval before it posts.",
        super::super::amount(payment.amount, &payment.currency),
        payment.currency,
        payment.paid_on
    );
    for recipient in deciders {
        let key = format!("payment:{}:approval:{recipient}", payment.id);
        let notification = NewNotification {
            agency_id: payment.agency_id,
            recipient_id: recipient,
            kind: "payment_pending_approval",
            title: "Backdated payment to approve",
            body: &body,
            entity_type: Some("payment"),
            entity_id: Some(payment.id.to_string()),
            idempotency_key: &key,
        };
        store::notifications::insert(tx, &notification).await?;
    }
    Ok(())
}
