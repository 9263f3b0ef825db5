//! Documents on an account or its records (a plan, legal case, recovery action or
//! write-off request): uploaded, versioned, downloaded — every step on the audit trail.
//!
//! A file is let in only as a [`CheckedFile`]: its type told by its content and
//! allowed by its name (`debtflow_domain::document::check`), its SHA-256 taken. A new
//! upload of the same document is its next version, of any accepted type (a scanned
//! JPEG may be replaced by the signed PDF); the title and the subject stay, and every
//! earlier version stays downloadable. Version numbers are handed out under the
//! document's row lock, so two uploads at once get n+1 and n+2.
//!
//! These use cases write rows only; the caller stores the bytes under the returned
//! [`Stored::storage_key`] before it commits, so no committed version lacks its bytes.
//! Reads reach the account as the account use cases do (a collector, their own only;
//! anything out of reach is a 404), and a download is audited
//! (`document.download`) in the caller's transaction, which commits before a byte is sent.

use super::{account_of, person, timeline};
use crate::{
    audit::{self, Actor, Change},
    imports::Storage,
    services::ServiceError,
    store::{
        self,
        accounts::AccountRow,
        documents::{DocumentRow, Filter, NewDocument, NewVersion, VersionRow},
    },
};
use chrono::{DateTime, Utc};
use debtflow_domain::document::{self, DocumentError, DocumentType};
use debtflow_wire::documents::DocumentSubject;
use serde_json::json;
use sha2::{Digest, Sha256};
use sqlx::PgConnection;
use std::collections::HashMap;
use uuid::Uuid;

/// The longest file name kept (characters).
pub const MAX_FILE_NAME: usize = 255;
/// The longest title (characters, once trimmed).
pub const MAX_TITLE: usize = 200;

/// An uploaded file that passed the upload rule: not empty, named with an accepted
/// extension, and with content of a type that extension allows.
#[derive(Debug)]
pub struct CheckedFile {
    name: String,
    bytes: Vec<u8>,
    document_type: DocumentType,
    content_type: &'static str,
    sha256: [u8; 32],
}

impl CheckedFile {
    /// Checks `bytes` named `name` (`debtflow_domain::document::check`); the MIME type
    /// served later follows from the detected type and the name's extension, never from
    /// what the client said.
    pub fn check(name: String, bytes: Vec<u8>) -> Result<CheckedFile, DocumentError> {
        let document_type = document::check(&name, &bytes)?;
        let content_type = document_type.mime_for(document::extension(&name).unwrap_or(""));
        let sha256 = Sha256::digest(&bytes).into();
        Ok(CheckedFile { name, bytes, document_type, content_type, sha256 })
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// The bytes, for the storage.
    pub fn into_bytes(self) -> Vec<u8> {
        self.bytes
    }
}

/// A document to create on `account_id`, with `file` as its first version.
#[derive(Debug)]
pub struct Upload<'a> {
    pub account_id: Uuid,
    /// Blank or absent: the file's name.
    pub title: Option<String>,
    pub subject_type: DocumentSubject,
    /// Required unless the subject is the account itself.
    pub subject_id: Option<Uuid>,
    pub file: &'a CheckedFile,
}

/// A document with its versions, the latest first.
#[derive(Debug, Clone)]
pub struct DocumentView {
    pub document: DocumentRow,
    pub versions: Vec<VersionRow>,
}

/// What an upload wrote: the document as it will be once committed, and where its
/// new version's bytes must be stored before the commit.
#[derive(Debug)]
pub struct Stored {
    pub view: DocumentView,
    pub storage_key: String,
}

/// 404 unless `actor` reaches the account (and the document on it, if given): checked
/// before an upload's body is read, so nobody streams megabytes at a refusal. The
/// use cases check again, under their locks.
pub async fn reachable(
    tx: &mut PgConnection,
    actor: &Actor,
    account_id: Uuid,
    document_id: Option<Uuid>,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    let account = account_of(tx, actor, account_id, now).await?;
    if let Some(id) = document_id {
        store::documents::get(tx, account.agency_id, account.id, id).await?.ok_or(ServiceError::NotFound)?;
    }
    Ok(())
}

/// Records a new document with its first version; its subject must be the account
/// or one of the account's records.
pub async fn upload(
    tx: &mut PgConnection,
    actor: &Actor,
    cmd: Upload<'_>,
    now: DateTime<Utc>,
) -> Result<Stored, ServiceError> {
    let by = person(actor)?;
    check_file_name(cmd.file)?;
    let account = account_of(tx, actor, cmd.account_id, now).await?;
    let agency_id = account.agency_id;
    let subject_id = subject(tx, &account, cmd.subject_type, cmd.subject_id).await?;
    let title = title(cmd.title.as_deref(), cmd.file.name())?;
    let id = Uuid::now_v7();
    let new = NewDocument {
        agency_id,
        id,
        account_id: account.id,
        subject_type: cmd.subject_type,
        subject_id,
        title: &title,
        created_by: by,
        created_at: now,
    };
    store::documents::insert(tx, &new).await?;
    let storage_key = add(tx, agency_id, id, 1, cmd.file, by, now).await?;
    let facts = facts(&title, 1, cmd.file);
    let event = json!({
        "step": "uploaded", "document_id": id, "subject_type": cmd.subject_type, "subject_id": subject_id,
        "title": title, "version": 1, "file_name": cmd.file.name(),
    });
    timeline(tx, actor, agency_id, account.id, "document", None, event).await?;
    let mut after = json!({ "account_id": account.id, "subject_type": cmd.subject_type, "subject_id": subject_id });
    merge(&mut after, facts);
    audit::record(tx, actor, Change::created("document.upload", "document", id, after).in_agency(Some(agency_id)))
        .await?;
    let view = view(tx, agency_id, account.id, id).await?;
    Ok(Stored { view, storage_key })
}

/// Records `file` as the document's next version (n+1, under the document's lock).
pub async fn add_version(
    tx: &mut PgConnection,
    actor: &Actor,
    account_id: Uuid,
    document_id: Uuid,
    file: &CheckedFile,
    now: DateTime<Utc>,
) -> Result<Stored, ServiceError> {
    let by = person(actor)?;
    check_file_name(file)?;
    let account = account_of(tx, actor, account_id, now).await?;
    let agency_id = account.agency_id;
    let row = store::documents::lock(tx, agency_id, account.id, document_id).await?.ok_or(ServiceError::NotFound)?;
    let version = row
        .latest_version
        .checked_add(1)
        .ok_or_else(|| ServiceError::invariant(format!("document {document_id} has run out of version numbers")))?;
    let storage_key = add(tx, agency_id, row.id, version, file, by, now).await?;
    let event = json!({
        "step": "new_version", "document_id": row.id, "subject_type": row.subject_type, "subject_id": row.subject_id,
        "title": row.title, "version": version, "file_name": file.name(),
    });
    timeline(tx, actor, agency_id, account.id, "document", None, event).await?;
    let mut after = json!({ "account_id": account.id });
    merge(&mut after, facts(&row.title, version, file));
    let change = Change::created("document.version", "document", row.id, after).in_agency(Some(agency_id));
    audit::record(tx, actor, change).await?;
    let view = view(tx, agency_id, account.id, row.id).await?;
    Ok(Stored { view, storage_key })
}

/// The account's documents, the newest first, each with its versions.
pub async fn list(
    tx: &mut PgConnection,
    actor: &Actor,
    account_id: Uuid,
    filter: Filter,
    now: DateTime<Utc>,
) -> Result<Vec<DocumentView>, ServiceError> {
    let account = account_of(tx, actor, account_id, now).await?;
    let documents = store::documents::list(tx, account.agency_id, account.id, filter).await?;
    let ids: Vec<Uuid> = documents.iter().map(|d| d.id).collect();
    let mut versions: HashMap<Uuid, Vec<VersionRow>> = HashMap::new();
    for version in store::documents::versions(tx, account.agency_id, &ids).await? {
        versions.entry(version.document_id).or_default().push(version);
    }
    Ok(documents
        .into_iter()
        .map(|document| {
            let versions = versions.remove(&document.id).unwrap_or_default();
            DocumentView { document, versions }
        })
        .collect())
}

/// One document on the account, with its versions.
pub async fn get(
    tx: &mut PgConnection,
    actor: &Actor,
    account_id: Uuid,
    document_id: Uuid,
    now: DateTime<Utc>,
) -> Result<DocumentView, ServiceError> {
    let account = account_of(tx, actor, account_id, now).await?;
    view(tx, account.agency_id, account.id, document_id).await
}

/// The version to send, its download recorded on the audit trail
/// (`document.download`, with the version, its SHA-256 and file name): the caller
/// commits before it sends a byte, so a download that cannot be audited does not happen.
pub async fn download(
    tx: &mut PgConnection,
    actor: &Actor,
    account_id: Uuid,
    document_id: Uuid,
    version: i32,
    now: DateTime<Utc>,
) -> Result<VersionRow, ServiceError> {
    let account = account_of(tx, actor, account_id, now).await?;
    let agency_id = account.agency_id;
    let document =
        store::documents::get(tx, agency_id, account.id, document_id).await?.ok_or(ServiceError::NotFound)?;
    let row = store::documents::version(tx, agency_id, document.id, version).await?.ok_or(ServiceError::NotFound)?;
    let after = json!({
        "account_id": account.id, "title": document.title, "version": row.version, "file_name": row.file_name,
        "sha256": hex::encode(&row.sha256), "size_bytes": row.size_bytes,
    });
    let change = Change::created("document.download", "document", document.id, after).in_agency(Some(agency_id));
    audit::record(tx, actor, change).await?;
    Ok(row)
}

/// The document with its versions.
async fn view(
    tx: &mut PgConnection,
    agency_id: Uuid,
    account_id: Uuid,
    document_id: Uuid,
) -> Result<DocumentView, ServiceError> {
    let document =
        store::documents::get(tx, agency_id, account_id, document_id).await?.ok_or(ServiceError::NotFound)?;
    let versions = store::documents::versions(tx, agency_id, &[document.id]).await?;
    Ok(DocumentView { document, versions })
}

/// Writes version `version` of the document; returns the key its bytes go under.
async fn add(
    tx: &mut PgConnection,
    agency_id: Uuid,
    document_id: Uuid,
    version: i32,
    file: &CheckedFile,
    by: Uuid,
    now: DateTime<Utc>,
) -> Result<String, ServiceError> {
    let storage_key = Storage::document_key(agency_id, document_id, version);
    let size_bytes = i64::try_from(file.bytes.len()).map_err(ServiceError::invariant)?;
    let new = NewVersion {
        agency_id,
        document_id,
        version,
        file_name: &file.name,
        document_type: file.document_type,
        content_type: file.content_type,
        size_bytes,
        sha256: &file.sha256,
        storage_key: &storage_key,
        uploaded_by: by,
        uploaded_at: now,
    };
    store::documents::insert_version(tx, &new).await?;
    Ok(storage_key)
}

/// The subject's id: the account's own for the account (an id given must be it), else
/// one of the account's records of that kind (not deleted).
async fn subject(
    tx: &mut PgConnection,
    account: &AccountRow,
    subject_type: DocumentSubject,
    subject_id: Option<Uuid>,
) -> Result<Uuid, ServiceError> {
    let id = match (subject_type, subject_id) {
        (DocumentSubject::Account, None) => return Ok(account.id),
        (DocumentSubject::Account, Some(id)) if id == account.id => return Ok(id),
        (DocumentSubject::Account, Some(_)) => {
            return Err(ServiceError::invalid(
                "subject_id",
                "must be left out (or be this account's id) for the account",
            ))
        }
        (other, None) => {
            return Err(ServiceError::invalid("subject_id", format!("is required when subject_type is {other}")))
        }
        (_, Some(id)) => id,
    };
    if !store::documents::subject_exists(tx, account.agency_id, account.id, subject_type, id).await? {
        return Err(ServiceError::invalid("subject_id", format!("is not {} of this account", subject_type.label())));
    }
    Ok(id)
}

/// The title given, trimmed; blank or absent, the file's name (its first 200 characters).
fn title(given: Option<&str>, file_name: &str) -> Result<String, ServiceError> {
    match given.map(str::trim).filter(|t| !t.is_empty()) {
        Some(title) if title.chars().count() > MAX_TITLE => {
            Err(ServiceError::invalid("title", format!("must be at most {MAX_TITLE} characters")))
        }
        Some(title) => Ok(title.to_owned()),
        None => Ok(file_name.trim().chars().take(MAX_TITLE).collect()),
    }
}

fn check_file_name(file: &CheckedFile) -> Result<(), ServiceError> {
    if file.name.chars().count() > MAX_FILE_NAME {
        return Err(ServiceError::invalid("file", format!("its name must be at most {MAX_FILE_NAME} characters")));
    }
    Ok(())
}

/// What the audit trail records of a version.
fn facts(title: &str, version: i32, file: &CheckedFile) -> serde_json::Value {
    json!({
        "title": title, "version": version, "file_name": file.name, "document_type": file.document_type,
        "content_type": file.content_type, "size_bytes": file.bytes.len(), "sha256": hex::encode(file.sha256),
    })
}

fn merge(into: &mut serde_json::Value, from: serde_json::Value) {
    if let (Some(into), serde_json::Value::Object(from)) = (into.as_object_mut(), from) {
        into.extend(from);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PDF: &[u8] = b"%PDF-1.7\n1 0 obj<<>>endobj\n%%EOF\n";

    #[test]
    fn a_checked_file_carries_its_type_mime_type_and_digest() {
        let file = CheckedFile::check("Claim.PDF".into(), PDF.to_vec()).unwrap();
        assert_eq!((file.document_type, file.content_type), (DocumentType::Pdf, "application/pdf"));
        assert_eq!(hex::encode(file.sha256), hex::encode(Sha256::digest(PDF)));
        let elf = b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0".to_vec();
        assert_eq!(CheckedFile::check("statement.pdf".into(), elf).unwrap_err().rule(), "document-content");
    }

    #[test]
    fn the_title_defaults_to_the_file_name_and_is_bounded() {
        assert_eq!(title(None, "claim.pdf").unwrap(), "claim.pdf");
        assert_eq!(title(Some("  "), "claim.pdf").unwrap(), "claim.pdf");
        assert_eq!(title(Some(" Statement of claim "), "claim.pdf").unwrap(), "Statement of claim");
        assert!(
            matches!(title(Some(&"x".repeat(201)), "a.pdf"), Err(ServiceError::Invalid { field, .. }) if field == "title")
        );
        let long = format!("{}.pdf", "n".repeat(300));
        assert_eq!(title(None, &long).unwrap().chars().count(), MAX_TITLE);
    }
}
