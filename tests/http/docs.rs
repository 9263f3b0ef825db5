//! The OpenAPI document and Swagger UI.

use debtflow_tests::spawn_app;

#[tokio::test]
async fn the_served_schema_is_the_committed_openapi_json() {
    let app = spawn_app().await;
    let committed: serde_json::Value = serde_json::from_str(include_str!("../../openapi/openapi.json")).unwrap();

    let served: serde_json::Value = app.get("/api/v1/schema").await.json().await.unwrap();

    assert_eq!(served, committed, "openapi/openapi.json is stale: run `make openapi`");
}

#[tokio::test]
async fn swagger_ui_is_served_under_the_docs_path() {
    let app = spawn_app().await;

    let redirect = app.get("/api/v1/docs").await;
    assert!(redirect.status().is_redirection(), "{}", redirect.status());
    assert_eq!(redirect.headers()["location"], "/api/v1/docs/");

    let page = app.get("/api/v1/docs/").await;
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("swagger-ui"));
    assert_eq!(app.get("/api/v1/docs/swagger-ui.css").await.status(), 200, "assets are vendored");
}
