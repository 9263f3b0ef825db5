//! Validation notices (migrations/0027): one per account, written once.

use chrono::{DateTime, NaiveDate, Utc};
use debtflow_domain::validation::Itemization;
use rust_decimal::Decimal;
use sqlx::PgConnection;
use uuid::Uuid;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct NoticeRow {
    pub account_id: Uuid,
    pub sent_on: NaiveDate,
    pub period_ends_on: NaiveDate,
    pub contact_id: Uuid,
    pub itemization_date: NaiveDate,
    pub owed_then: Decimal,
    pub interest: Decimal,
    pub fees: Decimal,
    pub credits: Decimal,
    pub owed_now: Decimal,
    pub sent_by: Uuid,
    pub created_at: DateTime<Utc>,
}

impl NoticeRow {
    pub fn itemization(&self) -> Itemization {
        Itemization {
            date: self.itemization_date,
            owed_then: self.owed_then,
            interest: self.interest,
            fees: self.fees,
            credits: self.credits,
            owed_now: self.owed_now,
        }
    }
}

pub struct NewNotice {
    pub agency_id: Uuid,
    pub account_id: Uuid,
    pub sent_on: NaiveDate,
    pub period_ends_on: NaiveDate,
    pub contact_id: Uuid,
    pub itemization: Itemization,
    pub sent_by: Uuid,
    pub created_at: DateTime<Utc>,
}

const COLUMNS: &str = "account_id, sent_on, period_ends_on, contact_id, itemization_date, owed_then, interest, fees, \
     credits, owed_now, sent_by, created_at";

pub async fn insert(tx: &mut PgConnection, n: &NewNotice) -> Result<NoticeRow, sqlx::Error> {
    let i = &n.itemization;
    sqlx::query_as(&format!(
        "INSERT INTO validation_notices (agency_id, account_id, sent_on, period_ends_on, contact_id, itemization_date,
                                         owed_then, interest, fees, credits, owed_now, sent_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING {COLUMNS}"
    ))
    .bind(n.agency_id)
    .bind(n.account_id)
    .bind(n.sent_on)
    .bind(n.period_ends_on)
    .bind(n.contact_id)
    .bind(i.date)
    .bind(i.owed_then)
    .bind(i.interest)
    .bind(i.fees)
    .bind(i.credits)
    .bind(i.owed_now)
    .bind(n.sent_by)
    .bind(n.created_at)
    .fetch_one(tx)
    .await
}

pub async fn get(tx: &mut PgConnection, agency_id: Uuid, account_id: Uuid) -> Result<Option<NoticeRow>, sqlx::Error> {
    sqlx::query_as(&format!("SELECT {COLUMNS} FROM validation_notices WHERE agency_id = $1 AND account_id = $2"))
        .bind(agency_id)
        .bind(account_id)
        .fetch_optional(tx)
        .await
}

/// The fees charged on the account, net of what was waived: the itemisation's fees.
pub async fn fees_charged(tx: &mut PgConnection, agency_id: Uuid, account_id: Uuid) -> Result<Decimal, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT coalesce(sum(amount - waived_amount), 0) FROM fees WHERE agency_id = $1 AND account_id = $2",
    )
    .bind(agency_id)
    .bind(account_id)
    .fetch_one(tx)
    .await
}
