//! Repayment compliance: what became of the installments due in a period
//! (`installment_outcome`, migrations/0014, the domain's `InstallmentOutcome::of`),
//! counted per collector or per plan in one set-based statement. An installment is
//! counted while its plan runs or after it completed or defaulted (up to the day the
//! plan ended); drafts, plans waiting for approval and cancelled plans promised
//! nothing. A plan is its account's current collector's.

use chrono::NaiveDate;
use debtflow_domain::plan::PlanStatus;
use rust_decimal::Decimal;
use sqlx::PgConnection;
use uuid::Uuid;

/// The plans whose installments count.
const PROMISED: [PlanStatus; 3] = [PlanStatus::Active, PlanStatus::Completed, PlanStatus::Defaulted];

const INSTALLMENTS: &str = "
    WITH ag AS (SELECT time_zone FROM agencies WHERE id = $1),
    inst AS (
        SELECT p.id AS plan_id, p.account_id, a.external_ref, a.collector_id, i.amount, i.paid_amount,
               installment_outcome(i.amount, i.paid_amount, i.due_date,
                   (SELECT max(pm.paid_on) FROM plan_allocations pa
                    JOIN payments pm ON pm.agency_id = pa.agency_id AND pm.id = pa.payment_id
                    WHERE pa.agency_id = i.agency_id AND pa.plan_id = i.plan_id AND pa.seq = i.seq),
                   $5, p.grace_days) AS outcome
        FROM plan_installments i
        JOIN plans p ON p.agency_id = i.agency_id AND p.id = i.plan_id
        JOIN accounts a ON a.agency_id = p.agency_id AND a.id = p.account_id, ag
        WHERE i.agency_id = $1 AND i.due_date BETWEEN $3 AND $4 AND p.status = ANY($6)
          AND (p.ended_at IS NULL OR i.due_date <= (p.ended_at AT TIME ZONE ag.time_zone)::date)
          AND ($2::uuid IS NULL OR a.collector_id = $2)
          AND ($7::uuid IS NULL OR p.id > $7))
    SELECT %KEY%, count(*) AS due, count(*) FILTER (WHERE outcome = 'on_time') AS on_time,
           count(*) FILTER (WHERE outcome = 'late') AS late, count(*) FILTER (WHERE outcome = 'missed') AS missed,
           count(*) FILTER (WHERE outcome = 'open') AS open, sum(amount) AS amount_due, sum(paid_amount) AS amount_paid
    FROM inst";

/// The installments of a group (a collector's, a plan's).
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct ComplianceRow {
    pub collector_id: Option<Uuid>,
    /// Per plan only: the plan and its account.
    pub plan_id: Option<Uuid>,
    pub account_id: Option<Uuid>,
    pub external_ref: Option<String>,
    pub due: i64,
    pub on_time: i64,
    pub late: i64,
    pub missed: i64,
    pub open: i64,
    pub amount_due: Decimal,
    pub amount_paid: Decimal,
}

/// What the report covers.
#[derive(Debug, Clone, Copy)]
pub struct Due {
    pub agency_id: Uuid,
    pub collector_id: Option<Uuid>,
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// The day outcomes are judged on (the agency's today).
    pub today: NaiveDate,
}

/// Per collector (`None`: accounts without one), by collector id.
pub async fn by_collector(tx: &mut PgConnection, due: Due) -> Result<Vec<ComplianceRow>, sqlx::Error> {
    let sql = INSTALLMENTS
        .replace("%KEY%", "collector_id, NULL::uuid AS plan_id, NULL::uuid AS account_id, NULL::text AS external_ref")
        + " GROUP BY collector_id ORDER BY collector_id";
    query(tx, &sql, due, None).await
}

/// Per plan, `limit` plans after the plan `after`, by plan id.
pub async fn by_plan(
    tx: &mut PgConnection,
    due: Due,
    after: Option<Uuid>,
    limit: i64,
) -> Result<Vec<ComplianceRow>, sqlx::Error> {
    let sql = INSTALLMENTS.replace("%KEY%", "collector_id, plan_id, account_id, external_ref")
        + &format!(" GROUP BY plan_id, collector_id, account_id, external_ref ORDER BY plan_id LIMIT {limit}");
    query(tx, &sql, due, after).await
}

async fn query(
    tx: &mut PgConnection,
    sql: &str,
    due: Due,
    after: Option<Uuid>,
) -> Result<Vec<ComplianceRow>, sqlx::Error> {
    sqlx::query_as(sql)
        .bind(due.agency_id)
        .bind(due.collector_id)
        .bind(due.from)
        .bind(due.to)
        .bind(due.today)
        .bind(PROMISED)
        .bind(after)
        .fetch_all(tx)
        .await
}
