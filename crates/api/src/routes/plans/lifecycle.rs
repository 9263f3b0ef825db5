//! A plan's life after it is proposed: submit (draft → pending_approval), approve
//! (→ active, the account to PAYMENT_PLAN), reject (→ draft), cancel (→ cancelled; an
//! active plan's account back to NEGOTIATING), delete a draft (soft).

use super::{create::lock, Plan};
use crate::{
    audit::{self, Actor, Change},
    auth::{policy::Operation, AuthUser},
    config::MoneySettings,
    db,
    edge::json,
    idempotency::{self, Begin, IdempotencyKey},
    posting,
    problem::{responses, ApiError},
    routes::accounts::reach,
    services::{Entity, Refusal},
    store::{self, notifications::NewNotification},
};
use actix_web::{delete, http::StatusCode, post, web, HttpResponse};
use debtflow_domain::{account::status::Cause, plan::PlanStatus, AccountStatus, Role};
use serde::{Deserialize, Serialize};
use sqlx::PgPool;
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

#[derive(Debug, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanDecision {
    /// Why; kept on the timeline and in the audit trail.
    #[validate(length(min = 1, max = 1000))]
    pub reason: Option<String>,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Step {
    Submit,
    Approve,
    Reject,
    Cancel,
}

impl Step {
    fn operation(self) -> Operation {
        match self {
            Step::Submit => Operation::ProposePlan,
            Step::Approve | Step::Reject | Step::Cancel => Operation::DecidePlan,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Step::Submit => "submitted",
            Step::Approve => "approved",
            Step::Reject => "rejected",
            Step::Cancel => "cancelled",
        }
    }
}

macro_rules! step_endpoint {
    ($name:ident, $path:literal, $step:expr, $doc:literal, $ok:literal) => {
        #[doc = $doc]
        #[utoipa::path(
            tag = "plans",
            security(("bearer" = [])),
            params(("id" = Uuid, Path, description = "Plan id"),
                   ("Idempotency-Key" = String, Header, description = "A retry with the same key replays the answer")),
            request_body(content = PlanDecision, description = "Optional: `{}` or no body"),
            responses(
                (status = 200, description = $ok, body = Plan),
                (status = 400, response = responses::BadRequest),
                (status = 401, response = responses::Unauthorized),
                (status = 403, response = responses::Forbidden),
                (status = 404, response = responses::NotFound),
                (status = 409, response = responses::Conflict),
                (status = 422, response = responses::Invalid),
            )
        )]
        #[post($path)]
        pub async fn $name(
            user: AuthUser,
            key: IdempotencyKey,
            id: web::Path<Uuid>,
            body: web::Bytes,
            db: web::Data<PgPool>,
            settings: web::Data<MoneySettings>,
        ) -> Result<HttpResponse, ApiError> {
            step(user, key, *id, &body, db, settings, $step).await
        }
    };
}

step_endpoint!(submit, "/plans/{id}/submit", Step::Submit,
    "Submit a draft for a manager's approval (`pending_approval`); the managers are notified. Requires an `Idempotency-Key`.",
    "The plan, waiting for approval");
step_endpoint!(approve, "/plans/{id}/approve", Step::Approve,
    "Approve a plan waiting for approval: it becomes `active` and the account (which must be NEGOTIATING) moves to PAYMENT_PLAN. An account has at most one active plan (409). Requires an `Idempotency-Key`.",
    "The plan, active");
step_endpoint!(reject, "/plans/{id}/reject", Step::Reject,
    "Reject a plan waiting for approval: it goes back to `draft`, to be changed and submitted again. Requires an `Idempotency-Key`.",
    "The plan, a draft again");
step_endpoint!(cancel, "/plans/{id}/cancel", Step::Cancel,
    "Cancel a plan that has not ended; an active plan's account goes back to NEGOTIATING. Requires an `Idempotency-Key`.",
    "The plan, cancelled");

async fn step(
    user: AuthUser,
    key: IdempotencyKey,
    id: Uuid,
    body: &[u8],
    db: web::Data<PgPool>,
    settings: web::Data<MoneySettings>,
    step: Step,
) -> Result<HttpResponse, ApiError> {
    user.require(step.operation())?;
    let decision: PlanDecision = json::parse_optional(body)?.unwrap_or(PlanDecision { reason: None });
    let mut claim = match idempotency::begin(&db, &settings, &user, &key, &decision).await? {
        Begin::Fresh(claim) => claim,
        Begin::Replay(saved) => return Ok(saved),
    };
    let tx = &mut *claim.tx;
    let (mut account, plan) = lock(tx, &user, id).await?;
    let from = plan.status.0;
    let wrong = || ApiError::Refused(Refusal::wrong_status(Entity::Plan, from, step.name(), []));
    let actor = Actor::from(&user);
    let reason = decision.reason.as_deref().map(str::trim);
    match step {
        Step::Submit => {
            if from != PlanStatus::Draft {
                return Err(wrong());
            }
            store::plans::set_status(tx, account.agency_id, id, PlanStatus::PendingApproval, None, None).await?;
            let deciders = store::users::active_with_roles(tx, account.agency_id, &[Role::Manager, Role::AgencyAdmin]);
            for recipient in deciders.await? {
                let key = format!("plan:{id}:submitted:{}:{recipient}", plan.updated_at.timestamp_micros());
                let notification = NewNotification {
                    agency_id: account.agency_id,
                    recipient_id: recipient,
                    kind: "plan_pending_approval",
                    title: "Payment plan to approve",
                    body: "A payment plan waits for your approval.",
                    entity_type: Some("plan"),
                    entity_id: Some(id.to_string()),
                    idempotency_key: &key,
                };
                store::notifications::insert(tx, &notification).await?;
            }
        }
        Step::Approve => {
            if from != PlanStatus::PendingApproval {
                return Err(wrong());
            }
            let total = account.money(plan.total)?;
            let settlement = debtflow_domain::plan::check_total(total, account.balance()?)
                .map_err(|e| ApiError::field("total", format!("{e}; change the plan before approving it")))?;
            let status = account.status();
            let to = status.transition(AccountStatus::PaymentPlan, Cause::PlanActivated).map_err(|_| {
                Refusal::wrong_status(Entity::Account, status, "plan activation", [AccountStatus::Negotiating])
            })?;
            if !store::plans::activate(tx, account.agency_id, id, user.id, settlement).await? {
                return Err(Refusal::PlanAlreadyActive { existing: None }.into());
            }
            posting::move_account(tx, &mut account, &actor, to, Cause::PlanActivated, "payment plan approved").await?;
        }
        Step::Reject => {
            if from != PlanStatus::PendingApproval {
                return Err(wrong());
            }
            store::plans::set_status(tx, account.agency_id, id, PlanStatus::Draft, Some(user.id), None).await?;
        }
        Step::Cancel => {
            if !matches!(from, PlanStatus::Draft | PlanStatus::PendingApproval | PlanStatus::Active) {
                return Err(wrong());
            }
            let why = reason.unwrap_or("cancelled");
            store::plans::set_status(tx, account.agency_id, id, PlanStatus::Cancelled, None, Some(why)).await?;
            if from == PlanStatus::Active && account.status() == AccountStatus::PaymentPlan {
                let to = AccountStatus::Negotiating;
                posting::move_account(tx, &mut account, &actor, to, Cause::PlanEnded, "payment plan cancelled").await?;
            }
        }
    }
    posting::plan_event(tx, account.agency_id, account.id, &actor, id, step.name(), reason).await?;
    let after = store::plans::get(tx, reach(&user), id, false).await?.ok_or(ApiError::NotFound)?;
    let change = Change::updated(
        "plan.transition",
        "plan",
        id,
        &serde_json::json!({ "status": from }),
        &serde_json::json!({ "status": after.status.0, "reason": reason }),
    );
    audit::record(tx, &actor, change).await?;
    let plan = super::view(tx, after).await?;
    idempotency::finish(claim, StatusCode::OK, &plan).await
}

/// Delete a draft (kept, hidden: `GET` no longer finds it).
#[utoipa::path(
    tag = "plans",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Plan id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, response = responses::Unauthorized),
        (status = 403, response = responses::Forbidden),
        (status = 404, response = responses::NotFound),
        (status = 409, response = responses::Conflict),
        (status = 422, response = responses::Invalid),
    )
)]
#[delete("/plans/{id}")]
pub async fn remove(user: AuthUser, id: web::Path<Uuid>, db: web::Data<PgPool>) -> Result<HttpResponse, ApiError> {
    user.require(Operation::ProposePlan)?;
    let mut tx = db::begin(&db, user.scope()).await?;
    let (account, plan) = lock(&mut tx, &user, *id).await?;
    if plan.status.0 != PlanStatus::Draft {
        return Err(Refusal::wrong_status(Entity::Plan, plan.status.0, "deletion", [PlanStatus::Draft]).into());
    }
    store::plans::soft_delete(&mut tx, account.agency_id, *id).await?;
    let actor = Actor::from(&user);
    posting::plan_event(&mut tx, account.agency_id, account.id, &actor, *id, "deleted", None).await?;
    audit::record(&mut tx, &actor, Change::created("plan.delete", "plan", *id, serde_json::json!({ "deleted": true })))
        .await?;
    tx.commit().await?;
    Ok(HttpResponse::NoContent().finish())
}
