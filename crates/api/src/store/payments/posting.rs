//! A payment recorded in few round trips: the account locked with the idempotency
//! claim ([`lock`], in the opening message), everything the rules need read in one
//! statement ([`read`]), and everything the service computed written in one ([`write`]):
//! the payment, its journal entries and lines, the balance, the allocations, the fees
//! paid, the timeline event, the notification, the audit row, the webhook event and the
//! request's idempotent answer. No rule here: the rows are the service's, as they are
//! for the one-statement-each functions of the other stores, and every database check
//! (balanced entries at commit, row-level security, constraints) still runs.

use super::AllocationRow;
use crate::store::{
    accounts::{MoneyRow, Reach, IN_REACH},
    audit::NewEntry,
    fees::Paid,
    idempotency::{self, KeyOf},
    ledger::{Links, Postings},
    webhooks::CHANNEL,
};
use chrono::{DateTime, NaiveDate, Utc};
use debtflow_domain::{
    fee::FeeStatus,
    ledger::{Entry, EntryKind},
    payment::{PaymentMethod, PaymentStatus},
    plan::PlanStatus,
    webhook::EventType,
};
use rust_decimal::Decimal;
use sqlx::PgConnection;
use uuid::Uuid;

/// The lock of the account `id` within `reach`, as a statement for the opening message
/// (`idempotency::begin_then`): built from UUIDs only.
pub fn lock(reach: Reach, id: Uuid) -> String {
    let mut sql = format!("SELECT 1 FROM accounts a WHERE a.id = '{id}'");
    if let Some(agency) = reach.agency_id {
        sql.push_str(&format!(" AND a.agency_id = '{agency}'"));
    }
    if let Some(collector) = reach.collector_id {
        sql.push_str(&format!(" AND a.collector_id = '{collector}'"));
    }
    sql.push_str(" FOR UPDATE OF a");
    sql
}

/// What recording a payment needs, read once the account is locked: the account (as
/// `accounts::lock_money` reads it), the names a payment is shown with, what pending
/// payments promise, whether a plan is active, and the open fees, locked, oldest first.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Intake {
    #[sqlx(flatten)]
    pub account: MoneyRow,
    /// The transaction's `now()`: what the payment's `created_at` defaults to.
    pub created_at: DateTime<Utc>,
    pub account_ref: String,
    pub debtor_name: String,
    /// The recording user's name.
    pub recorded_by_name: Option<String>,
    /// What pending payments (and those awaiting approval) promise.
    pub pending: Decimal,
    pub plan_active: bool,
    pub fee_ids: Vec<Uuid>,
    pub fee_amounts: Vec<Decimal>,
    pub fee_paid: Vec<Decimal>,
    pub fee_waived: Vec<Decimal>,
    pub fee_statuses: Vec<FeeStatus>,
}

/// [`Intake`] of the account `id` within `reach` (locked again: free, it is ours).
pub async fn read(
    tx: &mut PgConnection,
    reach: Reach,
    id: Uuid,
    recorded_by: Option<Uuid>,
    now: DateTime<Utc>,
) -> Result<Option<Intake>, sqlx::Error> {
    sqlx::query_as(&format!(
        "WITH a AS (
             SELECT a.agency_id, a.id, a.status, a.current_balance, a.currency::text AS currency, a.collector_id,
                    u.commission_rate, ag.settings, a.settled_from,
                    ($4::timestamptz AT TIME ZONE ag.time_zone)::date AS today, a.external_ref, a.debtor_id
             FROM accounts a
             JOIN agencies ag ON ag.id = a.agency_id
             LEFT JOIN users u ON u.id = a.collector_id
             WHERE {IN_REACH}
             FOR UPDATE OF a),
         f AS (
             SELECT f.id, f.amount, f.paid_amount, f.waived_amount, f.status, f.created_at
             FROM fees f JOIN a ON f.agency_id = a.agency_id AND f.account_id = a.id
             WHERE f.status = $7
             FOR UPDATE OF f)
         SELECT a.agency_id, a.id, a.status, a.current_balance, a.currency, a.collector_id, a.commission_rate,
                a.settings, a.settled_from, a.today, now() AS created_at, a.external_ref AS account_ref,
                (SELECT d.full_name FROM debtors d WHERE d.agency_id = a.agency_id AND d.id = a.debtor_id)
                    AS debtor_name,
                (SELECT r.full_name FROM users r WHERE r.id = $5) AS recorded_by_name,
                (SELECT coalesce(sum(p.amount), 0) FROM payments p
                 WHERE p.agency_id = a.agency_id AND p.account_id = a.id AND p.status = ANY($6)) AS pending,
                EXISTS (SELECT 1 FROM plans pl WHERE pl.agency_id = a.agency_id AND pl.account_id = a.id
                                                AND pl.status = $8) AS plan_active,
                coalesce((SELECT array_agg(f.id ORDER BY f.created_at, f.id) FROM f), '{{}}') AS fee_ids,
                coalesce((SELECT array_agg(f.amount ORDER BY f.created_at, f.id) FROM f), '{{}}') AS fee_amounts,
                coalesce((SELECT array_agg(f.paid_amount ORDER BY f.created_at, f.id) FROM f), '{{}}') AS fee_paid,
                coalesce((SELECT array_agg(f.waived_amount ORDER BY f.created_at, f.id) FROM f), '{{}}') AS fee_waived,
                coalesce((SELECT array_agg(f.status ORDER BY f.created_at, f.id) FROM f), '{{}}') AS fee_statuses
         FROM a"
    ))
    .bind(id)
    .bind(reach.agency_id)
    .bind(reach.collector_id)
    .bind(now)
    .bind(recorded_by)
    .bind(PaymentStatus::ALL.iter().copied().filter(|s| s.is_pending()).collect::<Vec<_>>())
    .bind(FeeStatus::Waiting)
    .bind(PlanStatus::Active)
    .fetch_optional(tx)
    .await
}

/// The payment row to insert.
pub struct Payment<'a> {
    pub id: Uuid,
    pub account_id: Uuid,
    pub amount: Decimal,
    pub currency: &'a str,
    pub method: PaymentMethod,
    pub status: PaymentStatus,
    pub paid_on: NaiveDate,
    pub reference: Option<&'a str>,
    pub metadata: &'a serde_json::Value,
    pub recorded_by: Option<Uuid>,
    pub collector_id: Option<Uuid>,
    pub created_at: DateTime<Utc>,
}

/// A journal entry of the payment's account, with its id.
pub struct Posted<'a> {
    pub id: Uuid,
    pub entry: &'a Entry,
    pub links: Links,
}

/// One notification (the columns of `store::notifications::insert`).
pub struct Notice<'a> {
    pub recipient_id: Uuid,
    pub kind: &'a str,
    pub title: &'a str,
    pub body: &'a str,
    pub entity_type: Option<&'a str>,
    pub entity_id: Option<String>,
    pub idempotency_key: String,
}

/// Everything one payment writes, computed by the service.
pub struct Posting<'a> {
    pub agency_id: Uuid,
    pub payment: Payment<'a>,
    pub entries: Vec<Posted<'a>>,
    /// The entry the allocation belongs to, and its parts.
    pub allocation: Option<(Uuid, Vec<AllocationRow>)>,
    pub fees: Vec<Paid>,
    /// The timeline event: kind, body, data.
    pub event: (&'a str, Option<&'a str>, serde_json::Value),
    pub actor_id: Option<Uuid>,
    pub notices: Vec<Notice<'a>>,
    pub audit: NewEntry<'a>,
    /// Webhook events of this type, for the agency's endpoints that subscribe to it.
    pub webhook: (EventType, Vec<serde_json::Value>),
    pub now: DateTime<Utc>,
    /// The request's answer, saved with its idempotency key.
    pub answer: Option<(KeyOf<'a>, i16, Vec<u8>)>,
}

/// Writes `posting` in one statement; `false` (and nothing written) when the agency
/// already has a payment with its reference.
pub async fn write(tx: &mut PgConnection, posting: &Posting<'_>) -> Result<bool, sqlx::Error> {
    let p = &posting.payment;
    let mut line_entry = Vec::new();
    let mut line_no = Vec::new();
    let mut line_account = Vec::new();
    let mut debit = Vec::new();
    let mut credit = Vec::new();
    for posted in &posting.entries {
        let lines = Postings::of([(p.account_id, posted.entry)]);
        line_entry.extend(lines.line_no.iter().map(|_| posted.id));
        line_no.extend(lines.line_no);
        line_account.extend(lines.line_account);
        debit.extend(lines.debit);
        credit.extend(lines.credit);
    }
    let entries = &posting.entries;
    let balance_change: Decimal = entries.iter().map(|e| e.entry.receivable_change()).sum();
    let (allocation_entry, parts) = match &posting.allocation {
        Some((entry, parts)) => (Some(*entry), parts.as_slice()),
        None => (None, &[][..]),
    };
    let notices = &posting.notices;
    let audit = &posting.audit;
    let answer = posting.answer.as_ref();
    let saving_answer = idempotency::saving_answer("SELECT $1, $63, $64, $68, $65, $66 FROM p WHERE $67");
    let written: i64 = sqlx::query_scalar(&format!(
        "WITH p AS (
             INSERT INTO payments AS p (agency_id, id, account_id, amount, currency, method, status, paid_on,
                                        reference, metadata, recorded_by, collector_id, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13)
             ON CONFLICT (agency_id, reference) WHERE reference IS NOT NULL DO NOTHING
             RETURNING p.agency_id, p.id, p.account_id),
         e AS (
             INSERT INTO journal_entries (agency_id, id, account_id, kind, reverses, payment_id, fee_id,
                                          collector_id, plan_id)
             SELECT p.agency_id, x.id, p.account_id, x.kind, x.reverses, x.payment_id, x.fee_id, x.collector_id,
                    x.plan_id
             FROM p, unnest($14::uuid[], $15::entry_kind[], $16::uuid[], $17::uuid[], $18::uuid[], $19::uuid[],
                            $20::uuid[]) AS x(id, kind, reverses, payment_id, fee_id, collector_id, plan_id)),
         l AS (
             INSERT INTO journal_lines (agency_id, entry_id, line_no, ledger_account, debit, credit)
             SELECT p.agency_id, x.entry, x.no, x.account, x.debit, x.credit
             FROM p, unnest($21::uuid[], $22::smallint[], $23::ledger_account[], $24::numeric[], $25::numeric[])
                     AS x(entry, no, account, debit, credit)),
         b AS (
             UPDATE accounts a SET current_balance = a.current_balance + $26, updated_at = now()
             FROM p WHERE a.agency_id = p.agency_id AND a.id = p.account_id AND $26 <> 0),
         al AS (
             INSERT INTO payment_allocations (agency_id, payment_id, position, fee_id, amount, entry_id)
             SELECT p.agency_id, p.id, x.position, x.fee_id, x.amount, $27
             FROM p, unnest($28::smallint[], $29::uuid[], $30::numeric[]) AS x(position, fee_id, amount)),
         f AS (
             UPDATE fees f SET paid_amount = x.paid, status = x.status, updated_at = now()
             FROM p, unnest($31::uuid[], $32::numeric[], $33::fee_status[]) AS x(id, paid, status)
             WHERE f.agency_id = p.agency_id AND f.id = x.id),
         ev AS (
             INSERT INTO account_events (agency_id, id, account_id, kind, actor_id, body, data)
             SELECT p.agency_id, $34, p.account_id, $35, $36, $37, $38 FROM p),
         n AS (
             INSERT INTO notifications (agency_id, id, recipient_id, kind, title, body, entity_type, entity_id,
                                        idempotency_key)
             SELECT p.agency_id, x.id, x.recipient, x.kind, x.title, x.body, x.entity_type, x.entity_id, x.key
             FROM p, unnest($39::uuid[], $40::uuid[], $41::text[], $42::text[], $43::text[], $44::text[],
                            $45::text[], $46::text[])
                     AS x(id, recipient, kind, title, body, entity_type, entity_id, key)
             ON CONFLICT (agency_id, idempotency_key) DO NOTHING),
         au AS (
             INSERT INTO audit_logs (id, agency_id, actor_id, actor_role, action, entity_type, entity_id,
                                     before, after, ip, request_id)
             SELECT $47, $48, $49, $50::user_role, $51, $52, $53, $54, $55, $56, $57 FROM p),
         endpoints AS (
             SELECT id FROM webhook_endpoints WHERE agency_id = $1 AND active AND $58 = ANY(event_types)),
         we AS (
             INSERT INTO webhook_events (agency_id, id, type, payload, created_at)
             SELECT $1, x.id, $58, x.payload, $61
             FROM p, unnest($59::uuid[], $60::jsonb[]) AS x(id, payload)
             WHERE EXISTS (SELECT 1 FROM endpoints)
             RETURNING id),
         wd AS (
             INSERT INTO webhook_deliveries (agency_id, id, event_id, endpoint_id, window_starts_at,
                                             next_attempt_at, created_at)
             SELECT $1, webhook_uuid_v7($61), we.id, ep.id, $61, $61, $61 FROM we CROSS JOIN endpoints ep
             RETURNING 1),
         k AS ({saving_answer} RETURNING 1)
         SELECT (SELECT count(*) FROM p)
                + 0 * (SELECT count(*) FROM (SELECT pg_notify($62, '') FROM (SELECT 1 FROM wd LIMIT 1) d) w)",
    ))
    .bind(posting.agency_id)
    .bind(p.id)
    .bind(p.account_id)
    .bind(p.amount)
    .bind(p.currency)
    .bind(p.method)
    .bind(p.status)
    .bind(p.paid_on)
    .bind(p.reference)
    .bind(p.metadata)
    .bind(p.recorded_by)
    .bind(p.collector_id)
    .bind(p.created_at)
    .bind(entries.iter().map(|e| e.id).collect::<Vec<_>>())
    .bind(entries.iter().map(|e| e.entry.kind()).collect::<Vec<EntryKind>>())
    .bind(entries.iter().map(|e| e.links.reverses).collect::<Vec<_>>())
    .bind(entries.iter().map(|e| e.links.payment_id).collect::<Vec<_>>())
    .bind(entries.iter().map(|e| e.links.fee_id).collect::<Vec<_>>())
    .bind(entries.iter().map(|e| e.links.collector_id).collect::<Vec<_>>())
    .bind(entries.iter().map(|e| e.links.plan_id).collect::<Vec<_>>())
    .bind(line_entry)
    .bind(line_no)
    .bind(line_account)
    .bind(debit)
    .bind(credit)
    .bind(balance_change)
    .bind(allocation_entry)
    .bind(parts.iter().map(|a| a.position).collect::<Vec<_>>())
    .bind(parts.iter().map(|a| a.fee_id).collect::<Vec<_>>())
    .bind(parts.iter().map(|a| a.amount).collect::<Vec<_>>())
    .bind(posting.fees.iter().map(|f| f.fee_id).collect::<Vec<_>>())
    .bind(posting.fees.iter().map(|f| f.paid_amount).collect::<Vec<_>>())
    .bind(posting.fees.iter().map(|f| f.status).collect::<Vec<_>>())
    .bind(Uuid::now_v7())
    .bind(posting.event.0)
    .bind(posting.actor_id)
    .bind(posting.event.1)
    .bind(&posting.event.2)
    .bind(notices.iter().map(|_| Uuid::now_v7()).collect::<Vec<_>>())
    .bind(notices.iter().map(|n| n.recipient_id).collect::<Vec<_>>())
    .bind(notices.iter().map(|n| n.kind).collect::<Vec<_>>())
    .bind(notices.iter().map(|n| n.title).collect::<Vec<_>>())
    .bind(notices.iter().map(|n| n.body).collect::<Vec<_>>())
    .bind(notices.iter().map(|n| n.entity_type).collect::<Vec<_>>())
    .bind(notices.iter().map(|n| n.entity_id.as_deref()).collect::<Vec<_>>())
    .bind(notices.iter().map(|n| n.idempotency_key.as_str()).collect::<Vec<_>>())
    .bind(Uuid::now_v7())
    .bind(audit.agency_id)
    .bind(audit.actor_id)
    .bind(audit.actor_role)
    .bind(audit.action)
    .bind(audit.entity_type)
    .bind(audit.entity_id)
    .bind(audit.before)
    .bind(audit.after)
    .bind(audit.ip)
    .bind(audit.request_id)
    .bind(posting.webhook.0)
    .bind(posting.webhook.1.iter().map(|_| Uuid::now_v7()).collect::<Vec<_>>())
    .bind(&posting.webhook.1)
    .bind(posting.now)
    .bind(CHANNEL)
    .bind(answer.map(|a| a.0.user_id))
    .bind(answer.map(|a| a.0.key))
    .bind(answer.map(|a| a.1))
    .bind(answer.map(|a| a.2.as_slice()))
    .bind(answer.is_some())
    .bind(answer.map(|a| a.0.fingerprint))
    .fetch_one(tx)
    .await?;
    Ok(written == 1)
}
