//! Imports of accounts: files, their errors, mappings, the SFTP source.

use chrono::{DateTime, Utc};
use debtflow_domain::import::{ImportSource, ImportStatus, Mapping};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// An import and its progress (counts move as batches commit).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Import {
    pub id: Uuid,
    pub status: ImportStatus,
    pub source: ImportSource,
    pub file_name: String,
    /// Hex SHA-256 of the file as received.
    #[cfg_attr(
        feature = "openapi",
        schema(example = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08")
    )]
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
    #[cfg_attr(feature = "openapi", schema(example = "Morgan Reyes"))]
    pub created_by_name: Option<String>,
    pub created_at: DateTime<Utc>,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
}

/// One thing wrong with one row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportError {
    /// The file's line where the row starts (the header is line 1).
    pub row: i64,
    /// The file's header of the cell (`null` when the row as a whole is wrong).
    pub column: Option<String>,
    /// The cell as received (cut at 200 characters).
    pub value: String,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Mappings {
    pub items: Vec<NamedMapping>,
}

/// A named mapping.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NamedMapping {
    #[cfg_attr(feature = "openapi", schema(example = "first-bank"))]
    pub name: String,
    #[serde(flatten)]
    pub mapping: Mapping,
    pub updated_by: Option<Uuid>,
    pub updated_at: DateTime<Utc>,
}

/// The source as the API shows it: never a secret.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SftpSource {
    pub host: String,
    pub port: i32,
    pub username: String,
    pub auth: SftpAuth,
    /// The pinned server key (set by the first poll unless given).
    pub host_key: Option<String>,
    pub inbox_dir: String,
    pub processed_dir: String,
    pub poll_minutes: i32,
    /// The column mapping its files are read with.
    pub mapping: Option<String>,
    /// Polled on schedule (`POST /imports/trigger` polls either way).
    pub enabled: bool,
    pub last_polled_at: Option<DateTime<Utc>>,
    /// Why the last poll failed, if it did.
    pub last_error: Option<String>,
    pub updated_at: DateTime<Utc>,
}

/// What a poll did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PollReport {
    /// The inbox's `.csv` files, oldest first, and what happened to each.
    pub files: Vec<PolledFile>,
}

/// What happened to one file of the inbox.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PolledFile {
    pub name: String,
    pub outcome: PollOutcome,
    pub import_id: Option<Uuid>,
    /// Where it went in the processed folder.
    pub moved_to: Option<String>,
    pub error: Option<String>,
}

/// What became of a file of the inbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PollOutcome {
    /// Imported, and moved to the processed folder.
    Imported,
    /// Imported before (the same content): moved.
    AlreadyImported,
    /// Its import is still running elsewhere.
    InProgress,
    /// Modified too recently: left for the next poll.
    Settling,
    Failed,
}

/// How DebtFlow signs in to the SFTP server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SftpAuth {
    Password,
    PrivateKey,
}
