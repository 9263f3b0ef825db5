//! Proposing a plan (`POST /accounts/{id}/plans`) and changing a draft (`PATCH
//! /plans/{id}`): the same terms, checked the same way.

use super::Plan;
use crate::{
    audit::{self, Actor, Change},
    auth::{policy::Operation, AuthUser},
    config::MoneySettings,
    db,
    edge::json::Json,
    idempotency::{self, Begin, IdempotencyKey},
    problem::{responses, ApiError},
    routes::accounts::reach,
    services::{Entity, Refusal},
    store::{
        self,
        accounts::MoneyAccount,
        plans::{NewPlan, PlanRow},
    },
};
use actix_web::{http::StatusCode, patch, post, web, HttpResponse};
use chrono::NaiveDate;
use debtflow_domain::{
    plan::{self, Frequency, Installment, PlanError, PlanStatus, Terms},
    Money,
};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use sqlx::{PgConnection, PgPool};
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

/// A plan's terms: a total and either a generated schedule (`installments`,
/// `frequency`, `first_due_date`) or one entered by hand (`schedule`).
#[derive(Debug, Clone, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanTerms {
    /// At most the balance; below it is a settlement discount, written off when the
    /// plan completes.
    #[schema(value_type = String, example = "900.00")]
    pub total: Decimal,
    /// Generated: how many installments (1–120); the last absorbs the rounding.
    pub installments: Option<usize>,
    pub frequency: Option<Frequency>,
    /// Generated: the first due date, today or later.
    pub first_due_date: Option<NaiveDate>,
    /// Entered by hand: due dates strictly ascending, amounts summing to the total.
    #[validate(length(min = 1, max = 120))]
    pub schedule: Option<Vec<ScheduleItem>>,
    /// Days after a due date before an unpaid installment is late; default the
    /// agency's `plan_grace_days` setting, else 3.
    pub grace_days: Option<u32>,
    /// Days after a due date at which an unpaid installment defaults the plan; default
    /// the agency's `plan_default_threshold_days` setting, else 30.
    pub default_threshold_days: Option<u32>,
    #[validate(length(max = 2000))]
    pub note: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScheduleItem {
    pub due_date: NaiveDate,
    #[schema(value_type = String, example = "300.00")]
    pub amount: Decimal,
}

fn refused(err: PlanError) -> ApiError {
    ApiError::field(err.field(), err.to_string())
}

/// The checked schedule and terms of `t` for `account`.
async fn check(
    tx: &mut PgConnection,
    account: &MoneyAccount,
    t: &PlanTerms,
) -> Result<(Money, Vec<Installment>, Terms), ApiError> {
    if !account.status().takes_payments() {
        return Err(ApiError::field(
            "account_id",
            format!("an account in status {} cannot take a plan", account.status()),
        ));
    }
    let currency = account.currency()?;
    let total = Money::new(t.total, currency).map_err(|e| ApiError::field("total", e.to_string()))?;
    plan::check_total(total, account.balance()?).map_err(refused)?;
    let generated = (t.installments, t.frequency, t.first_due_date);
    match (&t.schedule, generated) {
        (Some(_), (None, None, None)) | (None, (Some(_), Some(_), Some(_))) => {}
        (Some(_), _) => {
            return Err(ApiError::field("schedule", "give a schedule or installments, frequency and first_due_date"))
        }
        (None, (None, _, _)) => return Err(ApiError::field("installments", "required without a schedule")),
        (None, (_, None, _)) => return Err(ApiError::field("frequency", "required without a schedule")),
        (None, (_, _, None)) => return Err(ApiError::field("first_due_date", "required without a schedule")),
    };
    let schedule = match (&t.schedule, generated) {
        (Some(items), _) => {
            let mut schedule = Vec::with_capacity(items.len());
            for (n, item) in items.iter().enumerate() {
                let amount = Money::new(item.amount, currency)
                    .map_err(|e| ApiError::field(format!("schedule.{n}.amount"), e.to_string()))?;
                schedule.push(Installment { due_date: item.due_date, amount });
            }
            plan::manual(total, schedule).map_err(refused)?
        }
        (None, (Some(count), Some(frequency), Some(first))) => {
            plan::generate(total, count, frequency, first).map_err(refused)?
        }
        _ => unreachable!("checked above"),
    };
    not_in_the_past(schedule.first(), account.today)?;
    let agency =
        store::agencies::get(tx, Some(account.agency_id), account.agency_id).await?.ok_or(ApiError::NotFound)?;
    let setting = |name: &str| agency.settings.get(name).and_then(|v| v.as_u64()).map(|v| v as u32);
    let defaults = Terms::default();
    let terms = Terms {
        grace_days: t.grace_days.or(setting("plan_grace_days")).unwrap_or(defaults.grace_days),
        default_threshold_days: t
            .default_threshold_days
            .or(setting("plan_default_threshold_days"))
            .unwrap_or(defaults.default_threshold_days),
    };
    let terms = plan::check_terms(terms).map_err(refused)?;
    Ok((total, schedule, terms))
}

/// The first installment may not fall due in the past.
fn not_in_the_past(first: Option<&Installment>, today: NaiveDate) -> Result<(), ApiError> {
    match first {
        Some(first) if first.due_date < today => {
            Err(ApiError::field("first_due_date", "the first installment must not fall due in the past"))
        }
        _ => Ok(()),
    }
}

fn new_plan<'a>(account: &MoneyAccount, t: &'a PlanTerms, total: Money, terms: Terms, user: &AuthUser) -> NewPlan<'a> {
    NewPlan {
        agency_id: account.agency_id,
        account_id: account.id,
        total: total.amount(),
        frequency: if t.schedule.is_some() { None } else { t.frequency },
        grace_days: terms.grace_days as i32,
        default_threshold_days: terms.default_threshold_days as i32,
        note: t.note.as_deref(),
        created_by: user.id,
    }
}

/// Propose a plan for the account (collectors: on their own accounts). It starts as a
/// `draft`; submitting it asks a manager to approve it. Requires an `Idempotency-Key`.
#[utoipa::path(
    tag = "plans",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Account id"),
           ("Idempotency-Key" = String, Header, description = "A retry with the same key and body replays the answer")),
    request_body = PlanTerms,
    responses(
        (status = 201, description = "The plan, a draft", body = Plan),
        (status = 400, response = responses::BadRequest),
        (status = 401, response = responses::Unauthorized),
        (status = 403, response = responses::Forbidden),
        (status = 404, response = responses::NotFound),
        (status = 422, response = responses::Invalid),
    )
)]
#[post("/accounts/{id}/plans")]
pub async fn create(
    user: AuthUser,
    key: IdempotencyKey,
    id: web::Path<Uuid>,
    body: Json<PlanTerms>,
    db: web::Data<PgPool>,
    settings: web::Data<MoneySettings>,
) -> Result<HttpResponse, ApiError> {
    user.require(Operation::ProposePlan)?;
    let t = body.into_inner();
    let mut claim = match idempotency::begin(&db, &settings, &user, &key, &t).await? {
        Begin::Fresh(claim) => claim,
        Begin::Replay(saved) => return Ok(saved),
    };
    let tx = &mut *claim.tx;
    let account = store::accounts::lock_money(tx, reach(&user), *id).await?.ok_or(ApiError::NotFound)?;
    let (total, schedule, terms) = check(tx, &account, &t).await?;
    let plan_id = store::plans::insert(tx, &new_plan(&account, &t, total, terms, &user)).await?;
    store::plans::set_schedule(tx, account.agency_id, plan_id, &schedule).await?;
    let row = store::plans::get(tx, reach(&user), plan_id, false).await?.ok_or(ApiError::NotFound)?;
    let plan = super::view(tx, row).await?;
    let actor = Actor::from(&user);
    crate::posting::plan_event(tx, account.agency_id, account.id, &actor, plan.id, "proposed", None).await?;
    let snapshot = serde_json::to_value(&plan).map_err(ApiError::internal)?;
    audit::record(tx, &actor, Change::created("plan.create", "plan", plan.id, snapshot)).await?;
    idempotency::finish(claim, StatusCode::CREATED, &plan).await
}

/// Change a draft: new terms and schedule, checked as when proposed.
#[utoipa::path(
    tag = "plans",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Plan id")),
    request_body = PlanTerms,
    responses(
        (status = 200, description = "The draft as changed", body = Plan),
        (status = 400, response = responses::BadRequest),
        (status = 401, response = responses::Unauthorized),
        (status = 403, response = responses::Forbidden),
        (status = 404, response = responses::NotFound),
        (status = 409, response = responses::Conflict),
        (status = 422, response = responses::Invalid),
    )
)]
#[patch("/plans/{id}")]
pub async fn update(
    user: AuthUser,
    id: web::Path<Uuid>,
    body: Json<PlanTerms>,
    db: web::Data<PgPool>,
) -> Result<HttpResponse, ApiError> {
    user.require(Operation::ProposePlan)?;
    let t = body.into_inner();
    let mut tx = db::begin(&db, user.scope()).await?;
    let (account, before) = lock(&mut tx, &user, *id).await?;
    if before.status.0 != PlanStatus::Draft {
        return Err(Refusal::wrong_status(Entity::Plan, before.status.0, "a change", [PlanStatus::Draft]).into());
    }
    let (total, schedule, terms) = check(&mut tx, &account, &t).await?;
    store::plans::update_draft(&mut tx, account.agency_id, *id, &new_plan(&account, &t, total, terms, &user)).await?;
    store::plans::set_schedule(&mut tx, account.agency_id, *id, &schedule).await?;
    let before = super::view(&mut tx, before).await?;
    let row = store::plans::get(&mut tx, reach(&user), *id, false).await?.ok_or(ApiError::NotFound)?;
    let plan = super::view(&mut tx, row).await?;
    let snapshot = |p: &Plan| serde_json::to_value(p).unwrap_or_default();
    let change = Change::updated("plan.update", "plan", *id, &snapshot(&before), &snapshot(&plan));
    audit::record(&mut tx, &Actor::from(&user), change).await?;
    tx.commit().await?;
    Ok(HttpResponse::Ok().json(plan))
}

/// The plan's account, then the plan, both locked (the order every plan and money
/// request locks in).
pub async fn lock(tx: &mut PgConnection, user: &AuthUser, id: Uuid) -> Result<(MoneyAccount, PlanRow), ApiError> {
    let reach = reach(user);
    let account_id = store::plans::get(tx, reach, id, false).await?.ok_or(ApiError::NotFound)?.account_id;
    let account = store::accounts::lock_money(tx, reach, account_id).await?.ok_or(ApiError::NotFound)?;
    let plan = store::plans::get(tx, reach, id, true).await?.ok_or(ApiError::NotFound)?;
    Ok((account, plan))
}
