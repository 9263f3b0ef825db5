//! Proposing a plan (`POST /accounts/{id}/plans`) and changing a draft (`PATCH
//! /plans/{id}`): the same terms, checked the same way.

use super::Plan;
use crate::{
    audit::Actor,
    auth::{policy::Operation, AuthUser},
    clock::Clock,
    config::MoneySettings,
    db,
    edge::json::Json,
    idempotency::{self, Begin, IdempotencyKey},
    problem::{responses, ApiError},
    services::plans::propose::{edit, propose, ProposedTerms, Schedule},
};
use actix_web::{http::StatusCode, patch, post, web, HttpResponse};
use debtflow_domain::date::BusinessDate;
use debtflow_domain::decimal::PlainDecimal;
use debtflow_domain::plan::Frequency;
use serde::{Deserialize, Serialize};
use sqlx::PgPool;
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
    #[schema(example = "900.00")]
    pub total: PlainDecimal,
    /// Generated: how many installments (1–120); the last absorbs the rounding.
    pub installments: Option<usize>,
    pub frequency: Option<Frequency>,
    /// Generated: the first due date, today or later.
    pub first_due_date: Option<BusinessDate>,
    /// Entered by hand: due dates strictly ascending, amounts summing to the total.
    #[validate(length(min = 1, max = 120))]
    #[schema(min_items = 1, max_items = 120)]
    pub schedule: Option<Vec<ScheduleItem>>,
    /// Days after a due date before an unpaid installment is late; default the
    /// agency's `plan_grace_days` setting, else 3.
    pub grace_days: Option<u32>,
    /// Days after a due date at which an unpaid installment defaults the plan; default
    /// the agency's `plan_default_threshold_days` setting, else 30.
    pub default_threshold_days: Option<u32>,
    #[validate(length(max = 2000))]
    #[schema(max_length = 2000)]
    pub note: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScheduleItem {
    pub due_date: BusinessDate,
    #[schema(example = "300.00")]
    pub amount: PlainDecimal,
}

impl PlanTerms {
    /// The terms as the plan service takes them: a schedule given by hand, or the three
    /// fields that generate one.
    fn proposed(self) -> Result<ProposedTerms, ApiError> {
        let schedule = match (self.schedule, self.installments, self.frequency, self.first_due_date) {
            (Some(items), None, None, None) => {
                Schedule::Manual(items.into_iter().map(|i| (i.due_date.0, i.amount.0)).collect())
            }
            (None, Some(installments), Some(frequency), Some(first_due_date)) => {
                Schedule::Generated { installments, frequency, first_due_date: first_due_date.0 }
            }
            (Some(_), _, _, _) => {
                return Err(ApiError::field(
                    "schedule",
                    "give a schedule or installments, frequency and first_due_date",
                ))
            }
            (None, None, _, _) => return Err(ApiError::field("installments", "required without a schedule")),
            (None, _, None, _) => return Err(ApiError::field("frequency", "required without a schedule")),
            (None, _, _, None) => return Err(ApiError::field("first_due_date", "required without a schedule")),
        };
        Ok(ProposedTerms {
            total: self.total.0,
            schedule,
            grace_days: self.grace_days,
            default_threshold_days: self.default_threshold_days,
            note: self.note,
        })
    }
}

/// Propose a plan for the account (collectors: on their own accounts). It starts as a
/// `draft`; submitting it asks a manager to approve it. Requires an `Idempotency-Key`.
#[utoipa::path(
    tag = "plans",
    operation_id = "createPlan",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Account id"),
           ("Idempotency-Key" = crate::idempotency::HeaderValue, Header, description = "A retry with the same key and body replays the answer")),
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
    clock: web::Data<Clock>,
) -> Result<HttpResponse, ApiError> {
    user.require(Operation::ProposePlan)?;
    let terms = body.into_inner()?;
    let mut claim = match idempotency::begin(&db, &settings, &user, &key, &terms).await? {
        Begin::Fresh(claim) => claim,
        Begin::Replay(saved) => return Ok(saved),
    };
    let now = clock.now();
    let tx = &mut *claim.tx;
    let row = propose(tx, &Actor::from(&user), user.reach(), *id, terms.proposed()?, now).await?;
    let plan = super::view(tx, row).await?;
    idempotency::finish(claim, StatusCode::CREATED, &plan).await
}

/// Change a draft: new terms and schedule, checked as when proposed.
#[utoipa::path(
    tag = "plans",
    operation_id = "updatePlan",
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
    clock: web::Data<Clock>,
) -> Result<HttpResponse, ApiError> {
    user.require(Operation::ProposePlan)?;
    let terms = body.into_inner()?.proposed()?;
    let mut tx = db::begin(&db, user.scope()).await?;
    let row = edit(&mut tx, &Actor::from(&user), user.reach(), *id, terms, clock.now()).await?;
    let plan = super::view(&mut tx, row).await?;
    tx.commit().await?;
    Ok(HttpResponse::Ok().json(plan))
}
