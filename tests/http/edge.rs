//! What every request gets at the edge: problem+json errors (405 with `Allow`), request
//! ids, optional trailing slashes, rate limits.

use debtflow_tests::{assert_problem, spawn_app, spawn_app_with};

#[tokio::test]
async fn unknown_routes_are_404_problems() {
    let app = spawn_app().await;

    for path in ["/api/v1/nothing-here", "/api/v1", "/api/v2/accounts", "/health/nothing"] {
        let body = assert_problem(app.get(path).await, 404).await;
        assert_eq!(body["type"], "urn:debtflow:problem:not-found", "{path}");
    }
}

#[tokio::test]
async fn a_wrong_method_is_a_405_problem() {
    let app = spawn_app().await;

    // Every path under a method it does not take: 405, and `Allow` names those it does
    // (from the OpenAPI document), before any authentication — the probes and metrics
    // too, and a path of its own that is also an `{id}` of another route's
    // (`/accounts/assign` is not the account `assign`).
    let trace = reqwest::Method::from_bytes(b"TRACE").unwrap();
    for (method, path, allow) in [
        (reqwest::Method::POST, "/health", "GET"),
        (trace.clone(), "/health/ready", "GET"),
        (trace, "/metrics", "GET"),
        (reqwest::Method::DELETE, "/api/v1/accounts", "GET, POST"),
        (reqwest::Method::PUT, "/api/v1/payments/0194e3c2-0000-7000-8000-000000000000", "GET"),
        (reqwest::Method::DELETE, "/api/v1/auth/token", "POST"),
        (reqwest::Method::PATCH, "/api/v1/accounts/assign", "POST"),
        (reqwest::Method::DELETE, "/api/v1/notifications/read-all", "POST"),
        (reqwest::Method::GET, "/api/v1/imports/trigger", "POST"),
    ] {
        let response = app.client.request(method.clone(), app.url(path)).send().await.unwrap();
        assert_eq!(response.headers().get("allow").map(|v| v.to_str().unwrap().to_owned()).as_deref(), Some(allow));
        let body = assert_problem(response, 405).await;
        assert_eq!(body["type"], "urn:debtflow:problem:method-not-allowed", "{method} {path}");
    }
}

#[tokio::test]
async fn trailing_slashes_are_optional() {
    let app = spawn_app().await;

    assert_eq!(app.get("/health/ready/").await.status(), 200);
    assert_eq!(app.get("/api/v1/schema/").await.status(), 200);
    assert_eq!(app.get("/health/?probe=1").await.status(), 200);
}

#[tokio::test]
async fn every_response_carries_a_request_id() {
    let app = spawn_app().await;

    let ok = app.get("/health").await;
    let generated = ok.headers()["x-request-id"].to_str().unwrap().to_owned();
    assert!(uuid::Uuid::parse_str(&generated).is_ok(), "a UUID: {generated}");

    let not_found = app.get("/api/v1/nope").await;
    assert!(not_found.headers().contains_key("x-request-id"), "errors carry one too");

    let echoed = app.client.get(app.url("/health")).header("x-request-id", "trace-abc-123").send().await.unwrap();
    assert_eq!(echoed.headers()["x-request-id"], "trace-abc-123");

    let replaced = app.client.get(app.url("/health")).header("x-request-id", "bad id\u{7f}").send().await;
    if let Ok(replaced) = replaced {
        assert_ne!(replaced.headers()["x-request-id"], "bad id\u{7f}");
    }
}

#[tokio::test]
async fn over_the_rate_limit_is_a_429_with_retry_after() {
    let app = spawn_app_with(&[("RATE_LIMIT_PER_IP", "3")]).await;

    for _ in 0..3 {
        assert_eq!(app.get("/api/v1/schema").await.status(), 200);
    }
    let response = app.get("/api/v1/schema").await;

    let retry_after: u64 = response.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=20).contains(&retry_after), "3 per minute refills one in 20 s: {retry_after}");
    assert_problem(response, 429).await;
    assert_eq!(app.get("/health/ready").await.status(), 200, "probes are not limited");
    // No SPA is built for the tests: a 404, not a 429.
    assert_eq!(app.get("/assets/split_staff-0123456789abcdef.wasm").await.status(), 404, "nor the SPA's files");
}

#[tokio::test]
async fn a_token_has_its_own_allowance_within_the_ip_limit() {
    let app = spawn_app_with(&[("RATE_LIMIT_PER_TOKEN", "2")]).await;
    let with_token = |token: &'static str| app.client.get(app.url("/api/v1/schema")).bearer_auth(token).send();

    assert_eq!(with_token("aaa").await.unwrap().status(), 200);
    assert_eq!(with_token("aaa").await.unwrap().status(), 200);
    assert_problem(with_token("aaa").await.unwrap(), 429).await;
    assert_eq!(with_token("bbb").await.unwrap().status(), 200);
}
