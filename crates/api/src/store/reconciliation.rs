//! The daily reconciliation: a business day's journal per ledger account, its cash
//! per payment method, and every variance between the ledger, the payments it names
//! and the processor's events, line by line. Read from the raw rows (not the
//! analytics summaries): it is the check.
//!
//! A payment is looked at when the day touched it: a cash line of the day names it,
//! it changed that day, or a processor event about it arrived that day. Its cash is
//! then compared whole (every day's lines): money in must equal its amount when it is
//! posted and be nothing when it is not; money out must equal its refunded amount.

use chrono::NaiveDate;
use debtflow_domain::{
    ledger::{EntryKind, LedgerAccount},
    payment::{PaymentMethod, PaymentStatus},
};
use rust_decimal::Decimal;
use sqlx::PgConnection;
use uuid::Uuid;

/// The day's instants in the agency's time zone.
const DAY: &str = "
    WITH ag AS (SELECT ($2::date)::timestamp AT TIME ZONE time_zone AS day_start,
                       ($2::date + 1)::timestamp AT TIME ZONE time_zone AS day_end
                FROM agencies WHERE id = $1)";

/// The day's cash lines (after [`DAY`]).
const CASH: &str = ",
    cash AS (
        SELECT e.id AS entry_id, e.kind, e.payment_id, l.debit, l.credit
        FROM journal_entries e
        JOIN journal_lines l ON l.agency_id = e.agency_id AND l.entry_id = e.id AND l.ledger_account = 'cash_clearing', ag
        WHERE e.agency_id = $1 AND e.posted_at >= ag.day_start AND e.posted_at < ag.day_end)";

/// One ledger account's lines on the day.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct LedgerTotal {
    pub ledger_account: LedgerAccount,
    pub debit: Decimal,
    pub credit: Decimal,
}

pub async fn ledger(tx: &mut PgConnection, agency_id: Uuid, day: NaiveDate) -> Result<Vec<LedgerTotal>, sqlx::Error> {
    sqlx::query_as(&format!(
        "{DAY}
         SELECT l.ledger_account, sum(l.debit) AS debit, sum(l.credit) AS credit
         FROM journal_entries e JOIN journal_lines l ON l.agency_id = e.agency_id AND l.entry_id = e.id, ag
         WHERE e.agency_id = $1 AND e.posted_at >= ag.day_start AND e.posted_at < ag.day_end
         GROUP BY 1 ORDER BY 1"
    ))
    .bind(agency_id)
    .bind(day)
    .fetch_all(tx)
    .await
}

/// The day's cash of one payment method (`None`: cash naming no payment).
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct MethodTotal {
    pub method: Option<PaymentMethod>,
    /// Money-in entries (`payment`, `unapplied`).
    pub payments: i64,
    pub received: Decimal,
    pub refunded: Decimal,
}

pub async fn methods(tx: &mut PgConnection, agency_id: Uuid, day: NaiveDate) -> Result<Vec<MethodTotal>, sqlx::Error> {
    let sql = format!(
        "{DAY}{CASH}
         SELECT p.method, count(*) FILTER (WHERE c.kind = ANY($3)) AS payments, sum(c.debit) AS received,
                sum(c.credit) AS refunded
         FROM cash c LEFT JOIN payments p ON p.agency_id = $1 AND p.id = c.payment_id
         GROUP BY 1 ORDER BY 1"
    );
    sqlx::query_as(&sql).bind(agency_id).bind(day).bind(MONEY_IN).fetch_all(tx).await
}

/// The entries that take a payment's money in, and those that give it back.
const MONEY_IN: [EntryKind; 2] = [EntryKind::Payment, EntryKind::Unapplied];
const MONEY_OUT: [EntryKind; 2] = [EntryKind::Refund, EntryKind::UnappliedRefund];

/// A disagreement between the ledger, a payment and the processor.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Variance {
    /// What disagrees: `cash_without_payment`, `posted_without_money`, `amount_mismatch`,
    /// `money_on_unposted_payment`, `refund_mismatch`, `processor_success_not_posted`,
    /// `processor_failure_posted`.
    pub check_name: String,
    pub payment_id: Option<Uuid>,
    pub entry_id: Option<Uuid>,
    pub reference: Option<String>,
    pub method: Option<PaymentMethod>,
    pub expected: Decimal,
    pub actual: Decimal,
    pub detail: String,
}

pub async fn variances(tx: &mut PgConnection, agency_id: Uuid, day: NaiveDate) -> Result<Vec<Variance>, sqlx::Error> {
    let posted: Vec<PaymentStatus> = PaymentStatus::ALL.iter().copied().filter(|s| s.is_posted()).collect();
    let sql = format!(
        "{DAY}{CASH},
         touched AS (
             SELECT payment_id FROM cash WHERE payment_id IS NOT NULL
             UNION SELECT p.id FROM payments p, ag
                   WHERE p.agency_id = $1 AND p.updated_at >= ag.day_start AND p.updated_at < ag.day_end
             UNION SELECT pe.payment_id FROM processor_events pe, ag
                   WHERE pe.agency_id = $1 AND pe.payment_id IS NOT NULL
                     AND pe.received_at >= ag.day_start AND pe.received_at < ag.day_end),
         money AS (
             SELECT e.payment_id, coalesce(sum(l.debit) FILTER (WHERE e.kind = ANY($3)), 0) AS money_in,
                    coalesce(sum(l.credit) FILTER (WHERE e.kind = ANY($4)), 0) AS money_out
             FROM journal_entries e
             JOIN journal_lines l ON l.agency_id = e.agency_id AND l.entry_id = e.id AND l.ledger_account = 'cash_clearing'
             WHERE e.agency_id = $1 AND e.payment_id IN (SELECT payment_id FROM touched)
             GROUP BY e.payment_id),
         looked AS (
             SELECT p.*, coalesce(m.money_in, 0) AS money_in, coalesce(m.money_out, 0) AS money_out,
                    p.status = ANY($5) AS posted
             FROM payments p JOIN touched t ON t.payment_id = p.id LEFT JOIN money m ON m.payment_id = p.id
             WHERE p.agency_id = $1)
         SELECT 'cash_without_payment' AS check_name, NULL::uuid AS payment_id, c.entry_id, NULL AS reference,
                NULL::payment_method AS method, 0::numeric AS expected, c.debit - c.credit AS actual,
                format('a %s entry moved cash without a payment', c.kind) AS detail
         FROM cash c
         WHERE NOT EXISTS (SELECT 1 FROM payments p WHERE p.agency_id = $1 AND p.id = c.payment_id)
         UNION ALL
         SELECT CASE WHEN money_in = 0 THEN 'posted_without_money' ELSE 'amount_mismatch' END, id, NULL, reference,
                method, amount, money_in, format('a %s payment of %s took in %s', status, amount, money_in)
         FROM looked WHERE posted AND money_in <> amount
         UNION ALL
         SELECT 'money_on_unposted_payment', id, NULL, reference, method, 0, money_in,
                format('a %s payment took in %s', status, money_in)
         FROM looked WHERE NOT posted AND money_in <> 0
         UNION ALL
         SELECT 'refund_mismatch', id, NULL, reference, method, refunded_amount, money_out,
                format('refunded %s, the ledger gave back %s', refunded_amount, money_out)
         FROM looked WHERE refunded_amount <> money_out
         UNION ALL
         SELECT CASE WHEN pe.kind = 'payment_intent.succeeded' THEN 'processor_success_not_posted'
                     ELSE 'processor_failure_posted' END,
                l.id, NULL, l.reference, l.method, l.amount, l.money_in,
                format('the processor said %s (%s); the payment is %s', pe.kind, pe.event_id, l.status)
         FROM processor_events pe JOIN looked l ON l.id = pe.payment_id, ag
         WHERE pe.agency_id = $1 AND pe.received_at >= ag.day_start AND pe.received_at < ag.day_end
           AND ((pe.kind = 'payment_intent.succeeded' AND NOT l.posted)
             OR (pe.kind = 'payment_intent.payment_failed' AND l.posted))
         ORDER BY 1, 2, 3"
    );
    sqlx::query_as(&sql).bind(agency_id).bind(day).bind(MONEY_IN).bind(MONEY_OUT).bind(&posted).fetch_all(tx).await
}
