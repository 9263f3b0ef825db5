//! Promises to pay (migrations/0026; their rules are `debtflow_domain::promise`).

use chrono::{DateTime, NaiveDate, Utc};
use debtflow_domain::{
    payment::PaymentStatus,
    promise::{NewPromise, Paid, Promise, PromiseStatus},
};
use rust_decimal::Decimal;
use sqlx::PgConnection;
use uuid::Uuid;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PromiseRow {
    pub id: Uuid,
    pub account_id: Uuid,
    pub series_id: Uuid,
    pub amount: Decimal,
    pub currency: String,
    pub due_on: NaiveDate,
    pub made_on: NaiveDate,
    pub status: PromiseStatus,
    pub contact_id: Option<Uuid>,
    pub note: Option<String>,
    pub made_by: Uuid,
    pub made_by_name: Option<String>,
    pub made_at: DateTime<Utc>,
    pub kept_on: Option<NaiveDate>,
    pub evaluated_on: Option<NaiveDate>,
    pub cancelled_at: Option<DateTime<Utc>>,
    pub cancel_reason: Option<String>,
}

const SELECT: &str = "
    SELECT p.id, p.account_id, p.series_id, p.amount, a.currency::text AS currency, p.due_on, p.made_on, p.status,
           p.contact_id, p.note, p.made_by, u.full_name AS made_by_name, p.made_at, p.kept_on, p.evaluated_on,
           p.cancelled_at, p.cancel_reason
    FROM promises p
    JOIN accounts a ON a.agency_id = p.agency_id AND a.id = p.account_id
    LEFT JOIN users u ON u.id = p.made_by";

/// A series of promises to write, made together.
pub struct NewSeries<'a> {
    pub agency_id: Uuid,
    pub account_id: Uuid,
    pub items: &'a [NewPromise],
    pub made_on: NaiveDate,
    pub contact_id: Option<Uuid>,
    pub note: Option<&'a str>,
    pub made_by: Uuid,
    pub made_at: DateTime<Utc>,
}

/// Writes the series; returns its promises in date order.
pub async fn insert_series(tx: &mut PgConnection, s: &NewSeries<'_>) -> Result<Vec<PromiseRow>, sqlx::Error> {
    let series_id = Uuid::now_v7();
    let ids: Vec<Uuid> = s.items.iter().map(|_| Uuid::now_v7()).collect();
    let amounts: Vec<Decimal> = s.items.iter().map(|i| i.amount).collect();
    let dates: Vec<NaiveDate> = s.items.iter().map(|i| i.due_on).collect();
    sqlx::query(
        "INSERT INTO promises (agency_id, id, account_id, series_id, amount, due_on, made_on, contact_id, note,
                               made_by, made_at)
         SELECT $1, id, $2, $3, amount, due_on, $6, $7, $8, $9, $10
         FROM unnest($4::uuid[], $5::numeric[], $11::date[]) AS i (id, amount, due_on)",
    )
    .bind(s.agency_id)
    .bind(s.account_id)
    .bind(series_id)
    .bind(&ids)
    .bind(&amounts)
    .bind(s.made_on)
    .bind(s.contact_id)
    .bind(s.note)
    .bind(s.made_by)
    .bind(s.made_at)
    .bind(&dates)
    .execute(&mut *tx)
    .await?;
    sqlx::query_as(&format!("{SELECT} WHERE p.agency_id = $1 AND p.series_id = $2 ORDER BY p.due_on"))
        .bind(s.agency_id)
        .bind(series_id)
        .fetch_all(tx)
        .await
}

/// What the debtor has promised on the account and not yet kept, broken or cancelled.
pub async fn pending_total(tx: &mut PgConnection, agency_id: Uuid, account_id: Uuid) -> Result<Decimal, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT coalesce(sum(amount), 0) FROM promises WHERE agency_id = $1 AND account_id = $2 AND status = 'pending'",
    )
    .bind(agency_id)
    .bind(account_id)
    .fetch_one(tx)
    .await
}

/// The account's promises, the latest due first.
pub async fn list(tx: &mut PgConnection, agency_id: Uuid, account_id: Uuid) -> Result<Vec<PromiseRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "{SELECT} WHERE p.agency_id = $1 AND p.account_id = $2 ORDER BY p.due_on DESC, p.made_at DESC, p.id DESC"
    ))
    .bind(agency_id)
    .bind(account_id)
    .fetch_all(tx)
    .await
}

/// The promise `id` on the account, locked until the transaction ends.
pub async fn lock(
    tx: &mut PgConnection,
    agency_id: Uuid,
    account_id: Uuid,
    id: Uuid,
) -> Result<Option<PromiseRow>, sqlx::Error> {
    sqlx::query_as(&format!("{SELECT} WHERE p.agency_id = $1 AND p.account_id = $2 AND p.id = $3 FOR UPDATE OF p"))
        .bind(agency_id)
        .bind(account_id)
        .bind(id)
        .fetch_optional(tx)
        .await
}

/// Cancels a pending promise (the database refuses to touch a decided one).
pub async fn cancel(
    tx: &mut PgConnection,
    agency_id: Uuid,
    id: Uuid,
    by: Uuid,
    at: DateTime<Utc>,
    reason: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE promises SET status = 'cancelled', cancelled_by = $3, cancelled_at = $4, cancel_reason = $5
         WHERE agency_id = $1 AND id = $2 AND status = 'pending'",
    )
    .bind(agency_id)
    .bind(id)
    .bind(by)
    .bind(at)
    .bind(reason)
    .execute(tx)
    .await?;
    Ok(())
}

/// Cancels every pending promise of the account because `reason` (the account was
/// written off); the ids cancelled.
pub async fn cancel_pending(
    tx: &mut PgConnection,
    agency_id: Uuid,
    account_id: Uuid,
    by: Uuid,
    at: DateTime<Utc>,
    reason: &str,
) -> Result<Vec<Uuid>, sqlx::Error> {
    sqlx::query_scalar(
        "UPDATE promises SET status = 'cancelled', cancelled_by = $3, cancelled_at = $4, cancel_reason = $5
         WHERE agency_id = $1 AND account_id = $2 AND status = 'pending'
         RETURNING id",
    )
    .bind(agency_id)
    .bind(account_id)
    .bind(by)
    .bind(at)
    .bind(reason)
    .fetch_all(tx)
    .await
}

/// The agency's accounts with a pending promise: the daily evaluation's work.
pub async fn accounts_pending(tx: &mut PgConnection, agency_id: Uuid) -> Result<Vec<Uuid>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT DISTINCT account_id FROM promises WHERE agency_id = $1 AND status = 'pending' ORDER BY account_id",
    )
    .bind(agency_id)
    .fetch_all(tx)
    .await
}

/// The account's promises that take part in an evaluation (all but the cancelled),
/// with their ids, locked until the transaction ends.
pub async fn to_evaluate(
    tx: &mut PgConnection,
    agency_id: Uuid,
    account_id: Uuid,
) -> Result<Vec<(Uuid, Promise)>, sqlx::Error> {
    let rows: Vec<(Uuid, Decimal, NaiveDate, NaiveDate, PromiseStatus)> = sqlx::query_as(
        "SELECT id, amount, due_on, made_on, status FROM promises
         WHERE agency_id = $1 AND account_id = $2 AND status <> 'cancelled'
         ORDER BY due_on, made_at, id FOR UPDATE",
    )
    .bind(agency_id)
    .bind(account_id)
    .fetch_all(tx)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, amount, due_on, made_on, status)| (id, Promise { amount, due_on, made_on, status }))
        .collect())
}

/// The account's posted payments paid on or after `since`, net of their refunds (those
/// in suspense are not the account's yet).
pub async fn paid_since(
    tx: &mut PgConnection,
    agency_id: Uuid,
    account_id: Uuid,
    since: NaiveDate,
) -> Result<Vec<Paid>, sqlx::Error> {
    let rows: Vec<(NaiveDate, Decimal)> = sqlx::query_as(
        "SELECT paid_on, amount - refunded_amount FROM payments
         WHERE agency_id = $1 AND account_id = $2 AND paid_on >= $3
           AND status = ANY($4)
         ORDER BY paid_on, created_at, id",
    )
    .bind(agency_id)
    .bind(account_id)
    .bind(since)
    .bind(
        PaymentStatus::ALL
            .iter()
            .copied()
            .filter(|s| s.is_posted() && *s != PaymentStatus::Unapplied)
            .collect::<Vec<_>>(),
    )
    .fetch_all(tx)
    .await?;
    Ok(rows.into_iter().map(|(on, amount)| Paid { on, amount }).collect())
}

/// Records the evaluation's verdict on a pending promise: kept (on `kept_on`) or broken.
pub async fn decide(
    tx: &mut PgConnection,
    agency_id: Uuid,
    id: Uuid,
    status: PromiseStatus,
    kept_on: Option<NaiveDate>,
    evaluated_on: NaiveDate,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE promises SET status = $3, kept_on = $4, evaluated_on = $5
         WHERE agency_id = $1 AND id = $2 AND status = 'pending'",
    )
    .bind(agency_id)
    .bind(id)
    .bind(status)
    .bind(kept_on)
    .bind(evaluated_on)
    .execute(tx)
    .await?;
    Ok(done.rows_affected() == 1)
}
