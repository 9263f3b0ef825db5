//! `ETag` and `If-None-Match` on the API's JSON reads.
//!
//! A `GET` under `/api/v1/` answered 200 with a JSON body gets a strong `ETag`: the
//! first 128 bits of the body's SHA-256, in hex. A request whose `If-None-Match` names
//! it (or `*`) is answered 304 with the `ETag` and no body: the client's copy is
//! current. The handler still runs — the tag is of what it would send, so it changes
//! with anything in the answer, an account's balance as well as its days past due —
//! but the body does not travel. Bodies the handler streams (CSV exports, the live
//! stream) and answers that are not JSON get no tag. The answers stay
//! `Cache-Control: no-store` (`super::security_headers`): no cache keeps a debtor's
//! data; a client that keeps its own copy revalidates it with the tag.
//!
//! A compressed answer's tag carries its coding (`super::compress`); the comparison
//! ignores it, and the `W/` of a weak tag, as RFC 9110 asks of `If-None-Match`.

use actix_web::{
    body::{self, BoxBody, EitherBody, MessageBody},
    dev::{ServiceRequest, ServiceResponse},
    http::{
        header::{self, HeaderValue},
        Method, StatusCode,
    },
    middleware::Next,
};
use sha2::{Digest, Sha256};

/// The strong tag of `body`.
pub fn of(body: &[u8]) -> String {
    format!("\"{}\"", &hex::encode(Sha256::digest(body))[..32])
}

/// Whether an `If-None-Match` value names `etag` (any of its codings) or is `*`.
fn matches(if_none_match: &HeaderValue, etag: &str) -> bool {
    let Ok(tags) = if_none_match.to_str() else { return false };
    let etag = etag.trim_matches('"');
    tags.split(',')
        .map(str::trim)
        .any(|tag| tag == "*" || super::compress::without_coding(tag.strip_prefix("W/").unwrap_or(tag)) == etag)
}

fn is_json(res: &ServiceResponse<impl MessageBody>) -> bool {
    res.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(';').next().is_some_and(|essence| essence.trim() == "application/json"))
}

pub async fn middleware<B: MessageBody + 'static>(
    req: ServiceRequest,
    next: Next<B>,
) -> Result<ServiceResponse<EitherBody<B, BoxBody>>, actix_web::Error> {
    if req.method() != Method::GET || !req.path().starts_with("/api/v1/") {
        return Ok(next.call(req).await?.map_into_left_body());
    }
    let if_none_match = req.headers().get(header::IF_NONE_MATCH).cloned();
    let res = next.call(req).await?;
    if res.status() != StatusCode::OK || !is_json(&res) || res.headers().contains_key(header::ETAG) {
        return Ok(res.map_into_left_body());
    }
    let (req, res) = res.into_parts();
    let (mut res, body) = res.into_parts();
    let bytes = match body.try_into_bytes() {
        Ok(bytes) => bytes,
        // A stream: not read into memory to hash it.
        Err(body) => return Ok(ServiceResponse::new(req, res.set_body(body)).map_into_left_body()),
    };
    let etag = of(&bytes);
    let value = HeaderValue::from_str(&etag).expect("a hex tag is a valid header value");
    res.headers_mut().insert(header::ETAG, value);
    if if_none_match.is_some_and(|tags| matches(&tags, &etag)) {
        res.head_mut().status = StatusCode::NOT_MODIFIED;
        res.headers_mut().remove(header::CONTENT_TYPE);
        res.headers_mut().remove(header::CONTENT_LENGTH);
        let res = res.set_body(BoxBody::new(body::None::new()));
        return Ok(ServiceResponse::new(req, res).map_into_right_body());
    }
    Ok(ServiceResponse::new(req, res.set_body(BoxBody::new(bytes))).map_into_right_body())
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::{
        body::to_bytes,
        middleware::from_fn,
        test::{call_service, init_service, TestRequest},
        web, App, HttpResponse,
    };

    #[test]
    fn if_none_match_compares_weakly_and_ignores_the_coding() {
        let tag = of(b"{}");
        let bare = tag.trim_matches('"');
        for header in [
            tag.clone(),
            format!("W/{tag}"),
            format!("\"{bare}-gzip\""),
            format!("\"other\", \"{bare}-br\""),
            "*".to_owned(),
        ] {
            assert!(matches(&HeaderValue::from_str(&header).unwrap(), &tag), "{header}");
        }
        for header in ["\"other\"", "\"other-gzip\"", ""] {
            assert!(!matches(&HeaderValue::from_str(header).unwrap(), &tag), "{header}");
        }
    }

    #[actix_web::test]
    async fn a_json_read_is_tagged_and_a_matching_request_is_a_304_without_a_body() {
        let app = init_service(
            App::new()
                .wrap(from_fn(middleware))
                .route("/api/v1/things/1", web::get().to(|| async { HttpResponse::Ok().json([1, 2, 3]) }))
                .route("/api/v1/things", web::post().to(|| async { HttpResponse::Created().json([1]) }))
                .route(
                    "/api/v1/file",
                    web::get().to(|| async { HttpResponse::Ok().content_type("text/csv").body("a\n") }),
                ),
        )
        .await;

        let res = call_service(&app, TestRequest::get().uri("/api/v1/things/1").to_request()).await;
        assert_eq!(res.status(), 200);
        let etag = res.headers().get(header::ETAG).expect("a tag").clone();
        assert_eq!(etag.to_str().unwrap(), of(b"[1,2,3]"));
        assert_eq!(to_bytes(res.into_body()).await.unwrap(), "[1,2,3]");

        let again = TestRequest::get().uri("/api/v1/things/1").insert_header((header::IF_NONE_MATCH, etag.clone()));
        let res = call_service(&app, again.to_request()).await;
        assert_eq!(res.status(), 304);
        assert_eq!(res.headers().get(header::ETAG), Some(&etag));
        assert!(to_bytes(res.into_body()).await.unwrap().is_empty());

        let stale = TestRequest::get().uri("/api/v1/things/1").insert_header((header::IF_NONE_MATCH, "\"old\""));
        assert_eq!(call_service(&app, stale.to_request()).await.status(), 200);
        let post = call_service(&app, TestRequest::post().uri("/api/v1/things").to_request()).await;
        assert!(post.headers().get(header::ETAG).is_none(), "writes are not tagged");
        let csv = call_service(&app, TestRequest::get().uri("/api/v1/file").to_request()).await;
        assert!(csv.headers().get(header::ETAG).is_none(), "only JSON is tagged");
    }
}
