//! `/accounts/{id}/documents`: documents on an account or one of its records, uploaded
//! as `multipart/form-data`, versioned, downloaded (`services::remedial::documents`).
//!
//! An upload is read into memory up to `DOCUMENT_MAX_BYTES` (a larger file is a 413
//! before more of it is read), then let in only if its content is of a type its name
//! allows (else a 415 whose `errors` names `file` and whose `rule` is the refused rule,
//! `document-empty`, `document-extension`, `document-content` or `document-mismatch`).
//! Its bytes are stored in the import storage (`IMPORT_STORAGE`) before its rows
//! commit. A download is on the audit trail before its first byte is sent.

use crate::edge::multipart::{self, malformed, read_text};
use crate::{
    audit::Actor,
    auth::{policy::Operation, AuthUser},
    clock::Clock,
    config::DocumentSettings,
    db,
    edge::query::Query,
    imports::Importer,
    problem::{responses, ApiError, PROBLEM_JSON},
    services::remedial::documents::{self as service, CheckedFile, DocumentView, Upload},
    store::documents::{Filter, VersionRow},
};
use actix_multipart::{Field, Multipart};
use actix_web::{
    get,
    http::header,
    post,
    web::{self, ServiceConfig},
    HttpResponse,
};
use chrono::{DateTime, Utc};
use debtflow_domain::document::DocumentError;
pub use debtflow_wire::documents::{Document, DocumentSubject, DocumentVersion};
use futures_util::TryStreamExt;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use sqlx::PgPool;
use utoipa::{IntoParams, OpenApi, ToSchema};
use uuid::Uuid;
use validator::Validate;

/// The documents' routes under `/api/v1`.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(upload).service(list).service(get_one).service(add_version).service(download);
}

/// Their OpenAPI paths, nested under `/api/v1`.
#[derive(OpenApi)]
#[openapi(paths(upload, list, get_one, add_version, download))]
pub struct Api;

impl From<VersionRow> for DocumentVersion {
    fn from(r: VersionRow) -> Self {
        DocumentVersion {
            version: r.version,
            file_name: r.file_name,
            document_type: r.document_type,
            content_type: r.content_type,
            size_bytes: r.size_bytes,
            sha256: hex::encode(&r.sha256),
            uploaded_by: r.uploaded_by,
            uploaded_by_name: r.uploaded_by_name,
            uploaded_at: r.uploaded_at,
        }
    }
}

impl From<DocumentView> for Document {
    fn from(v: DocumentView) -> Self {
        let d = v.document;
        Document {
            id: d.id,
            account_id: d.account_id,
            subject_type: d.subject_type,
            subject_id: d.subject_id,
            title: d.title,
            latest_version: d.latest_version,
            created_by: d.created_by,
            created_by_name: d.created_by_name,
            created_at: d.created_at,
            versions: v.versions.into_iter().map(DocumentVersion::from).collect(),
        }
    }
}

/// The upload form.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct DocumentUpload {
    /// The file: PDF, PNG, JPEG, Word, Excel, PowerPoint (97–2003 or Open XML) or
    /// OpenDocument, named with its extension; its content must be of that type.
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
    /// At most 200 characters; blank or absent, the file's name.
    #[schema(example = "Statement of claim")]
    title: Option<String>,
    /// What it is attached to (`account` when absent).
    subject_type: Option<DocumentSubject>,
    /// The plan, legal case, recovery action or write-off request of this account it
    /// is attached to; required unless `subject_type` is `account`.
    subject_id: Option<Uuid>,
}

/// The new-version form.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct VersionUpload {
    /// The new version: any accepted type (see `DocumentUpload.file`), not only the
    /// previous version's.
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
}

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct DocumentQuery {
    /// Only the documents attached to this kind of subject.
    pub subject_type: Option<DocumentSubject>,
    /// Only the documents attached to this subject (the account's id for the account's own).
    pub subject_id: Option<Uuid>,
}

/// Upload a document to an account, or to one of its plans, legal cases, recovery
/// actions or write-off requests: its first version. Its type is told by its content,
/// which its name's extension must allow; at most `DOCUMENT_MAX_BYTES` (20 MiB by
/// default). Audited (`document.upload`) and on the account's timeline.
#[utoipa::path(
    tag = "remedial",
    operation_id = "uploadDocument",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Account id")),
    request_body(content = DocumentUpload, content_type = "multipart/form-data"),
    responses(
        (status = 201, description = "The document with its first version; `Location` is its URL", body = Document),
        (status = 400, response = responses::BadRequest),
        (status = 401, response = responses::Unauthorized),
        (status = 403, response = responses::Forbidden),
        (status = 404, response = responses::NotFound),
        (status = 413, response = responses::PayloadTooLarge),
        (status = 415, description = "Not a multipart form, or a file refused by its content: empty, an extension not accepted, content that is no accepted type or not the type its name says. `errors.file` says why, `rule` names the rule", body = crate::problem::Problem, content_type = "application/problem+json"),
        (status = 422, response = responses::Invalid),
    )
)]
#[post("/accounts/{id}/documents")]
pub async fn upload(
    user: AuthUser,
    id: web::Path<Uuid>,
    payload: Multipart,
    db: web::Data<PgPool>,
    clock: web::Data<Clock>,
    importer: web::Data<Importer>,
    limits: web::Data<DocumentSettings>,
) -> Result<HttpResponse, ApiError> {
    user.require(Operation::UploadDocuments)?;
    let actor = Actor::from(&user);
    reachable(&db, &user, &actor, *id, None, clock.now()).await?;
    let form = read_form(payload, limits.max_bytes, &["file", "title", "subject_type", "subject_id"]).await?;
    let Some(file) = form.file else { return Err(no_file()) };
    let file = match CheckedFile::check(file.name, file.bytes) {
        Ok(file) => file,
        Err(refused) => return Ok(unsupported(&refused)),
    };
    let subject_type = form.subject_type.unwrap_or(DocumentSubject::Account);
    let cmd = Upload { account_id: *id, title: form.title, subject_type, subject_id: form.subject_id, file: &file };
    let mut tx = db::begin(&db, user.scope()).await?;
    let stored = service::upload(&mut tx, &actor, cmd, clock.now()).await?;
    // Bytes first, then rows: if the commit fails, the stored object is an orphan no
    // row names (harmless, and overwritten by the next upload of that version number);
    // a committed version always has its bytes.
    importer.storage.put_bytes(&stored.storage_key, file.into_bytes()).await.map_err(ApiError::internal)?;
    tx.commit().await?;
    created(*id, stored.view)
}

/// The account's documents, the newest first, each with its versions (the latest
/// first); optionally only those of one kind of subject, or of one subject.
#[utoipa::path(
    tag = "remedial",
    operation_id = "listDocuments",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Account id"), DocumentQuery),
    responses(
        (status = 200, description = "The account's documents", body = Vec<Document>),
        (status = 401, response = responses::Unauthorized),
        (status = 403, response = responses::Forbidden),
        (status = 404, response = responses::NotFound),
        (status = 422, response = responses::Invalid),
    )
)]
#[get("/accounts/{id}/documents")]
pub async fn list(
    user: AuthUser,
    id: web::Path<Uuid>,
    query: Query<DocumentQuery>,
    db: web::Data<PgPool>,
    clock: web::Data<Clock>,
) -> Result<HttpResponse, ApiError> {
    user.require(Operation::ReadAccounts)?;
    let query = query.into_inner()?;
    let filter = Filter { subject_type: query.subject_type, subject_id: query.subject_id };
    let mut tx = db::begin(&db, user.scope()).await?;
    let views = service::list(&mut tx, &Actor::from(&user), *id, filter, clock.now()).await?;
    tx.commit().await?;
    Ok(HttpResponse::Ok().json(views.into_iter().map(Document::from).collect::<Vec<_>>()))
}

/// One document on the account, with its versions (the latest first).
#[utoipa::path(
    tag = "remedial",
    operation_id = "getDocument",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Account id"), ("document_id" = Uuid, Path, description = "Document id")),
    responses(
        (status = 200, description = "The document", body = Document),
        (status = 401, response = responses::Unauthorized),
        (status = 403, response = responses::Forbidden),
        (status = 404, response = responses::NotFound),
    )
)]
#[get("/accounts/{id}/documents/{document_id}")]
pub async fn get_one(
    user: AuthUser,
    path: web::Path<(Uuid, Uuid)>,
    db: web::Data<PgPool>,
    clock: web::Data<Clock>,
) -> Result<HttpResponse, ApiError> {
    user.require(Operation::ReadAccounts)?;
    let (id, document_id) = path.into_inner();
    let mut tx = db::begin(&db, user.scope()).await?;
    let view = service::get(&mut tx, &Actor::from(&user), id, document_id, clock.now()).await?;
    tx.commit().await?;
    Ok(HttpResponse::Ok().json(Document::from(view)))
}

/// Upload a new version of a document: version n+1, of any accepted type (the same
/// checks as the first upload); the title and subject stay, and every earlier version
/// stays downloadable. Audited (`document.version`) and on the account's timeline.
#[utoipa::path(
    tag = "remedial",
    operation_id = "uploadDocumentVersion",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Account id"), ("document_id" = Uuid, Path, description = "Document id")),
    request_body(content = VersionUpload, content_type = "multipart/form-data"),
    responses(
        (status = 201, description = "The document with its new version first", body = Document),
        (status = 400, response = responses::BadRequest),
        (status = 401, response = responses::Unauthorized),
        (status = 403, response = responses::Forbidden),
        (status = 404, response = responses::NotFound),
        (status = 413, response = responses::PayloadTooLarge),
        (status = 415, description = "Not a multipart form, or a file refused by its content (as for the first upload)", body = crate::problem::Problem, content_type = "application/problem+json"),
        (status = 422, response = responses::Invalid),
    )
)]
#[post("/accounts/{id}/documents/{document_id}/versions")]
pub async fn add_version(
    user: AuthUser,
    path: web::Path<(Uuid, Uuid)>,
    payload: Multipart,
    db: web::Data<PgPool>,
    clock: web::Data<Clock>,
    importer: web::Data<Importer>,
    limits: web::Data<DocumentSettings>,
) -> Result<HttpResponse, ApiError> {
    user.require(Operation::UploadDocuments)?;
    let (id, document_id) = path.into_inner();
    let actor = Actor::from(&user);
    reachable(&db, &user, &actor, id, Some(document_id), clock.now()).await?;
    let form = read_form(payload, limits.max_bytes, &["file"]).await?;
    let Some(file) = form.file else { return Err(no_file()) };
    let file = match CheckedFile::check(file.name, file.bytes) {
        Ok(file) => file,
        Err(refused) => return Ok(unsupported(&refused)),
    };
    let mut tx = db::begin(&db, user.scope()).await?;
    let stored = service::add_version(&mut tx, &actor, id, document_id, &file, clock.now()).await?;
    // As for a first upload: the bytes are stored before the rows commit.
    importer.storage.put_bytes(&stored.storage_key, file.into_bytes()).await.map_err(ApiError::internal)?;
    tx.commit().await?;
    created(id, stored.view)
}

/// Download a version of a document, as uploaded: with its stored Content-Type, as an
/// attachment, its SHA-256 as `ETag`. Every download is audited (`document.download`)
/// before the first byte is sent; one that cannot be is refused.
#[utoipa::path(
    tag = "remedial",
    operation_id = "downloadDocumentVersion",
    security(("bearer" = [])),
    params(
        ("id" = Uuid, Path, description = "Account id"),
        ("document_id" = Uuid, Path, description = "Document id"),
        ("version" = i32, Path, description = "Version number, from 1", minimum = 1),
    ),
    responses(
        (status = 200, description = "The file's bytes, with the Content-Type its content was recognised as \
          (PDF, PNG, JPEG, Word, Excel or OpenDocument)",
         content_type = "*/*", body = Vec<u8>,
         headers(
             ("Content-Disposition" = String, description = "`attachment` with the file's name (`filename`, and `filename*` in UTF-8)"),
             ("ETag" = String, description = "The version's SHA-256, in hex, quoted"),
         )),
        (status = 401, response = responses::Unauthorized),
        (status = 403, response = responses::Forbidden),
        (status = 404, response = responses::NotFound),
        (status = 422, response = responses::Invalid),
    )
)]
#[get("/accounts/{id}/documents/{document_id}/versions/{version}")]
pub async fn download(
    user: AuthUser,
    path: web::Path<(Uuid, Uuid, String)>,
    db: web::Data<PgPool>,
    clock: web::Data<Clock>,
    importer: web::Data<Importer>,
) -> Result<HttpResponse, ApiError> {
    user.require(Operation::ReadAccounts)?;
    let (id, document_id, version) = path.into_inner();
    let version: i32 = version.parse().map_err(|_| ApiError::field("version", "must be a whole number, from 1"))?;
    let mut tx = db::begin(&db, user.scope()).await?;
    let row = service::download(&mut tx, &Actor::from(&user), id, document_id, version, clock.now()).await?;
    let bytes = importer.storage.get_bytes(&row.storage_key).await.map_err(ApiError::internal)?;
    if Sha256::digest(&bytes).as_slice() != row.sha256.as_slice() {
        let what = format!("the stored bytes of document {document_id} version {version} do not match their SHA-256");
        return Err(ApiError::internal(std::io::Error::other(what)));
    }
    // The audit row commits before a byte leaves.
    tx.commit().await?;
    Ok(HttpResponse::Ok()
        .content_type(row.content_type.as_str())
        .insert_header((header::CONTENT_DISPOSITION, content_disposition(&row.file_name)))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header((header::ETAG, format!("\"{}\"", hex::encode(&row.sha256))))
        .body(bytes))
}

/// 404 (or 401 for a revoked token) before the body of an upload is read.
async fn reachable(
    db: &PgPool,
    user: &AuthUser,
    actor: &Actor,
    account_id: Uuid,
    document_id: Option<Uuid>,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    let mut tx = db::begin(db, user.scope()).await?;
    service::reachable(&mut tx, actor, account_id, document_id, now).await?;
    tx.commit().await?;
    Ok(())
}

fn created(account_id: Uuid, view: DocumentView) -> Result<HttpResponse, ApiError> {
    let location = format!("/api/v1/accounts/{account_id}/documents/{}", view.document.id);
    Ok(HttpResponse::Created().insert_header((header::LOCATION, location)).json(Document::from(view)))
}

fn no_file() -> ApiError {
    ApiError::field("file", "is required: a multipart part named `file` holding the document")
}

/// The 415 of a file refused by its content: the rule's message as the detail, under
/// `errors.file` too (as a 422 names its field), and the rule's name as `rule`.
fn unsupported(refused: &DocumentError) -> HttpResponse {
    let message = refused.to_string();
    let mut problem = ApiError::UnsupportedMediaType("a document of an accepted type").to_problem();
    problem.detail = message.clone();
    problem.errors = Some([("file".to_owned(), vec![message])].into());
    let mut body = serde_json::to_value(&problem).unwrap_or_default();
    if let Some(body) = body.as_object_mut() {
        body.insert("rule".into(), refused.rule().into());
    }
    HttpResponse::UnsupportedMediaType().content_type(PROBLEM_JSON).json(body)
}

/// `attachment` with the file's name: `filename` in printable ASCII (anything else,
/// quotes, backslashes and `%` as `_`), and `filename*` with the whole name in UTF-8
/// (RFC 8187 / RFC 5987).
fn content_disposition(file_name: &str) -> String {
    let ascii: String = file_name
        .chars()
        .map(|c| if (c.is_ascii_graphic() || c == ' ') && !matches!(c, '"' | '\\' | '%') { c } else { '_' })
        .collect();
    let mut encoded = String::new();
    for byte in file_name.bytes() {
        if byte.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&byte) {
            encoded.push(char::from(byte));
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

/// A file as uploaded: its name (the base name, without control characters) and bytes.
struct File {
    name: String,
    bytes: Vec<u8>,
}

#[derive(Default)]
struct Form {
    file: Option<File>,
    title: Option<String>,
    subject_type: Option<DocumentSubject>,
    subject_id: Option<Uuid>,
}

/// Reads the form's parts (only those in `parts`; one file).
async fn read_form(mut payload: Multipart, max_bytes: u64, parts: &[&str]) -> Result<Form, ApiError> {
    let mut form = Form::default();
    while let Some(field) = payload.try_next().await.map_err(malformed(FORM))? {
        let name = field.name().unwrap_or_default().to_owned();
        if !parts.contains(&name.as_str()) {
            let message = format!("is not a part of this form ({})", parts.join(", "));
            return Err(ApiError::field(name, message));
        }
        match name.as_str() {
            "file" if form.file.is_some() => {
                return Err(ApiError::field("file", "must be sent once: one file per upload"))
            }
            "file" => form.file = Some(read_file(field, max_bytes).await?),
            "title" => form.title = Some(read_text(field, "title", FORM).await?),
            "subject_type" => {
                let text = read_text(field, "subject_type", FORM).await?;
                let text = text.trim();
                form.subject_type = Some(text.parse().map_err(|e: String| ApiError::field("subject_type", e))?);
            }
            "subject_id" => {
                let text = read_text(field, "subject_id", FORM).await?;
                let text = text.trim();
                if !text.is_empty() {
                    form.subject_id =
                        Some(Uuid::parse_str(text).map_err(|_| ApiError::field("subject_id", "must be a UUID"))?);
                }
            }
            _ => return Err(ApiError::field(name, "is not a part of this form")),
        }
    }
    Ok(form)
}

/// What the upload forms are, for a body that is not one.
const FORM: &str = "multipart/form-data with the document in a part named `file`";

/// The file part, refused (413) as soon as it passes `max_bytes`.
async fn read_file(mut field: Field, max_bytes: u64) -> Result<File, ApiError> {
    let name = multipart::file_name(&field).unwrap_or_default();
    let mut bytes = Vec::new();
    while let Some(chunk) = field.try_next().await.map_err(malformed(FORM))? {
        if (bytes.len() as u64).saturating_add(chunk.len() as u64) > max_bytes {
            return Err(ApiError::PayloadTooLarge { limit: usize::try_from(max_bytes).unwrap_or(usize::MAX) });
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(File { name, bytes })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_file_name_is_sent_in_ascii_and_in_utf8() {
        assert_eq!(content_disposition("claim.pdf"), "attachment; filename=\"claim.pdf\"; filename*=UTF-8''claim.pdf");
        assert_eq!(
            content_disposition("Réclamation \"finale\" 100%.pdf"),
            "attachment; filename=\"R_clamation _finale_ 100_.pdf\"; \
             filename*=UTF-8''R%C3%A9clamation%20%22finale%22%20100%25.pdf"
        );
    }

    #[tokio::test]
    async fn a_refused_file_is_a_415_naming_the_field_and_the_rule() {
        let response = unsupported(&DocumentError::Empty);
        assert_eq!(response.status().as_u16(), 415);
        assert_eq!(response.headers().get(header::CONTENT_TYPE).unwrap(), PROBLEM_JSON);
        let body = actix_web::body::to_bytes(response.into_body()).await.unwrap();
        let problem: serde_json::Value = serde_json::from_slice(&body).unwrap();
        let message = DocumentError::Empty.to_string();
        assert_eq!(problem["type"], "urn:debtflow:problem:unsupported-media-type");
        assert_eq!((&problem["detail"], &problem["rule"]), (&message.clone().into(), &"document-empty".into()));
        assert_eq!(problem["errors"]["file"], serde_json::json!([message]));
    }
}
