//! A plan's life after it is proposed: submit (draft → pending_approval), approve
//! (→ active, the account to PAYMENT_PLAN), reject (→ draft), cancel (→ cancelled; an
//! active plan's account back to NEGOTIATING), delete a draft (soft).

use super::Plan;
use crate::{
    audit::Actor,
    auth::{policy::Operation, AuthUser},
    clock::Clock,
    config::MoneySettings,
    db,
    edge::json,
    idempotency::{self, Begin, IdempotencyKey},
    problem::{responses, ApiError},
    services::plans::{propose::delete, step::step as take_step},
};
use actix_web::{delete, http::StatusCode, post, web, HttpResponse};
use debtflow_domain::plan::PlanStep;
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
    #[schema(min_length = 1, max_length = 1000)]
    pub reason: Option<String>,
}

/// Who may take a person's step: proposers submit, deciders decide.
fn operation(step: PlanStep) -> Operation {
    match step {
        PlanStep::Submit | PlanStep::Edit | PlanStep::Delete => Operation::ProposePlan,
        PlanStep::Approve | PlanStep::Reject | PlanStep::Cancel => Operation::DecidePlan,
        PlanStep::Complete | PlanStep::Default | PlanStep::Reopen => Operation::DecidePlan,
    }
}

macro_rules! step_endpoint {
    ($name:ident, $path:literal, $step:expr, $doc:literal, $ok:literal) => {
        #[doc = $doc]
        #[utoipa::path(
            tag = "plans",
            operation_id = concat!(stringify!($name), "Plan"),
            security(("bearer" = [])),
            params(("id" = Uuid, Path, description = "Plan id"),
                   ("Idempotency-Key" = crate::idempotency::HeaderValue, Header, description = "A retry with the same key replays the answer")),
            request_body(content = Option<PlanDecision>, description = "Optional: `{}` or no body"),
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
            clock: web::Data<Clock>,
        ) -> Result<HttpResponse, ApiError> {
            step(user, key, *id, &body, (&db, &settings, &clock), $step).await
        }
    };
}

step_endpoint!(submit, "/plans/{id}/submit", PlanStep::Submit,
    "Submit a draft for a manager's approval (`pending_approval`); the managers are notified. Requires an `Idempotency-Key`.",
    "The plan, waiting for approval");
step_endpoint!(approve, "/plans/{id}/approve", PlanStep::Approve,
    "Approve a plan waiting for approval: it becomes `active` and the account (which must be NEGOTIATING) moves to PAYMENT_PLAN. An account has at most one active plan (409). Requires an `Idempotency-Key`.",
    "The plan, active");
step_endpoint!(reject, "/plans/{id}/reject", PlanStep::Reject,
    "Reject a plan waiting for approval: it goes back to `draft`, to be changed and submitted again. Requires an `Idempotency-Key`.",
    "The plan, a draft again");
step_endpoint!(cancel, "/plans/{id}/cancel", PlanStep::Cancel,
    "Cancel a plan that has not ended; an active plan's account goes back to NEGOTIATING. Requires an `Idempotency-Key`.",
    "The plan, cancelled");

async fn step(
    user: AuthUser,
    key: IdempotencyKey,
    id: Uuid,
    body: &[u8],
    (db, settings, clock): (&PgPool, &MoneySettings, &Clock),
    step: PlanStep,
) -> Result<HttpResponse, ApiError> {
    user.require(operation(step))?;
    let decision: PlanDecision = json::parse_optional(body)?.unwrap_or(PlanDecision { reason: None });
    let mut claim = match idempotency::begin(db, settings, &user, &key, &decision).await? {
        Begin::Fresh(claim) => claim,
        Begin::Replay(saved) => return Ok(saved),
    };
    let reason = decision.reason.as_deref().map(str::trim);
    let tx = &mut *claim.tx;
    let row = take_step(tx, &Actor::from(&user), user.reach(), id, step, reason, clock.now()).await?;
    let plan = super::view(tx, row).await?;
    idempotency::finish(claim, StatusCode::OK, &plan).await
}

/// Delete a draft (kept, hidden: `GET` no longer finds it).
#[utoipa::path(
    tag = "plans",
    operation_id = "deletePlan",
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
pub async fn remove(
    user: AuthUser,
    id: web::Path<Uuid>,
    db: web::Data<PgPool>,
    clock: web::Data<Clock>,
) -> Result<HttpResponse, ApiError> {
    user.require(operation(PlanStep::Delete))?;
    let mut tx = db::begin(&db, user.scope()).await?;
    delete(&mut tx, &Actor::from(&user), user.reach(), *id, clock.now()).await?;
    tx.commit().await?;
    Ok(HttpResponse::NoContent().finish())
}
