//! Proposing a plan and changing or deleting a draft: the same terms, checked the
//! same way — the account is worked, the total fits its balance, the schedule is
//! generated or entered by hand by the domain's rules, its first installment is not
//! in the past, and the grace and default days come from the request or the agency's
//! settings (the domain's defaults when it chose none).

use super::{event, lock, LockedAccount};
use crate::{
    audit::{self, Actor, Change},
    services::{Entity, Refusal, ServiceError},
    store::{
        self,
        accounts::Reach,
        plans::{NewPlan, PlanRow},
    },
};
use chrono::{DateTime, NaiveDate, Utc};
use debtflow_domain::{
    plan::{self, Frequency, Installment, PlanError, PlanStep, Terms},
    Money,
};
use rust_decimal::Decimal;
use serde_json::json;
use sqlx::PgConnection;
use uuid::Uuid;

/// How the schedule is made.
#[derive(Debug, Clone)]
pub enum Schedule {
    /// `installments` equal parts every `frequency` from `first_due_date`.
    Generated { installments: usize, frequency: Frequency, first_due_date: NaiveDate },
    /// Entered by hand: `(due date, amount)`, in order.
    Manual(Vec<(NaiveDate, Decimal)>),
}

/// A plan's terms as proposed.
#[derive(Debug, Clone)]
pub struct ProposedTerms {
    pub total: Decimal,
    pub schedule: Schedule,
    pub grace_days: Option<u32>,
    pub default_threshold_days: Option<u32>,
    pub note: Option<String>,
}

/// A plan's terms, checked.
struct Checked {
    total: Money,
    schedule: Vec<Installment>,
    terms: Terms,
}

fn refused(err: PlanError) -> ServiceError {
    ServiceError::invalid(err.field(), err)
}

/// Proposes a plan on the account: a draft.
pub async fn propose(
    tx: &mut PgConnection,
    actor: &Actor,
    reach: Reach,
    account_id: Uuid,
    proposed: ProposedTerms,
    now: DateTime<Utc>,
) -> Result<PlanRow, ServiceError> {
    let account = LockedAccount::lock(tx, reach, account_id, now).await?.ok_or(ServiceError::NotFound)?;
    let checked = check(tx, &account, &proposed).await?;
    let created_by = actor.user_id.ok_or_else(|| ServiceError::invariant("a plan is proposed by a person"))?;
    let plan_id = store::plans::insert(tx, &new_plan(&account, &proposed, &checked, created_by)).await?;
    store::plans::set_schedule(tx, account.agency_id, plan_id, &checked.schedule).await?;
    // The terms on the timeline, as the collector proposed them.
    let terms = format!("{} installment(s), {} in all", checked.schedule.len(), checked.total);
    event(tx, actor, &account, plan_id, "proposed", Some(&terms)).await?;
    let plan = store::plans::get(tx, reach, plan_id, now).await?.ok_or(ServiceError::NotFound)?;
    audit::record(tx, actor, Change::created("plan.create", "plan", plan_id, snapshot(&plan, &checked.schedule)))
        .await?;
    Ok(plan)
}

/// Changes a draft's terms and schedule, checked as when proposed.
pub async fn edit(
    tx: &mut PgConnection,
    actor: &Actor,
    reach: Reach,
    plan_id: Uuid,
    proposed: ProposedTerms,
    now: DateTime<Utc>,
) -> Result<PlanRow, ServiceError> {
    let (account, before) = lock(tx, reach, plan_id, now).await?;
    ensure_draft(&before, PlanStep::Edit)?;
    let checked = check(tx, &account, &proposed).await?;
    let before_schedule = schedule_of(tx, &account, &before).await?;
    store::plans::update_draft(
        tx,
        account.agency_id,
        plan_id,
        &new_plan(&account, &proposed, &checked, before.created_by),
    )
    .await?;
    store::plans::set_schedule(tx, account.agency_id, plan_id, &checked.schedule).await?;
    let after = store::plans::get(tx, reach, plan_id, now).await?.ok_or(ServiceError::NotFound)?;
    let change = Change::updated(
        "plan.update",
        "plan",
        plan_id,
        &snapshot(&before, &before_schedule),
        &snapshot(&after, &checked.schedule),
    );
    audit::record(tx, actor, change).await?;
    Ok(after)
}

/// Deletes a draft: kept, hidden.
pub async fn delete(
    tx: &mut PgConnection,
    actor: &Actor,
    reach: Reach,
    plan_id: Uuid,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    let (account, plan) = lock(tx, reach, plan_id, now).await?;
    ensure_draft(&plan, PlanStep::Delete)?;
    store::plans::soft_delete(tx, account.agency_id, plan_id).await?;
    event(tx, actor, &account, plan_id, PlanStep::Delete.past_tense(), None).await?;
    audit::record(tx, actor, Change::created("plan.delete", "plan", plan_id, json!({ "deleted": true }))).await?;
    Ok(())
}

fn ensure_draft(plan: &PlanRow, step: PlanStep) -> Result<(), ServiceError> {
    plan.status.step(step).map(drop).map_err(|e| {
        let action = if step == PlanStep::Delete { "deletion" } else { "a change" };
        Refusal::wrong_status(Entity::Plan, e.from, action, e.allowed).into()
    })
}

/// The checked schedule and terms of `proposed` for `account`.
async fn check(
    tx: &mut PgConnection,
    account: &LockedAccount,
    proposed: &ProposedTerms,
) -> Result<Checked, ServiceError> {
    if !account.book.takes_payments() {
        let message = format!("an account in status {} cannot take a plan", account.status());
        return Err(ServiceError::invalid("account_id", message));
    }
    let total = account.amount("total", proposed.total)?;
    plan::check_total(total, account.book.balance()).map_err(refused)?;
    let schedule = match &proposed.schedule {
        Schedule::Manual(items) => {
            let mut schedule = Vec::with_capacity(items.len());
            for (n, (due_date, amount)) in items.iter().enumerate() {
                let amount = Money::new(*amount, account.currency)
                    .map_err(|e| ServiceError::invalid(format!("schedule.{n}.amount"), e))?;
                schedule.push(Installment { due_date: *due_date, amount });
            }
            plan::manual(total, schedule).map_err(refused)?
        }
        Schedule::Generated { installments, frequency, first_due_date } => {
            plan::generate(total, *installments, *frequency, *first_due_date).map_err(refused)?
        }
    };
    if schedule.first().is_some_and(|first| first.due_date < account.today) {
        return Err(ServiceError::invalid("first_due_date", "the first installment must not fall due in the past"));
    }
    let agency = store::agencies::settings(tx, account.agency_id).await?.plan_terms();
    let terms = Terms {
        grace_days: proposed.grace_days.unwrap_or(agency.grace_days),
        default_threshold_days: proposed.default_threshold_days.unwrap_or(agency.default_threshold_days),
    };
    let terms = plan::check_terms(terms).map_err(refused)?;
    Ok(Checked { total, schedule, terms })
}

fn new_plan<'a>(account: &LockedAccount, proposed: &'a ProposedTerms, checked: &Checked, by: Uuid) -> NewPlan<'a> {
    NewPlan {
        agency_id: account.agency_id,
        account_id: account.id,
        total: checked.total.amount(),
        frequency: match proposed.schedule {
            Schedule::Generated { frequency, .. } => Some(frequency),
            Schedule::Manual(_) => None,
        },
        grace_days: checked.terms.grace_days as i32,
        default_threshold_days: checked.terms.default_threshold_days as i32,
        note: proposed.note.as_deref(),
        created_by: by,
    }
}

async fn schedule_of(
    tx: &mut PgConnection,
    account: &LockedAccount,
    plan: &PlanRow,
) -> Result<Vec<Installment>, ServiceError> {
    let mut schedule = Vec::new();
    for i in store::plans::installments(tx, account.agency_id, &[plan.id]).await? {
        schedule.push(Installment { due_date: i.due_date, amount: account.money(i.amount)? });
    }
    Ok(schedule)
}

/// A plan's terms and schedule, for the audit trail.
fn snapshot(plan: &PlanRow, schedule: &[Installment]) -> serde_json::Value {
    let schedule: Vec<serde_json::Value> =
        schedule.iter().map(|i| json!({ "due_date": i.due_date, "amount": i.amount.amount() })).collect();
    json!({
        "account_id": plan.account_id, "status": plan.status, "total": plan.total, "frequency": plan.frequency,
        "grace_days": plan.grace_days, "default_threshold_days": plan.default_threshold_days, "note": plan.note,
        "schedule": schedule,
    })
}
