//! Managing collectors and the agency: validation names the field, duplicates
//! conflict, read-only fields are refused.

use debtflow_tests::{assert_problem, spawn_app};
use reqwest::Method;
use serde_json::{json, Value};

fn new_collector(username: &str) -> Value {
    json!({"username": username, "full_name": "Ana Lopez", "email": "ana@example.com",
           "password": "a-long-enough-password", "commission_rate": "0.08", "account_limit": 250})
}

#[tokio::test]
async fn an_agency_admin_adds_a_collector_who_can_log_in() {
    let app = spawn_app().await;
    let demo = app.seed().await;
    let admin = app.token("demo.admin").await;

    let response = app.send(Method::POST, "/api/v1/collectors", &admin, Some(&new_collector("ana.lopez"))).await;

    assert_eq!(response.status(), 201);
    let collector: Value = response.json().await.unwrap();
    assert_eq!(collector["role"], "collector");
    assert_eq!(collector["agency_id"], demo.agency.to_string());
    assert_eq!(collector["commission_rate"], "0.0800");
    assert_eq!(collector["account_limit"], 250);
    assert!(collector.get("password").is_none() && collector.get("password_hash").is_none());
    app.login("ana.lopez", "a-long-enough-password").await;
    let listed: Value = app.get_as(&app.token("demo.manager").await, "/api/v1/collectors").await.json().await.unwrap();
    assert_eq!(listed["items"].as_array().unwrap().len(), 5);
}

#[tokio::test]
async fn bad_collectors_are_refused_naming_the_field() {
    let app = spawn_app().await;
    app.seed().await;
    let admin = app.token("demo.admin").await;
    let with = |field: &str, value: Value| {
        let mut body = new_collector("ana.lopez");
        body[field] = value;
        body
    };

    for (body, field) in [
        (with("password", json!("short")), "password"),
        (with("username", json!("Ana Lopez")), "username"),
        (with("email", json!("not-an-email")), "email"),
        (with("commission_rate", json!("1.5")), "commission_rate"),
        (with("commission_rate", json!("0.123456")), "commission_rate"),
        (with("account_limit", json!(-1)), "account_limit"),
        (with("role", json!("admin")), "role"),
    ] {
        let response = app.send(Method::POST, "/api/v1/collectors", &admin, Some(&body)).await;
        let problem = assert_problem(response, 422).await;
        assert!(problem["errors"][field].is_array(), "{field}: {problem}");
    }
    let users: i64 = sqlx::query_scalar("SELECT count(*) FROM users").fetch_one(&app.db).await.unwrap();
    assert_eq!(users, 10, "nothing was written");
}

#[tokio::test]
async fn a_taken_username_is_a_conflict() {
    let app = spawn_app().await;
    app.seed().await;
    let admin = app.token("demo.admin").await;

    let response = app.send(Method::POST, "/api/v1/collectors", &admin, Some(&new_collector("nw.admin"))).await;

    let problem = assert_problem(response, 409).await;
    assert!(problem["detail"].as_str().unwrap().contains("nw.admin"));
}

#[tokio::test]
async fn an_agency_patch_cannot_touch_the_currency_and_validates_the_time_zone() {
    let app = spawn_app().await;
    let demo = app.seed().await;
    let admin = app.token("demo.admin").await;
    let path = format!("/api/v1/agencies/{}", demo.agency);

    let currency = app.send(Method::PATCH, &path, &admin, Some(&json!({"currency": "EUR"}))).await;
    assert!(assert_problem(currency, 422).await["errors"]["currency"].is_array());
    let zone = app.send(Method::PATCH, &path, &admin, Some(&json!({"time_zone": "Mars/Olympus"}))).await;
    assert!(assert_problem(zone, 422).await["errors"]["time_zone"].is_array());

    let ok = app
        .send(
            Method::PATCH,
            &path,
            &admin,
            Some(&json!({"time_zone": "America/Chicago", "settings": {"stale_after_days": 10}})),
        )
        .await;
    assert_eq!(ok.status(), 200);
    let again = app.send(Method::PATCH, &path, &admin, Some(&json!({"settings": {"reminder_days_before": 5}}))).await;
    let agency: Value = again.json().await.unwrap();
    assert_eq!(agency["time_zone"], "America/Chicago");
    assert_eq!(agency["currency"], "USD");
    assert_eq!(
        (agency["settings"]["stale_after_days"].as_u64(), agency["settings"]["reminder_days_before"].as_u64()),
        (Some(10), Some(5)),
        "settings merge key by key"
    );
}

#[tokio::test]
async fn a_duplicate_licence_number_is_a_conflict() {
    let app = spawn_app().await;
    app.seed().await;
    let northwind = app.token("nw.admin").await;
    let me: Value = app.get_as(&northwind, "/api/v1/auth/me").await.json().await.unwrap();
    let path = format!("/api/v1/agencies/{}", me["agency"]["id"].as_str().unwrap());

    let response = app.send(Method::PATCH, &path, &northwind, Some(&json!({"licence_number": "DRA-2026-0001"}))).await;

    assert_problem(response, 409).await;
}
