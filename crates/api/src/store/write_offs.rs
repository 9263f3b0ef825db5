//! Write-off requests (migrations/0029; their rules are
//! `debtflow_domain::remedial::write_off`). Soft-deleted drafts are never read back.

use chrono::{DateTime, NaiveDate, Utc};
use debtflow_domain::remedial::write_off::WriteOffStatus;
use rust_decimal::Decimal;
use serde::Serialize;
use sqlx::PgConnection;
use uuid::Uuid;

/// A request as stored, with its account's reference, debtor and balance now; the use
/// cases change its fields and [`save`] it.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct WriteOffRow {
    #[serde(skip)]
    pub agency_id: Uuid,
    pub id: Uuid,
    pub account_id: Uuid,
    #[serde(skip)]
    pub account_ref: String,
    #[serde(skip)]
    pub debtor_name: String,
    #[serde(skip)]
    pub current_balance: Decimal,
    #[serde(skip)]
    pub currency: String,
    pub status: WriteOffStatus,
    pub amount: Decimal,
    pub reason: String,
    #[serde(skip)]
    pub created_by: Uuid,
    #[serde(skip)]
    pub created_by_name: Option<String>,
    #[serde(skip)]
    pub created_at: DateTime<Utc>,
    #[serde(skip)]
    pub updated_at: DateTime<Utc>,
    pub recommended_by: Option<Uuid>,
    #[serde(skip)]
    pub recommended_by_name: Option<String>,
    pub recommended_at: Option<DateTime<Utc>>,
    pub decided_by: Option<Uuid>,
    #[serde(skip)]
    pub decided_by_name: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
    pub decided_on: Option<NaiveDate>,
    pub minutes: Option<String>,
    pub entry_id: Option<Uuid>,
    pub deleted_at: Option<DateTime<Utc>>,
}

const SELECT: &str = "
    SELECT w.agency_id, w.id, w.account_id, a.external_ref AS account_ref, d.full_name AS debtor_name,
           a.current_balance, a.currency::text AS currency, w.status, w.amount, w.reason, w.created_by,
           cu.full_name AS created_by_name, w.created_at, w.updated_at, w.recommended_by,
           ru.full_name AS recommended_by_name, w.recommended_at, w.decided_by, du.full_name AS decided_by_name,
           w.decided_at, w.decided_on, w.minutes, w.entry_id, w.deleted_at
    FROM write_off_requests w
    JOIN accounts a ON a.agency_id = w.agency_id AND a.id = w.account_id
    JOIN debtors d ON d.agency_id = a.agency_id AND d.id = a.debtor_id
    LEFT JOIN users cu ON cu.id = w.created_by
    LEFT JOIN users ru ON ru.id = w.recommended_by
    LEFT JOIN users du ON du.id = w.decided_by";

pub async fn insert(tx: &mut PgConnection, row: &WriteOffRow) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO write_off_requests (agency_id, id, account_id, amount, reason, created_by, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7)",
    )
    .bind(row.agency_id)
    .bind(row.id)
    .bind(row.account_id)
    .bind(row.amount)
    .bind(&row.reason)
    .bind(row.created_by)
    .bind(row.created_at)
    .execute(tx)
    .await?;
    Ok(())
}

/// The request (not a deleted draft), locked until the transaction ends if `lock`.
pub async fn get(
    tx: &mut PgConnection,
    agency_id: Uuid,
    id: Uuid,
    lock: bool,
) -> Result<Option<WriteOffRow>, sqlx::Error> {
    let lock = if lock { "FOR UPDATE OF w" } else { "" };
    sqlx::query_as(&format!("{SELECT} WHERE w.agency_id = $1 AND w.id = $2 AND w.deleted_at IS NULL {lock}"))
        .bind(agency_id)
        .bind(id)
        .fetch_optional(tx)
        .await
}

/// The account's open request (a draft or recommended), if any.
pub async fn open_for(tx: &mut PgConnection, agency_id: Uuid, account_id: Uuid) -> Result<Option<Uuid>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT id FROM write_off_requests
         WHERE agency_id = $1 AND account_id = $2 AND status IN ('draft', 'recommended') AND deleted_at IS NULL",
    )
    .bind(agency_id)
    .bind(account_id)
    .fetch_optional(tx)
    .await
}

/// Requests of the agency, the newest first: of one account, in one status, and of
/// the accounts of one collector, as given.
pub async fn list(
    tx: &mut PgConnection,
    agency_id: Uuid,
    account_id: Option<Uuid>,
    status: Option<WriteOffStatus>,
    collector_id: Option<Uuid>,
    limit: i64,
) -> Result<Vec<WriteOffRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "{SELECT} WHERE w.agency_id = $1 AND w.deleted_at IS NULL AND ($2::uuid IS NULL OR w.account_id = $2)
           AND ($3::write_off_status IS NULL OR w.status = $3) AND ($4::uuid IS NULL OR a.collector_id = $4)
         ORDER BY coalesce(w.recommended_at, w.created_at) DESC, w.id DESC
         LIMIT $5"
    ))
    .bind(agency_id)
    .bind(account_id)
    .bind(status)
    .bind(collector_id)
    .bind(limit)
    .fetch_all(tx)
    .await
}

/// Writes the request's changeable fields as `row` has them.
pub async fn save(tx: &mut PgConnection, row: &WriteOffRow) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE write_off_requests
         SET status = $3, amount = $4, reason = $5, recommended_by = $6, recommended_at = $7, decided_by = $8,
             decided_at = $9, decided_on = $10, minutes = $11, entry_id = $12, deleted_at = $13, updated_at = $14
         WHERE agency_id = $1 AND id = $2",
    )
    .bind(row.agency_id)
    .bind(row.id)
    .bind(row.status)
    .bind(row.amount)
    .bind(&row.reason)
    .bind(row.recommended_by)
    .bind(row.recommended_at)
    .bind(row.decided_by)
    .bind(row.decided_at)
    .bind(row.decided_on)
    .bind(&row.minutes)
    .bind(row.entry_id)
    .bind(row.deleted_at)
    .bind(row.updated_at)
    .execute(tx)
    .await?;
    Ok(())
}

/// What was written off in a period: approved requests decided in it, and their sum;
/// of one collector's accounts if given.
pub async fn written_off(
    tx: &mut PgConnection,
    agency_id: Uuid,
    collector_id: Option<Uuid>,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<(i64, Decimal), sqlx::Error> {
    sqlx::query_as(
        "SELECT count(*), coalesce(sum(w.amount), 0) FROM write_off_requests w
         JOIN accounts a ON a.agency_id = w.agency_id AND a.id = w.account_id
         WHERE w.agency_id = $1 AND w.status = 'approved' AND w.decided_on BETWEEN $2 AND $3
           AND ($4::uuid IS NULL OR a.collector_id = $4)",
    )
    .bind(agency_id)
    .bind(from)
    .bind(to)
    .bind(collector_id)
    .fetch_one(tx)
    .await
}
