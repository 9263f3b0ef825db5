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

#[tokio::test]
async fn entries_name_their_actor_and_the_reading_roles_read_the_staff_they_name() {
    let app = spawn_app().await;
    app.seed().await;
    app.token("demo.manager").await;
    let compliance = app.token("demo.compliance").await;

    let page: Value =
        app.get_as(&compliance, "/api/v1/audit-logs?action=auth.login&limit=200").await.json().await.unwrap();
    let names: Vec<&str> = page["items"].as_array().unwrap().iter().filter_map(|e| e["actor_name"].as_str()).collect();
    assert!(names.contains(&"Morgan Reyes") && names.contains(&"Casey Lin"), "{names:?}");
    let failed = app.login_response("sarah.mitchell", "a-wrong-password").await;
    assert_eq!(failed.status(), 401);
    let page: Value =
        app.get_as(&compliance, "/api/v1/audit-logs?action=auth.login_failed").await.json().await.unwrap();
    assert_eq!(page["items"][0]["actor_name"], Value::Null, "a failed login has no actor");

    // The viewer's "who" filter lists the staff by name: compliance and auditors read them.
    for reader in [compliance, app.token("demo.auditor").await] {
        let staff: Value = app.get_as(&reader, "/api/v1/users?limit=200").await.json().await.unwrap();
        let names: Vec<&str> =
            staff["items"].as_array().unwrap().iter().map(|u| u["full_name"].as_str().unwrap()).collect();
        assert!(names.contains(&"Morgan Reyes"), "{names:?}");
        assert!(!names.contains(&"Nora Whitfield"), "only their own agency's staff: {names:?}");
    }
}

/// A CSV body as its lines (the header first).
fn csv_records(body: &str) -> Vec<csv::StringRecord> {
    csv::ReaderBuilder::new().has_headers(false).from_reader(body.as_bytes()).records().map(Result::unwrap).collect()
}

#[tokio::test]
async fn the_trail_exports_as_csv_with_the_filters_of_the_list() {
    let app = spawn_app().await;
    let demo = app.seed().await;
    let admin = app.token("demo.admin").await;
    let renamed = app
        .send(Method::PATCH, &format!("/api/v1/agencies/{}", demo.agency), &admin, Some(&json!({"name": "=Demo"})))
        .await;
    assert_eq!(renamed.status(), 200);
    let compliance = app.token("demo.compliance").await;

    let response = app.get_as(&compliance, "/api/v1/audit-logs?action=agency.update&format=csv").await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "text/csv; charset=utf-8");
    assert!(response.headers()["content-disposition"].to_str().unwrap().starts_with("attachment; filename="));
    let body = response.text().await.unwrap();
    let records = csv_records(&body);
    assert_eq!(
        records[0].iter().collect::<Vec<_>>(),
        [
            "occurred_at",
            "agency_id",
            "actor_id",
            "actor_name",
            "actor_role",
            "action",
            "entity_type",
            "entity_id",
            "before",
            "after",
            "ip",
            "request_id"
        ]
    );
    assert_eq!(records.len(), 2, "the header and the one update: {body}");
    let row = &records[1];
    assert_eq!((&row[3], &row[4], &row[5], &row[6]), ("Demo Admin", "agency_admin", "agency.update", "agency"));
    assert_eq!(&row[7], demo.agency.to_string());
    assert_eq!(serde_json::from_str::<Value>(&row[8]).unwrap(), json!({"name": "Demo Recovery Agency"}));
    assert_eq!(serde_json::from_str::<Value>(&row[9]).unwrap(), json!({"name": "=Demo"}), "JSON cells start with {{");
    assert_eq!(&row[10], "127.0.0.1");

    // The same filters as the list: the entity, the actor, the period.
    let by_entity = app
        .get_as(&compliance, &format!("/api/v1/audit-logs?entity_type=agency&entity_id={}&format=csv", demo.agency))
        .await;
    assert_eq!(csv_records(&by_entity.text().await.unwrap()).len(), 2);
    let future = app.get_as(&compliance, "/api/v1/audit-logs?from=2099-01-01T00:00:00Z&format=csv").await;
    assert_eq!(csv_records(&future.text().await.unwrap()).len(), 1, "only the header");

    // Roles that may not read the trail may not export it; a bad format names the field.
    for refused in ["demo.manager", "sarah.mitchell"] {
        let token = app.token(refused).await;
        assert_problem(app.get_as(&token, "/api/v1/audit-logs?format=csv").await, 403).await;
    }
    let bad = assert_problem(app.get_as(&compliance, "/api/v1/audit-logs?format=xml").await, 422).await;
    assert!(bad["errors"]["format"].is_array(), "{bad}");
}

#[tokio::test]
async fn an_export_larger_than_a_part_streams_every_row_once_newest_first() {
    let app = spawn_app().await;
    let demo = app.seed().await;
    // 2,500 entries, more than two parts of the stream (1,000 rows each), some at the
    // same instant.
    sqlx::query(
        "INSERT INTO audit_logs (id, occurred_at, agency_id, action, entity_type, entity_id, after)
         SELECT gen_random_uuid(), timestamptz '2026-06-01 12:00:00+00' + (n / 3) * interval '1 second', $1,
                'test.bulk', 'account', n::text, jsonb_build_object('n', n)
         FROM generate_series(1, 2500) n",
    )
    .bind(demo.agency)
    .execute(&app.db)
    .await
    .unwrap();
    let auditor = app.token("demo.auditor").await;
    let body = app.get_as(&auditor, "/api/v1/audit-logs?action=test.bulk&format=csv").await.text().await.unwrap();
    let records = csv_records(&body);
    assert_eq!(records.len(), 2501);
    let ids: std::collections::BTreeSet<&str> = records[1..].iter().map(|r| r.get(7).unwrap()).collect();
    assert_eq!(ids.len(), 2500, "no row lost or repeated");
    let times: Vec<&str> = records[1..].iter().map(|r| r.get(0).unwrap()).collect();
    assert!(times.windows(2).all(|w| w[0] >= w[1]), "newest first");
}
