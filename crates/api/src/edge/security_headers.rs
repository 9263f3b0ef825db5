//! Headers that tell the browser what not to do with our answers, on every response:
//! no MIME sniffing, no referrer sent on, no framing (clickjacking), no access to the
//! camera, microphone or location, a window of its own; HSTS when served over TLS.
//! The API's answers (tokens, debtors' data) are never stored by a cache
//! (`Cache-Control: no-store`, unless a route chose otherwise) and may run nothing
//! (`Content-Security-Policy: default-src 'none'`). The SPA's page gets its own policy
//! from [`crate::spa`]; the Swagger UI under the docs path, whose page runs inline
//! scripts, gets the headers without a policy.

use super::path::DOCS_PREFIX;
use actix_web::{
    body::MessageBody,
    dev::{ServiceRequest, ServiceResponse},
    http::header::{self, HeaderName, HeaderValue},
    middleware::Next,
};

const EVERYWHERE: [(HeaderName, &str); 5] = [
    (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
    (header::REFERRER_POLICY, "no-referrer"),
    (header::X_FRAME_OPTIONS, "DENY"),
    (HeaderName::from_static("permissions-policy"), "camera=(), microphone=(), geolocation=()"),
    (HeaderName::from_static("cross-origin-opener-policy"), "same-origin"),
];

/// What an API answer may do in a browser: nothing.
const API_POLICY: &str = "default-src 'none'; frame-ancestors 'none'";
/// Two years, subdomains included, once the browser has seen TLS.
const HSTS: &str = "max-age=63072000; includeSubDomains";

pub async fn middleware(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let tls = req.connection_info().scheme() == "https";
    let path = req.path().to_owned();
    let mut res = next.call(req).await?;
    let headers = res.headers_mut();
    for (name, value) in EVERYWHERE {
        headers.insert(name, HeaderValue::from_static(value));
    }
    if tls {
        headers.insert(header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static(HSTS));
    }
    if is_api(&path) {
        if !headers.contains_key(header::CACHE_CONTROL) {
            headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        }
        headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(API_POLICY));
    }
    Ok(res)
}

/// The API's own answers, not the Swagger UI's page and assets.
fn is_api(path: &str) -> bool {
    (path.starts_with("/api/") && !path.starts_with(DOCS_PREFIX)) || path.starts_with("/health") || path == "/metrics"
}

#[cfg(test)]
mod tests {
    use super::is_api;

    #[test]
    fn the_docs_page_is_not_held_to_the_apis_policy() {
        assert!(is_api("/api/v1/accounts"));
        assert!(is_api("/api/v1/schema"));
        assert!(is_api("/health/ready"));
        assert!(!is_api("/api/v1/docs/"));
        assert!(!is_api("/api/v1/docs/swagger-ui.css"));
        assert!(!is_api("/accounts/42"));
    }
}
