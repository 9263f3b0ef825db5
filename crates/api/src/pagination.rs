//! Keyset pagination, the same on every list: `?limit=` ([`PageSize`]) and
//! `?cursor=`, answered `{"items": […], "next_cursor": "…" | null}`.
//!
//! A cursor is opaque to clients: the hex of the list's name and the last row's sort
//! key. A cursor of another list, or garbage, is a 422 naming `cursor`.

use crate::problem::ApiError;
pub use debtflow_wire::page::Page;
use serde::Deserialize;
use std::fmt::Write;

/// A page size: 1 to 200 rows, 50 when not given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(try_from = "u32")]
pub struct PageSize(u32);

impl PageSize {
    const DEFAULT: u32 = 50;
    const MAX: u32 = 200;
}

impl TryFrom<u32> for PageSize {
    type Error = String;
    fn try_from(n: u32) -> Result<Self, Self::Error> {
        if (1..=Self::MAX).contains(&n) {
            Ok(PageSize(n))
        } else {
            Err(format!("must be between 1 and {}", Self::MAX))
        }
    }
}

/// The query of a list that has nothing but pages: `?limit=&cursor=`.
#[derive(Debug, Deserialize, validator::Validate, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct PageQuery {
    /// Page size, 1–200 (default 50).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 200)]
    pub limit: Option<PageSize>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// Builds a page from `limit + 1` fetched rows: the extra row only says that there is
/// a next page, whose cursor `key` computes from the last item kept.
pub fn page<R, T>(
    rows: Vec<R>,
    limit: i64,
    list: &str,
    key: impl Fn(&R) -> Vec<String>,
    item: impl Fn(R) -> T,
) -> Page<T> {
    let (rows, next_cursor) = split(rows, limit, list, key);
    Page { items: rows.into_iter().map(item).collect(), next_cursor }
}

/// Keeps the first `limit` of `limit + 1` fetched rows and the cursor of the next page,
/// if there is one, for lists whose items are built from the rows asynchronously.
pub fn split<R>(mut rows: Vec<R>, limit: i64, list: &str, key: impl Fn(&R) -> Vec<String>) -> (Vec<R>, Option<String>) {
    let more = rows.len() as i64 > limit;
    rows.truncate(limit.max(0) as usize);
    let next_cursor = more.then(|| rows.last().map(|r| encode(list, &key(r)))).flatten();
    (rows, next_cursor)
}

/// The page size to fetch (`limit + 1` rows are read to learn whether more exist).
pub fn limit(requested: Option<PageSize>) -> i64 {
    i64::from(requested.map_or(PageSize::DEFAULT, |p| p.0))
}

const SEPARATOR: char = '\u{1f}';

pub fn encode(list: &str, parts: &[String]) -> String {
    let mut plain = String::from(list);
    for part in parts {
        plain.push(SEPARATOR);
        plain.push_str(part);
    }
    plain.bytes().fold(String::with_capacity(plain.len() * 2), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// The sort key in a cursor of `list` with `n` parts.
pub fn decode(list: &str, cursor: &str, n: usize) -> Result<Vec<String>, ApiError> {
    let invalid = || ApiError::field("cursor", "is not a cursor of this list");
    if !cursor.len().is_multiple_of(2) || !cursor.is_ascii() {
        return Err(invalid());
    }
    let bytes: Vec<u8> = (0..cursor.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&cursor[i..i + 2], 16))
        .collect::<Result<_, _>>()
        .map_err(|_| invalid())?;
    let plain = String::from_utf8(bytes).map_err(|_| invalid())?;
    let mut parts = plain.split(SEPARATOR);
    if parts.next() != Some(list) {
        return Err(invalid());
    }
    let parts: Vec<String> = parts.map(str::to_owned).collect();
    if parts.len() != n {
        return Err(invalid());
    }
    Ok(parts)
}

/// Most lists page newest first by `(time, id)`: the cursor key of a row.
pub fn time_key(at: chrono::DateTime<chrono::Utc>, id: uuid::Uuid) -> Vec<String> {
    vec![at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true), id.to_string()]
}

/// The `(time, id)` position in a cursor of `list` made by [`time_key`].
pub fn decode_time(
    list: &str,
    cursor: Option<&str>,
) -> Result<Option<(chrono::DateTime<chrono::Utc>, uuid::Uuid)>, ApiError> {
    let Some(cursor) = cursor else { return Ok(None) };
    let key = decode(list, cursor, 2)?;
    let invalid = || ApiError::field("cursor", "is not a cursor of this list");
    Ok(Some((key[0].parse().map_err(|_| invalid())?, key[1].parse().map_err(|_| invalid())?)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_belong_to_one_list() {
        let cursor = encode("users", &["sarah.mitchell".into()]);
        assert_eq!(decode("users", &cursor, 1).unwrap(), ["sarah.mitchell"]);
        assert!(decode("audit", &cursor, 1).is_err());
        assert!(decode("users", &cursor, 2).is_err());
        assert!(decode("users", "zz", 1).is_err());
        assert!(decode("users", "abc", 1).is_err());
    }

    #[test]
    fn time_cursors_round_trip() {
        let (at, id) = (chrono::Utc::now(), uuid::Uuid::now_v7());
        let cursor = encode("events", &time_key(at, id));
        let (back_at, back_id) = decode_time("events", Some(&cursor)).unwrap().unwrap();
        assert_eq!((back_at.timestamp_micros(), back_id), (at.timestamp_micros(), id));
        assert!(decode_time("events", Some(&encode("events", &["x".into(), "y".into()]))).is_err());
        assert_eq!(decode_time("events", None).unwrap(), None);
    }

    #[test]
    fn a_page_has_a_cursor_only_when_more_rows_exist() {
        let first = page(vec![1, 2, 3], 2, "n", |r| vec![r.to_string()], |r| r.to_string());
        assert_eq!(first.items, ["1", "2"]);
        assert_eq!(decode("n", first.next_cursor.as_deref().unwrap(), 1).unwrap(), ["2"]);
        let last = page(vec![1, 2], 2, "n", |r| vec![r.to_string()], |r| r.to_string());
        assert_eq!(last.next_cursor, None);
    }
}
