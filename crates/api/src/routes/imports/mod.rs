//! `/imports`: placement files uploaded (or fetched from SFTP) and imported in the
//! background, their progress and row errors, and the agencies' column mappings.

pub mod create;
pub mod errors;
pub mod get;
pub mod mappings;
pub mod sftp;

use crate::store::imports::ImportRow;
use chrono::{DateTime, Utc};
use debtflow_domain::import::{ImportSource, ImportStatus};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

/// An import and its progress (counts move as batches commit).
#[derive(Debug, Serialize, ToSchema)]
pub struct Import {
    pub id: Uuid,
    pub status: ImportStatus,
    pub source: ImportSource,
    pub file_name: String,
    /// Hex SHA-256 of the file as received.
    #[schema(example = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08")]
    pub sha256: String,
    pub size_bytes: i64,
    /// The agency's column mapping the header was read with (`null`: canonical headers).
    pub mapping: Option<String>,
    /// Imported although the same file was imported before.
    pub forced: bool,
    /// Data rows in the file, once counted.
    pub total_rows: Option<i64>,
    /// Rows whose effects are committed: created + updated + skipped + failed.
    pub processed: i64,
    /// New accounts placed.
    pub created: i64,
    /// Existing accounts (same external reference) whose updatable fields changed.
    pub updated: i64,
    /// Existing accounts the row did not change.
    pub skipped: i64,
    /// Rows refused; see `GET /imports/{id}/errors`.
    pub failed: i64,
    /// Why the whole file failed (no header, unknown column, not CSV …).
    pub error: Option<String>,
    /// Who sent it (`null` for SFTP and the CLI).
    pub created_by: Option<Uuid>,
    /// The sender's name, for display.
    #[schema(example = "Morgan Reyes")]
    pub created_by_name: Option<String>,
    pub created_at: DateTime<Utc>,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
}

impl From<ImportRow> for Import {
    fn from(r: ImportRow) -> Self {
        Import {
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
