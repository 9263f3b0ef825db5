//! Imports' calls and wire types: uploading a placement file (`multipart/form-data`,
//! through [`super::send_body`], so the bearer and refresh logic is the one of every
//! call), the history, one import's progress, its row errors (JSON pages, or the CSV
//! download) and the agency's column mappings.

use super::{get, paged, send, send_body, ApiResult, Body, Problem};
pub use debtflow_wire::imports::{Import, ImportError, Mappings, NamedMapping};
use debtflow_wire::Page;
use gloo_net::http::Method;
use uuid::Uuid;

/// What became of an upload.
#[derive(Clone, Debug, PartialEq)]
pub enum Upload {
    /// Accepted: it is being imported.
    Started(Import),
    /// The agency imported these very bytes before: send again with `force` to repeat.
    Duplicate(Problem),
}

/// Uploads `file` (read with `mapping`, if any); `force` repeats a file seen before.
pub async fn upload(file: &web_sys::File, mapping: &str, force: bool) -> ApiResult<Upload> {
    let form = web_sys::FormData::new().map_err(|e| Problem::decode(format!("{e:?}")))?;
    form.append_with_blob_and_filename("file", file, &file.name()).map_err(|e| Problem::decode(format!("{e:?}")))?;
    if !mapping.is_empty() {
        form.append_with_str("mapping", mapping).map_err(|e| Problem::decode(format!("{e:?}")))?;
    }
    if force {
        form.append_with_str("force", "true").map_err(|e| Problem::decode(format!("{e:?}")))?;
    }
    match send_body(Method::POST, "/imports", Body::Form(&form), None).await {
        Ok(resp) => resp.json().await.map(Upload::Started).map_err(Problem::decode),
        Err(p) if p.status == 409 => Ok(Upload::Duplicate(p)),
        Err(p) => Err(p),
    }
}

/// The agency's imports, newest first.
pub async fn list(limit: u32, cursor: &str) -> ApiResult<Page<Import>> {
    get(&format!("/imports?{}", paged("", limit, cursor))).await
}

pub async fn one(id: Uuid) -> ApiResult<Import> {
    get(&format!("/imports/{}", id)).await
}

/// The first `limit` row errors of an import, in row order.
pub async fn errors(id: Uuid, limit: u32) -> ApiResult<Page<ImportError>> {
    get(&format!("/imports/{}/errors?limit={limit}", id)).await
}

/// Every row error as the CSV the API writes (`row,column,value,message`).
pub async fn errors_csv(id: Uuid) -> ApiResult<String> {
    let resp = send(Method::GET, &format!("/imports/{}/errors?format=csv", id), None, None).await?;
    resp.text().await.map_err(Problem::decode)
}

pub async fn mappings() -> ApiResult<Vec<NamedMapping>> {
    get::<Mappings>("/imports/mappings").await.map(|m| m.items)
}
