use debtflow_tests::{assert_problem, spawn_app, spawn_app_with};

#[tokio::test]
async fn metrics_count_requests_by_route_template_and_status() {
    let app = spawn_app().await;
    app.get("/health").await;
    app.get("/health").await;
    app.get("/api/v1/does-not-exist/42").await;

    let response = app.get("/metrics").await;

    assert_eq!(response.status(), 200);
    assert!(response.headers()["content-type"].to_str().unwrap().starts_with("text/plain"));
    let text = response.text().await.unwrap();
    assert!(text.contains(r#"debtflow_http_requests_total{method="GET",route="/health",status="200"} 2"#), "{text}");
    assert!(text.contains(r#"status="404""#) && !text.contains("does-not-exist"), "raw paths never become labels");
    assert!(text.contains("debtflow_http_request_duration_seconds_bucket"));
    assert!(text.contains(r#"debtflow_db_pool_connections{state="idle"}"#));
    assert!(text.contains(&format!(r#"debtflow_build_info{{version="{}"}} 1"#, env!("CARGO_PKG_VERSION"))));
}

#[tokio::test]
async fn with_a_token_configured_only_a_scraper_bearing_it_reads_the_metrics() {
    let token = "a-scraper-token-of-our-own";
    let app = spawn_app_with(&[("METRICS_TOKEN", token)]).await;

    let anonymous = app.get("/metrics").await;
    assert_eq!(anonymous.headers().get("www-authenticate").map(|v| v.to_str().unwrap()), Some("Bearer"));
    assert_problem(anonymous, 401).await;
    for wrong in ["Bearer a-scraper-token-of-our-owN", "Bearer a-scraper-token", "a-scraper-token-of-our-own"] {
        let response = app.client.get(app.url("/metrics")).header("authorization", wrong).send().await.unwrap();
        assert_problem(response, 401).await;
    }
    let scraper = app.client.get(app.url("/metrics")).bearer_auth(token).send().await.unwrap();
    assert_eq!(scraper.status(), 200);
    assert!(scraper.text().await.unwrap().contains("debtflow_build_info"));
}
