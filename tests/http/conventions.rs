//! What integrators expect of an HTTP API at the edge: CORS per deployment, compressed
//! JSON (never the event stream), `ETag` / `If-None-Match` on reads, and the
//! `RateLimit-*` fields of the rate limits.

use crate::{
    accounts::new_account,
    payments::{ok, pay, today, working_account},
};
use debtflow_tests::{assert_problem, spawn_app, spawn_app_with, TestApp};
use reqwest::{header::HeaderMap, Method, Response};
use serde_json::{json, Value};

const ALLOWED: &str = "https://app.example.com";

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).map(|v| v.to_str().expect("a visible ASCII header"))
}

/// Every value of a comma-separated, possibly repeated field, lowercased.
fn list(headers: &HeaderMap, name: &str) -> Vec<String> {
    headers
        .get_all(name)
        .iter()
        .flat_map(|v| v.to_str().unwrap().split(','))
        .map(|item| item.trim().to_ascii_lowercase())
        .collect()
}

async fn preflight(app: &TestApp, origin: &str) -> Response {
    app.client
        .request(Method::OPTIONS, app.url("/api/v1/accounts"))
        .header("Origin", origin)
        .header("Access-Control-Request-Method", "POST")
        .header("Access-Control-Request-Headers", "authorization, content-type, idempotency-key")
        .send()
        .await
        .expect("the preflight")
}

#[tokio::test]
async fn a_preflight_from_an_allowed_origin_is_answered_and_its_requests_may_read_the_answers() {
    let app = spawn_app_with(&[("CORS_ALLOWED_ORIGINS", "https://app.example.com, http://localhost:5173")]).await;
    app.seed().await;
    let manager = app.token("demo.manager").await;

    let response = preflight(&app, ALLOWED).await;

    assert_eq!(response.status(), 204, "a preflight is answered before authentication and routing");
    let headers = response.headers();
    assert_eq!(header(headers, "access-control-allow-origin"), Some(ALLOWED));
    let methods = list(headers, "access-control-allow-methods");
    for method in ["get", "post", "put", "patch", "delete"] {
        assert!(methods.contains(&method.to_owned()), "{method} in {methods:?}");
    }
    let allowed_headers = list(headers, "access-control-allow-headers");
    for name in ["authorization", "content-type", "idempotency-key", "if-none-match"] {
        assert!(allowed_headers.contains(&name.to_owned()), "{name} in {allowed_headers:?}");
    }
    assert!(header(headers, "access-control-max-age").is_some_and(|age| age.parse::<u32>().unwrap() > 0));
    assert!(list(headers, "vary").contains(&"origin".to_owned()));
    assert!(headers.get("access-control-allow-credentials").is_none(), "bearer tokens, never cookies");

    let read = app.client.get(app.url("/api/v1/accounts")).bearer_auth(&manager).header("Origin", ALLOWED);
    let read = read.send().await.unwrap();
    assert_eq!(read.status(), 200);
    assert_eq!(header(read.headers(), "access-control-allow-origin"), Some(ALLOWED));
    let exposed = list(read.headers(), "access-control-expose-headers");
    for name in ["etag", "location", "retry-after", "ratelimit-limit", "ratelimit-remaining", "ratelimit-reset"] {
        assert!(exposed.contains(&name.to_owned()), "{name} in {exposed:?}");
    }
    assert!(list(read.headers(), "vary").contains(&"origin".to_owned()), "caches keep answers apart by origin");

    let anonymous = app.client.get(app.url("/api/v1/accounts")).header("Origin", "http://localhost:5173");
    let anonymous = anonymous.send().await.unwrap();
    assert_eq!(
        header(anonymous.headers(), "access-control-allow-origin"),
        Some("http://localhost:5173"),
        "errors are readable too"
    );
    assert_problem(anonymous, 401).await;
}

#[tokio::test]
async fn another_origin_is_refused_and_none_is_allowed_by_default() {
    let configured = spawn_app_with(&[("CORS_ALLOWED_ORIGINS", ALLOWED)]).await;
    let by_default = spawn_app().await;

    for (app, origin) in [(&configured, "https://evil.example.com"), (&by_default, ALLOWED)] {
        let response = preflight(app, origin).await;
        assert!(response.headers().get("access-control-allow-origin").is_none(), "{origin}");
        assert!(response.headers().get("access-control-allow-methods").is_none(), "{origin}");
        assert_problem(response, 400).await;

        let read = app.client.get(app.url("/api/v1/schema")).header("Origin", origin).send().await.unwrap();
        assert_eq!(read.status(), 200, "served, but the browser keeps it from the page");
        assert!(read.headers().get("access-control-allow-origin").is_none(), "{origin}");
    }
    let plain = by_default.get("/api/v1/schema").await;
    assert!(!list(plain.headers(), "vary").contains(&"origin".to_owned()), "nothing varies when nothing is allowed");
}

#[tokio::test]
async fn json_lists_are_compressed_when_accepted_and_the_event_stream_never() {
    let app = spawn_app().await;
    app.seed().await;
    let admin = app.token("demo.admin").await;
    let users = |encoding: Option<&'static str>| {
        let mut request = app.client.get(app.url("/api/v1/users")).bearer_auth(&admin);
        if let Some(encoding) = encoding {
            request = request.header("Accept-Encoding", encoding);
        }
        request.send()
    };

    let gzipped = users(Some("gzip")).await.unwrap();
    assert_eq!(gzipped.status(), 200);
    assert_eq!(header(gzipped.headers(), "content-encoding"), Some("gzip"));
    assert!(list(gzipped.headers(), "vary").contains(&"accept-encoding".to_owned()));
    let body = gzipped.bytes().await.unwrap();
    assert_eq!(&body[..2], &[0x1f, 0x8b], "a gzip stream");

    let brotli = users(Some("br;q=1.0, gzip;q=0.5")).await.unwrap();
    assert_eq!(header(brotli.headers(), "content-encoding"), Some("br"), "the client's preference");

    let plain = users(None).await.unwrap();
    assert_eq!(header(plain.headers(), "content-encoding"), None);
    let page: Value = plain.json().await.expect("plain JSON without Accept-Encoding");
    assert!(page["items"].as_array().is_some_and(|items| items.len() > 1), "{page}");

    let stream = app.client.get(app.url("/api/v1/notifications/stream")).bearer_auth(&admin);
    let stream = stream.header("Accept-Encoding", "gzip, br").send().await.unwrap();
    assert_eq!(stream.status(), 200);
    assert!(header(stream.headers(), "content-type").is_some_and(|t| t.starts_with("text/event-stream")));
    assert_eq!(header(stream.headers(), "content-encoding"), None, "events are never held back by a compressor");
}

#[tokio::test]
async fn account_and_payment_reads_round_trip_their_etag_and_a_change_makes_a_new_one() {
    let app = spawn_app().await;
    app.seed().await;
    let manager = app.token("demo.manager").await;
    let account = working_account(&app, &manager, "ETAG-1").await;
    let path = format!("/api/v1/accounts/{account}");
    let read = |if_none_match: Option<String>| {
        let mut request = app.client.get(app.url(&path)).bearer_auth(&manager);
        if let Some(tag) = if_none_match {
            request = request.header("If-None-Match", tag);
        }
        request.send()
    };

    let first = read(None).await.unwrap();
    assert_eq!(first.status(), 200);
    let etag = header(first.headers(), "etag").expect("an ETag").to_owned();
    assert!(etag.starts_with('"') && !etag.starts_with("W/"), "a strong tag: {etag}");

    let unchanged = read(Some(etag.clone())).await.unwrap();
    assert_eq!(unchanged.status(), 304);
    assert_eq!(header(unchanged.headers(), "etag"), Some(etag.as_str()));
    assert!(unchanged.bytes().await.unwrap().is_empty(), "no body");

    let body = json!({"account_id": account, "amount": "50.00", "method": "cash", "paid_on": today(&app).await});
    let payment = ok(pay(&app, &manager, "etag-pay-1", &body).await, 201, "pay").await;

    let changed = read(Some(etag.clone())).await.unwrap();
    assert_eq!(changed.status(), 200, "the balance moved: the copy is stale");
    let new_etag = header(changed.headers(), "etag").expect("an ETag").to_owned();
    assert_ne!(new_etag, etag);
    let changed: Value = changed.json().await.unwrap();
    assert_eq!(changed["current_balance"], "1200.50");

    let payment_path = format!("/api/v1/payments/{}", payment["id"].as_str().unwrap());
    let payment_read = app.get_as(&manager, &payment_path).await;
    let payment_etag = header(payment_read.headers(), "etag").expect("a payment's ETag").to_owned();
    let again = app.client.get(app.url(&payment_path)).bearer_auth(&manager).header("If-None-Match", &payment_etag);
    assert_eq!(again.send().await.unwrap().status(), 304);

    // Compressed, the tag names the coding, and revalidates the same way.
    let gzipped = app.client.get(app.url(&path)).bearer_auth(&manager).header("Accept-Encoding", "gzip");
    let gzipped = gzipped.send().await.unwrap();
    let gzip_etag = header(gzipped.headers(), "etag").unwrap().to_owned();
    assert_eq!(gzip_etag, format!("{}-gzip\"", new_etag.trim_end_matches('"')));
    let revalidated = app.client.get(app.url(&path)).bearer_auth(&manager).header("Accept-Encoding", "gzip");
    let revalidated = revalidated.header("If-None-Match", &gzip_etag).send().await.unwrap();
    assert_eq!(revalidated.status(), 304);
    assert_eq!(header(revalidated.headers(), "etag"), Some(gzip_etag.as_str()));
}

#[tokio::test]
async fn writes_and_another_agencys_reads_carry_no_etag() {
    let app = spawn_app().await;
    app.seed().await;
    let manager = app.token("demo.manager").await;

    let created = app.send(Method::POST, "/api/v1/accounts", &manager, Some(&new_account("E-2"))).await;
    assert_eq!(created.status(), 201);
    assert!(created.headers().get("etag").is_none(), "a write is not a read");
    let id = created.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_owned();
    let other = app.token("nw.admin").await;
    let hidden = app.get_as(&other, &format!("/api/v1/accounts/{id}")).await;
    assert!(hidden.headers().get("etag").is_none(), "a 404 has no version");
    assert_problem(hidden, 404).await;
}

#[tokio::test]
async fn limited_answers_count_down_their_ratelimit_fields_and_the_429_carries_them() {
    let app = spawn_app_with(&[("RATE_LIMIT_PER_IP", "3")]).await;

    let mut remaining = Vec::new();
    for _ in 0..3 {
        let response = app.get("/api/v1/schema").await;
        assert_eq!(response.status(), 200);
        assert_eq!(header(response.headers(), "ratelimit-limit"), Some("3"));
        let reset: u64 = header(response.headers(), "ratelimit-reset").unwrap().parse().unwrap();
        assert!((1..=60).contains(&reset), "seconds until the allowance is whole: {reset}");
        remaining.push(header(response.headers(), "ratelimit-remaining").unwrap().parse::<u32>().unwrap());
    }
    assert_eq!(remaining, [2, 1, 0]);

    let refused = app.get("/api/v1/schema").await;
    let retry_after: u64 = header(refused.headers(), "retry-after").unwrap().parse().unwrap();
    assert_eq!(header(refused.headers(), "ratelimit-limit"), Some("3"));
    assert_eq!(header(refused.headers(), "ratelimit-remaining"), Some("0"));
    let reset: u64 = header(refused.headers(), "ratelimit-reset").unwrap().parse().unwrap();
    assert!(reset >= retry_after && reset <= 60, "reset {reset} s, retry after {retry_after} s");
    assert_problem(refused, 429).await;

    let probe = app.get("/health").await;
    assert!(probe.headers().get("ratelimit-limit").is_none(), "the probes are not limited");
}

#[tokio::test]
async fn the_tighter_of_the_ip_and_the_token_allowance_is_reported() {
    let app = spawn_app_with(&[("RATE_LIMIT_PER_IP", "50"), ("RATE_LIMIT_PER_TOKEN", "2")]).await;
    let with_token = || app.client.get(app.url("/api/v1/schema")).bearer_auth("some-token").send();

    let anonymous = app.get("/api/v1/schema").await;
    assert_eq!(header(anonymous.headers(), "ratelimit-limit"), Some("50"));
    assert_eq!(header(anonymous.headers(), "ratelimit-remaining"), Some("49"));
    let first = with_token().await.unwrap();
    assert_eq!(header(first.headers(), "ratelimit-limit"), Some("2"), "the token's allowance is the tighter");
    assert_eq!(header(first.headers(), "ratelimit-remaining"), Some("1"));
    let second = with_token().await.unwrap();
    assert_eq!(header(second.headers(), "ratelimit-remaining"), Some("0"));
    let refused = with_token().await.unwrap();
    assert_eq!(header(refused.headers(), "ratelimit-limit"), Some("2"));
    assert_problem(refused, 429).await;
}
