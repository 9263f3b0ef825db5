//! Fees assessed on accounts (migrations/0005). What a fee still owes is its amount
//! less what payments paid and what was waived; its status follows from those by the
//! domain's table (`FeeStatus::after`), and the table's CHECK says the same.

use chrono::{DateTime, Utc};
use debtflow_domain::fee::{FeeKind, FeeStatus};
use rust_decimal::Decimal;
use sqlx::PgConnection;
use uuid::Uuid;

const COLUMNS: &str = "id, account_id, kind, amount, paid_amount, waived_amount, status,
    reason, assessed_by, waived_by, waive_reason, created_at, updated_at,
    (SELECT a.currency::text FROM accounts a WHERE a.agency_id = fees.agency_id AND a.id = fees.account_id)
        AS currency";

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct FeeRow {
    pub id: Uuid,
    pub account_id: Uuid,
    pub kind: FeeKind,
    pub amount: Decimal,
    pub paid_amount: Decimal,
    pub waived_amount: Decimal,
    pub status: FeeStatus,
    pub reason: String,
    pub assessed_by: Uuid,
    pub waived_by: Option<Uuid>,
    pub waive_reason: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// The account's currency.
    pub currency: String,
}

impl FeeRow {
    pub fn outstanding(&self) -> Decimal {
        self.amount - self.paid_amount - self.waived_amount
    }
}

#[allow(clippy::too_many_arguments)]
pub async fn insert(
    tx: &mut PgConnection,
    agency_id: Uuid,
    id: Uuid,
    account_id: Uuid,
    kind: FeeKind,
    amount: Decimal,
    reason: &str,
    assessed_by: Uuid,
) -> Result<FeeRow, sqlx::Error> {
    sqlx::query_as(&format!(
        "INSERT INTO fees (agency_id, id, account_id, kind, amount, reason, assessed_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING {COLUMNS}"
    ))
    .bind(agency_id)
    .bind(id)
    .bind(account_id)
    .bind(kind)
    .bind(amount)
    .bind(reason)
    .bind(assessed_by)
    .fetch_one(tx)
    .await
}

/// The account's fee, locked until the transaction ends.
pub async fn lock(
    tx: &mut PgConnection,
    agency_id: Uuid,
    account_id: Uuid,
    id: Uuid,
) -> Result<Option<FeeRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM fees WHERE agency_id = $1 AND account_id = $2 AND id = $3 FOR UPDATE"
    ))
    .bind(agency_id)
    .bind(account_id)
    .bind(id)
    .fetch_optional(tx)
    .await
}

/// The account's fees, oldest first.
pub async fn list(tx: &mut PgConnection, agency_id: Uuid, account_id: Uuid) -> Result<Vec<FeeRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM fees WHERE agency_id = $1 AND account_id = $2 ORDER BY created_at, id"
    ))
    .bind(agency_id)
    .bind(account_id)
    .fetch_all(tx)
    .await
}

/// The account's fees still owing, oldest first, locked.
pub async fn lock_open(tx: &mut PgConnection, agency_id: Uuid, account_id: Uuid) -> Result<Vec<FeeRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM fees WHERE agency_id = $1 AND account_id = $2 AND status = $3
         ORDER BY created_at, id FOR UPDATE"
    ))
    .bind(agency_id)
    .bind(account_id)
    .bind(FeeStatus::Waiting)
    .fetch_all(tx)
    .await
}

/// The agency's fees among `ids`, locked in id order.
pub async fn lock_many(tx: &mut PgConnection, agency_id: Uuid, ids: &[Uuid]) -> Result<Vec<FeeRow>, sqlx::Error> {
    sqlx::query_as(&format!("SELECT {COLUMNS} FROM fees WHERE agency_id = $1 AND id = ANY($2) ORDER BY id FOR UPDATE"))
        .bind(agency_id)
        .bind(ids)
        .fetch_all(tx)
        .await
}

/// A fee's new paid amount and status.
#[derive(Debug, Clone, Copy)]
pub struct Paid {
    pub fee_id: Uuid,
    pub paid_amount: Decimal,
    pub status: FeeStatus,
}

/// Saves what payments (and refunds) left the fees paid, and their statuses.
pub async fn set_paid(tx: &mut PgConnection, agency_id: Uuid, fees: &[Paid]) -> Result<(), sqlx::Error> {
    if fees.is_empty() {
        return Ok(());
    }
    sqlx::query(
        "UPDATE fees f SET paid_amount = x.paid, status = x.status, updated_at = now()
         FROM unnest($2::uuid[], $3::numeric[], $4::fee_status[]) AS x(id, paid, status)
         WHERE f.agency_id = $1 AND f.id = x.id",
    )
    .bind(agency_id)
    .bind(fees.iter().map(|f| f.fee_id).collect::<Vec<_>>())
    .bind(fees.iter().map(|f| f.paid_amount).collect::<Vec<_>>())
    .bind(fees.iter().map(|f| f.status).collect::<Vec<_>>())
    .execute(tx)
    .await
    .map(drop)
}

/// Forgives what the fee still owes; `status` is what that leaves it in.
pub async fn waive(
    tx: &mut PgConnection,
    agency_id: Uuid,
    id: Uuid,
    by: Uuid,
    reason: &str,
    status: FeeStatus,
) -> Result<FeeRow, sqlx::Error> {
    sqlx::query_as(&format!(
        "UPDATE fees SET waived_amount = amount - paid_amount, waived_by = $3, waive_reason = $4,
                status = $5, updated_at = now()
         WHERE agency_id = $1 AND id = $2 RETURNING {COLUMNS}"
    ))
    .bind(agency_id)
    .bind(id)
    .bind(by)
    .bind(reason)
    .bind(status)
    .fetch_one(tx)
    .await
}
