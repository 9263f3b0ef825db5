//! A request id on every request, response and log line.
//!
//! A client's own `X-Request-Id` (1–128 visible ASCII characters) is kept so a trace
//! can cross systems; otherwise a UUID v7 is made. The id is the `request_id` field of
//! a tracing span around the whole request, so every log line written while serving
//! it carries the id; one access-log line closes each request.

use crate::{audit::RequestContext, problem::ApiError};
use actix_web::{
    body::MessageBody,
    dev::{Payload, ServiceRequest, ServiceResponse},
    http::header::{HeaderName, HeaderValue},
    middleware::Next,
    FromRequest, HttpMessage, HttpRequest,
};
use std::time::Instant;
use tracing::Instrument;

pub const X_REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The id of the request being served, from the request's extensions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestId(pub String);

fn client_id(value: &HeaderValue) -> Option<String> {
    let s = value.to_str().ok()?;
    let ok = (1..=128).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_graphic());
    ok.then(|| s.to_owned())
}

pub async fn middleware(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let id = req.headers().get(X_REQUEST_ID).and_then(client_id).unwrap_or_else(|| uuid::Uuid::now_v7().to_string());
    req.extensions_mut().insert(RequestId(id.clone()));
    // At the highest level, so that no filter (`RUST_LOG=warn`) drops the span while
    // keeping the lines written in it: every line of the request carries its id.
    let span = tracing::error_span!("request", request_id = %id);
    let (method, path) = (req.method().clone(), req.path().to_owned());
    let started = Instant::now();

    // Handlers and extractors turn their errors into responses, and our middleware
    // answer with responses, so nothing inner returns `Err`.
    let mut res = next.call(req).instrument(span.clone()).await?;
    if let Ok(value) = HeaderValue::from_str(&id) {
        res.headers_mut().insert(X_REQUEST_ID, value);
    }
    span.in_scope(|| {
        tracing::info!(
            http.method = %method,
            http.path = %path,
            http.status = res.status().as_u16(),
            latency_ms = started.elapsed().as_secs_f64() * 1000.0,
            "request served"
        )
    });
    Ok(res)
}

/// Where a request came from: its TCP peer and its request id.
impl RequestContext {
    pub fn of(req: &HttpRequest) -> Self {
        RequestContext {
            ip: req.peer_addr().map(|a| a.ip()),
            request_id: req.extensions().get::<RequestId>().map(|r| r.0.clone()),
        }
    }
}

impl FromRequest for RequestContext {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        std::future::ready(Ok(RequestContext::of(req)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_ids_are_kept_only_when_printable_and_short() {
        assert_eq!(client_id(&HeaderValue::from_static("abc-123")), Some("abc-123".into()));
        assert_eq!(client_id(&HeaderValue::from_static("has space")), None);
        assert_eq!(client_id(&HeaderValue::from_str(&"a".repeat(129)).unwrap()), None);
    }
}
