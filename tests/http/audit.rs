//! The audit trail: a row for each write with the changed fields before and after,
//! who, from where, which request; append-only; readable by the reading roles.

use debtflow_tests::{assert_problem, spawn_app};
use reqwest::Method;
use serde_json::{json, Value};

#[tokio::test]
async fn an_update_records_only_the_changed_fields_with_actor_ip_and_request_id() {
    let app = spawn_app().await;
    let demo = app.seed().await;
    let admin = app.token("demo.admin").await;

    let response = app
        .client
        .patch(app.url(&format!("/api/v1/agencies/{}", demo.agency)))
        .bearer_auth(&admin)
        .header("x-request-id", "req-audit-1")
        .json(&json!({"name": "Demo Recovery Agency LLC", "time_zone": "America/New_York"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);

    let compliance = app.token("demo.compliance").await;
    let page: Value = app.get_as(&compliance, "/api/v1/audit-logs?action=agency.update").await.json().await.unwrap();
    let entries = page["items"].as_array().unwrap();
    assert_eq!(entries.len(), 1, "{page}");
    let entry = &entries[0];
    assert_eq!(entry["entity_type"], "agency");
    assert_eq!(entry["entity_id"], demo.agency.to_string());
    assert_eq!(entry["agency_id"], demo.agency.to_string());
    assert_eq!(entry["actor_role"], "agency_admin");
    assert_eq!(entry["before"], json!({"name": "Demo Recovery Agency"}), "unchanged time_zone is left out");
    assert_eq!(entry["after"], json!({"name": "Demo Recovery Agency LLC"}));
    assert_eq!(entry["ip"], "127.0.0.1");
    assert_eq!(entry["request_id"], "req-audit-1");
}

#[tokio::test]
async fn collector_writes_and_logins_are_audited_without_secrets() {
    let app = spawn_app().await;
    let demo = app.seed().await;
    let admin = app.token("demo.admin").await;
    let created: Value = app
        .send(
            Method::POST,
            "/api/v1/collectors",
            &admin,
            Some(&json!({"username": "ana.lopez", "full_name": "Ana Lopez", "password": "a-long-enough-password",
                         "commission_rate": "0.08", "account_limit": 250})),
        )
        .await
        .json()
        .await
        .unwrap();
    app.send(
        Method::PATCH,
        &format!("/api/v1/collectors/{}", demo.sarah),
        &admin,
        Some(&json!({"account_limit": 300})),
    )
    .await;

    app.login_response("sarah.mitchell", "a-wrong-password").await;
    app.login_response("nobody.at.all", "a-wrong-password").await;

    let auditor = app.token("demo.auditor").await;
    let trail: Value = app.get_as(&auditor, "/api/v1/audit-logs?limit=200").await.json().await.unwrap();
    let actions: Vec<&str> = trail["items"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();

    assert!(actions.contains(&"user.create") && actions.contains(&"user.update"), "{actions:?}");
    assert!(actions.iter().filter(|a| **a == "auth.login").count() >= 2, "{actions:?}");
    let failures: Vec<&Value> =
        trail["items"].as_array().unwrap().iter().filter(|e| e["action"] == "auth.login_failed").collect();
    assert_eq!(failures.len(), 1, "the unknown name's failure is on the platform's trail, not this agency's");
    assert_eq!(failures[0]["entity_id"], demo.sarah.to_string());
    assert_eq!(failures[0]["actor_id"], Value::Null);
    let text = trail.to_string();
    assert!(!text.contains("a-long-enough-password") && !text.contains("argon2"), "no secret in the trail");
    let update = trail["items"].as_array().unwrap().iter().find(|e| e["action"] == "user.update").unwrap();
    assert_eq!(update["before"], json!({"account_limit": 500}));
    assert_eq!(update["after"]["account_limit"], 300);
    let create = trail["items"].as_array().unwrap().iter().find(|e| e["action"] == "user.create").unwrap();
    assert_eq!(create["entity_id"], created["id"]);
    assert_eq!(create["before"], Value::Null);
}

#[tokio::test]
async fn audit_rows_cannot_be_changed_or_deleted() {
    let app = spawn_app().await;
    app.seed().await;
    app.token("demo.admin").await; // a login writes an audit row

    for sql in ["UPDATE audit_logs SET action = 'x'", "DELETE FROM audit_logs", "TRUNCATE audit_logs"] {
        let err = sqlx::query(sql).execute(&app.db).await.expect_err(sql);
        assert!(err.to_string().contains("append-only"), "{sql}: {err}");
    }
    let rows: i64 = sqlx::query_scalar("SELECT count(*) FROM audit_logs").fetch_one(&app.db).await.unwrap();
    assert_eq!(rows, 1);
}

#[tokio::test]
async fn the_trail_filters_and_pages_without_losing_or_repeating_a_row() {
    let app = spawn_app().await;
    app.seed().await;
    for _ in 0..5 {
        app.token("demo.manager").await;
    }
    let compliance = app.token("demo.compliance").await;

    let mut seen = Vec::new();
    let mut path = "/api/v1/audit-logs?action=auth.login&limit=2".to_owned();
    loop {
        let page: Value = app.get_as(&compliance, &path).await.json().await.unwrap();
        seen.extend(page["items"].as_array().unwrap().iter().map(|e| e["id"].as_str().unwrap().to_owned()));
        match page["next_cursor"].as_str() {
            Some(cursor) => path = format!("/api/v1/audit-logs?action=auth.login&limit=2&cursor={cursor}"),
            None => break,
        }
    }
    let unique: std::collections::BTreeSet<&String> = seen.iter().collect();
    assert_eq!(seen.len(), 6, "five manager logins and the compliance login");
    assert_eq!(unique.len(), 6);

    let future: Value =
        app.get_as(&compliance, "/api/v1/audit-logs?from=2099-01-01T00:00:00Z").await.json().await.unwrap();
    assert_eq!(future["items"], json!([]));
    let users_cursor: Value = app.get_as(&compliance, "/api/v1/audit-logs?limit=1").await.json().await.unwrap();
    assert!(users_cursor["next_cursor"].is_string());
    let foreign =
        app.get_as(&app.token("demo.admin").await, "/api/v1/users?limit=1").await.json::<Value>().await.unwrap();
    let wrong = app
        .get_as(&compliance, &format!("/api/v1/audit-logs?cursor={}", foreign["next_cursor"].as_str().unwrap()))
        .await;
    let body = assert_problem(wrong, 422).await;
    assert!(body["errors"]["cursor"].is_array(), "a cursor of another list names `cursor`: {body}");
    let bad_limit = assert_problem(app.get_as(&compliance, "/api/v1/audit-logs?limit=500").await, 422).await;
    assert!(bad_limit["errors"]["limit"].is_array());
    let bad_date = assert_problem(app.get_as(&compliance, "/api/v1/audit-logs?from=yesterday").await, 422).await;
    assert!(bad_date["errors"]["from"].is_array(), "{bad_date}");
}
