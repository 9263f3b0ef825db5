//! Trailing slashes are optional: `/api/v1/accounts/` is served as `/api/v1/accounts`.
//!
//! Swagger UI is the exception: it lives at `/api/v1/docs/` and loads its assets
//! relative to that slash, so paths under it are left alone.
//!
//! A path holding `%00` is a 400: a NUL character decoded from a segment would reach
//! a text column that cannot store it.

use crate::problem::ApiError;
use actix_web::{
    body::MessageBody,
    dev::{ServiceRequest, ServiceResponse},
    http::{uri::PathAndQuery, Uri},
    middleware::Next,
};

pub const DOCS_PREFIX: &str = "/api/v1/docs";

/// The path to route, when `path` has a trailing slash to drop.
fn trimmed(path: &str) -> Option<&str> {
    if path.len() <= 1 || !path.ends_with('/') || path.starts_with(DOCS_PREFIX) {
        return None;
    }
    let trimmed = path.trim_end_matches('/');
    Some(if trimmed.is_empty() { "/" } else { trimmed })
}

pub async fn middleware(
    mut req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    // A NUL character decoded from a path segment could reach no text column.
    if req.path().to_ascii_lowercase().contains("%00") {
        return Err(ApiError::BadRequest("the path must not contain a NUL character (%00)".into()).into());
    }
    if let Some(path) = trimmed(req.path()) {
        let uri = &req.head().uri;
        let path_and_query = match uri.query() {
            Some(query) => format!("{path}?{query}"),
            None => path.to_owned(),
        };
        let mut parts = uri.clone().into_parts();
        if let Ok(pq) = PathAndQuery::try_from(path_and_query) {
            parts.path_and_query = Some(pq);
            if let Ok(uri) = Uri::from_parts(parts) {
                req.match_info_mut().get_mut().update(&uri);
                req.head_mut().uri = uri;
            }
        }
    }
    next.call(req).await
}

#[cfg(test)]
mod tests {
    use super::trimmed;

    #[test]
    fn trailing_slashes_are_dropped_except_for_the_docs() {
        assert_eq!(trimmed("/api/v1/accounts/"), Some("/api/v1/accounts"));
        assert_eq!(trimmed("/health//"), Some("/health"));
        assert_eq!(trimmed("/api/v1/accounts"), None);
        assert_eq!(trimmed("/"), None);
        assert_eq!(trimmed("/api/v1/docs/"), None);
        assert_eq!(trimmed("/api/v1/docs/swagger-ui.css"), None);
    }
}
