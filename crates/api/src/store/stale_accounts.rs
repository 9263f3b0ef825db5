//! Stale accounts (the stale_account_escalation job): the agency's worked accounts
//! with no timeline event for some days, counted, and one digest per recipient and
//! date, in one set-based statement.

use chrono::NaiveDate;
use debtflow_domain::{AccountStatus, Role};
use sqlx::PgConnection;
use uuid::Uuid;

/// What an escalation run counted and sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::FromRow)]
pub struct Escalated {
    /// Worked accounts (`AccountStatus::WORKING`).
    pub scanned: i64,
    /// Those without an event for the days.
    pub stale: i64,
    pub sent: i64,
}

/// Counts the agency's worked accounts with no timeline event in the `days` days
/// before `as_of` (from midnight, agency time) and sends the agency's active users of
/// `recipients` roles one digest for the date, if there are any.
pub async fn escalate(
    tx: &mut PgConnection,
    agency_id: Uuid,
    as_of: NaiveDate,
    days: i32,
    recipients: &[Role],
) -> Result<Escalated, sqlx::Error> {
    sqlx::query_as(
        "WITH open AS (
             SELECT a.id FROM accounts a WHERE a.agency_id = $1 AND a.status = ANY($4)),
         stale AS (
             SELECT o.id FROM open o
             WHERE NOT EXISTS (SELECT 1 FROM account_events e
                               WHERE e.agency_id = $1 AND e.account_id = o.id
                                 AND e.occurred_at >= ($2 - $3)::timestamp AT TIME ZONE
                                     (SELECT time_zone FROM agencies WHERE id = $1))),
         counted AS (SELECT count(*) AS n FROM stale),
         sent AS (
             INSERT INTO notifications (agency_id, id, recipient_id, kind, title, body, entity_type, entity_id,
                                        idempotency_key)
             SELECT $1, gen_random_uuid(), m.id, 'stale_accounts', 'Accounts without activity',
                    format('%s accounts have had no activity for %s days.', c.n, $3), NULL, NULL,
                    format('stale:%s:%s', $2, m.id)
             FROM users m, counted c
             WHERE m.agency_id = $1 AND m.role = ANY($5) AND m.is_active AND c.n > 0
             ON CONFLICT (agency_id, idempotency_key) DO NOTHING RETURNING 1)
         SELECT (SELECT count(*) FROM open) AS scanned, (SELECT n FROM counted) AS stale,
                (SELECT count(*) FROM sent) AS sent",
    )
    .bind(agency_id)
    .bind(as_of)
    .bind(days)
    .bind(&AccountStatus::WORKING[..])
    .bind(recipients)
    .fetch_one(tx)
    .await
}
