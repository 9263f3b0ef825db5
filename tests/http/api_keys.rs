//! API keys over HTTP: an agency admin creates one (the secret shown once, kept only
//! as a hash), a system calls with it as a bearer within its scopes and its agency,
//! every change it makes is attributed to it in the audit trail, and revocation and
//! expiry stop it at the next request. Rate limits count per key.

use crate::{
    accounts::{create_account, new_account},
    payments::{ok, today, working_account},
};
use debtflow_tests::{assert_problem, spawn_app, spawn_app_at, spawn_app_with, TestApp};
use reqwest::Method;
use serde_json::{json, Value};

/// A key of the caller's agency with `scopes`: (its id, its secret).
pub async fn create_key(app: &TestApp, admin: &str, name: &str, scopes: &[&str]) -> (String, String) {
    let body = json!({"name": name, "scopes": scopes});
    let created = ok(app.send(Method::POST, "/api/v1/api-keys", admin, Some(&body)).await, 201, "create key").await;
    (created["id"].as_str().unwrap().to_owned(), created["secret"].as_str().unwrap().to_owned())
}

#[tokio::test]
async fn a_key_is_shown_once_acts_within_its_scopes_and_is_named_in_the_audit_trail() {
    let app = spawn_app().await;
    app.seed().await;
    let admin = app.token("demo.admin").await;

    let body = json!({"name": "  Creditor placements ", "scopes": ["accounts:write", "accounts:read"]});
    let response = app.send(Method::POST, "/api/v1/api-keys", &admin, Some(&body)).await;
    assert_eq!(response.headers()["cache-control"], "no-store", "a secret is never cached");
    let created = ok(response, 201, "create").await;
    let secret = created["secret"].as_str().unwrap().to_owned();
    assert!(secret.starts_with("dfk_live_") && secret.len() == 9 + 64, "{secret}");
    assert_eq!(created["name"], "Creditor placements");
    assert_eq!(created["prefix"], secret[..17]);
    assert_eq!(created["scopes"], json!(["accounts:read", "accounts:write"]));

    // The key places an account and reads it…
    let account = create_account(&app, &secret, "KEY-1").await;
    let id = account["id"].as_str().unwrap();
    ok(app.get_as(&secret, &format!("/api/v1/accounts/{id}")).await, 200, "read with accounts:read").await;
    // …but what its scopes do not grant is a 403, and people matters are never a key's.
    let payment = json!({"account_id": id, "amount": "10.00", "method": "cash", "paid_on": today(&app).await});
    assert_problem(app.send(Method::POST, "/api/v1/payments", &secret, Some(&payment)).await, 403).await;
    assert_problem(app.get_as(&secret, "/api/v1/payments").await, 403).await;
    for path in ["/api/v1/users", "/api/v1/api-keys", "/api/v1/audit-logs", "/api/v1/settings", "/api/v1/auth/me"] {
        assert_problem(app.get_as(&secret, path).await, 403).await;
    }
    let another = json!({"name": "escalate", "scopes": ["payments:write"]});
    assert_problem(app.send(Method::POST, "/api/v1/api-keys", &secret, Some(&another)).await, 403).await;

    // The trail names the key's service account, by the key's name.
    let service: uuid::Uuid = created["service_user_id"].as_str().unwrap().parse().unwrap();
    let (role, name): (String, String) = sqlx::query_as(
        "SELECT a.actor_role::text, u.full_name FROM audit_logs a JOIN users u ON u.id = a.actor_id
         WHERE a.action = 'account.create' AND a.entity_id = $1",
    )
    .bind(id)
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!((role.as_str(), name.as_str()), ("service", "Creditor placements"));
    let trail = ok(app.get_as(&admin, &format!("/api/v1/audit-logs?actor_id={service}")).await, 200, "trail").await;
    let actions: Vec<&str> = trail["items"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["account.create"], "the key's own changes, by its service account");

    // The secret is nowhere but in that one answer: not in lists, not in the trail.
    let listed = ok(app.get_as(&admin, "/api/v1/api-keys").await, 200, "list").await;
    assert_eq!(listed[0]["id"], created["id"]);
    assert!(listed[0].get("secret").is_none());
    assert!(listed[0]["last_used_at"].is_string(), "its use is noted");
    assert!(listed[0]["created_by_name"].is_string(), "who made it, by name");
    let leaked: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM audit_logs WHERE before::text LIKE '%' || $1 || '%' OR after::text LIKE '%' || $1 || '%'",
    )
    .bind(&secret[9..])
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(leaked, 0);
    let create_audit: Value = sqlx::query_scalar("SELECT after FROM audit_logs WHERE action = 'api_key.create'")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(create_audit["prefix"], created["prefix"]);

    // A key's service account is no staff member and never signs in.
    let staff = ok(app.get_as(&admin, "/api/v1/users?limit=100").await, 200, "staff").await;
    assert!(staff["items"].as_array().unwrap().iter().all(|u| u["role"] != "service"));
    assert_problem(app.get_as(&admin, &format!("/api/v1/users/{service}")).await, 404).await;
    let username: String =
        sqlx::query_scalar("SELECT username FROM users WHERE id = $1").bind(service).fetch_one(&app.db).await.unwrap();
    assert_eq!(app.login_response(&username, "!").await.status(), 401);
}

#[tokio::test]
async fn a_key_with_payments_write_records_a_payment_attributed_to_it() {
    let app = spawn_app().await;
    app.seed().await;
    let (admin, manager) = (app.token("demo.admin").await, app.token("demo.manager").await);
    let account = working_account(&app, &manager, "KEY-PAY").await;
    let (_, secret) = create_key(&app, &admin, "Payment page", &["payments:write", "payments:read"]).await;

    let body = json!({"account_id": account, "amount": "25.00", "method": "card", "paid_on": today(&app).await,
                      "reference": "PP-1"});
    let paid = ok(app.send(Method::POST, "/api/v1/payments", &secret, Some(&body)).await, 201, "pay").await;
    let recorded_by: Option<uuid::Uuid> = sqlx::query_scalar("SELECT recorded_by FROM payments WHERE id = $1::uuid")
        .bind(paid["id"].as_str().unwrap())
        .fetch_one(&app.db)
        .await
        .unwrap();
    let role: String = sqlx::query_scalar("SELECT role::text FROM users WHERE id = $1")
        .bind(recorded_by.unwrap())
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(role, "service");
    ok(app.get_as(&secret, &format!("/api/v1/accounts/{account}/ledger")).await, 200, "ledger").await;
    // Reading accounts is another scope.
    assert_problem(app.get_as(&secret, &format!("/api/v1/accounts/{account}")).await, 403).await;
}

#[tokio::test]
async fn revoking_a_key_stops_it_at_the_next_request() {
    let app = spawn_app().await;
    app.seed().await;
    let admin = app.token("demo.admin").await;
    let (id, secret) = create_key(&app, &admin, "Dialer", &["accounts:read"]).await;
    ok(app.get_as(&secret, "/api/v1/accounts").await, 200, "before").await;

    let revoked =
        ok(app.send(Method::POST, &format!("/api/v1/api-keys/{id}/revoke"), &admin, None).await, 200, "revoke").await;
    assert!(revoked["revoked_at"].is_string());
    assert!(revoked["revoked_by_name"].is_string(), "who revoked it, by name");
    let refused = assert_problem(app.get_as(&secret, "/api/v1/accounts").await, 401).await;
    assert_eq!(refused["detail"], "the API key has been revoked");
    // Revoking again changes nothing; the trail has one revocation.
    let again =
        ok(app.send(Method::POST, &format!("/api/v1/api-keys/{id}/revoke"), &admin, None).await, 200, "again").await;
    assert_eq!(again["revoked_at"], revoked["revoked_at"]);
    let revocations: i64 = sqlx::query_scalar("SELECT count(*) FROM audit_logs WHERE action = 'api_key.revoke'")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(revocations, 1);
    // The database keeps a revoked key revoked.
    let unrevoke = sqlx::query("UPDATE api_keys SET revoked_at = NULL, revoked_by = NULL").execute(&app.db).await;
    assert!(unrevoke.is_err(), "a revoked key cannot be revived");

    // A key that never was is a 401 too, telling nothing more.
    let unknown = format!("dfk_live_{}", "0".repeat(64));
    let refused = assert_problem(app.get_as(&unknown, "/api/v1/accounts").await, 401).await;
    assert_eq!(refused["detail"], "the API key is invalid");
}

#[tokio::test]
async fn a_key_stops_working_when_it_expires() {
    let at = chrono::Utc::now();
    let app = spawn_app_at(at).await;
    app.seed().await;
    let admin = app.token("demo.admin").await;
    let body = json!({"name": "Quarter's export", "scopes": ["accounts:read"],
                      "expires_at": (at + chrono::Duration::hours(1)).to_rfc3339()});
    let secret = ok(app.send(Method::POST, "/api/v1/api-keys", &admin, Some(&body)).await, 201, "create").await
        ["secret"]
        .as_str()
        .unwrap()
        .to_owned();
    ok(app.get_as(&secret, "/api/v1/accounts").await, 200, "before expiry").await;
    app.clock.advance(chrono::Duration::hours(1));
    let refused = assert_problem(app.get_as(&secret, "/api/v1/accounts").await, 401).await;
    assert_eq!(refused["detail"], "the API key has expired");
}

#[tokio::test]
async fn keys_stay_inside_their_agency() {
    let app = spawn_app().await;
    let demo = app.seed().await;
    let (admin, northwind) = (app.token("demo.admin").await, app.token("nw.admin").await);
    let (id, secret) = create_key(&app, &admin, "Demo sync", &["accounts:read", "accounts:write"]).await;
    let theirs = create_account(&app, &northwind, "NW-KEY").await;
    let theirs = theirs["id"].as_str().unwrap();

    assert_problem(app.get_as(&secret, &format!("/api/v1/accounts/{theirs}")).await, 404).await;
    let listed = ok(app.get_as(&secret, "/api/v1/accounts?limit=100").await, 200, "list").await;
    assert!(listed["items"].as_array().unwrap().iter().all(|a| a["id"] != theirs));
    // A new account lands in the key's agency, whatever the body says.
    let mut body = new_account("KEY-AGENCY");
    body["agency_id"] = json!(demo.northwind.to_string());
    let response = app.send(Method::POST, "/api/v1/accounts", &secret, Some(&body)).await;
    assert!(matches!(response.status().as_u16(), 400 | 422), "an agency cannot be chosen");

    // Another agency's admin neither sees nor revokes the key.
    let listed = ok(app.get_as(&northwind, "/api/v1/api-keys").await, 200, "their keys").await;
    assert_eq!(listed, json!([]));
    assert_problem(app.send(Method::POST, &format!("/api/v1/api-keys/{id}/revoke"), &northwind, None).await, 404).await;
    ok(app.get_as(&secret, "/api/v1/accounts").await, 200, "still working").await;
}

#[tokio::test]
async fn only_agency_admins_create_keys_and_bad_requests_name_the_field() {
    let app = spawn_app().await;
    app.seed().await;
    let (admin, manager) = (app.token("demo.admin").await, app.token("demo.manager").await);
    let body = json!({"name": "x", "scopes": ["accounts:read"]});
    assert_problem(app.send(Method::POST, "/api/v1/api-keys", &manager, Some(&body)).await, 403).await;
    assert_problem(app.get_as(&manager, "/api/v1/api-keys").await, 403).await;

    let past = (chrono::Utc::now() - chrono::Duration::minutes(1)).to_rfc3339();
    for (body, field) in [
        (json!({"name": "x", "scopes": []}), "scopes"),
        (json!({"name": "x", "scopes": ["accounts:read", "accounts:read"]}), "scopes"),
        (json!({"name": "   ", "scopes": ["accounts:read"]}), "name"),
        (json!({"name": "x".repeat(101), "scopes": ["accounts:read"]}), "name"),
        (json!({"name": "x", "scopes": ["accounts:read"], "expires_at": past}), "expires_at"),
        (json!({"name": "x", "scopes": ["accounts:read"], "expires_at": "+262142-12-31T00:00:00Z"}), "expires_at"),
    ] {
        let problem = assert_problem(app.send(Method::POST, "/api/v1/api-keys", &admin, Some(&body)).await, 422).await;
        assert!(problem["errors"][field].is_array(), "{body}: {problem}");
    }
    let unknown = json!({"name": "x", "scopes": ["payments:admin"]});
    let problem = assert_problem(app.send(Method::POST, "/api/v1/api-keys", &admin, Some(&unknown)).await, 422).await;
    assert!(problem.to_string().contains("scopes"), "{problem}");
    let keys: i64 = sqlx::query_scalar("SELECT count(*) FROM api_keys").fetch_one(&app.db).await.unwrap();
    assert_eq!(keys, 0, "nothing half-written");
}

#[tokio::test]
async fn each_key_has_its_own_rate_limit() {
    let app = spawn_app_with(&[("RATE_LIMIT_PER_TOKEN", "3")]).await;
    app.seed().await;
    let admin = app.token("demo.admin").await;
    let (_, busy) = create_key(&app, &admin, "Busy", &["accounts:read"]).await;
    let (_, quiet) = create_key(&app, &admin, "Quiet", &["accounts:read"]).await;
    for _ in 0..3 {
        ok(app.get_as(&busy, "/api/v1/accounts/count").await, 200, "within").await;
    }
    let limited = app.get_as(&busy, "/api/v1/accounts/count").await;
    assert_eq!(limited.status(), 429);
    assert!(limited.headers().contains_key("retry-after"));
    ok(app.get_as(&quiet, "/api/v1/accounts/count").await, 200, "another key is not held back").await;
}
