//! Documents' calls: an account's documents with their versions, an upload (the first
//! version, `multipart/form-data` through [`super::send_body`], so the bearer and
//! refresh logic is the one of every call), a new version, and a version's bytes (the
//! download needs the bearer token, so it is fetched here and saved as a Blob).

use super::{get, send, send_body, ApiResult, Body, Problem};
pub use debtflow_wire::documents::{Document, DocumentSubject, DocumentVersion};
use gloo_net::http::Method;
use uuid::Uuid;

/// The account's documents, the newest first, each with its versions (the latest first).
pub async fn list(account_id: Uuid) -> ApiResult<Vec<Document>> {
    get(&format!("/accounts/{account_id}/documents")).await
}

fn form_error(e: wasm_bindgen::JsValue) -> Problem {
    Problem::decode(format!("the form could not be built: {e:?}"))
}

/// Uploads `file` as a new document titled `title` (blank: the file's name), attached
/// to `subject` (`None`: the account itself).
pub async fn upload(
    account_id: Uuid,
    file: &web_sys::File,
    title: &str,
    subject: Option<(DocumentSubject, Uuid)>,
) -> ApiResult<Document> {
    let form = web_sys::FormData::new().map_err(form_error)?;
    form.append_with_blob_and_filename("file", file, &file.name()).map_err(form_error)?;
    if !title.trim().is_empty() {
        form.append_with_str("title", title.trim()).map_err(form_error)?;
    }
    if let Some((kind, id)) = subject {
        form.append_with_str("subject_type", kind.as_str()).map_err(form_error)?;
        form.append_with_str("subject_id", &id.to_string()).map_err(form_error)?;
    }
    let path = format!("/accounts/{account_id}/documents");
    send_body(Method::POST, &path, Body::Form(&form), None).await?.json().await.map_err(Problem::decode)
}

/// Uploads `file` as the document's next version.
pub async fn add_version(account_id: Uuid, document_id: Uuid, file: &web_sys::File) -> ApiResult<Document> {
    let form = web_sys::FormData::new().map_err(form_error)?;
    form.append_with_blob_and_filename("file", file, &file.name()).map_err(form_error)?;
    let path = format!("/accounts/{account_id}/documents/{document_id}/versions");
    send_body(Method::POST, &path, Body::Form(&form), None).await?.json().await.map_err(Problem::decode)
}

/// A version's bytes, as uploaded.
pub async fn download(account_id: Uuid, document_id: Uuid, version: i32) -> ApiResult<Vec<u8>> {
    let path = format!("/accounts/{account_id}/documents/{document_id}/versions/{version}");
    send(Method::GET, &path, None, None).await?.binary().await.map_err(Problem::decode)
}
