//! Reading `multipart/form-data` bodies (imports, documents): the file's name as sent,
//! short text parts, and what an unreadable body answers.

use crate::problem::ApiError;
use actix_multipart::{Field, MultipartError};
use futures_util::TryStreamExt;

/// The longest text part read (bytes).
const MAX_TEXT: usize = 1024;

/// The file name a part was sent with: its last path segment (browsers may send a
/// path), control characters dropped, trimmed; `None` when nothing is left.
pub fn file_name(field: &Field) -> Option<String> {
    let sent = field.content_disposition()?.get_filename()?;
    let last = sent.rsplit(['/', '\\']).next().unwrap_or(sent);
    let name: String = last.chars().filter(|c| !c.is_control()).collect();
    Some(name.trim().to_owned()).filter(|n| !n.is_empty())
}

/// A short text part named `name` (at most 1 KiB of UTF-8 without NUL), or a 422
/// naming it.
pub async fn read_text(mut field: Field, name: &str, form: &'static str) -> Result<String, ApiError> {
    let mut bytes = Vec::new();
    while let Some(chunk) = field.try_next().await.map_err(malformed(form))? {
        bytes.extend_from_slice(&chunk);
        if bytes.len() > MAX_TEXT {
            return Err(ApiError::field(name.to_owned(), "is too long"));
        }
    }
    let text = String::from_utf8(bytes).map_err(|_| ApiError::field(name.to_owned(), "must be UTF-8 text"))?;
    if text.contains('\0') {
        return Err(ApiError::field(name.to_owned(), crate::edge::json::NUL));
    }
    Ok(text)
}

/// What a body that cannot be read as the form answers: 415 saying what `form` is
/// when it is not `multipart/form-data`, else 400.
pub fn malformed(form: &'static str) -> impl Fn(MultipartError) -> ApiError {
    move |e| match e {
        MultipartError::ContentTypeMissing
        | MultipartError::ContentTypeParse
        | MultipartError::ContentTypeIncompatible => ApiError::UnsupportedMediaType(form),
        other => ApiError::BadRequest(format!("the multipart body cannot be read: {other}")),
    }
}
