//! The SPA's files at `/`, with the index as the fallback for page routes only.

use debtflow_tests::{assert_problem, spawn_app_with};

fn spa_dir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("debtflow-spa-{}", uuid::Uuid::now_v7().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("index.html"), "<!doctype html><title>DebtFlow SPA</title>").unwrap();
    std::fs::write(dir.join("app.js"), "console.log('spa')").unwrap();
    dir
}

#[tokio::test]
async fn the_spa_is_served_at_the_root_and_page_routes_fall_back_to_it() {
    let dir = spa_dir();
    let app = spawn_app_with(&[("SPA_DIR", dir.to_str().unwrap())]).await;

    for path in ["/", "/accounts/42", "/worklist?status=new"] {
        let response = app.get(path).await;
        assert_eq!(response.status(), 200, "{path}");
        assert!(response.text().await.unwrap().contains("DebtFlow SPA"), "{path}");
    }
    assert_eq!(app.get("/app.js").await.text().await.unwrap(), "console.log('spa')");
}

#[tokio::test]
async fn missing_files_and_api_paths_do_not_fall_back() {
    let dir = spa_dir();
    let app = spawn_app_with(&[("SPA_DIR", dir.to_str().unwrap())]).await;

    assert_problem(app.get("/missing.js").await, 404).await;
    assert_problem(app.get("/api/v1/missing").await, 404).await;
    assert_problem(app.client.post(app.url("/accounts")).send().await.unwrap(), 405).await;
}

#[tokio::test]
async fn every_answer_carries_the_security_headers_and_api_answers_are_never_stored() {
    let dir = spa_dir();
    let app = spawn_app_with(&[("SPA_DIR", dir.to_str().unwrap())]).await;
    app.seed().await;
    let header = |r: &reqwest::Response, name: &str| r.headers().get(name).map(|v| v.to_str().unwrap().to_owned());

    let page = app.get("/accounts/42").await;
    let token = app.login_response("demo.manager", "Manager@2026").await;
    let problem = app.get("/api/v1/accounts").await;
    for (what, r) in [("the page", &page), ("a token", &token), ("a 401", &problem)] {
        assert_eq!(header(r, "x-content-type-options").as_deref(), Some("nosniff"), "{what}");
        assert_eq!(header(r, "referrer-policy").as_deref(), Some("no-referrer"), "{what}");
        assert_eq!(header(r, "x-frame-options").as_deref(), Some("DENY"), "{what}");
        assert_eq!(header(r, "strict-transport-security"), None, "{what}: plain HTTP here, no HSTS");
    }
    let page_policy = header(&page, "content-security-policy").expect("the page's policy");
    assert!(page_policy.contains("script-src 'self' 'wasm-unsafe-eval'"), "{page_policy}");
    for (what, r) in [("a token", &token), ("a 401", &problem)] {
        assert_eq!(header(r, "cache-control").as_deref(), Some("no-store"), "{what}");
        assert_eq!(header(r, "content-security-policy").as_deref(), Some("default-src 'none'; frame-ancestors 'none'"));
    }
    // Behind a TLS terminator, browsers are told to stay on HTTPS.
    let tls = app.client.get(app.url("/health")).header("x-forwarded-proto", "https").send().await.unwrap();
    assert!(header(&tls, "strict-transport-security").is_some_and(|v| v.starts_with("max-age=")));
    // The Swagger UI page runs inline scripts: it is not held to the API's policy.
    let docs = app.get("/api/v1/docs/").await;
    assert_eq!(docs.status(), 200);
    assert_eq!(header(&docs, "content-security-policy"), None);
}
