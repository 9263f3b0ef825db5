//! `POST /imports`: a placement file, uploaded as `multipart/form-data`, accepted at
//! once (202) and imported in the background (`crate::imports`).
//!
//! The file is streamed to a temporary file while its SHA-256 and size are taken (a
//! file over `IMPORT_MAX_BYTES` is refused 413 before more of it is read), then kept in
//! the import storage; the import is queued in the same transaction that records it,
//! and committed only once the file is stored.

use super::Import;
use crate::edge::multipart::{self, malformed, read_text};
use crate::{
    audit::Actor,
    auth::{policy::Operation, AuthUser},
    clock::Clock,
    config::ImportSettings,
    db,
    imports::{Importer, Storage},
    problem::{responses, ApiError},
    services::imports::{self as service, StartImport},
};
use actix_multipart::{Field, Multipart};
use actix_web::{post, web, HttpResponse};
use debtflow_domain::import::ImportSource;
use futures_util::TryStreamExt;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use std::io::Write;
use utoipa::ToSchema;
use uuid::Uuid;

/// The form.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct ImportUpload {
    /// The CSV file (see the README's "CSV format").
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
    /// The name of the agency's column mapping to read the header with.
    mapping: Option<String>,
    /// `true` imports a file the agency imported before (same SHA-256).
    force: Option<bool>,
}

/// Upload a placement file to import.
#[utoipa::path(
    tag = "imports",
    operation_id = "createImport",
    security(("bearer" = [])),
    request_body(content = ImportUpload, content_type = "multipart/form-data"),
    responses(
        (status = 202, description = "Queued; follow it at `Location` (`GET /imports/{id}`)", body = Import),
        (status = 400, response = responses::BadRequest),
        (status = 401, response = responses::Unauthorized),
        (status = 403, response = responses::Forbidden),
        (status = 409, response = responses::Conflict),
        (status = 413, response = responses::PayloadTooLarge),
        (status = 415, response = responses::UnsupportedMediaType),
        (status = 422, response = responses::Invalid),
    )
)]
#[post("/imports")]
pub async fn create(
    user: AuthUser,
    payload: Multipart,
    importer: web::Data<Importer>,
    limits: web::Data<ImportSettings>,
    clock: web::Data<Clock>,
) -> Result<HttpResponse, ApiError> {
    user.require(Operation::ImportAccounts)?;
    let agency_id = user.agency_id.ok_or(ApiError::Forbidden)?;
    let form = read_form(payload, limits.max_bytes).await?;
    let Some(file) = form.file else {
        return Err(ApiError::field("file", "is required: a multipart part named `file` holding the CSV"));
    };
    let id = Uuid::now_v7();
    let key = Storage::key(agency_id, id);
    let cmd = StartImport {
        id,
        source: ImportSource::Upload,
        file_name: file.name,
        sha256: file.sha256,
        size_bytes: file.size,
        storage_key: key.clone(),
        mapping: form.mapping,
        force: form.force,
        batch_rows: importer.batch_rows as u32,
    };
    let mut tx = db::begin(&importer.db, user.scope()).await?;
    let import = service::start(&mut tx, &Actor::from(&user), cmd, clock.now()).await?;
    importer.storage.put(&key, file.temp.path()).await.map_err(ApiError::internal)?;
    tx.commit().await?;
    importer.wake.notify_one();
    Ok(HttpResponse::Accepted()
        .insert_header(("Location", format!("/api/v1/imports/{}", import.id)))
        .json(Import::from(import)))
}

struct Upload {
    name: String,
    temp: tempfile::NamedTempFile,
    sha256: [u8; 32],
    size: u64,
}

#[derive(Default)]
struct Form {
    file: Option<Upload>,
    mapping: Option<String>,
    force: bool,
}

/// What the import form is, for a body that is not one.
const FORM: &str = "multipart/form-data with the CSV in a part named `file`";

async fn read_form(mut payload: Multipart, max_bytes: u64) -> Result<Form, ApiError> {
    let mut form = Form::default();
    while let Some(field) = payload.try_next().await.map_err(malformed(FORM))? {
        match field.name().unwrap_or_default() {
            "file" => form.file = Some(read_file(field, max_bytes).await?),
            "mapping" => form.mapping = Some(read_text(field, "mapping", FORM).await?).filter(|m| !m.trim().is_empty()),
            "force" => {
                form.force = match read_text(field, "force", FORM).await?.trim() {
                    "true" => true,
                    "false" | "" => false,
                    _ => return Err(ApiError::field("force", "must be `true` or `false`")),
                }
            }
            other => {
                return Err(ApiError::field(other.to_owned(), "is not a part of this form (file, mapping, force)"))
            }
        }
    }
    Ok(form)
}

async fn read_file(mut field: Field, max_bytes: u64) -> Result<Upload, ApiError> {
    let name = multipart::file_name(&field).unwrap_or_else(|| "upload.csv".to_owned());
    let mut temp = tempfile::NamedTempFile::new().map_err(ApiError::internal)?;
    let (mut hasher, mut size) = (Sha256::new(), 0u64);
    while let Some(chunk) = field.try_next().await.map_err(malformed(FORM))? {
        size += chunk.len() as u64;
        if size > max_bytes {
            return Err(ApiError::PayloadTooLarge { limit: usize::try_from(max_bytes).unwrap_or(usize::MAX) });
        }
        hasher.update(&chunk);
        temp.write_all(&chunk).map_err(ApiError::internal)?;
    }
    temp.flush().map_err(ApiError::internal)?;
    Ok(Upload { name, temp, sha256: hasher.finalize().into(), size })
}
