use debtflow_tests::{assert_problem, spawn_app, spawn_on, TestDatabase};

#[tokio::test]
async fn health_answers_while_the_process_is_up() {
    let app = spawn_app().await;

    let response = app.get("/health").await;

    assert_eq!(response.status(), 200);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["status"], "ok");
    assert_eq!(body["version"], env!("CARGO_PKG_VERSION"));
}

#[tokio::test]
async fn ready_when_the_database_answers_and_migrations_are_current() {
    let app = spawn_app().await;

    let response = app.get("/health/ready").await;

    assert_eq!(response.status(), 200);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["status"], "ready");
}

#[tokio::test]
async fn not_ready_while_migrations_are_pending() {
    let app = spawn_on(TestDatabase::empty().await, &[]).await;

    let body = assert_problem(app.get("/health/ready").await, 503).await;

    assert!(body["detail"].as_str().unwrap().contains("migrations not applied"), "{body}");
}

#[tokio::test]
async fn not_ready_when_the_database_is_unreachable() {
    let missing = TestDatabase { name: format!("t_missing_{}", uuid::Uuid::now_v7().simple()) };
    let app = spawn_on(missing, &[]).await;

    let body = assert_problem(app.get("/health/ready").await, 503).await;

    assert_eq!(body["detail"], "service unavailable: the database is unreachable");
    let text = body.to_string();
    assert!(!text.contains("does not exist") && !text.contains("t_missing"), "no database detail leaks: {text}");
}

/// Migrations run without the API's statement timeout: on a large database an index
/// takes longer to build than any request may take.
#[tokio::test]
async fn migrations_are_not_cut_short_by_the_statement_timeout() {
    let database = TestDatabase::empty().await;
    let pool = debtflow_api::db::pool(&database.url(), 2, 10).unwrap();

    debtflow_api::db::migrate(&pool).await.unwrap();

    let timeout: String = sqlx::query_scalar("SHOW statement_timeout").fetch_one(&pool).await.unwrap();
    assert_eq!(timeout, "10ms", "the pool's connections keep the API's timeout");
}
