//! Plan defaults (run by overdue_default_scan): an active plan with an installment
//! still unpaid `default_threshold_days` after its due date defaults. The account goes
//! back to NEGOTIATING, and its collector and the agency's managers are notified once
//! (the notifications' idempotency keys). Running it again for the same date finds
//! nothing more to do. It fails with a [`ServiceError`]; the account moves it borrows
//! from `posting` (still an HTTP error there) are carried as the error's text.

use crate::{
    audit::{self, Actor, Change},
    auth::RequestContext,
    db::{self, Scope},
    posting,
    problem::ApiError,
    services::ServiceError,
    store::{self, accounts::Reach, notifications::NewNotification},
};
use chrono::NaiveDate;
use debtflow_domain::{account::status::Cause, plan::PlanStatus, AccountStatus, Role};
use sqlx::PgPool;
use uuid::Uuid;

/// Defaults every plan overdue on `as_of`, in every agency; returns how many.
pub async fn run(db: &PgPool, as_of: NaiveDate) -> Result<usize, ServiceError> {
    let mut tx = db::begin(db, Scope::Platform).await?;
    let overdue = store::plans::overdue(&mut tx, None, as_of).await?;
    tx.commit().await?;
    let mut defaulted = 0;
    for (agency_id, plan_id, account_id) in overdue {
        defaulted += usize::from(default_plan(db, agency_id, plan_id, account_id, as_of).await?.is_some());
    }
    Ok(defaulted)
}

/// Defaults one plan in its own transaction, if it is still active; returns the
/// notifications sent, or `None` when there was nothing to do.
pub async fn default_plan(
    db: &PgPool,
    agency_id: Uuid,
    plan_id: Uuid,
    account_id: Uuid,
    as_of: NaiveDate,
) -> Result<Option<i64>, ServiceError> {
    let mut tx = db::begin(db, Scope::Platform).await?;
    let reach = Reach { agency_id: Some(agency_id), collector_id: None };
    let Some(mut account) = store::accounts::lock_money(&mut tx, reach, account_id).await? else { return Ok(None) };
    let Some(plan) = store::plans::get(&mut tx, reach, plan_id, true).await? else { return Ok(None) };
    if plan.status.0 != PlanStatus::Active {
        return Ok(None);
    }
    let actor = Actor::anonymous(RequestContext::default());
    let why = format!("an installment unpaid {} days after its due date", plan.default_threshold_days);
    store::plans::set_status(&mut tx, agency_id, plan_id, PlanStatus::Defaulted, None, Some(&why)).await?;
    posting::plan_event(&mut tx, agency_id, account_id, &actor, plan_id, "defaulted", Some(&why))
        .await
        .map_err(from_posting)?;
    if account.status() == AccountStatus::PaymentPlan {
        let to = AccountStatus::Negotiating;
        posting::move_account(&mut tx, &mut account, &actor, to, Cause::PlanEnded, "payment plan defaulted")
            .await
            .map_err(from_posting)?;
    }
    let mut recipients = store::users::active_with_roles(&mut tx, agency_id, &[Role::Manager]).await?;
    recipients.extend(account.collector_id);
    let mut sent = 0;
    for recipient in recipients {
        let key = format!("plan:{plan_id}:defaulted:{recipient}");
        let notification = NewNotification {
            agency_id,
            recipient_id: recipient,
            kind: "plan_defaulted",
            title: "Payment plan defaulted",
            body: &why,
            entity_type: Some("plan"),
            entity_id: Some(plan_id.to_string()),
            idempotency_key: &key,
        };
        sent += i64::from(store::notifications::insert(&mut tx, &notification).await?);
    }
    let change = Change::updated(
        "plan.default",
        "plan",
        plan_id,
        &serde_json::json!({ "status": "active" }),
        &serde_json::json!({ "status": "defaulted", "as_of": as_of, "reason": why }),
    );
    audit::record(&mut tx, &actor, change.in_agency(Some(agency_id))).await?;
    tx.commit().await?;
    Ok(Some(sent))
}

/// `posting` still fails with the HTTP error; its cause, kept as text.
fn from_posting(err: ApiError) -> ServiceError {
    ServiceError::Invariant(format!("{err:?}"))
}
