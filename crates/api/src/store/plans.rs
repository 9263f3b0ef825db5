//! Payment plans and their installments (migrations/0007). A plan row carries its
//! agency's business date at the clock's instant (`$1` of every query that reads one),
//! so installment statuses are computed for the right day.

use super::accounts::Reach;
use chrono::{DateTime, NaiveDate, Utc};
use debtflow_domain::plan::{Frequency, Installment, PlanStatus};
use rust_decimal::Decimal;
use sqlx::PgConnection;
use uuid::Uuid;

const COLUMNS: &str = "p.agency_id, p.id, p.account_id, p.status, p.total, p.frequency, p.grace_days,
    p.default_threshold_days, p.settlement, p.note, p.created_by, p.decided_by, p.decided_at, p.ended_at,
    p.end_reason, p.created_at, p.updated_at, a.currency::text AS currency,
    (SELECT u.full_name FROM users u WHERE u.id = p.created_by) AS created_by_name,
    ($1::timestamptz AT TIME ZONE ag.time_zone)::date AS today";

const FROM: &str = "FROM plans p
    JOIN accounts a ON a.agency_id = p.agency_id AND a.id = p.account_id
    JOIN agencies ag ON ag.id = p.agency_id";

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PlanRow {
    pub agency_id: Uuid,
    pub id: Uuid,
    pub account_id: Uuid,
    pub status: PlanStatus,
    pub total: Decimal,
    pub frequency: Option<Frequency>,
    pub grace_days: i32,
    pub default_threshold_days: i32,
    /// Approved below the balance: the rest is written off when the plan completes.
    pub settlement: bool,
    pub note: Option<String>,
    pub created_by: Uuid,
    /// Who proposed it, by name.
    pub created_by_name: Option<String>,
    pub decided_by: Option<Uuid>,
    pub decided_at: Option<DateTime<Utc>>,
    pub ended_at: Option<DateTime<Utc>>,
    pub end_reason: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub currency: String,
    /// The agency's business date at the clock's instant.
    pub today: NaiveDate,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct InstallmentRow {
    pub plan_id: Uuid,
    pub seq: i16,
    pub due_date: NaiveDate,
    pub amount: Decimal,
    pub paid_amount: Decimal,
}

pub struct NewPlan<'a> {
    pub agency_id: Uuid,
    pub account_id: Uuid,
    pub total: Decimal,
    pub frequency: Option<Frequency>,
    pub grace_days: i32,
    pub default_threshold_days: i32,
    pub note: Option<&'a str>,
    pub created_by: Uuid,
}

pub async fn insert(tx: &mut PgConnection, p: &NewPlan<'_>) -> Result<Uuid, sqlx::Error> {
    let id = Uuid::now_v7();
    sqlx::query(
        "INSERT INTO plans (agency_id, id, account_id, total, frequency, grace_days, default_threshold_days, note,
                            created_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(p.agency_id)
    .bind(id)
    .bind(p.account_id)
    .bind(p.total)
    .bind(p.frequency)
    .bind(p.grace_days)
    .bind(p.default_threshold_days)
    .bind(p.note)
    .bind(p.created_by)
    .execute(tx)
    .await?;
    Ok(id)
}

/// A draft's new terms.
pub async fn update_draft(
    tx: &mut PgConnection,
    agency_id: Uuid,
    id: Uuid,
    p: &NewPlan<'_>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE plans SET total = $3, frequency = $4, grace_days = $5, default_threshold_days = $6,
                note = $7, updated_at = now()
         WHERE agency_id = $1 AND id = $2",
    )
    .bind(agency_id)
    .bind(id)
    .bind(p.total)
    .bind(p.frequency)
    .bind(p.grace_days)
    .bind(p.default_threshold_days)
    .bind(p.note)
    .execute(tx)
    .await
    .map(drop)
}

/// Writes the schedule of a draft, replacing any earlier one.
pub async fn set_schedule(
    tx: &mut PgConnection,
    agency_id: Uuid,
    plan_id: Uuid,
    schedule: &[Installment],
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM plan_installments WHERE agency_id = $1 AND plan_id = $2")
        .bind(agency_id)
        .bind(plan_id)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "INSERT INTO plan_installments (agency_id, plan_id, seq, due_date, amount)
         SELECT $1, $2, x.seq, x.due_date, x.amount
         FROM unnest($3::smallint[], $4::date[], $5::numeric[]) AS x(seq, due_date, amount)",
    )
    .bind(agency_id)
    .bind(plan_id)
    .bind((0..schedule.len() as i16).collect::<Vec<_>>())
    .bind(schedule.iter().map(|i| i.due_date).collect::<Vec<_>>())
    .bind(schedule.iter().map(|i| i.amount.amount()).collect::<Vec<_>>())
    .execute(tx)
    .await
    .map(drop)
}

const WITHIN_REACH: &str = "p.id = $2 AND p.deleted_at IS NULL AND ($3::uuid IS NULL OR p.agency_id = $3)
    AND ($4::uuid IS NULL OR a.collector_id = $4)";

/// The plan, if within `reach` and not deleted.
pub async fn get(
    tx: &mut PgConnection,
    reach: Reach,
    id: Uuid,
    now: DateTime<Utc>,
) -> Result<Option<PlanRow>, sqlx::Error> {
    select_one(tx, reach, id, now, "").await
}

/// [`get`], locked until the transaction ends.
pub async fn lock(
    tx: &mut PgConnection,
    reach: Reach,
    id: Uuid,
    now: DateTime<Utc>,
) -> Result<Option<PlanRow>, sqlx::Error> {
    select_one(tx, reach, id, now, "FOR UPDATE OF p").await
}

async fn select_one(
    tx: &mut PgConnection,
    reach: Reach,
    id: Uuid,
    now: DateTime<Utc>,
    locking: &'static str,
) -> Result<Option<PlanRow>, sqlx::Error> {
    sqlx::query_as(&format!("SELECT {COLUMNS} {FROM} WHERE {WITHIN_REACH} {locking}"))
        .bind(now)
        .bind(id)
        .bind(reach.agency_id)
        .bind(reach.collector_id)
        .fetch_optional(tx)
        .await
}

/// The account's active plan, locked.
pub async fn lock_active(
    tx: &mut PgConnection,
    agency_id: Uuid,
    account_id: Uuid,
    now: DateTime<Utc>,
) -> Result<Option<PlanRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} {FROM} WHERE p.agency_id = $2 AND p.account_id = $3 AND p.status = $4 FOR UPDATE OF p"
    ))
    .bind(now)
    .bind(agency_id)
    .bind(account_id)
    .bind(PlanStatus::Active)
    .fetch_optional(tx)
    .await
}

/// The account's current plan: the active one, else the one waiting for approval,
/// else the newest draft.
pub async fn current(
    tx: &mut PgConnection,
    agency_id: Uuid,
    account_id: Uuid,
    now: DateTime<Utc>,
) -> Result<Option<PlanRow>, sqlx::Error> {
    let preference = [PlanStatus::Active, PlanStatus::PendingApproval, PlanStatus::Draft];
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} {FROM}
         WHERE p.agency_id = $2 AND p.account_id = $3 AND p.deleted_at IS NULL AND p.status = ANY($4)
         ORDER BY array_position($4, p.status), p.created_at DESC
         LIMIT 1"
    ))
    .bind(now)
    .bind(agency_id)
    .bind(account_id)
    .bind(&preference[..])
    .fetch_optional(tx)
    .await
}

/// The account's plans, newest first (deleted drafts left out).
pub async fn for_account(
    tx: &mut PgConnection,
    agency_id: Uuid,
    account_id: Uuid,
    now: DateTime<Utc>,
) -> Result<Vec<PlanRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} {FROM} WHERE p.agency_id = $2 AND p.account_id = $3 AND p.deleted_at IS NULL
         ORDER BY p.created_at DESC, p.id DESC"
    ))
    .bind(now)
    .bind(agency_id)
    .bind(account_id)
    .fetch_all(tx)
    .await
}

/// The plan list's filters.
#[derive(Debug, Default, Clone, Copy)]
pub struct Filter {
    pub status: Option<PlanStatus>,
    /// With an open installment due on or before this date.
    pub due_before: Option<NaiveDate>,
}

/// Plans within `reach`, newest first, older than `before`.
pub async fn list(
    tx: &mut PgConnection,
    reach: Reach,
    filter: Filter,
    before: Option<(DateTime<Utc>, Uuid)>,
    limit: i64,
    now: DateTime<Utc>,
) -> Result<Vec<PlanRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} {FROM}
         WHERE p.deleted_at IS NULL AND ($2::uuid IS NULL OR p.agency_id = $2)
           AND ($3::uuid IS NULL OR a.collector_id = $3)
           AND ($4::plan_status IS NULL OR p.status = $4)
           AND ($5::date IS NULL OR EXISTS (
                   SELECT 1 FROM plan_installments i
                   WHERE i.agency_id = p.agency_id AND i.plan_id = p.id AND i.paid_amount < i.amount
                     AND i.due_date <= $5))
           AND ($6::timestamptz IS NULL OR (p.created_at, p.id) < ($6, $7))
         ORDER BY p.created_at DESC, p.id DESC LIMIT $8"
    ))
    .bind(now)
    .bind(reach.agency_id)
    .bind(reach.collector_id)
    .bind(filter.status)
    .bind(filter.due_before)
    .bind(before.map(|b| b.0))
    .bind(before.map(|b| b.1))
    .bind(limit)
    .fetch_all(tx)
    .await
}

/// The installments of the plans, by plan and in order.
pub async fn installments(
    tx: &mut PgConnection,
    agency_id: Uuid,
    plan_ids: &[Uuid],
) -> Result<Vec<InstallmentRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT plan_id, seq, due_date, amount, paid_amount FROM plan_installments
         WHERE agency_id = $1 AND plan_id = ANY($2) ORDER BY plan_id, seq",
    )
    .bind(agency_id)
    .bind(plan_ids)
    .fetch_all(tx)
    .await
}

/// A plan's move: to `status`, with the manager who decided it (approvals and
/// rejections) and, for the statuses that end it, why. A plan that is not ended has
/// no end.
#[derive(Debug, Clone, Copy)]
pub struct StatusChange<'a> {
    pub status: PlanStatus,
    pub decided_by: Option<Uuid>,
    /// `Some` ends the plan now (completed, defaulted, cancelled).
    pub end_reason: Option<&'a str>,
}

pub async fn set_status(
    tx: &mut PgConnection,
    agency_id: Uuid,
    id: Uuid,
    change: StatusChange<'_>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE plans SET status = $3,
                decided_by = coalesce($4, decided_by), decided_at = CASE WHEN $4 IS NULL THEN decided_at ELSE now() END,
                ended_at = CASE WHEN $5::text IS NULL THEN NULL ELSE now() END, end_reason = $5, updated_at = now()
         WHERE agency_id = $1 AND id = $2",
    )
    .bind(agency_id)
    .bind(id)
    .bind(change.status)
    .bind(change.decided_by)
    .bind(change.end_reason)
    .execute(tx)
    .await
    .map(drop)
}

/// Activates a pending plan, marking it a settlement when its total is below the
/// balance. A second active plan of the account breaks the unique index
/// `plans_one_active_per_account` (the last wall of the domain's one-active-plan rule).
pub async fn activate(
    tx: &mut PgConnection,
    agency_id: Uuid,
    id: Uuid,
    decided_by: Uuid,
    settlement: bool,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE plans SET status = $5, settlement = $4, decided_by = $3, decided_at = now(), updated_at = now()
         WHERE agency_id = $1 AND id = $2",
    )
    .bind(agency_id)
    .bind(id)
    .bind(decided_by)
    .bind(settlement)
    .bind(PlanStatus::Active)
    .execute(tx)
    .await
    .map(drop)
}

/// The unique index that keeps one active plan per account.
pub const ONE_ACTIVE_PER_ACCOUNT: &str = "plans_one_active_per_account";

pub async fn soft_delete(tx: &mut PgConnection, agency_id: Uuid, id: Uuid) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE plans SET deleted_at = now(), updated_at = now() WHERE agency_id = $1 AND id = $2")
        .bind(agency_id)
        .bind(id)
        .execute(tx)
        .await
        .map(drop)
}

/// Records what `payment_id` paid into (or, negative, took back from) installments.
pub async fn add_paid(
    tx: &mut PgConnection,
    agency_id: Uuid,
    plan_id: Uuid,
    payment_id: Uuid,
    parts: &[(i16, Decimal)],
) -> Result<(), sqlx::Error> {
    if parts.is_empty() {
        return Ok(());
    }
    let seqs: Vec<i16> = parts.iter().map(|p| p.0).collect();
    let amounts: Vec<Decimal> = parts.iter().map(|p| p.1).collect();
    sqlx::query(
        "WITH x AS (SELECT * FROM unnest($3::smallint[], $4::numeric[]) AS x(seq, amount)),
              log AS (INSERT INTO plan_allocations (agency_id, plan_id, seq, payment_id, amount)
                      SELECT $1, $2, x.seq, $5, x.amount FROM x)
         UPDATE plan_installments i SET paid_amount = i.paid_amount + x.amount
         FROM x WHERE i.agency_id = $1 AND i.plan_id = $2 AND i.seq = x.seq",
    )
    .bind(agency_id)
    .bind(plan_id)
    .bind(&seqs)
    .bind(&amounts)
    .bind(payment_id)
    .execute(tx)
    .await
    .map(drop)
}

/// What a payment still holds in one installment of a plan.
#[derive(Debug, Clone, Copy, sqlx::FromRow)]
pub struct Held {
    pub plan_id: Uuid,
    pub seq: i16,
    pub amount: Decimal,
}

/// What a payment still holds in each installment of each plan, oldest first.
pub async fn paid_by(tx: &mut PgConnection, agency_id: Uuid, payment_id: Uuid) -> Result<Vec<Held>, sqlx::Error> {
    sqlx::query_as(
        "SELECT plan_id, seq, sum(amount) AS amount FROM plan_allocations WHERE agency_id = $1 AND payment_id = $2
         GROUP BY plan_id, seq HAVING sum(amount) > 0 ORDER BY plan_id, seq",
    )
    .bind(agency_id)
    .bind(payment_id)
    .fetch_all(tx)
    .await
}

/// Active plans (of one agency, or all) with an installment unpaid
/// `default_threshold_days` after its due date, as of `as_of`: `(agency, plan, account)`.
pub async fn overdue(
    tx: &mut PgConnection,
    agency_id: Option<Uuid>,
    as_of: NaiveDate,
) -> Result<Vec<(Uuid, Uuid, Uuid)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT p.agency_id, p.id, p.account_id FROM plans p
         WHERE p.status = $3 AND ($2::uuid IS NULL OR p.agency_id = $2) AND EXISTS (
             SELECT 1 FROM plan_installments i
             WHERE i.agency_id = p.agency_id AND i.plan_id = p.id AND i.paid_amount < i.amount
               AND i.due_date + p.default_threshold_days <= $1)
         ORDER BY p.agency_id, p.id",
    )
    .bind(as_of)
    .bind(agency_id)
    .bind(PlanStatus::Active)
    .fetch_all(tx)
    .await
}
