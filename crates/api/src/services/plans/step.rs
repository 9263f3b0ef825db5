//! A plan's steps after it is proposed — by people: submit (the deciders are asked),
//! approve (the domain's [`activation`]: the account to PAYMENT_PLAN), reject (back to
//! draft), cancel (an active plan's account back to NEGOTIATING); and by the daily
//! job: default, once an installment is unpaid past the plan's threshold.

use super::{event, lock};
use crate::{
    audit::{self, Actor, Change},
    services::{webhooks, Entity, Refusal, ServiceError},
    store::{
        self,
        accounts::Reach,
        notifications::NewNotification,
        plans::{PlanRow, StatusChange, ONE_ACTIVE_PER_ACCOUNT},
        StoreError,
    },
};
use chrono::{DateTime, NaiveDate, Utc};
use debtflow_domain::notification::NotificationKind;
use debtflow_domain::{
    account::Cause,
    permission::Operation,
    plan::{self, activation, ActivationError, PlanStatus, PlanStep},
    webhook::EventType,
    AccountStatus, Role,
};
use serde_json::json;
use sqlx::PgConnection;
use uuid::Uuid;

/// Takes a person's `step` (submit, approve, reject, cancel) on the plan; returns it as
/// it now is.
pub async fn step(
    tx: &mut PgConnection,
    actor: &Actor,
    reach: Reach,
    plan_id: Uuid,
    step: PlanStep,
    reason: Option<&str>,
    now: DateTime<Utc>,
) -> Result<PlanRow, ServiceError> {
    let (mut account, plan) = lock(tx, reach, plan_id, now).await?;
    let from = plan.status;
    let to = from.step(step).map_err(|e| Refusal::wrong_status(Entity::Plan, e.from, step.past_tense(), e.allowed))?;
    let agency_id = account.agency_id;
    match step {
        PlanStep::Submit => {
            store::plans::set_status(
                tx,
                agency_id,
                plan_id,
                StatusChange { status: to, decided_by: None, end_reason: None },
            )
            .await?;
            let roles: Vec<Role> = Operation::DecidePlan.deciders().collect();
            // Which plan, in the list of them: its total and who proposed it.
            let body = format!(
                "A plan of {} proposed by {} waits for your approval.",
                account.money(plan.total)?,
                plan.created_by_name.as_deref().unwrap_or("a collector")
            );
            for recipient in store::users::active_with_roles(tx, agency_id, &roles).await? {
                let key = format!("plan:{plan_id}:submitted:{}:{recipient}", plan.updated_at.timestamp_micros());
                let notification = NewNotification {
                    agency_id,
                    recipient_id: recipient,
                    kind: NotificationKind::PlanPendingApproval,
                    title: "Payment plan to approve",
                    body: &body,
                    entity_type: Some("plan"),
                    entity_id: Some(plan_id.to_string()),
                    idempotency_key: &key,
                };
                store::notifications::insert(tx, &notification).await?;
            }
        }
        PlanStep::Approve => {
            let decided_by = actor.user_id.ok_or_else(|| ServiceError::invariant("a plan is approved by a person"))?;
            let other = store::plans::lock_active(tx, agency_id, account.id, now).await?.map(|p| p.id);
            let total = account.money(plan.total)?;
            let activated = activation(total, account.book.balance(), account.status(), other.is_some())
                .map_err(|e| activation_refused(e, other))?;
            store::plans::activate(tx, agency_id, plan_id, decided_by, activated.settlement).await.map_err(|e| {
                match StoreError::from(e) {
                    StoreError::Duplicate { constraint } if constraint == ONE_ACTIVE_PER_ACCOUNT => {
                        Refusal::PlanAlreadyActive { existing: None }.into()
                    }
                    other => ServiceError::Store(other),
                }
            })?;
            account.transition(tx, actor, activated.account_to, Cause::PlanActivated, "payment plan approved").await?;
        }
        PlanStep::Reject => {
            let change = StatusChange { status: to, decided_by: actor.user_id, end_reason: None };
            store::plans::set_status(tx, agency_id, plan_id, change).await?;
        }
        PlanStep::Cancel => {
            let change = StatusChange { status: to, decided_by: None, end_reason: Some(reason.unwrap_or("cancelled")) };
            store::plans::set_status(tx, agency_id, plan_id, change).await?;
            if let Some(back) = plan::account_after_end(account.status()).filter(|_| from == PlanStatus::Active) {
                account.transition(tx, actor, back, Cause::PlanEnded, "payment plan cancelled").await?;
            }
        }
        PlanStep::Edit | PlanStep::Delete | PlanStep::Complete | PlanStep::Default | PlanStep::Reopen => {
            return Err(ServiceError::invariant(format!("{step:?} is not a step a person takes here")));
        }
    }
    event(tx, actor, &account, plan_id, step.past_tense(), reason).await?;
    let decided = match step {
        PlanStep::Approve => Some((NotificationKind::PlanApproved, "Payment plan approved")),
        PlanStep::Reject => Some((NotificationKind::PlanRejected, "Payment plan rejected")),
        _ => None,
    };
    if let Some((kind, title)) = decided.filter(|_| actor.user_id != Some(plan.created_by)) {
        let key = format!("plan:{plan_id}:{kind}:{}", plan.updated_at.timestamp_micros());
        let body = match (kind, reason) {
            (_, Some(reason)) => format!("Reason: {reason}"),
            (NotificationKind::PlanApproved, None) => "The plan you proposed is active.".to_owned(),
            _ => "The plan you proposed will not go ahead: edit it or propose another.".to_owned(),
        };
        let notification = NewNotification {
            agency_id,
            recipient_id: plan.created_by,
            kind,
            title,
            body: &body,
            entity_type: Some("account"),
            entity_id: Some(account.id.to_string()),
            idempotency_key: &key,
        };
        store::notifications::insert(tx, &notification).await?;
    }
    let after = store::plans::get(tx, reach, plan_id, now).await?.ok_or(ServiceError::NotFound)?;
    let change = Change::updated(
        "plan.transition",
        "plan",
        plan_id,
        &json!({ "status": from }),
        &json!({ "status": after.status, "reason": reason }),
    );
    audit::record(tx, actor, change).await?;
    if step == PlanStep::Approve {
        webhooks::plan(tx, EventType::PlanApproved, &after, after.status, None, now).await?;
    }
    Ok(after)
}

fn activation_refused(err: ActivationError, other: Option<Uuid>) -> ServiceError {
    match err {
        ActivationError::Total(e) => ServiceError::invalid("total", ActivationError::Total(e)),
        ActivationError::AccountNotNegotiating(status) => {
            Refusal::wrong_status(Entity::Account, status, "plan activation", [AccountStatus::Negotiating]).into()
        }
        ActivationError::AlreadyActive => Refusal::PlanAlreadyActive { existing: other }.into(),
    }
}

/// Defaults the plan as of `as_of` if it is still active (the daily job, which found
/// an installment unpaid past its threshold): the account back to NEGOTIATING, its
/// collector and the agency's managers told once. Returns the notifications sent, or
/// `None` when there was nothing to do.
pub async fn default(
    tx: &mut PgConnection,
    actor: &Actor,
    agency_id: Uuid,
    plan_id: Uuid,
    as_of: NaiveDate,
    now: DateTime<Utc>,
) -> Result<Option<i64>, ServiceError> {
    let reach = Reach { agency_id: Some(agency_id), collector_id: None };
    let (mut account, plan) = lock(tx, reach, plan_id, now).await?;
    let Ok(to) = plan.status.step(PlanStep::Default) else { return Ok(None) };
    let why = format!("an installment unpaid {} days after its due date", plan.default_threshold_days);
    store::plans::set_status(
        tx,
        agency_id,
        plan_id,
        StatusChange { status: to, decided_by: None, end_reason: Some(&why) },
    )
    .await?;
    event(tx, actor, &account, plan_id, PlanStep::Default.past_tense(), Some(&why)).await?;
    if let Some(back) = plan::account_after_end(account.status()) {
        account.transition(tx, actor, back, Cause::PlanEnded, "payment plan defaulted").await?;
    }
    // The collector who works the account and the managers who supervise collectors.
    let mut recipients = store::users::active_with_roles(tx, agency_id, &[Role::Manager]).await?;
    recipients.extend(account.collector_id);
    let mut sent = 0;
    for recipient in recipients {
        let key = format!("plan:{plan_id}:defaulted:{recipient}");
        let notification = NewNotification {
            agency_id,
            recipient_id: recipient,
            kind: NotificationKind::PlanDefaulted,
            title: "Payment plan defaulted",
            body: &why,
            entity_type: Some("account"),
            entity_id: Some(account.id.to_string()),
            idempotency_key: &key,
        };
        sent += i64::from(store::notifications::insert(tx, &notification).await?);
    }
    let change = Change::updated(
        "plan.default",
        "plan",
        plan_id,
        &json!({ "status": plan.status }),
        &json!({ "status": to, "as_of": as_of, "reason": why }),
    );
    audit::record(tx, actor, change.in_agency(Some(agency_id))).await?;
    webhooks::plan(tx, EventType::PlanDefaulted, &plan, to, Some((now, &why)), now).await?;
    Ok(Some(sent))
}
