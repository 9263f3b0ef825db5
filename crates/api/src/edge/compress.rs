//! The API's answers compressed — brotli or gzip, whichever the client's
//! `Accept-Encoding` prefers — when they are JSON or text: pages, problems, reports,
//! CSV exports (compressed as they stream), the OpenAPI document, `/metrics`.
//!
//! Left alone: the live notification stream (`text/event-stream`: a compressor would
//! hold its events back), downloads in their own formats (PDF, uploaded documents,
//! already compressed or not text), answers without a body, and everything outside
//! `/api/` and `/metrics` — the SPA's files are compressed when they are built and
//! `crate::spa` serves the copy the client accepts.
//!
//! A compressed answer is another representation, so its strong `ETag` (from
//! `super::etag`, a hash of the JSON) gets the coding appended, `"…-gzip"` or
//! `"…-br"`, as do the 304s that stand for it; `super::etag` ignores the suffix when it
//! compares `If-None-Match`. Answers that could be compressed say `Vary: Accept-Encoding`.

use actix_http::encoding::Encoder;
use actix_web::{
    body::MessageBody,
    dev::{ServiceRequest, ServiceResponse},
    http::{
        header::{self, AcceptEncoding, ContentEncoding, Encoding, HeaderMap, HeaderValue},
        StatusCode,
    },
    middleware::Next,
    HttpMessage,
};

/// The codings offered, best first; identity when the client accepts neither.
const OFFERED: [Encoding; 3] = [Encoding::brotli(), Encoding::gzip(), Encoding::identity()];

/// The coding `req` is answered in, `Identity` for none.
fn negotiate(req: &ServiceRequest) -> ContentEncoding {
    match req.get_header::<AcceptEncoding>().and_then(|accepted| accepted.negotiate(OFFERED.iter())) {
        Some(Encoding::Known(ContentEncoding::Brotli)) => ContentEncoding::Brotli,
        Some(Encoding::Known(ContentEncoding::Gzip)) => ContentEncoding::Gzip,
        _ => ContentEncoding::Identity,
    }
}

/// The paths whose answers this module compresses (not the SPA's).
fn covers(path: &str) -> bool {
    path.starts_with("/api/") || path == "/metrics"
}

/// JSON and text are worth compressing; an event stream, binaries and files in their
/// own formats are not.
fn compressible(headers: &HeaderMap) -> bool {
    if headers.contains_key(header::CONTENT_ENCODING) {
        return false;
    }
    let Some(mime) = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()) else { return false };
    let essence = mime.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    let json = essence == "application/json" || (essence.starts_with("application/") && essence.ends_with("+json"));
    let text = essence.starts_with("text/") && essence != "text/event-stream";
    json || text || essence == "application/javascript"
}

/// `"tag"` → `"tag-gzip"`: the validator of the compressed representation.
fn tag_for(etag: &HeaderValue, coding: ContentEncoding) -> Option<HeaderValue> {
    let tag = etag.to_str().ok()?.strip_suffix('"')?;
    if tag.starts_with("W/") {
        return None;
    }
    HeaderValue::from_str(&format!("{tag}-{}\"", coding.as_str())).ok()
}

/// The opaque tag of `tag` without the coding this module appended to it.
pub fn without_coding(tag: &str) -> &str {
    let inner = tag.trim_end_matches('"');
    ["-br", "-gzip"]
        .iter()
        .find_map(|suffix| inner.strip_suffix(suffix))
        .map_or(tag.trim_matches('"'), |stripped| stripped.trim_matches('"'))
}

pub async fn middleware(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let covered = covers(req.path());
    let accepted = if covered { negotiate(&req) } else { ContentEncoding::Identity };
    let res = next.call(req).await?;
    Ok(res.map_body(move |head, body| {
        // A 304 stands for the JSON that `super::etag` would have sent.
        let worth = covered && compressible(&head.headers);
        let stands_for = worth || (covered && head.status == StatusCode::NOT_MODIFIED);
        if stands_for {
            head.headers.append(header::VARY, HeaderValue::from_static("Accept-Encoding"));
            if accepted != ContentEncoding::Identity {
                if let Some(tag) = head.headers.get(header::ETAG).and_then(|etag| tag_for(etag, accepted)) {
                    head.headers.insert(header::ETAG, tag);
                }
            }
        }
        let encoder = Encoder::response(if worth { accepted } else { ContentEncoding::Identity }, head, body);
        // The encoder appends its own `Vary: accept-encoding`.
        dedupe_vary(&mut head.headers);
        encoder
    }))
}

/// One of each `Vary` value (compared without case).
fn dedupe_vary(headers: &mut HeaderMap) {
    let mut kept: Vec<HeaderValue> = Vec::new();
    for value in headers.get_all(header::VARY) {
        if !kept.iter().any(|k| k.as_bytes().eq_ignore_ascii_case(value.as_bytes())) {
            kept.push(value.clone());
        }
    }
    headers.remove(header::VARY);
    for value in kept {
        headers.append(header::VARY, value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::{
        body::to_bytes,
        http::header::{HeaderName, CONTENT_TYPE},
        middleware::from_fn,
        test::{call_service, init_service, TestRequest},
        web, App, HttpResponse,
    };
    use std::io::Read;

    #[test]
    fn json_and_text_are_compressible_streams_and_binaries_are_not() {
        let with = |pairs: &[(HeaderName, &'static str)]| {
            let mut headers = HeaderMap::new();
            for (name, value) in pairs {
                headers.insert(name.clone(), HeaderValue::from_static(value));
            }
            compressible(&headers)
        };
        assert!(with(&[(CONTENT_TYPE, "application/json")]));
        assert!(with(&[(CONTENT_TYPE, "application/problem+json")]));
        assert!(with(&[(CONTENT_TYPE, "text/csv; charset=utf-8")]));
        assert!(!with(&[(CONTENT_TYPE, "text/event-stream")]));
        assert!(!with(&[(CONTENT_TYPE, "application/pdf")]));
        assert!(!with(&[(CONTENT_TYPE, "application/octet-stream")]));
        assert!(!with(&[(CONTENT_TYPE, "application/json"), (header::CONTENT_ENCODING, "gzip")]));
        assert!(!with(&[]));
    }

    #[test]
    fn the_coding_suffix_of_a_tag_comes_off_for_comparison() {
        let tag = HeaderValue::from_static("\"abc\"");
        assert_eq!(tag_for(&tag, ContentEncoding::Gzip).unwrap(), "\"abc-gzip\"");
        assert_eq!(tag_for(&tag, ContentEncoding::Brotli).unwrap(), "\"abc-br\"");
        assert_eq!(tag_for(&HeaderValue::from_static("W/\"abc\""), ContentEncoding::Gzip), None);
        assert_eq!(without_coding("\"abc-gzip\""), "abc");
        assert_eq!(without_coding("\"abc-br\""), "abc");
        assert_eq!(without_coding("\"abc\""), "abc");
    }

    #[actix_web::test]
    async fn json_is_gzipped_when_accepted_and_the_event_stream_never() {
        let json = "[".to_owned() + &"{\"name\":\"a debtor\"},".repeat(100) + "{}]";
        let body = json.clone();
        let app = init_service(
            App::new()
                .wrap(from_fn(middleware))
                .route(
                    "/api/v1/list",
                    web::get().to(move || {
                        let body = body.clone();
                        async move {
                            HttpResponse::Ok()
                                .insert_header(("etag", "\"abc\""))
                                .content_type("application/json")
                                .body(body)
                        }
                    }),
                )
                .route(
                    "/api/v1/stream",
                    web::get()
                        .to(|| async { HttpResponse::Ok().content_type("text/event-stream").body("data: 1\n\n") }),
                ),
        )
        .await;

        let req = TestRequest::get().uri("/api/v1/list").insert_header(("accept-encoding", "gzip")).to_request();
        let res = call_service(&app, req).await;
        assert_eq!(res.headers().get(header::CONTENT_ENCODING).unwrap(), "gzip");
        assert_eq!(res.headers().get(header::ETAG).unwrap(), "\"abc-gzip\"");
        assert_eq!(res.headers().get_all(header::VARY).count(), 1, "{:?}", res.headers());
        let Ok(gzipped) = to_bytes(res.into_body()).await else { panic!("the gzipped body") };
        let mut plain = String::new();
        flate2::read::GzDecoder::new(&gzipped[..]).read_to_string(&mut plain).expect("gzip");
        assert_eq!(plain, json);

        let req = TestRequest::get().uri("/api/v1/list").to_request();
        let res = call_service(&app, req).await;
        assert_eq!(res.headers().get(header::CONTENT_ENCODING), None);
        assert_eq!(res.headers().get(header::ETAG).unwrap(), "\"abc\"");
        assert_eq!(res.headers().get(header::VARY).unwrap(), "Accept-Encoding");

        let req = TestRequest::get().uri("/api/v1/stream").insert_header(("accept-encoding", "gzip, br")).to_request();
        let res = call_service(&app, req).await;
        assert_eq!(res.headers().get(header::CONTENT_ENCODING), None);
        let Ok(events) = to_bytes(res.into_body()).await else { panic!("the events") };
        assert_eq!(events, "data: 1\n\n");
    }
}
