use debtflow_tests::spawn_app;

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
