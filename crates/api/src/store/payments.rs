//! Payments and their allocations (migrations/0005); [`posting`]: a payment recorded
//! in one statement.

pub mod posting;

use super::accounts::Reach;
use chrono::{DateTime, NaiveDate, Utc};
use debtflow_domain::payment::{PaymentMethod, PaymentStatus};
use rust_decimal::Decimal;
use sqlx::PgConnection;
use uuid::Uuid;

const COLUMNS: &str =
    "p.agency_id, p.id, p.account_id, p.amount, p.currency::text AS currency, p.method, p.status, p.paid_on,
    p.reference, p.refunded_amount, p.metadata, p.recorded_by, p.collector_id, p.decided_by, p.decided_at,
    p.created_at, (SELECT u.full_name FROM users u WHERE u.id = p.recorded_by) AS recorded_by_name,
    (SELECT a.external_ref FROM accounts a WHERE a.agency_id = p.agency_id AND a.id = p.account_id) AS account_ref,
    (SELECT d.full_name FROM accounts a JOIN debtors d ON d.agency_id = a.agency_id AND d.id = a.debtor_id
      WHERE a.agency_id = p.agency_id AND a.id = p.account_id) AS debtor_name";

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PaymentRow {
    pub agency_id: Uuid,
    pub id: Uuid,
    pub account_id: Uuid,
    pub amount: Decimal,
    pub currency: String,
    pub method: PaymentMethod,
    pub status: PaymentStatus,
    pub paid_on: NaiveDate,
    pub reference: Option<String>,
    pub refunded_amount: Decimal,
    pub metadata: serde_json::Value,
    pub recorded_by: Option<Uuid>,
    pub collector_id: Option<Uuid>,
    pub decided_by: Option<Uuid>,
    pub decided_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    /// Who recorded it, by name (`None`: the system, or a processor's webhook).
    pub recorded_by_name: Option<String>,
    /// The account's external reference and its debtor's name, as the lists show them.
    pub account_ref: String,
    pub debtor_name: String,
}

pub struct NewPayment<'a> {
    pub agency_id: Uuid,
    pub account_id: Uuid,
    pub amount: Decimal,
    pub currency: &'a str,
    pub method: PaymentMethod,
    pub status: PaymentStatus,
    pub paid_on: NaiveDate,
    pub reference: Option<&'a str>,
    pub metadata: &'a serde_json::Value,
    pub recorded_by: Option<Uuid>,
    /// The collector its commission went to, when it posts at once.
    pub collector_id: Option<Uuid>,
}

/// Inserts the payment; `None` when the agency has a payment with its reference.
pub async fn insert(tx: &mut PgConnection, p: &NewPayment<'_>) -> Result<Option<PaymentRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "INSERT INTO payments AS p (agency_id, id, account_id, amount, currency, method, status, paid_on, reference,
                                    metadata, recorded_by, collector_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
         ON CONFLICT (agency_id, reference) WHERE reference IS NOT NULL DO NOTHING
         RETURNING {COLUMNS}"
    ))
    .bind(p.agency_id)
    .bind(Uuid::now_v7())
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
    .fetch_optional(tx)
    .await
}

/// The agency's payment with this reference.
pub async fn by_reference(
    tx: &mut PgConnection,
    agency_id: Uuid,
    reference: &str,
) -> Result<Option<Uuid>, sqlx::Error> {
    sqlx::query_scalar("SELECT id FROM payments WHERE agency_id = $1 AND reference = $2")
        .bind(agency_id)
        .bind(reference)
        .fetch_optional(tx)
        .await
}

/// The card payment the processor knows by `reference`, in any agency (webhooks).
pub async fn by_processor_ref(tx: &mut PgConnection, reference: &str) -> Result<Option<PaymentRow>, sqlx::Error> {
    sqlx::query_as(&format!("SELECT {COLUMNS} FROM payments p WHERE p.method = 'card' AND p.reference = $1"))
        .bind(reference)
        .fetch_optional(tx)
        .await
}

const WITHIN_REACH: &str = "p.id = $1 AND ($2::uuid IS NULL OR p.agency_id = $2)
    AND ($3::uuid IS NULL OR EXISTS (SELECT 1 FROM accounts a WHERE a.agency_id = p.agency_id
                                      AND a.id = p.account_id AND a.collector_id = $3))";

/// The payment, if within `reach` (a collector's: on their accounts only).
pub async fn get(tx: &mut PgConnection, reach: Reach, id: Uuid) -> Result<Option<PaymentRow>, sqlx::Error> {
    sqlx::query_as(&format!("SELECT {COLUMNS} FROM payments p WHERE {WITHIN_REACH}"))
        .bind(id)
        .bind(reach.agency_id)
        .bind(reach.collector_id)
        .fetch_optional(tx)
        .await
}

/// [`get`], locked until the transaction ends.
pub async fn lock(tx: &mut PgConnection, reach: Reach, id: Uuid) -> Result<Option<PaymentRow>, sqlx::Error> {
    sqlx::query_as(&format!("SELECT {COLUMNS} FROM payments p WHERE {WITHIN_REACH} FOR UPDATE OF p"))
        .bind(id)
        .bind(reach.agency_id)
        .bind(reach.collector_id)
        .fetch_optional(tx)
        .await
}

/// The amounts promised to the account and not yet posted (pending and awaiting
/// approval), except `except`.
pub async fn pending_total(
    tx: &mut PgConnection,
    agency_id: Uuid,
    account_id: Uuid,
    except: Option<Uuid>,
) -> Result<Decimal, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT coalesce(sum(amount), 0) FROM payments
         WHERE agency_id = $1 AND account_id = $2 AND status = ANY($4) AND ($3::uuid IS NULL OR id <> $3)",
    )
    .bind(agency_id)
    .bind(account_id)
    .bind(except)
    .bind(PaymentStatus::ALL.iter().copied().filter(|s| s.is_pending()).collect::<Vec<_>>())
    .fetch_one(tx)
    .await
}

/// Filters of the payment list.
#[derive(Debug, Default, Clone)]
pub struct Filter {
    pub account_id: Option<Uuid>,
    pub status: Option<PaymentStatus>,
    pub method: Option<PaymentMethod>,
    /// Paid on or after this business date.
    pub paid_from: Option<NaiveDate>,
    /// Paid on or before this business date.
    pub paid_to: Option<NaiveDate>,
    /// Only payments whose commission went to this collector.
    pub collector_id: Option<Uuid>,
}

/// Newest first, older than `before`.
pub async fn list(
    tx: &mut PgConnection,
    reach: Reach,
    filter: &Filter,
    before: Option<(DateTime<Utc>, Uuid)>,
    limit: i64,
) -> Result<Vec<PaymentRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM payments p
         WHERE ($1::uuid IS NULL OR p.agency_id = $1)
           AND ($2::uuid IS NULL OR EXISTS (SELECT 1 FROM accounts a WHERE a.agency_id = p.agency_id
                                             AND a.id = p.account_id AND a.collector_id = $2))
           AND ($3::uuid IS NULL OR p.account_id = $3)
           AND ($4::payment_status IS NULL OR p.status = $4)
           AND ($5::payment_method IS NULL OR p.method = $5)
           AND ($6::timestamptz IS NULL OR (p.created_at, p.id) < ($6, $7))
           AND ($9::date IS NULL OR p.paid_on >= $9)
           AND ($10::date IS NULL OR p.paid_on <= $10)
           AND ($11::uuid IS NULL OR p.collector_id = $11)
         ORDER BY p.created_at DESC, p.id DESC LIMIT $8"
    ))
    .bind(reach.agency_id)
    .bind(reach.collector_id)
    .bind(filter.account_id)
    .bind(filter.status)
    .bind(filter.method)
    .bind(before.map(|b| b.0))
    .bind(before.map(|b| b.1))
    .bind(limit)
    .bind(filter.paid_from)
    .bind(filter.paid_to)
    .bind(filter.collector_id)
    .fetch_all(tx)
    .await
}

/// Where money now in hand went.
#[derive(Debug, Clone, Copy)]
pub struct Placed {
    /// `completed` (on `account_id`) or `unapplied` (in suspense).
    pub status: PaymentStatus,
    /// The account it went to (unapplied money applied elsewhere moves).
    pub account_id: Uuid,
    /// The collector its commission went to.
    pub collector_id: Option<Uuid>,
    /// The manager who approved it, if one did.
    pub decided_by: Option<Uuid>,
}

/// Records where a payment's money went.
pub async fn place(tx: &mut PgConnection, agency_id: Uuid, id: Uuid, placed: &Placed) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE payments SET status = $3, account_id = $4, collector_id = $5,
                decided_by = coalesce($6, decided_by), decided_at = CASE WHEN $6 IS NULL THEN decided_at ELSE now() END,
                updated_at = now()
         WHERE agency_id = $1 AND id = $2",
    )
    .bind(agency_id)
    .bind(id)
    .bind(placed.status)
    .bind(placed.account_id)
    .bind(placed.collector_id)
    .bind(placed.decided_by)
    .execute(tx)
    .await
    .map(drop)
}

/// A pending payment that will never post: `failed` (processor) or `rejected`
/// (manager, who is `decided_by`).
pub async fn close_unposted(
    tx: &mut PgConnection,
    agency_id: Uuid,
    id: Uuid,
    status: PaymentStatus,
    decided_by: Option<Uuid>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE payments SET status = $3, decided_by = $4,
                decided_at = CASE WHEN $4 IS NULL THEN NULL ELSE now() END, updated_at = now()
         WHERE agency_id = $1 AND id = $2",
    )
    .bind(agency_id)
    .bind(id)
    .bind(status)
    .bind(decided_by)
    .execute(tx)
    .await
    .map(drop)
}

pub async fn record_refund(
    tx: &mut PgConnection,
    agency_id: Uuid,
    id: Uuid,
    status: PaymentStatus,
    refunded_amount: Decimal,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE payments SET status = $3, refunded_amount = $4, updated_at = now()
         WHERE agency_id = $1 AND id = $2",
    )
    .bind(agency_id)
    .bind(id)
    .bind(status)
    .bind(refunded_amount)
    .execute(tx)
    .await
    .map(drop)
}

/// One part of a payment's allocation: its place, the fee (`None`: principal), and
/// the amount (negative when a refund gives it back).
#[derive(Debug, Clone, Copy, sqlx::FromRow)]
pub struct AllocationRow {
    pub position: i16,
    pub fee_id: Option<Uuid>,
    pub amount: Decimal,
}

pub async fn add_allocations(
    tx: &mut PgConnection,
    agency_id: Uuid,
    payment_id: Uuid,
    entry_id: Uuid,
    parts: &[AllocationRow],
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO payment_allocations (agency_id, payment_id, position, fee_id, amount, entry_id)
         SELECT $1, $2, x.position, x.fee_id, x.amount, $3
         FROM unnest($4::smallint[], $5::uuid[], $6::numeric[]) AS x(position, fee_id, amount)",
    )
    .bind(agency_id)
    .bind(payment_id)
    .bind(entry_id)
    .bind(parts.iter().map(|p| p.position).collect::<Vec<_>>())
    .bind(parts.iter().map(|p| p.fee_id).collect::<Vec<_>>())
    .bind(parts.iter().map(|p| p.amount).collect::<Vec<_>>())
    .execute(tx)
    .await
    .map(drop)
}

/// What each part of the payment's allocation still holds after refunds, in order.
pub async fn net_allocation(
    tx: &mut PgConnection,
    agency_id: Uuid,
    payment_id: Uuid,
) -> Result<Vec<AllocationRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT position, fee_id, sum(amount) AS amount FROM payment_allocations
         WHERE agency_id = $1 AND payment_id = $2
         GROUP BY position, fee_id ORDER BY position",
    )
    .bind(agency_id)
    .bind(payment_id)
    .fetch_all(tx)
    .await
}

/// Records a processor event; `false` when it was recorded before (a replay).
pub async fn record_processor_event(
    tx: &mut PgConnection,
    event_id: &str,
    kind: &str,
    agency_id: Uuid,
    payment_id: Uuid,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "INSERT INTO processor_events (event_id, kind, agency_id, payment_id) VALUES ($1, $2, $3, $4)
         ON CONFLICT (agency_id, event_id) DO NOTHING",
    )
    .bind(event_id)
    .bind(kind)
    .bind(agency_id)
    .bind(payment_id)
    .execute(tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The payment as the API shows it (`GET /payments/{id}`, webhook events).
impl From<PaymentRow> for debtflow_wire::payments::Payment {
    fn from(r: PaymentRow) -> Self {
        let shown = |amount| debtflow_domain::money::shown_in(&r.currency, amount);
        debtflow_wire::payments::Payment {
            id: r.id,
            amount: shown(r.amount),
            refunded_amount: shown(r.refunded_amount),
            account_id: r.account_id,
            account_ref: r.account_ref,
            debtor_name: r.debtor_name,
            currency: r.currency,
            method: r.method,
            status: r.status,
            paid_on: r.paid_on,
            reference: r.reference,
            metadata: r.metadata,
            recorded_by: r.recorded_by,
            recorded_by_name: r.recorded_by_name,
            decided_by: r.decided_by,
            decided_at: r.decided_at,
            created_at: r.created_at,
        }
    }
}
