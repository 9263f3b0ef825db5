use debtflow_api::db::PING_AFTER_IDLE;
use debtflow_tests::{admin_options, assert_problem, spawn_app, spawn_on, TestDatabase};
use sqlx::Connection;
use std::time::Duration;

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

/// A pooled connection whose backend ended while it rested (a restart of PostgreSQL, an
/// administrator's `pg_terminate_backend`) is checked and replaced before a request
/// gets it: the pool pings a connection that rested longer than `PING_AFTER_IDLE`
/// (one in constant use is not pinged: a round trip saved on every request).
#[tokio::test]
async fn a_connection_lost_while_it_rested_is_replaced_before_a_request_uses_it() {
    let app = spawn_app().await;
    app.seed().await;
    let token = app.token("demo.manager").await;
    assert_eq!(app.get_as(&token, "/api/v1/auth/me").await.status(), 200);
    let name: String = sqlx::query_scalar("SELECT current_database()").fetch_one(&app.db).await.unwrap();

    let mut admin = sqlx::PgConnection::connect_with(&admin_options()).await.unwrap();
    let ended: i64 = sqlx::query_scalar(
        "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity
         WHERE datname = $1 AND pid <> pg_backend_pid()",
    )
    .bind(&name)
    .fetch_one(&mut admin)
    .await
    .unwrap();
    assert!(ended > 0, "the pool's connections were ended");
    tokio::time::sleep(PING_AFTER_IDLE + Duration::from_millis(300)).await;

    for _ in 0..6 {
        let response = app.get_as(&token, "/api/v1/auth/me").await;
        assert_eq!(response.status(), 200, "a new connection answers: {:?}", response.text().await);
    }
}
