//! Imports (migrations/0011): the jobs and their progress, their row errors, and the
//! agencies' column mappings. A runner holds a session-level advisory lock on the
//! import it runs, so a dead runner's import is free for the next one at once.

use chrono::{DateTime, Utc};
use debtflow_domain::import::{DateFormat, Field, ImportSource, ImportStatus, Mapping};
use serde::Serialize;
use sqlx::{types::Json, PgConnection};
use std::collections::BTreeMap;
use uuid::Uuid;

const COLUMNS: &str =
    "agency_id, id, source, file_name, sha256, size_bytes, storage_key, mapping_name, forced, batch_rows, \
                       status, total_rows, processed, created, updated, skipped, failed, error, created_by, \
                       created_at, started_at, finished_at, \
                       (SELECT u.full_name FROM users u WHERE u.id = imports.created_by) AS created_by_name";

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ImportRow {
    pub agency_id: Uuid,
    pub id: Uuid,
    pub source: ImportSource,
    pub file_name: String,
    pub sha256: Vec<u8>,
    pub size_bytes: i64,
    pub storage_key: String,
    pub mapping_name: Option<String>,
    pub forced: bool,
    pub batch_rows: i32,
    pub status: ImportStatus,
    pub total_rows: Option<i64>,
    pub processed: i64,
    pub created: i64,
    pub updated: i64,
    pub skipped: i64,
    pub failed: i64,
    pub error: Option<String>,
    pub created_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
    /// The sender's name (`None` for SFTP and the CLI, or a user the caller cannot see).
    pub created_by_name: Option<String>,
}

impl ImportRow {
    /// The row as it is once a batch with `c` committed.
    pub fn add(&mut self, c: Counts) {
        self.processed += c.rows();
        self.created += c.created;
        self.updated += c.updated;
        self.skipped += c.skipped;
        self.failed += c.failed;
    }
}

pub struct NewImport<'a> {
    pub agency_id: Uuid,
    pub id: Uuid,
    pub source: ImportSource,
    pub file_name: &'a str,
    pub sha256: &'a [u8],
    pub size_bytes: i64,
    pub storage_key: &'a str,
    pub mapping_name: Option<&'a str>,
    pub forced: bool,
    pub batch_rows: i32,
    pub created_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
}

pub async fn insert(tx: &mut PgConnection, new: &NewImport<'_>) -> Result<ImportRow, sqlx::Error> {
    sqlx::query_as(&format!(
        "INSERT INTO imports (agency_id, id, source, file_name, sha256, size_bytes, storage_key, mapping_name,
                              forced, created_by, created_at, batch_rows)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
         RETURNING {COLUMNS}"
    ))
    .bind(new.agency_id)
    .bind(new.id)
    .bind(new.source)
    .bind(new.file_name)
    .bind(new.sha256)
    .bind(new.size_bytes)
    .bind(new.storage_key)
    .bind(new.mapping_name)
    .bind(new.forced)
    .bind(new.created_by)
    .bind(new.created_at)
    .bind(new.batch_rows)
    .fetch_one(tx)
    .await
}

pub async fn get(tx: &mut PgConnection, agency_id: Uuid, id: Uuid) -> Result<Option<ImportRow>, sqlx::Error> {
    sqlx::query_as(&format!("SELECT {COLUMNS} FROM imports WHERE agency_id = $1 AND id = $2"))
        .bind(agency_id)
        .bind(id)
        .fetch_optional(tx)
        .await
}

/// The agency's latest import of the file with this hash that did not fail.
pub async fn same_file(
    tx: &mut PgConnection,
    agency_id: Uuid,
    sha256: &[u8],
) -> Result<Option<ImportRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM imports WHERE agency_id = $1 AND sha256 = $2 AND status <> 'failed'
         ORDER BY created_at DESC, id DESC LIMIT 1"
    ))
    .bind(agency_id)
    .bind(sha256)
    .fetch_optional(tx)
    .await
}

/// The agency's unfinished import of the file with this hash, if any: the one to resume.
pub async fn unfinished_of(
    tx: &mut PgConnection,
    agency_id: Uuid,
    sha256: &[u8],
) -> Result<Option<ImportRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM imports WHERE agency_id = $1 AND sha256 = $2 AND status IN ('queued', 'running')
         ORDER BY created_at, id LIMIT 1"
    ))
    .bind(agency_id)
    .bind(sha256)
    .fetch_optional(tx)
    .await
}

/// Newest first, older than `before` (keyset).
pub async fn list(
    tx: &mut PgConnection,
    agency_id: Uuid,
    before: Option<(DateTime<Utc>, Uuid)>,
    limit: i64,
) -> Result<Vec<ImportRow>, sqlx::Error> {
    let (at, id) = before.unzip();
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM imports
         WHERE agency_id = $1 AND ($2::timestamptz IS NULL OR (created_at, id) < ($2, $3))
         ORDER BY created_at DESC, id DESC LIMIT $4"
    ))
    .bind(agency_id)
    .bind(at)
    .bind(id)
    .bind(limit)
    .fetch_all(tx)
    .await
}

/// Unfinished imports, oldest first, of one agency or every agency.
pub async fn unfinished(tx: &mut PgConnection, agency_id: Option<Uuid>) -> Result<Vec<ImportRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM imports
         WHERE status IN ('queued', 'running') AND ($1::uuid IS NULL OR agency_id = $1)
         ORDER BY created_at, id LIMIT 100"
    ))
    .bind(agency_id)
    .fetch_all(tx)
    .await
}

/// Takes the import's advisory lock on `conn` (a session lock: it outlives
/// transactions and dies with the connection), if free.
pub async fn try_lock(conn: &mut PgConnection, id: Uuid) -> Result<bool, sqlx::Error> {
    super::db::try_advisory_lock(conn, "debtflow:import", &id.to_string()).await
}

pub async fn unlock(conn: &mut PgConnection, id: Uuid) -> Result<(), sqlx::Error> {
    super::db::advisory_unlock(conn, "debtflow:import", &id.to_string()).await
}

/// Marks the import running with its row count (a resumed run keeps its first start).
pub async fn start(
    tx: &mut PgConnection,
    agency_id: Uuid,
    id: Uuid,
    total_rows: i64,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE imports SET status = 'running', total_rows = $3, started_at = coalesce(started_at, $4)
         WHERE agency_id = $1 AND id = $2",
    )
    .bind(agency_id)
    .bind(id)
    .bind(total_rows)
    .bind(now)
    .execute(tx)
    .await
    .map(drop)
}

/// What one batch did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub created: i64,
    pub updated: i64,
    pub skipped: i64,
    pub failed: i64,
}

impl Counts {
    pub fn rows(&self) -> i64 {
        self.created + self.updated + self.skipped + self.failed
    }
}

/// The batches of the import committed so far.
pub async fn committed_batches(tx: &mut PgConnection, agency_id: Uuid, id: Uuid) -> Result<Vec<i32>, sqlx::Error> {
    sqlx::query_scalar("SELECT batch_no FROM import_batches WHERE agency_id = $1 AND import_id = $2")
        .bind(agency_id)
        .bind(id)
        .fetch_all(tx)
        .await
}

/// Records batch `batch_no` and adds its counts, in the batch's transaction: `processed`
/// is then exactly the rows whose effects are committed, and a batch recorded already
/// is refused (`Duplicate { constraint: "import_batches_pkey" }`), never applied twice.
pub async fn add_batch(
    tx: &mut PgConnection,
    agency_id: Uuid,
    id: Uuid,
    batch_no: i32,
    c: Counts,
) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO import_batches (agency_id, import_id, batch_no) VALUES ($1, $2, $3)")
        .bind(agency_id)
        .bind(id)
        .bind(batch_no)
        .execute(&mut *tx)
        .await?;
    // Whoever uploaded the file hears of the new counts on their live streams, on
    // commit (`crate::live`).
    sqlx::query(
        "WITH counted AS (
             UPDATE imports SET processed = processed + $3, created = created + $4, updated = updated + $5,
                                skipped = skipped + $6, failed = failed + $7
             WHERE agency_id = $1 AND id = $2 RETURNING *)
         SELECT pg_notify('import_progress', created_by || ' ' || id) FROM counted WHERE created_by IS NOT NULL",
    )
    .bind(agency_id)
    .bind(id)
    .bind(c.rows())
    .bind(c.created)
    .bind(c.updated)
    .bind(c.skipped)
    .bind(c.failed)
    .execute(tx)
    .await
    .map(drop)
}

pub async fn finish(
    tx: &mut PgConnection,
    agency_id: Uuid,
    id: Uuid,
    status: ImportStatus,
    error: Option<&str>,
    now: DateTime<Utc>,
) -> Result<ImportRow, sqlx::Error> {
    sqlx::query_as(&format!(
        "UPDATE imports SET status = $3, error = $4, finished_at = $5, started_at = coalesce(started_at, $5)
         WHERE agency_id = $1 AND id = $2 RETURNING {COLUMNS}"
    ))
    .bind(agency_id)
    .bind(id)
    .bind(status)
    .bind(error)
    .bind(now)
    .fetch_one(tx)
    .await
}

/// One thing wrong with one row (or with the file: row 0).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct RowError {
    pub row_no: i64,
    pub column_name: Option<String>,
    pub value: String,
    pub message: String,
}

pub async fn insert_errors(
    tx: &mut PgConnection,
    agency_id: Uuid,
    import_id: Uuid,
    errors: &[RowError],
) -> Result<(), sqlx::Error> {
    if errors.is_empty() {
        return Ok(());
    }
    let rows: Vec<i64> = errors.iter().map(|e| e.row_no).collect();
    let seqs: Vec<i16> = errors
        .iter()
        .scan((0i64, 0i16), |(row, seq), e| {
            *seq = if e.row_no == *row { *seq + 1 } else { 1 };
            *row = e.row_no;
            Some(*seq)
        })
        .collect();
    let columns: Vec<Option<&str>> = errors.iter().map(|e| e.column_name.as_deref()).collect();
    let values: Vec<&str> = errors.iter().map(|e| e.value.as_str()).collect();
    let messages: Vec<&str> = errors.iter().map(|e| e.message.as_str()).collect();
    sqlx::query(
        "INSERT INTO import_errors (agency_id, import_id, row_no, seq, column_name, value, message)
         SELECT $1, $2, r, s, c, v, m FROM unnest($3::bigint[], $4::smallint[], $5::text[], $6::text[], $7::text[])
             AS x(r, s, c, v, m)",
    )
    .bind(agency_id)
    .bind(import_id)
    .bind(&rows)
    .bind(&seqs)
    .bind(&columns)
    .bind(&values)
    .bind(&messages)
    .execute(tx)
    .await
    .map(drop)
}

/// In row order, after `(row, seq)` (keyset).
pub async fn errors(
    tx: &mut PgConnection,
    agency_id: Uuid,
    import_id: Uuid,
    after: Option<(i64, i16)>,
    limit: i64,
) -> Result<Vec<(RowError, i16)>, sqlx::Error> {
    let (row, seq) = after.unzip();
    let rows: Vec<(i64, i16, Option<String>, String, String)> = sqlx::query_as(
        "SELECT row_no, seq, column_name, value, message FROM import_errors
         WHERE agency_id = $1 AND import_id = $2 AND ($3::bigint IS NULL OR (row_no, seq) > ($3, $4))
         ORDER BY row_no, seq LIMIT $5",
    )
    .bind(agency_id)
    .bind(import_id)
    .bind(row)
    .bind(seq)
    .bind(limit)
    .fetch_all(tx)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(row_no, seq, column_name, value, message)| (RowError { row_no, column_name, value, message }, seq))
        .collect())
}

/// A named mapping of an agency.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MappingRow {
    pub name: String,
    pub columns: Json<BTreeMap<String, Option<Field>>>,
    pub date_format: String,
    pub updated_by: Option<Uuid>,
    pub updated_at: DateTime<Utc>,
}

impl MappingRow {
    pub fn mapping(&self) -> Mapping {
        Mapping { columns: self.columns.0.clone(), date_format: self.date_format.parse().unwrap_or(DateFormat::Iso) }
    }
}

pub async fn mappings(tx: &mut PgConnection, agency_id: Uuid) -> Result<Vec<MappingRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT name, columns, date_format, updated_by, updated_at FROM import_mappings
         WHERE agency_id = $1 ORDER BY name",
    )
    .bind(agency_id)
    .fetch_all(tx)
    .await
}

pub async fn mapping(tx: &mut PgConnection, agency_id: Uuid, name: &str) -> Result<Option<MappingRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT name, columns, date_format, updated_by, updated_at FROM import_mappings
         WHERE agency_id = $1 AND name = $2",
    )
    .bind(agency_id)
    .bind(name)
    .fetch_optional(tx)
    .await
}

/// Creates or replaces; returns the mapping as it was before, if any.
pub async fn put_mapping(
    tx: &mut PgConnection,
    agency_id: Uuid,
    name: &str,
    mapping: &Mapping,
    by: Option<Uuid>,
    now: DateTime<Utc>,
) -> Result<Option<MappingRow>, sqlx::Error> {
    let before = self::mapping(&mut *tx, agency_id, name).await?;
    sqlx::query(
        "INSERT INTO import_mappings (agency_id, name, columns, date_format, updated_by, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (agency_id, name) DO UPDATE
             SET columns = excluded.columns, date_format = excluded.date_format,
                 updated_by = excluded.updated_by, updated_at = excluded.updated_at",
    )
    .bind(agency_id)
    .bind(name)
    .bind(Json(&mapping.columns))
    .bind(mapping.date_format.as_str())
    .bind(by)
    .bind(now)
    .execute(tx)
    .await?;
    Ok(before)
}

pub async fn delete_mapping(
    tx: &mut PgConnection,
    agency_id: Uuid,
    name: &str,
) -> Result<Option<MappingRow>, sqlx::Error> {
    sqlx::query_as(
        "DELETE FROM import_mappings WHERE agency_id = $1 AND name = $2
         RETURNING name, columns, date_format, updated_by, updated_at",
    )
    .bind(agency_id)
    .bind(name)
    .fetch_optional(tx)
    .await
}

/// The import as the API shows it (`GET /imports/{id}`, the `import.finished` event).
impl From<ImportRow> for debtflow_wire::imports::Import {
    fn from(r: ImportRow) -> Self {
        debtflow_wire::imports::Import {
            id: r.id,
            status: r.status,
            source: r.source,
            file_name: r.file_name,
            sha256: hex::encode(&r.sha256),
            size_bytes: r.size_bytes,
            mapping: r.mapping_name,
            forced: r.forced,
            total_rows: r.total_rows,
            processed: r.processed,
            created: r.created,
            updated: r.updated,
            skipped: r.skipped,
            failed: r.failed,
            error: r.error,
            created_by: r.created_by,
            created_by_name: r.created_by_name,
            created_at: r.created_at,
            started_at: r.started_at,
            finished_at: r.finished_at,
        }
    }
}
