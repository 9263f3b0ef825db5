//! `GET /imports/{id}/errors`: what was wrong with which rows, as JSON pages or, with
//! `?format=csv`, as one CSV download (streamed; formula cells neutralised).

use crate::{
    auth::{policy::Operation, AuthUser},
    db::{self, Scope},
    edge::query::Query,
    export,
    pagination::{self, Page, PageSize},
    problem::{responses, ApiError},
    store::{self, imports::RowError},
};
use actix_web::{get, web, HttpResponse};
pub use debtflow_wire::imports::ImportError;
use serde::Deserialize;
use sqlx::PgPool;
use utoipa::IntoParams;
use uuid::Uuid;
use validator::Validate;

impl From<RowError> for ImportError {
    fn from(e: RowError) -> Self {
        ImportError { row: e.row_no, column: e.column_name, value: e.value, message: e.message }
    }
}

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ErrorQuery {
    /// `json` (default, keyset pages) or `csv` (every error, as a download).
    #[param(inline)]
    pub format: Option<crate::export::Format>,
    /// Page size, 1–200 (default 50; JSON only).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 200)]
    pub limit: Option<PageSize>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// The import's row errors, in row order.
#[utoipa::path(
    tag = "imports",
    operation_id = "listImportErrors",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Import id"), ErrorQuery),
    responses(
        (status = 200, description = "A page of errors (JSON) or all of them (`format=csv`: row,column,value,message)",
         content((Page<ImportError> = "application/json"), (String = "text/csv"))),
        (status = 401, response = responses::Unauthorized),
        (status = 403, response = responses::Forbidden),
        (status = 404, response = responses::NotFound),
        (status = 422, response = responses::Invalid),
    )
)]
#[get("/imports/{id}/errors")]
pub async fn list(
    user: AuthUser,
    id: web::Path<Uuid>,
    query: Query<ErrorQuery>,
    db: web::Data<PgPool>,
) -> Result<HttpResponse, ApiError> {
    user.require(Operation::ReadImports)?;
    let agency_id = user.agency_id.ok_or(ApiError::Forbidden)?;
    let query = query.into_inner()?;
    let csv = query.format == Some(crate::export::Format::Csv);
    let mut tx = db::begin(&db, user.scope()).await?;
    let import = store::imports::get(&mut tx, agency_id, *id).await?.ok_or(ApiError::NotFound)?;
    if csv {
        tx.commit().await?;
        let name = format!("{}-errors.csv", import.file_name.trim_end_matches(".csv"));
        return Ok(HttpResponse::Ok()
            .content_type("text/csv; charset=utf-8")
            .insert_header(("Content-Disposition", format!("attachment; filename=\"{}\"", name.replace('"', ""))))
            .streaming(csv_stream(db.get_ref().clone(), agency_id, import.id)));
    }
    let limit = pagination::limit(query.limit);
    let after = match query.cursor.as_deref() {
        None => None,
        Some(cursor) => {
            let key = pagination::decode("import-errors", cursor, 2)?;
            let invalid = || ApiError::field("cursor", "is not a cursor of this list");
            Some((key[0].parse().map_err(|_| invalid())?, key[1].parse().map_err(|_| invalid())?))
        }
    };
    let rows = store::imports::errors(&mut tx, agency_id, import.id, after, limit + 1).await?;
    tx.commit().await?;
    let key = |(e, seq): &(RowError, i16)| vec![e.row_no.to_string(), seq.to_string()];
    Ok(HttpResponse::Ok()
        .json(crate::pagination::page(rows, limit, "import-errors", key, |(e, _)| ImportError::from(e))))
}

/// The CSV, a page of the store at a time.
fn csv_stream(
    db: PgPool,
    agency_id: Uuid,
    import_id: Uuid,
) -> impl futures_util::Stream<Item = Result<web::Bytes, ApiError>> {
    const PAGE: i64 = 5000;
    let header = web::Bytes::from(export::line(["row", "column", "value", "message"]));
    let pages = futures_util::stream::try_unfold(Some(None), move |after: Option<Option<(i64, i16)>>| {
        let db = db.clone();
        async move {
            let Some(after) = after else { return Ok(None) };
            let mut tx = db::begin(&db, Scope::Agency(agency_id)).await?;
            let rows = store::imports::errors(&mut tx, agency_id, import_id, after, PAGE).await?;
            tx.commit().await?;
            let next = (rows.len() as i64 == PAGE).then(|| rows.last().map(|(e, seq)| (e.row_no, *seq)));
            let mut body = Vec::new();
            for (e, _) in &rows {
                let row = e.row_no.to_string();
                body.extend(export::line([row.as_str(), e.column_name.as_deref().unwrap_or(""), &e.value, &e.message]));
            }
            Ok::<_, ApiError>(Some((web::Bytes::from(body), next)))
        }
    });
    futures_util::StreamExt::chain(futures_util::stream::once(async { Ok(header) }), pages)
}
