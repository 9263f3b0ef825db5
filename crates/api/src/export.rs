//! CSV the product writes. Quoting is RFC 4180 (the `csv` crate's); a cell a spreadsheet
//! would run as a formula — one starting with `=`, `+`, `-`, `@`, a tab or a carriage
//! return — is written with a leading apostrophe, so `=cmd|' /C calc'!A0` from a
//! creditor's file comes back out as text (OWASP "CSV injection").
//!
//! Lists that export (`?format=csv`: the audit trail, payments) stream every row their
//! filters select through [`download`], a part at a time.

use crate::problem::ApiError;
use actix_web::{http::header, web, HttpResponse};
use serde::Deserialize;
use std::borrow::Cow;
use std::future::Future;
use utoipa::ToSchema;

/// The cell as it is safe to write.
pub fn neutralise(cell: &str) -> Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

/// One CSV line (with its newline) of neutralised cells.
pub fn line<'a>(cells: impl IntoIterator<Item = &'a str>) -> Vec<u8> {
    let mut writer = csv::WriterBuilder::new().from_writer(Vec::new());
    // Writing into a Vec cannot fail.
    let _ = writer.write_record(cells.into_iter().map(|c| neutralise(c).into_owned()));
    writer.into_inner().unwrap_or_default()
}

/// How a list that exports answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// Keyset pages (the default).
    Json,
    /// Every row the filters select, as one CSV download, streamed.
    Csv,
}

/// Rows read per transaction of a [`download`].
pub const PART: i64 = 1000;

/// The download `file_name`: `header`, then every row of a keyset-ordered list, newest
/// first. `read` reads the part after a position (`None`: the first), at most [`PART`]
/// rows in a transaction of its own, so an export of a year holds one part in memory
/// and no transaction stays open while the client reads; `position` is a row's place in
/// the order; `line` writes a row.
pub fn download<R, P, Fut>(
    file_name: &str,
    header: &[&str],
    read: impl Fn(Option<P>) -> Fut + 'static,
    position: fn(&R) -> P,
    line: fn(&R) -> Vec<u8>,
) -> HttpResponse
where
    R: 'static,
    P: 'static,
    Fut: Future<Output = Result<Vec<R>, ApiError>> + 'static,
{
    let head = web::Bytes::from(self::line(header.iter().copied()));
    // The state: `None` once the last part is sent, else the position to read after.
    let parts = futures_util::stream::try_unfold(Some(None), move |after: Option<Option<P>>| {
        let part = after.map(&read);
        async move {
            let Some(part) = part else { return Ok(None) };
            let rows = part.await?;
            let next = match rows.last() {
                Some(last) if rows.len() as i64 == PART => Some(Some(position(last))),
                _ => None,
            };
            let body: Vec<u8> = rows.iter().flat_map(line).collect();
            Ok::<_, ApiError>(Some((web::Bytes::from(body), next)))
        }
    });
    HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((header::CONTENT_DISPOSITION, format!("attachment; filename=\"{file_name}\"")))
        .streaming(futures_util::StreamExt::chain(futures_util::stream::once(async { Ok(head) }), parts))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_become_text_and_quoting_survives() {
        assert_eq!(
            line(["=cmd|' /C calc'!A0", "plain", "a,b", "@SUM(A1)", "-2+3"]),
            b"'=cmd|' /C calc'!A0,plain,\"a,b\",'@SUM(A1),'-2+3\n"
        );
        assert_eq!(neutralise("Ann"), "Ann");
    }
}
