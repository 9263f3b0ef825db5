//! Legal cases and their hearings (migrations/0029; their rules are
//! `debtflow_domain::remedial::legal`). Soft-deleted drafts are never read back.

use chrono::{DateTime, NaiveDate, Utc};
use debtflow_domain::remedial::legal::{CaseOutcome, HearingTime, LegalCaseStatus};
use rust_decimal::Decimal;
use serde::Serialize;
use sqlx::PgConnection;
use uuid::Uuid;

/// A case as stored; the use cases change its fields and [`save`] it.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct CaseRow {
    #[serde(skip)]
    pub agency_id: Uuid,
    pub id: Uuid,
    pub account_id: Uuid,
    pub status: LegalCaseStatus,
    pub court: String,
    pub case_number: Option<String>,
    pub counsel: Option<String>,
    pub amount_claimed: Decimal,
    #[serde(skip)]
    pub currency: String,
    pub filed_on: Option<NaiveDate>,
    pub judgment_on: Option<NaiveDate>,
    pub outcome: Option<CaseOutcome>,
    pub closed_on: Option<NaiveDate>,
    pub next_hearing_at: Option<DateTime<Utc>>,
    pub notes: Option<String>,
    #[serde(skip)]
    pub created_by: Uuid,
    #[serde(skip)]
    pub created_by_name: Option<String>,
    #[serde(skip)]
    pub created_at: DateTime<Utc>,
    #[serde(skip)]
    pub updated_at: DateTime<Utc>,
    pub deleted_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct HearingRow {
    pub id: Uuid,
    pub case_id: Uuid,
    pub starts_at: DateTime<Utc>,
    pub venue: String,
    pub purpose: String,
    pub outcome: Option<String>,
    pub next_step: Option<String>,
    pub scheduled_by: Uuid,
    pub scheduled_at: DateTime<Utc>,
    pub recorded_by: Option<Uuid>,
    pub recorded_at: Option<DateTime<Utc>>,
}

const SELECT: &str = "
    SELECT c.agency_id, c.id, c.account_id, c.status, c.court, c.case_number, c.counsel, c.amount_claimed,
           a.currency::text AS currency, c.filed_on, c.judgment_on, c.outcome, c.closed_on, c.next_hearing_at, c.notes,
           c.created_by, u.full_name AS created_by_name, c.created_at, c.updated_at, c.deleted_at
    FROM legal_cases c
    JOIN accounts a ON a.agency_id = c.agency_id AND a.id = c.account_id
    LEFT JOIN users u ON u.id = c.created_by";

const HEARINGS: &str = "
    SELECT id, case_id, starts_at, venue, purpose, outcome, next_step, scheduled_by, scheduled_at, recorded_by,
           recorded_at
    FROM hearings";

/// Writes a new draft; returns it as read back.
pub async fn insert(tx: &mut PgConnection, row: &CaseRow) -> Result<CaseRow, sqlx::Error> {
    sqlx::query(
        "INSERT INTO legal_cases (agency_id, id, account_id, court, case_number, counsel, amount_claimed, notes,
                                  created_by, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)",
    )
    .bind(row.agency_id)
    .bind(row.id)
    .bind(row.account_id)
    .bind(&row.court)
    .bind(&row.case_number)
    .bind(&row.counsel)
    .bind(row.amount_claimed)
    .bind(&row.notes)
    .bind(row.created_by)
    .bind(row.created_at)
    .execute(&mut *tx)
    .await?;
    get(tx, row.agency_id, row.id, false).await?.ok_or(sqlx::Error::RowNotFound)
}

/// The case (not a deleted draft), locked until the transaction ends if `lock`.
pub async fn get(tx: &mut PgConnection, agency_id: Uuid, id: Uuid, lock: bool) -> Result<Option<CaseRow>, sqlx::Error> {
    let lock = if lock { "FOR UPDATE OF c" } else { "" };
    sqlx::query_as(&format!("{SELECT} WHERE c.agency_id = $1 AND c.id = $2 AND c.deleted_at IS NULL {lock}"))
        .bind(agency_id)
        .bind(id)
        .fetch_optional(tx)
        .await
}

/// The account's cases, the newest first.
pub async fn for_account(
    tx: &mut PgConnection,
    agency_id: Uuid,
    account_id: Uuid,
) -> Result<Vec<CaseRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "{SELECT} WHERE c.agency_id = $1 AND c.account_id = $2 AND c.deleted_at IS NULL ORDER BY c.created_at DESC"
    ))
    .bind(agency_id)
    .bind(account_id)
    .fetch_all(tx)
    .await
}

/// Writes the case's changeable fields as `row` has them.
pub async fn save(tx: &mut PgConnection, row: &CaseRow) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE legal_cases
         SET status = $3, court = $4, case_number = $5, counsel = $6, amount_claimed = $7, filed_on = $8,
             judgment_on = $9, outcome = $10, closed_on = $11, notes = $12, deleted_at = $13, updated_at = $14
         WHERE agency_id = $1 AND id = $2",
    )
    .bind(row.agency_id)
    .bind(row.id)
    .bind(row.status)
    .bind(&row.court)
    .bind(&row.case_number)
    .bind(&row.counsel)
    .bind(row.amount_claimed)
    .bind(row.filed_on)
    .bind(row.judgment_on)
    .bind(row.outcome)
    .bind(row.closed_on)
    .bind(&row.notes)
    .bind(row.deleted_at)
    .bind(row.updated_at)
    .execute(tx)
    .await?;
    Ok(())
}

/// Whether another filed case of the agency has this court and case number.
pub async fn number_taken(
    tx: &mut PgConnection,
    agency_id: Uuid,
    id: Uuid,
    court: &str,
    case_number: &str,
) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM legal_cases WHERE agency_id = $1 AND id <> $2 AND court = $3
                          AND case_number = $4 AND status <> 'draft')",
    )
    .bind(agency_id)
    .bind(id)
    .bind(court)
    .bind(case_number)
    .fetch_one(tx)
    .await
}

/// The hearings of these cases, earliest first.
pub async fn hearings(
    tx: &mut PgConnection,
    agency_id: Uuid,
    case_ids: &[Uuid],
) -> Result<Vec<HearingRow>, sqlx::Error> {
    sqlx::query_as(&format!("{HEARINGS} WHERE agency_id = $1 AND case_id = ANY($2) ORDER BY starts_at, scheduled_at"))
        .bind(agency_id)
        .bind(case_ids)
        .fetch_all(tx)
        .await
}

pub async fn insert_hearing(tx: &mut PgConnection, agency_id: Uuid, h: &HearingRow) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO hearings (agency_id, id, case_id, starts_at, venue, purpose, scheduled_by, scheduled_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(agency_id)
    .bind(h.id)
    .bind(h.case_id)
    .bind(h.starts_at)
    .bind(&h.venue)
    .bind(&h.purpose)
    .bind(h.scheduled_by)
    .bind(h.scheduled_at)
    .execute(tx)
    .await?;
    Ok(())
}

/// The hearing of the case, locked until the transaction ends.
pub async fn lock_hearing(
    tx: &mut PgConnection,
    agency_id: Uuid,
    case_id: Uuid,
    id: Uuid,
) -> Result<Option<HearingRow>, sqlx::Error> {
    sqlx::query_as(&format!("{HEARINGS} WHERE agency_id = $1 AND case_id = $2 AND id = $3 FOR UPDATE"))
        .bind(agency_id)
        .bind(case_id)
        .bind(id)
        .fetch_optional(tx)
        .await
}

pub async fn record_outcome(tx: &mut PgConnection, agency_id: Uuid, h: &HearingRow) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE hearings SET outcome = $3, next_step = $4, recorded_by = $5, recorded_at = $6
         WHERE agency_id = $1 AND id = $2",
    )
    .bind(agency_id)
    .bind(h.id)
    .bind(&h.outcome)
    .bind(&h.next_step)
    .bind(h.recorded_by)
    .bind(h.recorded_at)
    .execute(tx)
    .await?;
    Ok(())
}

/// An open case as the roll-up sees it: its next hearing now, and its hearings.
#[derive(Debug, Clone)]
pub struct OpenCase {
    pub id: Uuid,
    pub account_id: Uuid,
    pub next_hearing_at: Option<DateTime<Utc>>,
    pub hearings: Vec<HearingTime>,
}

/// Every filed case of the agency not closed, with its hearings.
pub async fn open_cases(tx: &mut PgConnection, agency_id: Uuid) -> Result<Vec<OpenCase>, sqlx::Error> {
    type Row = (Uuid, Uuid, Option<DateTime<Utc>>, Vec<DateTime<Utc>>, Vec<bool>);
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT c.id, c.account_id, c.next_hearing_at,
                coalesce(array_agg(h.starts_at) FILTER (WHERE h.id IS NOT NULL), '{}'),
                coalesce(array_agg(h.outcome IS NOT NULL) FILTER (WHERE h.id IS NOT NULL), '{}')
         FROM legal_cases c
         LEFT JOIN hearings h ON h.agency_id = c.agency_id AND h.case_id = c.id
         WHERE c.agency_id = $1 AND c.status IN ('filed', 'in_hearing', 'judgment')
         GROUP BY c.id, c.account_id, c.next_hearing_at
         ORDER BY c.id",
    )
    .bind(agency_id)
    .fetch_all(tx)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, account_id, next_hearing_at, starts, held)| OpenCase {
            id,
            account_id,
            next_hearing_at,
            hearings: starts.into_iter().zip(held).map(|(starts_at, held)| HearingTime { starts_at, held }).collect(),
        })
        .collect())
}

/// Sets the rolled-up next hearing of a case not closed.
pub async fn set_next_hearing(
    tx: &mut PgConnection,
    agency_id: Uuid,
    id: Uuid,
    at: Option<DateTime<Utc>>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE legal_cases SET next_hearing_at = $3
         WHERE agency_id = $1 AND id = $2 AND status <> 'closed'",
    )
    .bind(agency_id)
    .bind(id)
    .bind(at)
    .execute(tx)
    .await?;
    Ok(())
}

/// A hearing to remind of: its case, account, and who is on it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Upcoming {
    pub id: Uuid,
    pub case_id: Uuid,
    pub account_id: Uuid,
    pub external_ref: String,
    pub court: String,
    pub case_number: Option<String>,
    pub starts_at: DateTime<Utc>,
    /// In the agency's time zone.
    pub starts_on: NaiveDate,
    pub local_time: String,
    pub venue: String,
    pub purpose: String,
    /// The manager who drafted the case and the account's collector, if any.
    pub created_by: Uuid,
    pub collector_id: Option<Uuid>,
}

/// The hearings without an outcome of open cases whose day, in the agency's zone, is
/// from `from` to `until`.
pub async fn upcoming(
    tx: &mut PgConnection,
    agency_id: Uuid,
    from: NaiveDate,
    until: NaiveDate,
) -> Result<Vec<Upcoming>, sqlx::Error> {
    sqlx::query_as(
        "SELECT h.id, h.case_id, c.account_id, a.external_ref, c.court, c.case_number, h.starts_at,
                (h.starts_at AT TIME ZONE g.time_zone)::date AS starts_on,
                to_char(h.starts_at AT TIME ZONE g.time_zone, 'HH24:MI') AS local_time, h.venue, h.purpose,
                c.created_by, a.collector_id
         FROM hearings h
         JOIN legal_cases c ON c.agency_id = h.agency_id AND c.id = h.case_id
         JOIN accounts a ON a.agency_id = c.agency_id AND a.id = c.account_id
         JOIN agencies g ON g.id = h.agency_id
         WHERE h.agency_id = $1 AND h.outcome IS NULL AND c.status IN ('filed', 'in_hearing', 'judgment')
           AND (h.starts_at AT TIME ZONE g.time_zone)::date BETWEEN $2 AND $3
         ORDER BY h.starts_at, h.id",
    )
    .bind(agency_id)
    .bind(from)
    .bind(until)
    .fetch_all(tx)
    .await
}

/// Accounts of the agency (of one collector, if given) with a case filed and not
/// closed: in legal.
pub async fn accounts_in_legal(
    tx: &mut PgConnection,
    agency_id: Uuid,
    collector_id: Option<Uuid>,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT count(DISTINCT c.account_id) FROM legal_cases c
         JOIN accounts a ON a.agency_id = c.agency_id AND a.id = c.account_id
         WHERE c.agency_id = $1 AND c.status IN ('filed', 'in_hearing', 'judgment')
           AND ($2::uuid IS NULL OR a.collector_id = $2)",
    )
    .bind(agency_id)
    .bind(collector_id)
    .fetch_one(tx)
    .await
}
