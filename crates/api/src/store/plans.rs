//! Payment plans and their installments (migrations/0007).

use super::{accounts::Reach, payments::Named};
use chrono::{DateTime, NaiveDate, Utc};
use debtflow_domain::plan::{Frequency, Installment, PlanStatus};
use rust_decimal::Decimal;
use sqlx::PgConnection;
use uuid::Uuid;

const COLUMNS: &str =
    "p.agency_id, p.id, p.account_id, p.status::text AS status, p.total, p.frequency::text AS frequency,
    p.grace_days, p.default_threshold_days, p.settlement, p.note, p.created_by, p.decided_by, p.decided_at, p.ended_at,
    p.end_reason, p.created_at, p.updated_at, a.currency::text AS currency,
    (now() AT TIME ZONE ag.time_zone)::date AS today";

const FROM: &str = "FROM plans p
    JOIN accounts a ON a.agency_id = p.agency_id AND a.id = p.account_id
    JOIN agencies ag ON ag.id = p.agency_id";

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PlanRow {
    pub agency_id: Uuid,
    pub id: Uuid,
    pub account_id: Uuid,
    #[sqlx(try_from = "String")]
    pub status: Named<PlanStatus>,
    pub total: Decimal,
    pub frequency: Option<String>,
    pub grace_days: i32,
    pub default_threshold_days: i32,
    /// Approved below the balance: the rest is written off when the plan completes.
    pub settlement: bool,
    pub note: Option<String>,
    pub created_by: Uuid,
    pub decided_by: Option<Uuid>,
    pub decided_at: Option<DateTime<Utc>>,
    pub ended_at: Option<DateTime<Utc>>,
    pub end_reason: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub currency: String,
    /// Today in the agency's time zone.
    pub today: NaiveDate,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct InstallmentRow {
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
         VALUES ($1, $2, $3, $4, $5::plan_frequency, $6, $7, $8, $9)",
    )
    .bind(p.agency_id)
    .bind(id)
    .bind(p.account_id)
    .bind(p.total)
    .bind(p.frequency.map(Frequency::as_str))
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
        "UPDATE plans SET total = $3, frequency = $4::plan_frequency, grace_days = $5, default_threshold_days = $6,
                note = $7, updated_at = now()
         WHERE agency_id = $1 AND id = $2",
    )
    .bind(agency_id)
    .bind(id)
    .bind(p.total)
    .bind(p.frequency.map(Frequency::as_str))
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

/// The plan, if within `reach` and not deleted; `lock` locks it.
pub async fn get(tx: &mut PgConnection, reach: Reach, id: Uuid, lock: bool) -> Result<Option<PlanRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} {FROM}
         WHERE p.id = $1 AND p.deleted_at IS NULL AND ($2::uuid IS NULL OR p.agency_id = $2)
           AND ($3::uuid IS NULL OR a.collector_id = $3) {}",
        if lock { "FOR UPDATE OF p" } else { "" }
    ))
    .bind(id)
    .bind(reach.agency_id)
    .bind(reach.collector_id)
    .fetch_optional(tx)
    .await
}

/// The account's active plan, locked.
pub async fn active(tx: &mut PgConnection, agency_id: Uuid, account_id: Uuid) -> Result<Option<PlanRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} {FROM} WHERE p.agency_id = $1 AND p.account_id = $2 AND p.status = 'active' FOR UPDATE OF p"
    ))
    .bind(agency_id)
    .bind(account_id)
    .fetch_optional(tx)
    .await
}

/// The account's current plan: the active one, else the one waiting for approval,
/// else the newest draft.
pub async fn current(tx: &mut PgConnection, agency_id: Uuid, account_id: Uuid) -> Result<Option<PlanRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} {FROM}
         WHERE p.agency_id = $1 AND p.account_id = $2 AND p.deleted_at IS NULL
           AND p.status IN ('active', 'pending_approval', 'draft')
         ORDER BY array_position(ARRAY['active', 'pending_approval', 'draft']::plan_status[], p.status),
                  p.created_at DESC
         LIMIT 1"
    ))
    .bind(agency_id)
    .bind(account_id)
    .fetch_optional(tx)
    .await
}

/// The account's plans, newest first (deleted drafts left out).
pub async fn for_account(
    tx: &mut PgConnection,
    agency_id: Uuid,
    account_id: Uuid,
) -> Result<Vec<PlanRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} {FROM} WHERE p.agency_id = $1 AND p.account_id = $2 AND p.deleted_at IS NULL
         ORDER BY p.created_at DESC, p.id DESC"
    ))
    .bind(agency_id)
    .bind(account_id)
    .fetch_all(tx)
    .await
}

/// Plans within `reach`, newest first: of a status, and with an open installment due
/// on or before `due_before`.
pub async fn list(
    tx: &mut PgConnection,
    reach: Reach,
    status: Option<PlanStatus>,
    due_before: Option<NaiveDate>,
    before: Option<(DateTime<Utc>, Uuid)>,
    limit: i64,
) -> Result<Vec<PlanRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} {FROM}
         WHERE p.deleted_at IS NULL AND ($1::uuid IS NULL OR p.agency_id = $1)
           AND ($2::uuid IS NULL OR a.collector_id = $2)
           AND ($3::text IS NULL OR p.status = $3::plan_status)
           AND ($4::date IS NULL OR EXISTS (
                   SELECT 1 FROM plan_installments i
                   WHERE i.agency_id = p.agency_id AND i.plan_id = p.id AND i.paid_amount < i.amount
                     AND i.due_date <= $4))
           AND ($5::timestamptz IS NULL OR (p.created_at, p.id) < ($5, $6))
         ORDER BY p.created_at DESC, p.id DESC LIMIT $7"
    ))
    .bind(reach.agency_id)
    .bind(reach.collector_id)
    .bind(status.map(PlanStatus::as_str))
    .bind(due_before)
    .bind(before.map(|b| b.0))
    .bind(before.map(|b| b.1))
    .bind(limit)
    .fetch_all(tx)
    .await
}

pub async fn installments(
    tx: &mut PgConnection,
    agency_id: Uuid,
    plan_ids: &[Uuid],
) -> Result<Vec<(Uuid, InstallmentRow)>, sqlx::Error> {
    let rows: Vec<(Uuid, i16, NaiveDate, Decimal, Decimal)> = sqlx::query_as(
        "SELECT plan_id, seq, due_date, amount, paid_amount FROM plan_installments
         WHERE agency_id = $1 AND plan_id = ANY($2) ORDER BY plan_id, seq",
    )
    .bind(agency_id)
    .bind(plan_ids)
    .fetch_all(tx)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(plan, seq, due_date, amount, paid_amount)| (plan, InstallmentRow { seq, due_date, amount, paid_amount }))
        .collect())
}

/// Moves the plan to `status`; `decided_by` for approvals and rejections, `end` for
/// the statuses that end it (with the reason).
pub async fn set_status(
    tx: &mut PgConnection,
    agency_id: Uuid,
    id: Uuid,
    status: PlanStatus,
    decided_by: Option<Uuid>,
    end_reason: Option<&str>,
) -> Result<(), sqlx::Error> {
    let ends = matches!(status, PlanStatus::Completed | PlanStatus::Defaulted | PlanStatus::Cancelled);
    sqlx::query(
        "UPDATE plans SET status = $3::plan_status,
                decided_by = coalesce($4, decided_by), decided_at = CASE WHEN $4 IS NULL THEN decided_at ELSE now() END,
                ended_at = CASE WHEN $5 THEN now() END, end_reason = CASE WHEN $5 THEN $6 END, updated_at = now()
         WHERE agency_id = $1 AND id = $2",
    )
    .bind(agency_id)
    .bind(id)
    .bind(status.as_str())
    .bind(decided_by)
    .bind(ends)
    .bind(end_reason)
    .execute(tx)
    .await
    .map(drop)
}

/// Activates a pending plan, marking it a settlement when its total is below the
/// balance. `false` when the account already has an active plan.
pub async fn activate(
    tx: &mut PgConnection,
    agency_id: Uuid,
    id: Uuid,
    decided_by: Uuid,
    settlement: bool,
) -> Result<bool, sqlx::Error> {
    let result = sqlx::query(
        "UPDATE plans SET status = 'active', settlement = $4, decided_by = $3, decided_at = now(), updated_at = now()
         WHERE agency_id = $1 AND id = $2",
    )
    .bind(agency_id)
    .bind(id)
    .bind(decided_by)
    .bind(settlement)
    .execute(tx)
    .await;
    match result {
        Ok(_) => Ok(true),
        Err(e) => match super::StoreError::from(e) {
            super::StoreError::Duplicate { constraint } if constraint == "plans_one_active_per_account" => Ok(false),
            super::StoreError::Unexpected(e) => Err(e),
            other => Err(sqlx::Error::Protocol(other.to_string())),
        },
    }
}

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

/// What a payment still holds in each installment of each plan, oldest first.
pub async fn paid_by(
    tx: &mut PgConnection,
    agency_id: Uuid,
    payment_id: Uuid,
) -> Result<Vec<(Uuid, i16, Decimal)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT plan_id, seq, sum(amount) FROM plan_allocations WHERE agency_id = $1 AND payment_id = $2
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
         WHERE p.status = 'active' AND ($2::uuid IS NULL OR p.agency_id = $2) AND EXISTS (
             SELECT 1 FROM plan_installments i
             WHERE i.agency_id = p.agency_id AND i.plan_id = p.id AND i.paid_amount < i.amount
               AND i.due_date + p.default_threshold_days <= $1)
         ORDER BY p.agency_id, p.id",
    )
    .bind(as_of)
    .bind(agency_id)
    .fetch_all(tx)
    .await
}
