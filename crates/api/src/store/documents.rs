//! Documents on accounts and their versions (migrations/0029). A document's row says
//! what it is attached to and its latest version; each version is a row of its own,
//! never changed (a trigger refuses it), whose bytes are in the file storage under
//! its `storage_key`.

use chrono::{DateTime, Utc};
use debtflow_domain::document::DocumentType;
use debtflow_wire::documents::DocumentSubject;
use sqlx::PgConnection;
use uuid::Uuid;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DocumentRow {
    pub agency_id: Uuid,
    pub id: Uuid,
    pub account_id: Uuid,
    #[sqlx(try_from = "String")]
    pub subject_type: DocumentSubject,
    pub subject_id: Uuid,
    pub title: String,
    pub latest_version: i32,
    pub created_by: Uuid,
    pub created_by_name: Option<String>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct VersionRow {
    pub document_id: Uuid,
    pub version: i32,
    pub file_name: String,
    pub document_type: DocumentType,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: Vec<u8>,
    pub storage_key: String,
    pub uploaded_by: Uuid,
    pub uploaded_by_name: Option<String>,
    pub uploaded_at: DateTime<Utc>,
}

const SELECT: &str = "
    SELECT d.agency_id, d.id, d.account_id, d.subject_type, d.subject_id, d.title, d.latest_version, d.created_by,
           u.full_name AS created_by_name, d.created_at
    FROM documents d
    LEFT JOIN users u ON u.id = d.created_by";

const SELECT_VERSION: &str = "
    SELECT v.document_id, v.version, v.file_name, v.document_type, v.content_type, v.size_bytes, v.sha256,
           v.storage_key, v.uploaded_by, u.full_name AS uploaded_by_name, v.uploaded_at
    FROM document_versions v
    LEFT JOIN users u ON u.id = v.uploaded_by";

/// Whether `subject_id` is a `subject` of the account (a plan, legal case or write-off
/// request not deleted; any recovery action), or the account itself.
pub async fn subject_exists(
    tx: &mut PgConnection,
    agency_id: Uuid,
    account_id: Uuid,
    subject: DocumentSubject,
    subject_id: Uuid,
) -> Result<bool, sqlx::Error> {
    let sql = match subject {
        DocumentSubject::Account => return Ok(subject_id == account_id),
        DocumentSubject::Plan => {
            "SELECT EXISTS (SELECT 1 FROM plans
                            WHERE agency_id = $1 AND account_id = $2 AND id = $3 AND deleted_at IS NULL)"
        }
        DocumentSubject::LegalCase => {
            "SELECT EXISTS (SELECT 1 FROM legal_cases
                            WHERE agency_id = $1 AND account_id = $2 AND id = $3 AND deleted_at IS NULL)"
        }
        DocumentSubject::RecoveryAction => {
            "SELECT EXISTS (SELECT 1 FROM recovery_actions WHERE agency_id = $1 AND account_id = $2 AND id = $3)"
        }
        DocumentSubject::WriteOff => {
            "SELECT EXISTS (SELECT 1 FROM write_off_requests
                            WHERE agency_id = $1 AND account_id = $2 AND id = $3 AND deleted_at IS NULL)"
        }
    };
    sqlx::query_scalar(sql).bind(agency_id).bind(account_id).bind(subject_id).fetch_one(tx).await
}

/// A new document, with its first version.
pub struct NewDocument<'a> {
    pub agency_id: Uuid,
    pub id: Uuid,
    pub account_id: Uuid,
    pub subject_type: DocumentSubject,
    pub subject_id: Uuid,
    pub title: &'a str,
    pub created_by: Uuid,
    pub created_at: DateTime<Utc>,
}

/// A version of a document, its bytes already stored under `storage_key`.
pub struct NewVersion<'a> {
    pub agency_id: Uuid,
    pub document_id: Uuid,
    pub version: i32,
    pub file_name: &'a str,
    pub document_type: DocumentType,
    pub content_type: &'a str,
    pub size_bytes: i64,
    pub sha256: &'a [u8; 32],
    pub storage_key: &'a str,
    pub uploaded_by: Uuid,
    pub uploaded_at: DateTime<Utc>,
}

/// Writes the document's row (its latest version 1; write the version with
/// [`insert_version`]).
pub async fn insert(tx: &mut PgConnection, d: &NewDocument<'_>) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO documents (agency_id, id, account_id, subject_type, subject_id, title, latest_version,
                                created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, 1, $7, $8)",
    )
    .bind(d.agency_id)
    .bind(d.id)
    .bind(d.account_id)
    .bind(d.subject_type.as_str())
    .bind(d.subject_id)
    .bind(d.title)
    .bind(d.created_by)
    .bind(d.created_at)
    .execute(tx)
    .await
    .map(drop)
}

/// Writes a version; for a version after the first, moves the document's
/// `latest_version` to it (the caller holds the document's lock, [`lock`]).
pub async fn insert_version(tx: &mut PgConnection, v: &NewVersion<'_>) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO document_versions (agency_id, document_id, version, file_name, document_type, content_type,
                                        size_bytes, sha256, storage_key, uploaded_by, uploaded_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(v.agency_id)
    .bind(v.document_id)
    .bind(v.version)
    .bind(v.file_name)
    .bind(v.document_type.as_str())
    .bind(v.content_type)
    .bind(v.size_bytes)
    .bind(&v.sha256[..])
    .bind(v.storage_key)
    .bind(v.uploaded_by)
    .bind(v.uploaded_at)
    .execute(&mut *tx)
    .await?;
    if v.version > 1 {
        sqlx::query("UPDATE documents SET latest_version = $3 WHERE agency_id = $1 AND id = $2")
            .bind(v.agency_id)
            .bind(v.document_id)
            .bind(v.version)
            .execute(tx)
            .await?;
    }
    Ok(())
}

/// The document `id` on the account.
pub async fn get(
    tx: &mut PgConnection,
    agency_id: Uuid,
    account_id: Uuid,
    id: Uuid,
) -> Result<Option<DocumentRow>, sqlx::Error> {
    sqlx::query_as(&format!("{SELECT} WHERE d.agency_id = $1 AND d.account_id = $2 AND d.id = $3"))
        .bind(agency_id)
        .bind(account_id)
        .bind(id)
        .fetch_optional(tx)
        .await
}

/// The document `id` on the account, locked until the transaction ends: the one way to
/// its next version number.
pub async fn lock(
    tx: &mut PgConnection,
    agency_id: Uuid,
    account_id: Uuid,
    id: Uuid,
) -> Result<Option<DocumentRow>, sqlx::Error> {
    sqlx::query_as(&format!("{SELECT} WHERE d.agency_id = $1 AND d.account_id = $2 AND d.id = $3 FOR UPDATE OF d"))
        .bind(agency_id)
        .bind(account_id)
        .bind(id)
        .fetch_optional(tx)
        .await
}

/// Which of an account's documents to list: all, those of one kind of subject, or
/// those of one subject.
#[derive(Debug, Clone, Copy, Default)]
pub struct Filter {
    pub subject_type: Option<DocumentSubject>,
    pub subject_id: Option<Uuid>,
}

/// The account's documents, the newest first.
pub async fn list(
    tx: &mut PgConnection,
    agency_id: Uuid,
    account_id: Uuid,
    filter: Filter,
) -> Result<Vec<DocumentRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "{SELECT} WHERE d.agency_id = $1 AND d.account_id = $2
                    AND ($3::text IS NULL OR d.subject_type = $3) AND ($4::uuid IS NULL OR d.subject_id = $4)
         ORDER BY d.created_at DESC, d.id DESC"
    ))
    .bind(agency_id)
    .bind(account_id)
    .bind(filter.subject_type.map(DocumentSubject::as_str))
    .bind(filter.subject_id)
    .fetch_all(tx)
    .await
}

/// Every version of the documents `ids`, by document, the latest first.
pub async fn versions(tx: &mut PgConnection, agency_id: Uuid, ids: &[Uuid]) -> Result<Vec<VersionRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "{SELECT_VERSION} WHERE v.agency_id = $1 AND v.document_id = ANY($2) ORDER BY v.document_id, v.version DESC"
    ))
    .bind(agency_id)
    .bind(ids)
    .fetch_all(tx)
    .await
}

/// One version of the document.
pub async fn version(
    tx: &mut PgConnection,
    agency_id: Uuid,
    document_id: Uuid,
    version: i32,
) -> Result<Option<VersionRow>, sqlx::Error> {
    sqlx::query_as(&format!("{SELECT_VERSION} WHERE v.agency_id = $1 AND v.document_id = $2 AND v.version = $3"))
        .bind(agency_id)
        .bind(document_id)
        .bind(version)
        .fetch_optional(tx)
        .await
}
