//! Accounts: creation, read-only fields, the lifecycle over HTTP, notes, timeline,
//! encryption at rest, collector visibility.

use debtflow_tests::{assert_problem, spawn_app, TestApp};
use reqwest::Method;
use serde_json::{json, Value};

pub fn new_account(external_ref: &str) -> Value {
    json!({
        "external_ref": external_ref, "original_balance": "1250.5", "creditor": "Acme Bank",
        "delinquency_date": "2026-01-15", "priority": 2,
        "debtor": {"full_name": "John Doe", "phone": "+1 555 0100", "email": "john@example.com",
                   "address": "1 Main St", "date_of_birth": "1980-04-01", "ssn_last4": "1234",
                   "external_ref": "CUST-77"}
    })
}

pub async fn create_account(app: &TestApp, token: &str, external_ref: &str) -> Value {
    let response = app.send(Method::POST, "/api/v1/accounts", token, Some(&new_account(external_ref))).await;
    assert_eq!(response.status(), 201, "create {external_ref}");
    response.json().await.unwrap()
}

#[tokio::test]
async fn a_manager_creates_an_account_with_computed_fields() {
    let app = spawn_app().await;
    app.seed().await;
    let manager = app.token("demo.manager").await;

    let account = create_account(&app, &manager, "ACME-0001").await;

    assert_eq!(account["status"], "new");
    assert_eq!(account["original_balance"], "1250.50");
    assert_eq!(account["current_balance"], "1250.50");
    assert_eq!(account["currency"], "USD");
    assert_eq!(account["priority"], 2);
    assert_eq!(account["collector_id"], Value::Null);
    assert_eq!(account["debtor"]["ssn_last4"], "***-**-1234");
    assert_eq!(account["debtor"]["external_ref"], "CUST-77");
    assert_eq!(account["debtor"]["date_of_birth"], "1980-04-01");
    let today: chrono::NaiveDate =
        sqlx::query_scalar("SELECT (now() AT TIME ZONE 'America/New_York')::date").fetch_one(&app.db).await.unwrap();
    let dpd = (today - chrono::NaiveDate::from_ymd_opt(2026, 1, 15).unwrap()).num_days();
    assert_eq!(account["days_past_due"], dpd);
    let bucket = match dpd {
        0..=30 => "0-30",
        31..=60 => "31-60",
        61..=90 => "61-90",
        _ => "90+",
    };
    assert_eq!(account["bucket"], bucket);
}

#[tokio::test]
async fn the_ssn_is_encrypted_at_rest() {
    let app = spawn_app().await;
    app.seed().await;
    create_account(&app, &app.token("demo.manager").await, "ACME-0001").await;

    let raw: Vec<u8> = sqlx::query_scalar("SELECT ssn_last4_enc FROM debtors").fetch_one(&app.db).await.unwrap();

    assert!(raw.len() > 12, "nonce and ciphertext");
    assert!(!raw.windows(4).any(|w| w == b"1234"), "no plaintext digits");
    assert!(!String::from_utf8_lossy(&raw).chars().any(|c| c.is_ascii_digit() && raw.len() < 8));
    let trail: Vec<String> =
        sqlx::query_scalar("SELECT coalesce(after::text, '') FROM audit_logs").fetch_all(&app.db).await.unwrap();
    assert!(trail.iter().all(|t| !t.contains("1234")), "the SSN never enters the audit trail");
}

#[tokio::test]
async fn bad_accounts_are_refused_naming_the_field() {
    let app = spawn_app().await;
    app.seed().await;
    let manager = app.token("demo.manager").await;
    let with = |path: &[&str], value: Value| {
        let mut body = new_account("ACME-0002");
        let mut target = &mut body;
        for key in &path[..path.len() - 1] {
            target = &mut target[*key];
        }
        target[path[path.len() - 1]] = value;
        body
    };

    for (body, field) in [
        (with(&["priority"], json!(7)), "priority"),
        (with(&["original_balance"], json!("-5")), "original_balance"),
        (with(&["original_balance"], json!("10.005")), "original_balance"),
        (with(&["original_balance"], json!("abc")), "original_balance"),
        (with(&["delinquency_date"], json!("2999-01-01")), "delinquency_date"),
        (with(&["delinquency_date"], json!("15/01/2026")), "delinquency_date"),
        (with(&["debtor", "ssn_last4"], json!("12a4")), "debtor.ssn_last4"),
        (with(&["debtor", "full_name"], json!("")), "debtor.full_name"),
        (with(&["status"], json!("settled")), "status"),
    ] {
        let response = app.send(Method::POST, "/api/v1/accounts", &manager, Some(&body)).await;
        let problem = assert_problem(response, 422).await;
        assert!(problem["errors"][field].is_array(), "{field}: {problem}");
    }
    let accounts: i64 = sqlx::query_scalar("SELECT count(*) FROM accounts").fetch_one(&app.db).await.unwrap();
    assert_eq!(accounts, 0, "nothing half-written");
    create_account(&app, &manager, "ACME-0002").await;
    let duplicate = app.send(Method::POST, "/api/v1/accounts", &manager, Some(&new_account("ACME-0002"))).await;
    assert_problem(duplicate, 409).await;
}

#[tokio::test]
async fn derived_fields_cannot_be_written() {
    let app = spawn_app().await;
    app.seed().await;
    let manager = app.token("demo.manager").await;
    let account = create_account(&app, &manager, "ACME-0001").await;
    let path = format!("/api/v1/accounts/{}", account["id"].as_str().unwrap());

    for (field, value) in [
        ("status", json!("settled")),
        ("current_balance", json!("0.00")),
        ("original_balance", json!("1.00")),
        ("days_past_due", json!(0)),
        ("bucket", json!("0-30")),
        ("collector_id", json!(uuid::Uuid::now_v7())),
    ] {
        let response = app.send(Method::PATCH, &path, &manager, Some(&json!({ field: value, "priority": 3 }))).await;
        let problem = assert_problem(response, 422).await;
        assert!(problem["errors"][field].is_array(), "{field}: {problem}");
    }

    let ok = app.send(Method::PATCH, &path, &manager, Some(&json!({"priority": 3, "phone": "+1 555 0199"}))).await;
    assert_eq!(ok.status(), 200);
    let changed: Value = ok.json().await.unwrap();
    assert_eq!(changed["priority"], 3);
    assert_eq!(changed["debtor"]["phone"], "+1 555 0199");
    assert_eq!(changed["status"], "new");
}

#[tokio::test]
async fn a_refused_transition_is_a_409_listing_the_allowed_targets() {
    let app = spawn_app().await;
    app.seed().await;
    let manager = app.token("demo.manager").await;
    let account = create_account(&app, &manager, "ACME-0001").await;
    let path = format!("/api/v1/accounts/{}/transition", account["id"].as_str().unwrap());

    let new_to_contact =
        app.send(Method::POST, &path, &manager, Some(&json!({"to": "in_contact", "reason": "called"}))).await;
    let problem = assert_problem(new_to_contact, 409).await;
    assert_eq!(problem["allowed_transitions"], json!([]));
    let unknown = app.send(Method::POST, &path, &manager, Some(&json!({"to": "paid", "reason": "x"}))).await;
    assert!(assert_problem(unknown, 422).await["errors"]["to"].is_array());
}

#[tokio::test]
async fn notes_and_events_form_the_timeline_newest_first() {
    let app = spawn_app().await;
    app.seed().await;
    let manager = app.token("demo.manager").await;
    let account = create_account(&app, &manager, "ACME-0001").await;
    let id = account["id"].as_str().unwrap();
    for body in ["first call", "second call", "third call"] {
        let response = app
            .send(Method::POST, &format!("/api/v1/accounts/{id}/notes"), &manager, Some(&json!({ "body": body })))
            .await;
        assert_eq!(response.status(), 201);
    }
    let compliance = app.token("demo.compliance").await;
    let by_compliance = app
        .send(Method::POST, &format!("/api/v1/accounts/{id}/notes"), &compliance, Some(&json!({"body": "reviewed"})))
        .await;
    assert_eq!(by_compliance.status(), 201, "compliance writes notes");

    let mut bodies = Vec::new();
    let mut who = Vec::new();
    let mut path = format!("/api/v1/accounts/{id}/timeline?limit=2");
    loop {
        let page: Value = app.get_as(&manager, &path).await.json().await.unwrap();
        for event in page["items"].as_array().unwrap() {
            bodies.push((event["kind"].as_str().unwrap().to_owned(), event["body"].as_str().unwrap_or("").to_owned()));
            who.push(event["actor_name"].as_str().unwrap_or("").to_owned());
        }
        match page["next_cursor"].as_str() {
            Some(cursor) => path = format!("/api/v1/accounts/{id}/timeline?limit=2&cursor={cursor}"),
            None => break,
        }
    }
    let expected: Vec<(String, String)> = [
        ("note", "reviewed"),
        ("note", "third call"),
        ("note", "second call"),
        ("note", "first call"),
        ("created", ""),
    ]
    .iter()
    .map(|(k, b)| (k.to_string(), b.to_string()))
    .collect();
    assert_eq!(bodies, expected);
    assert_eq!(who[..2], ["Casey Lin", "Morgan Reyes"], "who wrote each note, by name");
    let alias = app
        .send(Method::POST, &format!("/api/v1/accounts/{id}/add_note/"), &manager, Some(&json!({"body": "alias"})))
        .await;
    assert_eq!(alias.status(), 201, "the seed's add_note works too");
    let malformed = app.get_as(&manager, "/api/v1/accounts/not-a-uuid").await;
    assert!(assert_problem(malformed, 422).await["errors"]["id"].is_array());
    let blank =
        app.send(Method::POST, &format!("/api/v1/accounts/{id}/notes"), &manager, Some(&json!({"body": "  "}))).await;
    assert!(assert_problem(blank, 422).await["errors"]["body"].is_array());
}

#[tokio::test]
async fn accounts_of_another_agency_are_not_found() {
    let app = spawn_app().await;
    app.seed().await;
    let account = create_account(&app, &app.token("demo.manager").await, "ACME-0001").await;
    let id = account["id"].as_str().unwrap();
    let northwind = app.token("nw.admin").await;

    for (method, path, body) in [
        (Method::GET, format!("/api/v1/accounts/{id}"), None),
        (Method::GET, format!("/api/v1/accounts/{id}/timeline"), None),
        (Method::PATCH, format!("/api/v1/accounts/{id}"), Some(json!({"priority": 1}))),
        (Method::POST, format!("/api/v1/accounts/{id}/notes"), Some(json!({"body": "x"}))),
        (Method::POST, format!("/api/v1/accounts/{id}/transition"), Some(json!({"to": "closed", "reason": "x"}))),
    ] {
        assert_problem(app.send(method, &path, &northwind, body.as_ref()).await, 404).await;
    }
}
