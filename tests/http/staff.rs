//! The agency's staff of every role: adding one with a temporary password that must be
//! changed first, changing roles and seats (sessions end at once), the last admin
//! seat, password resets, list filters; each audited.

use debtflow_tests::{assert_problem, spawn_app, TestApp};
use reqwest::Method;
use serde_json::{json, Value};

async fn create(app: &TestApp, token: &str, body: Value) -> reqwest::Response {
    app.send(Method::POST, "/api/v1/users", token, Some(&body)).await
}

async fn patch(app: &TestApp, token: &str, id: &str, body: Value) -> reqwest::Response {
    app.send(Method::PATCH, &format!("/api/v1/users/{id}"), token, Some(&body)).await
}

async fn refresh(app: &TestApp, refresh: &str) -> Value {
    let response = app
        .client
        .post(app.url("/api/v1/auth/token/refresh"))
        .json(&json!({ "refresh": refresh }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

async fn audit_of(app: &TestApp, admin: &str, action: &str, id: &str) -> Vec<Value> {
    let path = format!("/api/v1/audit-logs?action={action}&entity_type=user&entity_id={id}");
    let page: Value = app.get_as(admin, &path).await.json().await.unwrap();
    page["items"].as_array().unwrap().clone()
}

#[tokio::test]
async fn a_new_manager_must_change_the_temporary_password_before_anything_else() {
    let app = spawn_app().await;
    app.seed().await;
    let admin = app.token("demo.admin").await;

    let response = create(
        &app,
        &admin,
        json!({"username": "maria.gomez", "full_name": "Maria Gomez", "email": "maria@example.com", "role": "manager"}),
    )
    .await;
    assert_eq!(response.status(), 201);
    assert_eq!(response.headers()["cache-control"], "no-store", "a password is in the body");
    let created: Value = response.json().await.unwrap();
    let temporary = created["temporary_password"].as_str().unwrap().to_owned();
    assert_eq!(created["user"]["role"], "manager");
    assert_eq!(created["user"]["password_change_required"], true);
    assert_eq!(created["user"]["commission_rate"], Value::Null);
    let id = created["user"]["id"].as_str().unwrap().to_owned();
    let trail = audit_of(&app, &admin, "user.create", &id).await;
    assert_eq!(trail[0]["after"]["role"], "manager");
    assert!(!trail[0].to_string().contains(&temporary), "the audit trail never holds a password");

    // The temporary password opens only the way to change it.
    let pair = app.login("maria.gomez", &temporary).await;
    let access = pair["access"].as_str().unwrap();
    let refused = assert_problem(app.get_as(access, "/api/v1/accounts").await, 403).await;
    assert_eq!(refused["type"], "urn:debtflow:problem:password-change-required");
    let me: Value = app.get_as(access, "/api/v1/auth/me").await.json().await.unwrap();
    assert_eq!(me["password_change_required"], true);
    let change = json!({"current_password": temporary, "new_password": "maria's own passphrase"});
    assert_eq!(app.send(Method::POST, "/api/v1/auth/password", access, Some(&change)).await.status(), 204);

    // The token issued before the change still opens nothing more; a refreshed one does.
    assert_problem(app.get_as(access, "/api/v1/accounts").await, 403).await;
    let fresh = refresh(&app, pair["refresh"].as_str().unwrap()).await;
    let fresh = fresh["access"].as_str().unwrap();
    assert_eq!(app.get_as(fresh, "/api/v1/accounts").await.status(), 200);
    let me: Value = app.get_as(fresh, "/api/v1/auth/me").await.json().await.unwrap();
    assert_eq!(me["password_change_required"], false);
    assert_eq!(app.login_response("maria.gomez", &temporary).await.status(), 401, "the temporary one is gone");
    app.login("maria.gomez", "maria's own passphrase").await;
}

#[tokio::test]
async fn staff_commands_are_refused_with_the_field_or_rule_they_break() {
    let app = spawn_app().await;
    app.seed().await;
    let admin = app.token("demo.admin").await;
    let field_of = |problem: Value| problem["errors"].as_object().unwrap().keys().next().unwrap().clone();

    let platform = json!({"username": "root.two", "full_name": "Root", "role": "admin"});
    assert_eq!(field_of(assert_problem(create(&app, &admin, platform).await, 422).await), "role");
    let collector = json!({"username": "new.one", "full_name": "New One", "role": "collector", "account_limit": 5});
    assert_eq!(field_of(assert_problem(create(&app, &admin, collector).await, 422).await), "commission_rate");
    let auditor = json!({"username": "new.one", "full_name": "New One", "role": "auditor", "account_limit": 5});
    assert_eq!(field_of(assert_problem(create(&app, &admin, auditor).await, 422).await), "account_limit");
    let taken = json!({"username": "sarah.mitchell", "full_name": "Another Sarah", "role": "auditor"});
    let problem = assert_problem(create(&app, &admin, taken).await, 409).await;
    assert_eq!(problem["type"], "urn:debtflow:problem:username-taken");

    // Only an agency admin manages staff; not a manager, not the platform admin.
    let body = json!({"username": "new.two", "full_name": "New Two", "role": "auditor"});
    for who in ["demo.manager", "platform.admin"] {
        assert_problem(create(&app, &app.token(who).await, body.clone()).await, 403).await;
    }
    let count: i64 =
        sqlx::query_scalar("SELECT count(*) FROM users WHERE username LIKE 'new.%'").fetch_one(&app.db).await.unwrap();
    assert_eq!(count, 0, "nothing refused was written");
}

#[tokio::test]
async fn a_new_role_or_a_deactivation_ends_the_users_sessions_at_once() {
    let app = spawn_app().await;
    app.seed().await;
    let admin = app.token("demo.admin").await;
    let manager = app.token("demo.manager").await;
    let me: Value = app.get_as(&manager, "/api/v1/auth/me").await.json().await.unwrap();
    let id = me["id"].as_str().unwrap();

    let changed = patch(&app, &admin, id, json!({"role": "compliance", "full_name": "Dee Manager"})).await;
    assert_eq!(changed.status(), 200);
    let changed: Value = changed.json().await.unwrap();
    assert_eq!((changed["role"].as_str(), changed["full_name"].as_str()), (Some("compliance"), Some("Dee Manager")));
    assert_problem(app.get_as(&manager, "/api/v1/accounts").await, 401).await;
    let update = &audit_of(&app, &admin, "user.update", id).await[0];
    assert_eq!(
        (update["before"]["role"].as_str(), update["after"]["role"].as_str()),
        (Some("manager"), Some("compliance"))
    );
    let compliance = app.token("demo.manager").await;
    let me: Value = app.get_as(&compliance, "/api/v1/auth/me").await.json().await.unwrap();
    assert_eq!(me["role"], "compliance");

    assert_eq!(patch(&app, &admin, id, json!({"is_active": false})).await.status(), 200);
    assert_problem(app.get_as(&compliance, "/api/v1/auth/me").await, 401).await;
    assert_eq!(app.login_response("demo.manager", "Manager@2026").await.status(), 401);
    let inactive: Value = app.get_as(&admin, "/api/v1/users?active=false").await.json().await.unwrap();
    let names: Vec<&str> =
        inactive["items"].as_array().unwrap().iter().map(|u| u["username"].as_str().unwrap()).collect();
    assert_eq!(names, ["demo.manager"]);

    assert_eq!(patch(&app, &admin, id, json!({"is_active": true, "role": "manager"})).await.status(), 200);
    app.token("demo.manager").await;
}

#[tokio::test]
async fn the_last_active_agency_admin_keeps_the_seat() {
    let app = spawn_app().await;
    app.seed().await;
    let admin = app.token("demo.admin").await;
    let me: Value = app.get_as(&admin, "/api/v1/auth/me").await.json().await.unwrap();
    let id = me["id"].as_str().unwrap().to_owned();

    for change in [json!({"role": "manager"}), json!({"is_active": false})] {
        let problem = assert_problem(patch(&app, &admin, &id, change).await, 409).await;
        assert_eq!(problem["type"], "urn:debtflow:problem:last-agency-admin");
    }
    let second = json!({"username": "second.admin", "full_name": "Second Admin", "role": "agency_admin"});
    assert_eq!(create(&app, &admin, second).await.status(), 201);
    assert_eq!(patch(&app, &admin, &id, json!({"role": "manager"})).await.status(), 200, "another admin holds it now");
}

#[tokio::test]
async fn a_collector_holding_accounts_keeps_the_role_until_they_are_reassigned() {
    let app = spawn_app().await;
    let demo = app.seed().await;
    let admin = app.token("demo.admin").await;
    let manager = app.token("demo.manager").await;
    let account = crate::accounts::create_account(&app, &manager, "STAFF-1").await;
    let body = json!({"collector_id": demo.james});
    let path = format!("/api/v1/accounts/{}/assign", account["id"].as_str().unwrap());
    assert_eq!(app.send(Method::POST, &path, &manager, Some(&body)).await.status(), 200);

    let james = demo.james.to_string();
    let problem = assert_problem(patch(&app, &admin, &james, json!({"role": "manager"})).await, 409).await;
    assert_eq!(problem["type"], "urn:debtflow:problem:holds-accounts");
    // Becoming a collector needs a rate and a limit.
    let me: Value = app.get_as(&manager, "/api/v1/auth/me").await.json().await.unwrap();
    let problem =
        assert_problem(patch(&app, &admin, me["id"].as_str().unwrap(), json!({"role": "collector"})).await, 422).await;
    assert!(problem["errors"]["commission_rate"].is_array(), "{problem}");
}

#[tokio::test]
async fn a_reset_issues_a_temporary_password_and_ends_every_session() {
    let app = spawn_app().await;
    let demo = app.seed().await;
    let admin = app.token("demo.admin").await;
    let sarah = app.token("sarah.mitchell").await;
    let path = format!("/api/v1/users/{}/password-reset", demo.sarah);

    assert_problem(app.send(Method::POST, &path, &app.token("demo.manager").await, None).await, 403).await;
    let response = app.send(Method::POST, &path, &admin, None).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["cache-control"], "no-store");
    let temporary = response.json::<Value>().await.unwrap()["temporary_password"].as_str().unwrap().to_owned();

    assert_problem(app.get_as(&sarah, "/api/v1/accounts").await, 401).await;
    assert_eq!(app.login_response("sarah.mitchell", "Collector@2026").await.status(), 401);
    let access = app.login("sarah.mitchell", &temporary).await["access"].as_str().unwrap().to_owned();
    assert_problem(app.get_as(&access, "/api/v1/accounts").await, 403).await;
    let trail = audit_of(&app, &admin, "auth.password_reset", &demo.sarah.to_string()).await;
    assert_eq!(trail[0]["after"]["username"], "sarah.mitchell");
    assert!(!trail[0].to_string().contains(&temporary), "the audit trail never holds a password");

    let me: Value = app.get_as(&admin, "/api/v1/auth/me").await.json().await.unwrap();
    let own = format!("/api/v1/users/{}/password-reset", me["id"].as_str().unwrap());
    let problem = assert_problem(app.send(Method::POST, &own, &admin, None).await, 409).await;
    assert_eq!(problem["type"], "urn:debtflow:problem:own-password");
}

#[tokio::test]
async fn staff_lists_filter_and_stay_inside_the_agency() {
    let app = spawn_app().await;
    let demo = app.seed().await;
    let admin = app.token("demo.admin").await;
    let names = |page: Value| -> Vec<String> {
        page["items"].as_array().unwrap().iter().map(|u| u["username"].as_str().unwrap().to_owned()).collect()
    };
    let page: Value = app.get_as(&admin, "/api/v1/users?q=MITCH").await.json().await.unwrap();
    assert_eq!(names(page), ["sarah.mitchell"]);
    let page: Value = app.get_as(&admin, "/api/v1/users?role=compliance").await.json().await.unwrap();
    assert_eq!(names(page), ["demo.compliance"]);
    let one: Value = app.get_as(&admin, &format!("/api/v1/users/{}", demo.sarah)).await.json().await.unwrap();
    assert_eq!(one["username"], "sarah.mitchell");

    // Another agency's admin finds no such user, and changes nothing.
    let northwind = app.token("nw.admin").await;
    assert_problem(app.get_as(&northwind, &format!("/api/v1/users/{}", demo.sarah)).await, 404).await;
    let sarah = demo.sarah.to_string();
    assert_problem(patch(&app, &northwind, &sarah, json!({"full_name": "Taken Over"})).await, 404).await;
    let reset = format!("/api/v1/users/{}/password-reset", demo.sarah);
    assert_problem(app.send(Method::POST, &reset, &northwind, None).await, 404).await;
    app.token("sarah.mitchell").await;
}
