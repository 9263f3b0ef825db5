//! Fees assessed on accounts (migrations/0005). What a fee still owes is its amount
//! less what payments paid and what was waived; its status follows from those.

use super::payments::Named;
use chrono::{DateTime, Utc};
use debtflow_domain::fee::{FeeKind, FeeStatus};
use rust_decimal::Decimal;
use sqlx::PgConnection;
use uuid::Uuid;

const COLUMNS: &str = "id, account_id, kind::text AS kind, amount, paid_amount, waived_amount, status::text AS status,
    reason, assessed_by, waived_by, waive_reason, created_at, updated_at";

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct FeeRow {
    pub id: Uuid,
    pub account_id: Uuid,
    #[sqlx(try_from = "String")]
    pub kind: Named<FeeKind>,
    pub amount: Decimal,
    pub paid_amount: Decimal,
    pub waived_amount: Decimal,
    #[sqlx(try_from = "String")]
    pub status: Named<FeeStatus>,
    pub reason: String,
    pub assessed_by: Uuid,
    pub waived_by: Option<Uuid>,
    pub waive_reason: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
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
         VALUES ($1, $2, $3, $4::fee_kind, $5, $6, $7) RETURNING {COLUMNS}"
    ))
    .bind(agency_id)
    .bind(id)
    .bind(account_id)
    .bind(kind.as_str())
    .bind(amount)
    .bind(reason)
    .bind(assessed_by)
    .fetch_one(tx)
    .await
}

pub async fn get(
    tx: &mut PgConnection,
    agency_id: Uuid,
    account_id: Uuid,
    id: Uuid,
    lock: bool,
) -> Result<Option<FeeRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM fees WHERE agency_id = $1 AND account_id = $2 AND id = $3 {}",
        if lock { "FOR UPDATE" } else { "" }
    ))
    .bind(agency_id)
    .bind(account_id)
    .bind(id)
    .fetch_optional(tx)
    .await
}

/// The account's fees, oldest first; `open_only` keeps those still owing, locked.
pub async fn list(
    tx: &mut PgConnection,
    agency_id: Uuid,
    account_id: Uuid,
    open_only: bool,
) -> Result<Vec<FeeRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM fees WHERE agency_id = $1 AND account_id = $2 {}
         ORDER BY created_at, id {}",
        if open_only { "AND status = 'waiting'" } else { "" },
        if open_only { "FOR UPDATE" } else { "" }
    ))
    .bind(agency_id)
    .bind(account_id)
    .fetch_all(tx)
    .await
}

/// Adds `delta` to what each fee was paid (negative: a refund reopens it).
pub async fn add_paid(tx: &mut PgConnection, agency_id: Uuid, changes: &[(Uuid, Decimal)]) -> Result<(), sqlx::Error> {
    if changes.is_empty() {
        return Ok(());
    }
    // The status follows from the amounts (the table's CHECK says the same).
    sqlx::query(
        "UPDATE fees f SET paid_amount = f.paid_amount + x.delta, updated_at = now(),
                status = (CASE WHEN f.paid_amount + x.delta + f.waived_amount < f.amount THEN 'waiting'
                               WHEN f.waived_amount > 0 THEN 'waived' ELSE 'paid' END)::fee_status
         FROM unnest($2::uuid[], $3::numeric[]) AS x(id, delta)
         WHERE f.agency_id = $1 AND f.id = x.id",
    )
    .bind(agency_id)
    .bind(changes.iter().map(|c| c.0).collect::<Vec<_>>())
    .bind(changes.iter().map(|c| c.1).collect::<Vec<_>>())
    .execute(tx)
    .await
    .map(drop)
}

/// Forgives what the fee still owes.
pub async fn waive(
    tx: &mut PgConnection,
    agency_id: Uuid,
    id: Uuid,
    by: Uuid,
    reason: &str,
) -> Result<FeeRow, sqlx::Error> {
    sqlx::query_as(&format!(
        "UPDATE fees SET waived_amount = amount - paid_amount, waived_by = $3, waive_reason = $4,
                status = 'waived', updated_at = now()
         WHERE agency_id = $1 AND id = $2 RETURNING {COLUMNS}"
    ))
    .bind(agency_id)
    .bind(id)
    .bind(by)
    .bind(reason)
    .fetch_one(tx)
    .await
}
