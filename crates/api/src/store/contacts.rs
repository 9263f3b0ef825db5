//! Contact attempts and the blocks on a debtor's channels (migrations/0025), and the
//! debtor's wall-clock time the calling hours are judged by.

use chrono::{DateTime, NaiveDateTime, Utc};
use debtflow_domain::contact::{Block, Channel, Direction, Flag, Outcome, Past};
use sqlx::PgConnection;
use uuid::Uuid;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ContactRow {
    pub id: Uuid,
    pub account_id: Uuid,
    pub channel: Channel,
    pub direction: Direction,
    pub outcome: Outcome,
    pub used: Option<String>,
    pub notes: Option<String>,
    pub occurred_at: DateTime<Utc>,
    pub recorded_by: Option<Uuid>,
    pub recorded_by_name: Option<String>,
    pub created_at: DateTime<Utc>,
}

pub struct NewContact<'a> {
    pub agency_id: Uuid,
    pub account_id: Uuid,
    pub channel: Channel,
    pub direction: Direction,
    pub outcome: Outcome,
    pub used: Option<&'a str>,
    pub notes: Option<&'a str>,
    pub occurred_at: DateTime<Utc>,
    pub recorded_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
}

const COLUMNS: &str = "c.id, c.account_id, c.channel, c.direction, c.outcome, c.used, c.notes, c.occurred_at, \
     c.recorded_by, u.full_name AS recorded_by_name, c.created_at";

pub async fn insert(tx: &mut PgConnection, c: &NewContact<'_>) -> Result<ContactRow, sqlx::Error> {
    let sql = format!(
        "WITH c AS (INSERT INTO contact_attempts (agency_id, id, account_id, channel, direction, outcome, used, notes,
                                                  occurred_at, recorded_by, created_at)
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING *)
         SELECT {COLUMNS} FROM c LEFT JOIN users u ON u.id = c.recorded_by"
    );
    sqlx::query_as(&sql)
        .bind(c.agency_id)
        .bind(Uuid::now_v7())
        .bind(c.account_id)
        .bind(c.channel)
        .bind(c.direction)
        .bind(c.outcome)
        .bind(c.used)
        .bind(c.notes)
        .bind(c.occurred_at)
        .bind(c.recorded_by)
        .bind(c.created_at)
        .fetch_one(tx)
        .await
}

/// The account's attempts, newest first: `limit` of them after the keyset `after`
/// (`occurred_at`, `id`) when given.
pub async fn list(
    tx: &mut PgConnection,
    agency_id: Uuid,
    account_id: Uuid,
    after: Option<(DateTime<Utc>, Uuid)>,
    limit: i64,
) -> Result<Vec<ContactRow>, sqlx::Error> {
    let sql = format!(
        "SELECT {COLUMNS} FROM contact_attempts c LEFT JOIN users u ON u.id = c.recorded_by
         WHERE c.agency_id = $1 AND c.account_id = $2
           AND ($3::timestamptz IS NULL OR (c.occurred_at, c.id) < ($3, $4))
         ORDER BY c.occurred_at DESC, c.id DESC LIMIT $5"
    );
    sqlx::query_as(&sql)
        .bind(agency_id)
        .bind(account_id)
        .bind(after.map(|a| a.0))
        .bind(after.map(|a| a.1))
        .bind(limit)
        .fetch_all(tx)
        .await
}

/// Whether `id` is an attempt on the account.
pub async fn exists(tx: &mut PgConnection, agency_id: Uuid, account_id: Uuid, id: Uuid) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM contact_attempts WHERE agency_id = $1 AND account_id = $2 AND id = $3)",
    )
    .bind(agency_id)
    .bind(account_id)
    .bind(id)
    .fetch_one(tx)
    .await
}

/// The account's attempts since `since`: what the guardrails count.
pub async fn history(
    tx: &mut PgConnection,
    agency_id: Uuid,
    account_id: Uuid,
    since: DateTime<Utc>,
) -> Result<Vec<Past>, sqlx::Error> {
    let rows: Vec<(Channel, Direction, Outcome, DateTime<Utc>)> = sqlx::query_as(
        "SELECT channel, direction, outcome, occurred_at FROM contact_attempts
         WHERE agency_id = $1 AND account_id = $2 AND occurred_at > $3",
    )
    .bind(agency_id)
    .bind(account_id)
    .bind(since)
    .fetch_all(tx)
    .await?;
    Ok(rows.into_iter().map(|(channel, direction, outcome, at)| Past { channel, direction, outcome, at }).collect())
}

/// The debtor's accounts with their currencies: those whose next call a block changes.
pub async fn debtor_accounts(
    tx: &mut PgConnection,
    agency_id: Uuid,
    debtor_id: Uuid,
) -> Result<Vec<(Uuid, String)>, sqlx::Error> {
    sqlx::query_as("SELECT id, currency::text FROM accounts WHERE agency_id = $1 AND debtor_id = $2 ORDER BY id")
        .bind(agency_id)
        .bind(debtor_id)
        .fetch_all(tx)
        .await
}

/// Stores when the account's debtor may next be called (`None`: not while a block
/// stops calls, stored as `infinity`; no wait: `-infinity`).
pub async fn set_next_call(
    tx: &mut PgConnection,
    agency_id: Uuid,
    account_id: Uuid,
    next: Option<DateTime<Utc>>,
) -> Result<(), sqlx::Error> {
    let at = match next {
        None => "infinity".to_owned(),
        Some(at) if at == DateTime::<Utc>::MIN_UTC => "-infinity".to_owned(),
        Some(at) => at.to_rfc3339(),
    };
    sqlx::query("UPDATE accounts SET next_call_at = $3::timestamptz WHERE agency_id = $1 AND id = $2")
        .bind(agency_id)
        .bind(account_id)
        .bind(at)
        .execute(tx)
        .await?;
    Ok(())
}

/// The debtor's blocks in force.
pub async fn blocks(tx: &mut PgConnection, agency_id: Uuid, debtor_id: Uuid) -> Result<Vec<Block>, sqlx::Error> {
    let rows: Vec<(Flag, Option<Channel>)> = sqlx::query_as(
        "SELECT flag, channel FROM contact_blocks WHERE agency_id = $1 AND debtor_id = $2 AND cleared_at IS NULL",
    )
    .bind(agency_id)
    .bind(debtor_id)
    .fetch_all(tx)
    .await?;
    Ok(rows.into_iter().map(|(flag, channel)| Block { flag, channel }).collect())
}

/// The debtor's wall clock at `at` (their own time zone, else their address's, else
/// the agency's), and
/// that zone's name.
pub async fn local_time(
    tx: &mut PgConnection,
    agency_id: Uuid,
    debtor_id: Uuid,
    at: DateTime<Utc>,
) -> Result<(NaiveDateTime, String), sqlx::Error> {
    sqlx::query_as(
        "SELECT ($3::timestamptz AT TIME ZONE z.zone), z.zone
         FROM (SELECT coalesce(d.time_zone, d.address_time_zone, ag.time_zone) AS zone
               FROM debtors d JOIN agencies ag ON ag.id = d.agency_id
               WHERE d.agency_id = $1 AND d.id = $2) z",
    )
    .bind(agency_id)
    .bind(debtor_id)
    .bind(at)
    .fetch_one(tx)
    .await
}

/// The instant the wall-clock time `local` names in `zone` (PostgreSQL's reading of a
/// time skipped or repeated by a daylight-saving change).
pub async fn instant(tx: &mut PgConnection, local: NaiveDateTime, zone: &str) -> Result<DateTime<Utc>, sqlx::Error> {
    sqlx::query_scalar("SELECT $1::timestamp AT TIME ZONE $2").bind(local).bind(zone).fetch_one(tx).await
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct BlockRow {
    pub id: Uuid,
    pub debtor_id: Uuid,
    pub flag: Flag,
    pub channel: Option<Channel>,
    pub reason: String,
    pub set_by: Uuid,
    pub set_by_name: Option<String>,
    pub set_at: DateTime<Utc>,
    pub cleared_by: Option<Uuid>,
    pub cleared_at: Option<DateTime<Utc>>,
}

const BLOCK_COLUMNS: &str = "b.id, b.debtor_id, b.flag, b.channel, b.reason, b.set_by, u.full_name AS set_by_name, \
     b.set_at, b.cleared_by, b.cleared_at";

pub struct NewBlock<'a> {
    pub agency_id: Uuid,
    pub debtor_id: Uuid,
    pub flag: Flag,
    pub channel: Option<Channel>,
    pub reason: &'a str,
    pub set_by: Uuid,
    pub set_at: DateTime<Utc>,
    /// The dispute it holds for, cleared with it.
    pub dispute_id: Option<Uuid>,
}

pub async fn insert_block(tx: &mut PgConnection, b: &NewBlock<'_>) -> Result<BlockRow, sqlx::Error> {
    let sql = format!(
        "WITH b AS (INSERT INTO contact_blocks (agency_id, id, debtor_id, flag, channel, reason, set_by, set_at,
                                                dispute_id)
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING *)
         SELECT {BLOCK_COLUMNS} FROM b LEFT JOIN users u ON u.id = b.set_by"
    );
    sqlx::query_as(&sql)
        .bind(b.agency_id)
        .bind(Uuid::now_v7())
        .bind(b.debtor_id)
        .bind(b.flag)
        .bind(b.channel)
        .bind(b.reason)
        .bind(b.set_by)
        .bind(b.set_at)
        .bind(b.dispute_id)
        .fetch_one(tx)
        .await
}

/// The debtor's blocks, those in force first, newest first.
pub async fn list_blocks(
    tx: &mut PgConnection,
    agency_id: Uuid,
    debtor_id: Uuid,
) -> Result<Vec<BlockRow>, sqlx::Error> {
    let sql = format!(
        "SELECT {BLOCK_COLUMNS} FROM contact_blocks b LEFT JOIN users u ON u.id = b.set_by
         WHERE b.agency_id = $1 AND b.debtor_id = $2
         ORDER BY b.cleared_at IS NOT NULL, b.set_at DESC, b.id DESC"
    );
    sqlx::query_as(&sql).bind(agency_id).bind(debtor_id).fetch_all(tx).await
}

/// Clears the debtor's block `id` if it is in force; `None` if there is none such.
pub async fn clear_block(
    tx: &mut PgConnection,
    agency_id: Uuid,
    debtor_id: Uuid,
    id: Uuid,
    by: Uuid,
    at: DateTime<Utc>,
) -> Result<Option<BlockRow>, sqlx::Error> {
    let sql = format!(
        "WITH b AS (UPDATE contact_blocks SET cleared_by = $4, cleared_at = $5
                    WHERE agency_id = $1 AND debtor_id = $2 AND id = $3 AND cleared_at IS NULL RETURNING *)
         SELECT {BLOCK_COLUMNS} FROM b LEFT JOIN users u ON u.id = b.set_by"
    );
    sqlx::query_as(&sql).bind(agency_id).bind(debtor_id).bind(id).bind(by).bind(at).fetch_optional(tx).await
}

/// Clears the blocks in force that hold for `dispute_id`.
pub async fn clear_dispute_blocks(
    tx: &mut PgConnection,
    agency_id: Uuid,
    dispute_id: Uuid,
    by: Uuid,
    at: DateTime<Utc>,
) -> Result<Vec<BlockRow>, sqlx::Error> {
    let sql = format!(
        "WITH b AS (UPDATE contact_blocks SET cleared_by = $3, cleared_at = $4
                    WHERE agency_id = $1 AND dispute_id = $2 AND cleared_at IS NULL RETURNING *)
         SELECT {BLOCK_COLUMNS} FROM b LEFT JOIN users u ON u.id = b.set_by"
    );
    sqlx::query_as(&sql).bind(agency_id).bind(dispute_id).bind(by).bind(at).fetch_all(tx).await
}
