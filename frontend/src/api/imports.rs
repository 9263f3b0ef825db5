//! Imports' calls and wire types: uploading a placement file (`multipart/form-data`,
//! through [`super::send_body`], so the bearer and refresh logic is the one of every
//! call), the history, one import's progress, its row errors (JSON pages, or the CSV
//! download) and the agency's column mappings.

use super::{enc, get, paged, send, send_body, ApiResult, Body, Problem};
use debtflow_domain::import::{ImportSource, ImportStatus};
use gloo_net::http::Method;
use serde::Deserialize;

/// An import and its progress, as `GET /imports/{id}` and the stream's
/// `import_progress` show it.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct Import {
    pub id: String,
    pub status: ImportStatus,
    pub source: ImportSource,
    pub file_name: String,
    #[serde(default)]
    pub total_rows: Option<i64>,
    pub processed: i64,
    pub created: i64,
    pub updated: i64,
    pub skipped: i64,
    pub failed: i64,
    #[serde(default)]
    pub error: Option<String>,
    #[serde(default)]
    pub created_by: Option<String>,
    #[serde(default)]
    pub created_by_name: Option<String>,
    pub created_at: String,
    #[serde(default)]
    pub started_at: Option<String>,
    #[serde(default)]
    pub finished_at: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct ImportError {
    /// The file's line (the header is line 1).
    pub row: i64,
    #[serde(default)]
    pub column: Option<String>,
    pub value: String,
    pub message: String,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct Mapping {
    pub name: String,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
struct Mappings {
    items: Vec<Mapping>,
}

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

#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct ImportPage {
    pub items: Vec<Import>,
    pub next_cursor: Option<String>,
}

/// The agency's imports, newest first.
pub async fn list(limit: u32, cursor: &str) -> ApiResult<ImportPage> {
    get(&format!("/imports?{}", paged("", limit, cursor))).await
}

pub async fn one(id: &str) -> ApiResult<Import> {
    get(&format!("/imports/{}", enc(id))).await
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct ErrorPage {
    pub items: Vec<ImportError>,
    pub next_cursor: Option<String>,
}

/// The first `limit` row errors of an import, in row order.
pub async fn errors(id: &str, limit: u32) -> ApiResult<ErrorPage> {
    get(&format!("/imports/{}/errors?limit={limit}", enc(id))).await
}

/// Every row error as the CSV the API writes (`row,column,value,message`).
pub async fn errors_csv(id: &str) -> ApiResult<String> {
    let resp = send(Method::GET, &format!("/imports/{}/errors?format=csv", enc(id)), None, None).await?;
    resp.text().await.map_err(Problem::decode)
}

pub async fn mappings() -> ApiResult<Vec<Mapping>> {
    get::<Mappings>("/imports/mappings").await.map(|m| m.items)
}
