//! Cross-origin requests from browsers (CORS), allowed per deployment.
//!
//! `CORS_ALLOWED_ORIGINS` lists the exact origins (`https://app.example.com`,
//! comma-separated) whose pages may call the API from a browser; none by default, and
//! the SPA, served from the API's own origin, needs none. A preflight (`OPTIONS` with
//! `Access-Control-Request-Method`) from an allowed origin is answered here, before the
//! rate limits and the routes, with 204, the methods and request headers the API
//! takes and how long to cache that; from any other origin it is a 400 problem without
//! any `Access-Control-*` field. An allowed origin's other requests go through and
//! their answers — errors and 429s too — name it in `Access-Control-Allow-Origin`
//! and expose the fields an integrator reads (`ETag`, `Location`, `Retry-After`,
//! `RateLimit-*`, `X-Request-Id`, `Content-Disposition`). Requests from other origins
//! are served without them: the browser keeps the answer from the page. Credentials
//! are bearer tokens, never cookies, so `Access-Control-Allow-Credentials` is never sent.

use crate::{config::AllowedOrigins, problem::ApiError};
use actix_web::{
    body::MessageBody,
    dev::{ServiceRequest, ServiceResponse},
    http::{
        header::{self, HeaderMap, HeaderValue},
        Method, StatusCode,
    },
    middleware::Next,
    web, HttpResponse, ResponseError,
};

/// The methods of the API's operations.
const ALLOW_METHODS: &str = "GET, POST, PUT, PATCH, DELETE";
/// The request headers a page may send beyond the safelisted ones.
const ALLOW_HEADERS: &str = "Authorization, Content-Type, Idempotency-Key, If-None-Match, Last-Event-ID, X-Request-Id";
/// The response headers a page may read beyond the safelisted ones.
const EXPOSE_HEADERS: &str = "ETag, Location, Retry-After, RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset, \
                              X-Request-Id, Content-Disposition";
/// How long a browser may reuse a preflight's answer (Chromium caps it at two hours).
const MAX_AGE_SECS: &str = "7200";

fn is_preflight(req: &ServiceRequest) -> bool {
    req.method() == Method::OPTIONS
        && req.headers().contains_key(header::ORIGIN)
        && req.headers().contains_key(header::ACCESS_CONTROL_REQUEST_METHOD)
}

/// `Vary: Origin` beside whatever the response already varies on.
fn vary_on_origin(headers: &mut HeaderMap) {
    headers.append(header::VARY, HeaderValue::from_static("Origin"));
}

pub async fn middleware(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let allowed = req.app_data::<web::Data<AllowedOrigins>>().map(|o| o.get_ref().clone()).unwrap_or_default();
    let origin = req.headers().get(header::ORIGIN).filter(|o| o.to_str().is_ok_and(|o| allowed.allows(o))).cloned();
    if is_preflight(&req) {
        let response = match origin {
            Some(origin) => HttpResponse::build(StatusCode::NO_CONTENT)
                .insert_header((header::ACCESS_CONTROL_ALLOW_ORIGIN, origin))
                .insert_header((header::ACCESS_CONTROL_ALLOW_METHODS, ALLOW_METHODS))
                .insert_header((header::ACCESS_CONTROL_ALLOW_HEADERS, ALLOW_HEADERS))
                .insert_header((header::ACCESS_CONTROL_MAX_AGE, MAX_AGE_SECS))
                .insert_header((header::VARY, "Origin, Access-Control-Request-Method, Access-Control-Request-Headers"))
                .finish(),
            None => {
                ApiError::BadRequest("cross-origin requests from this origin are not allowed".into()).error_response()
            }
        };
        return Ok(req.into_response(response).map_into_right_body());
    }
    let mut res = next.call(req).await?;
    let headers = res.headers_mut();
    if let Some(origin) = origin {
        headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
        headers.insert(header::ACCESS_CONTROL_EXPOSE_HEADERS, HeaderValue::from_static(EXPOSE_HEADERS));
    }
    // With origins allowed, the answer depends on the request's `Origin`: a cache must
    // not hand one origin's answer to another.
    if !allowed.is_empty() {
        vary_on_origin(headers);
    }
    Ok(res.map_into_left_body())
}
