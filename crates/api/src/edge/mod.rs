//! The HTTP edge: what every request passes through before and after its handler —
//! request ids and access logs, metrics, CORS, rate limits (and their `RateLimit-*`
//! fields), path normalization, compression, `ETag`s, the JSON body extractor,
//! security headers and the error-body normalization of `crate::problem`.

pub mod compress;
pub mod cors;
pub mod etag;
pub mod json;
pub mod metrics;
pub mod multipart;
pub mod panic;
pub mod path;
pub mod query;
pub mod rate_limit;
pub mod request_id;
pub mod security_headers;

use actix_web::{http::header, HttpRequest};

/// The token of an `Authorization: Bearer …` header.
pub fn bearer(req: &HttpRequest) -> Option<&str> {
    let value = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then_some(token.trim())
}
