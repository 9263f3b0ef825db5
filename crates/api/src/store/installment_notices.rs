//! What the daily jobs tell collectors about the installments of active plans: a
//! reminder some days before one falls due (installment_reminders), and a flag once
//! one is late (overdue_default_scan). Each is one set-based statement per agency and
//! sends each notice once (the notifications' idempotency keys).
//!
//! "Late" is the domain's `plan::installment_status` restated in SQL: unpaid, and
//! more than the plan's grace days past its due date (late or missed); a test
//! evaluates both over ranges of days and terms.

use chrono::NaiveDate;
use debtflow_domain::{plan::PlanStatus, Role};
use sqlx::PgConnection;
use uuid::Uuid;

/// What a reminder run found and sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::FromRow)]
pub struct Reminded {
    /// Unpaid installments falling due on the day.
    pub due: i64,
    pub sent: i64,
}

/// A notification to the collector (or, without one, the agency's users of
/// `fallback` roles) of each unpaid installment of an active plan due `days_before`
/// days after `as_of`; once per installment and recipient.
pub async fn remind(
    tx: &mut PgConnection,
    agency_id: Uuid,
    as_of: NaiveDate,
    days_before: i32,
    fallback: &[Role],
) -> Result<Reminded, sqlx::Error> {
    sqlx::query_as(
        "WITH due AS (
             SELECT i.plan_id, i.seq, i.due_date, i.amount - i.paid_amount AS owed, a.id AS account_id, a.collector_id
             FROM plan_installments i
             JOIN plans p ON p.agency_id = i.agency_id AND p.id = i.plan_id AND p.status = $4
             JOIN accounts a ON a.agency_id = p.agency_id AND a.id = p.account_id
             WHERE i.agency_id = $1 AND i.due_date = $2 + $3 AND i.paid_amount < i.amount),
         recipients AS (
             SELECT d.*, coalesce(d.collector_id, m.id) AS recipient FROM due d
             LEFT JOIN users m ON d.collector_id IS NULL AND m.agency_id = $1 AND m.role = ANY($5) AND m.is_active),
         sent AS (
             INSERT INTO notifications (agency_id, id, recipient_id, kind, title, body, entity_type, entity_id,
                                        idempotency_key)
             SELECT $1, gen_random_uuid(), recipient, 'installment_due', 'Installment due soon',
                    format('Installment %s (%s) is due on %s.', seq + 1, trim_scale(owed), due_date),
                    'account', account_id::text, format('installment:%s:%s:reminder:%s', plan_id, seq, recipient)
             FROM recipients WHERE recipient IS NOT NULL
             ON CONFLICT (agency_id, idempotency_key) DO NOTHING RETURNING 1)
         SELECT (SELECT count(*) FROM due) AS due, (SELECT count(*) FROM sent) AS sent",
    )
    .bind(agency_id)
    .bind(as_of)
    .bind(days_before)
    .bind(PlanStatus::Active)
    .bind(fallback)
    .fetch_one(tx)
    .await
}

/// What a late-flag run found and sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::FromRow)]
pub struct Flagged {
    /// Late installments (late or missed) on the day.
    pub late: i64,
    pub sent: i64,
}

/// A notification to the collector of each unpaid installment of an active plan that
/// is late on `as_of` (more than the plan's grace days past its due date); once per
/// installment.
pub async fn flag_late(tx: &mut PgConnection, agency_id: Uuid, as_of: NaiveDate) -> Result<Flagged, sqlx::Error> {
    sqlx::query_as(
        "WITH late AS (
             SELECT i.plan_id, i.seq, i.due_date, a.id AS account_id, a.collector_id
             FROM plan_installments i
             JOIN plans p ON p.agency_id = i.agency_id AND p.id = i.plan_id AND p.status = $3
             JOIN accounts a ON a.agency_id = p.agency_id AND a.id = p.account_id
             WHERE i.agency_id = $1 AND i.paid_amount < i.amount AND $2 - i.due_date > p.grace_days),
         sent AS (
             INSERT INTO notifications (agency_id, id, recipient_id, kind, title, body, entity_type, entity_id,
                                        idempotency_key)
             SELECT $1, gen_random_uuid(), collector_id, 'installment_late', 'Installment late',
                    format('Installment %s, due on %s, is late.', seq + 1, due_date), 'account', account_id::text,
                    format('installment:%s:%s:late', plan_id, seq)
             FROM late WHERE collector_id IS NOT NULL
             ON CONFLICT (agency_id, idempotency_key) DO NOTHING RETURNING 1)
         SELECT (SELECT count(*) FROM late) AS late, (SELECT count(*) FROM sent) AS sent",
    )
    .bind(agency_id)
    .bind(as_of)
    .bind(PlanStatus::Active)
    .fetch_one(tx)
    .await
}
