use super::{reach, AccountDetail};
use crate::{
    audit::{self, Actor, Change},
    auth::{policy::Operation, AuthUser},
    clock::Clock,
    crypto::FieldCipher,
    db,
    edge::json::Json,
    problem::{responses, ApiError, Problem},
    services::Refusal,
    store::{self, account_events::NewEvent},
};
use actix_web::{post, web, HttpResponse};
use debtflow_domain::{account::status::Cause, AccountStatus};
use serde::Deserialize;
use sqlx::PgPool;
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TransitionRequest {
    /// The status to move to (`in_contact`; the upper-case `IN_CONTACT` is accepted too).
    #[schema(example = "in_contact")]
    pub to: String,
    /// Why; kept on the timeline and in the audit trail.
    #[validate(length(min = 1, max = 1000))]
    pub reason: String,
}

/// Move an account to another status. Only the moves a person may make are allowed
/// here (`allowed_transitions` of the account); the others happen through assignment,
/// plans and payments. A refused move is a 409 listing the allowed targets.
#[utoipa::path(
    tag = "accounts",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Account id")),
    request_body = TransitionRequest,
    responses(
        (status = 200, description = "The account, moved", body = AccountDetail),
        (status = 400, response = responses::BadRequest),
        (status = 401, response = responses::Unauthorized),
        (status = 403, response = responses::Forbidden),
        (status = 404, response = responses::NotFound),
        (status = 409, description = "Not allowed from the current status; `allowed_transitions` lists what is", body = Problem, content_type = "application/problem+json"),
        (status = 422, response = responses::Invalid),
    )
)]
#[post("/accounts/{id}/transition")]
pub async fn transition(
    user: AuthUser,
    id: web::Path<Uuid>,
    body: Json<TransitionRequest>,
    db: web::Data<PgPool>,
    cipher: web::Data<FieldCipher>,
    clock: web::Data<Clock>,
) -> Result<HttpResponse, ApiError> {
    user.require(Operation::WorkAccount)?;
    let request = body.into_inner();
    let to: AccountStatus = request
        .to
        .parse()
        .map_err(|e: debtflow_domain::account::status::UnknownStatus| ApiError::field("to", e.to_string()))?;
    let reason = request.reason.trim();
    let mut tx = db::begin(&db, user.scope()).await?;
    let row = store::accounts::get(&mut tx, reach(&user), *id, true).await?.ok_or(ApiError::NotFound)?;
    let (agency_id, from) = (row.agency_id, row.status.0);
    from.transition(to, Cause::Manual).map_err(|_| Refusal::InvalidTransition {
        from,
        to,
        allowed: from.allowed_transitions(),
    })?;
    store::accounts::set_status(&mut tx, agency_id, *id, to).await?;
    // Entering DISPUTED opens a dispute; leaving it resolves the dispute for good.
    let dispute = if to == AccountStatus::Disputed {
        Some(store::disputes::open(&mut tx, agency_id, *id, reason, user.id).await?)
    } else if from == AccountStatus::Disputed {
        store::disputes::resolve(&mut tx, agency_id, *id, to, reason, user.id).await?
    } else {
        None
    };
    let mut data = serde_json::json!({ "from": from, "to": to });
    if let Some(dispute) = dispute {
        data["dispute_id"] = serde_json::json!(dispute);
    }
    let event = NewEvent {
        agency_id,
        account_id: *id,
        kind: "status_change",
        actor_id: Some(user.id),
        body: Some(reason),
        data,
    };
    store::account_events::insert(&mut tx, &event).await?;
    let change = Change::updated(
        "account.transition",
        "account",
        *id,
        &serde_json::json!({ "status": from }),
        &serde_json::json!({ "status": to, "reason": reason }),
    );
    audit::record(&mut tx, &Actor::from(&user), change.in_agency(Some(agency_id))).await?;
    let detail = super::get::detail(&mut tx, &user, *id, &cipher, clock.now()).await?;
    tx.commit().await?;
    Ok(HttpResponse::Ok().json(detail))
}
