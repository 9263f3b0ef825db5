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
