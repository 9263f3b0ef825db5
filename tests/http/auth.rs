//! Login, refresh rotation with reuse detection, logout, throttling and lockout, and
//! every kind of bad token.

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use debtflow_tests::{assert_problem, spawn_app, spawn_app_at, spawn_app_with, JWT_SECRET};
use jsonwebtoken::{encode, Algorithm, EncodingKey, Header};
use reqwest::Method;
use serde_json::{json, Value};

async fn refresh(app: &debtflow_tests::TestApp, token: &str) -> reqwest::Response {
    app.client.post(app.url("/api/v1/auth/token/refresh")).json(&json!({ "refresh": token })).send().await.unwrap()
}

#[tokio::test]
async fn login_returns_tokens_that_identify_the_user() {
    let app = spawn_app().await;
    let demo = app.seed().await;

    let pair = app.login("sarah.mitchell", "Collector@2026").await;

    assert_eq!(pair["token_type"], "Bearer");
    assert_eq!(pair["expires_in"], 900);
    let me: Value = app.get_as(pair["access"].as_str().unwrap(), "/api/v1/auth/me").await.json().await.unwrap();
    assert_eq!(me["id"], demo.sarah.to_string());
    assert_eq!(me["username"], "sarah.mitchell");
    assert_eq!(me["full_name"], "Sarah Mitchell");
    assert_eq!(me["role"], "collector");
    assert_eq!(me["agency"]["name"], "Demo Recovery Agency");
    assert_eq!(me["agency"]["currency"], "USD");
    assert_eq!(me["policy"]["payment_approval_after_days"], 7, "the default approval window");
}

#[tokio::test]
async fn me_tells_the_configured_approval_window_of_backdated_payments() {
    let app = spawn_app_with(&[("PAYMENT_APPROVAL_AFTER_DAYS", "3")]).await;
    app.seed().await;
    let pair = app.login("sarah.mitchell", "Collector@2026").await;

    let me: Value = app.get_as(pair["access"].as_str().unwrap(), "/api/v1/auth/me").await.json().await.unwrap();

    assert_eq!(me["policy"]["payment_approval_after_days"], 3, "what the server was configured with: {me}");
}

/// Past midnight UTC it is still the evening before in New York: a client proposes the
/// agency's date, not the device's, for a payment made now.
#[tokio::test]
async fn me_tells_the_agencys_business_date() {
    let utc_after_midnight = "2026-03-11T03:30:00Z".parse().unwrap();
    let app = spawn_app_at(utc_after_midnight).await;
    app.seed().await;
    let sarah = app.token("sarah.mitchell").await;
    let me: Value = app.get_as(&sarah, "/api/v1/auth/me").await.json().await.unwrap();
    assert_eq!(me["today"], "2026-03-10", "{me}");
    app.clock.advance(chrono::Duration::hours(2));
    let me: Value = app.get_as(&sarah, "/api/v1/auth/me").await.json().await.unwrap();
    assert_eq!(me["today"], "2026-03-11", "05:30 UTC is past midnight in New York too");
}

#[tokio::test]
async fn a_wrong_username_and_a_wrong_password_answer_the_same() {
    let app = spawn_app().await;
    app.seed().await;

    let wrong_password = assert_problem(app.login_response("sarah.mitchell", "nope-nope-nope").await, 401).await;
    let wrong_user = assert_problem(app.login_response("nobody.here", "nope-nope-nope").await, 401).await;

    assert_eq!(wrong_password, wrong_user);
    assert_eq!(wrong_user["detail"], "invalid username or password");
}

#[tokio::test]
async fn a_refresh_rotates_the_pair_and_kills_the_old_refresh_token() {
    let app = spawn_app().await;
    app.seed().await;
    let first = app.login("sarah.mitchell", "Collector@2026").await;

    let response = refresh(&app, first["refresh"].as_str().unwrap()).await;
    assert_eq!(response.status(), 200);
    let second: Value = response.json().await.unwrap();

    assert_ne!(second["refresh"], first["refresh"]);
    assert_eq!(app.get_as(second["access"].as_str().unwrap(), "/api/v1/auth/me").await.status(), 200);
    assert_eq!(refresh(&app, second["refresh"].as_str().unwrap()).await.status(), 200, "the new one works once");
}

#[tokio::test]
async fn reusing_a_refresh_token_revokes_the_whole_session() {
    let app = spawn_app().await;
    app.seed().await;
    let first = app.login("sarah.mitchell", "Collector@2026").await;
    let second: Value = refresh(&app, first["refresh"].as_str().unwrap()).await.json().await.unwrap();

    // An attacker replays the first refresh token.
    assert_problem(refresh(&app, first["refresh"].as_str().unwrap()).await, 401).await;

    assert_problem(refresh(&app, second["refresh"].as_str().unwrap()).await, 401).await;
    let me = app.get_as(second["access"].as_str().unwrap(), "/api/v1/auth/me").await;
    let body = assert_problem(me, 401).await;
    assert_eq!(body["detail"], "the access token has been revoked");
    let other_session = app.login("sarah.mitchell", "Collector@2026").await;
    assert_eq!(app.get_as(other_session["access"].as_str().unwrap(), "/api/v1/auth/me").await.status(), 200);
}

#[tokio::test]
async fn logout_ends_the_session_at_once() {
    let app = spawn_app().await;
    app.seed().await;
    let pair = app.login("demo.manager", "Manager@2026").await;
    let access = pair["access"].as_str().unwrap();

    let response = app.send(Method::POST, "/api/v1/auth/logout", access, None).await;

    assert_eq!(response.status(), 204);
    assert_problem(app.get_as(access, "/api/v1/auth/me").await, 401).await;
    assert_problem(refresh(&app, pair["refresh"].as_str().unwrap()).await, 401).await;
}

#[tokio::test]
async fn a_deactivated_collector_is_locked_out_at_once() {
    let app = spawn_app().await;
    let demo = app.seed().await;
    let collector = app.login("james.carter", "Collector@2026").await;
    let admin = app.token("demo.admin").await;

    let response = app
        .send(Method::PATCH, &format!("/api/v1/collectors/{}", demo.james), &admin, Some(&json!({"is_active": false})))
        .await;
    assert_eq!(response.status(), 200);

    assert_problem(app.get_as(collector["access"].as_str().unwrap(), "/api/v1/auth/me").await, 401).await;
    assert_problem(refresh(&app, collector["refresh"].as_str().unwrap()).await, 401).await;
    assert_problem(app.login_response("james.carter", "Collector@2026").await, 401).await;
}

fn claims(exp_offset: i64) -> Value {
    let now = chrono::Utc::now().timestamp();
    json!({
        "sub": uuid::Uuid::now_v7(), "agency": null, "role": "admin", "ver": 0,
        "sid": uuid::Uuid::now_v7(), "iat": now, "exp": now + exp_offset,
        "iss": "debtflow", "aud": "debtflow-api"
    })
}

#[tokio::test]
async fn every_kind_of_bad_token_is_a_401_problem() {
    let app = spawn_app().await;
    app.seed().await;
    let good = app.token("demo.admin").await;
    let key = EncodingKey::from_secret(JWT_SECRET.as_bytes());
    let b64 = |v: &Value| URL_SAFE_NO_PAD.encode(v.to_string());
    let mut tampered = good.clone();
    let payload_end = tampered.rfind('.').unwrap();
    tampered.replace_range(payload_end - 4..payload_end, "AAAA");

    let cases: Vec<(&str, Option<String>)> = vec![
        ("missing", None),
        ("garbage", Some("not.a.jwt".into())),
        ("tampered", Some(tampered)),
        ("expired", Some(encode(&Header::new(Algorithm::HS256), &claims(-3600), &key).unwrap())),
        (
            "wrong secret",
            Some(
                encode(
                    &Header::new(Algorithm::HS256),
                    &claims(600),
                    &EncodingKey::from_secret(b"another-secret-of-thirty-two-bytes!!"),
                )
                .unwrap(),
            ),
        ),
        ("alg none", Some(format!("{}.{}.", b64(&json!({"alg": "none", "typ": "JWT"})), b64(&claims(600))))),
        ("HS512", Some(encode(&Header::new(Algorithm::HS512), &claims(600), &key).unwrap())),
        // RS/HS confusion: an "RS256" token whose signature is an HMAC with the secret.
        ("RS256 header", {
            let signed = encode(&Header::new(Algorithm::HS256), &claims(600), &key).unwrap();
            let sig = signed.rsplit('.').next().unwrap().to_owned();
            Some(format!("{}.{}.{}", b64(&json!({"alg": "RS256", "typ": "JWT"})), b64(&claims(600)), sig))
        }),
        ("unknown user", Some(encode(&Header::new(Algorithm::HS256), &claims(600), &key).unwrap())),
    ];
    for (kind, token) in cases {
        let mut request = app.client.get(app.url("/api/v1/auth/me"));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.headers().get("www-authenticate").map(|v| v.to_str().unwrap()), Some("Bearer"), "{kind}");
        let body = assert_problem(response, 401).await;
        assert_eq!(body["type"], "urn:debtflow:problem:unauthorized", "{kind}");
    }
}

/// A client of its own: requests from `127.0.0.2` (all of 127.0.0.0/8 is loopback).
fn client_at(address: &str) -> reqwest::Client {
    reqwest::Client::builder().local_address(address.parse::<std::net::IpAddr>().ok()).build().unwrap()
}

async fn login_from(
    app: &debtflow_tests::TestApp,
    client: &reqwest::Client,
    username: &str,
    password: &str,
) -> reqwest::Response {
    client
        .post(app.url("/api/v1/auth/token"))
        .json(&json!({ "username": username, "password": password }))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_guesser_at_one_client_waits_while_the_owner_elsewhere_signs_in() {
    let app = spawn_app_with(&[("LOGIN_CLIENT_THRESHOLD", "3")]).await;
    app.seed().await;

    for _ in 0..3 {
        assert_problem(app.login_response("sarah.mitchell", "wrong-password!").await, 401).await;
    }
    // The guessing client waits, even with the right password (it cannot tell).
    let held = app.login_response("sarah.mitchell", "Collector@2026").await;
    let retry_after: u64 = held.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=30).contains(&retry_after), "30 s after the third failure: {retry_after}");
    assert_problem(held, 429).await;
    // The owner, at another address, is not locked out.
    let owner = client_at("127.0.0.2");
    assert_eq!(login_from(&app, &owner, "sarah.mitchell", "Collector@2026").await.status(), 200);
    // Nor is anyone else at the guesser's address.
    assert_eq!(app.login_response("james.carter", "Collector@2026").await.status(), 200);
}

#[tokio::test]
async fn failures_from_many_clients_lock_the_username_tell_its_owner_and_an_admin_lifts_it() {
    let app = spawn_app_with(&[("LOGIN_LOCKOUT_THRESHOLD", "4"), ("LOGIN_CLIENT_THRESHOLD", "2")]).await;
    app.seed().await;
    let admin = app.token("demo.admin").await;

    for address in ["127.0.0.3", "127.0.0.4"] {
        let guesser = client_at(address);
        for _ in 0..2 {
            assert_problem(login_from(&app, &guesser, "sarah.mitchell", "wrong-password!").await, 401).await;
        }
    }
    // Locked for everyone, the owner with the right password included.
    let locked = login_from(&app, &client_at("127.0.0.2"), "sarah.mitchell", "Collector@2026").await;
    let retry_after: u64 = locked.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=900).contains(&retry_after), "{retry_after}");
    let body = assert_problem(locked, 423).await;
    assert_eq!(body["type"], "urn:debtflow:problem:locked");
    assert_eq!(app.login_response("james.carter", "Collector@2026").await.status(), 200, "others are not locked");

    // The owner is told, in a notification nobody can switch off, and it is audited.
    let (kind, body): (String, String) = sqlx::query_as(
        "SELECT n.kind, n.body FROM notifications n JOIN users u ON u.id = n.recipient_id
         WHERE u.username = 'sarah.mitchell' AND n.kind = 'login_locked'",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(kind, "login_locked");
    assert!(body.starts_with("4 failed logins within 15 minutes locked your username sarah.mitchell"), "{body}");
    let audited: Value = app.get_as(&admin, "/api/v1/audit-logs?action=auth.locked").await.json().await.unwrap();
    assert_eq!(audited["items"][0]["after"]["failures"], 4, "{audited}");

    // An agency admin lifts it; the owner signs in at once.
    let sarah: Value = app.get_as(&admin, "/api/v1/users?role=collector").await.json().await.unwrap();
    let id = sarah["items"].as_array().unwrap().iter().find(|u| u["username"] == "sarah.mitchell").unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let collector = app.token("james.carter").await;
    let refused = app.send(Method::POST, &format!("/api/v1/users/{id}/unlock"), &collector, None).await;
    assert_problem(refused, 403).await;
    let unlocked = app.send(Method::POST, &format!("/api/v1/users/{id}/unlock"), &admin, None).await;
    assert_eq!(unlocked.status(), 200);
    assert_eq!(unlocked.json::<Value>().await.unwrap(), json!({ "failures_cleared": 4 }));
    let audited: Value = app.get_as(&admin, "/api/v1/audit-logs?action=auth.unlocked").await.json().await.unwrap();
    assert_eq!(audited["items"][0]["after"]["username"], "sarah.mitchell");
    assert_eq!(app.login_response("sarah.mitchell", "Collector@2026").await.status(), 200);

    // The lock holds for a username that does not exist, too: no enumeration.
    for address in ["127.0.0.3", "127.0.0.4"] {
        for _ in 0..2 {
            login_from(&app, &client_at(address), "ghost.user", "wrong-password!").await;
        }
    }
    assert_problem(app.login_response("ghost.user", "wrong-password!").await, 423).await;
}

#[tokio::test]
async fn repeated_failures_from_one_ip_are_throttled() {
    let app = spawn_app_with(&[("LOGIN_IP_THRESHOLD", "4")]).await;
    app.seed().await;

    for name in ["a.one", "b.two", "c.three", "d.four"] {
        assert_problem(app.login_response(name, "wrong-password!").await, 401).await;
    }
    let throttled = app.login_response("sarah.mitchell", "Collector@2026").await;

    assert!(throttled.headers().contains_key("retry-after"));
    assert_problem(throttled, 429).await;
}

#[tokio::test]
async fn a_successful_login_forgives_earlier_failures() {
    let app = spawn_app_with(&[("LOGIN_LOCKOUT_THRESHOLD", "3")]).await;
    app.seed().await;

    for _ in 0..2 {
        app.login_response("sarah.mitchell", "wrong-password!").await;
    }
    app.login("sarah.mitchell", "Collector@2026").await;
    for _ in 0..2 {
        app.login_response("sarah.mitchell", "wrong-password!").await;
    }

    assert_eq!(app.login_response("sarah.mitchell", "Collector@2026").await.status(), 200);
}

#[tokio::test]
async fn login_bodies_are_validated() {
    let app = spawn_app().await;

    let missing = app.client.post(app.url("/api/v1/auth/token")).json(&json!({"username": "x"})).send().await.unwrap();
    let body = assert_problem(missing, 422).await;
    assert!(body["errors"]["password"].is_array(), "{body}");

    let malformed = app
        .client
        .post(app.url("/api/v1/auth/token"))
        .header("content-type", "application/json")
        .body("{\"username\":")
        .send()
        .await
        .unwrap();
    assert_problem(malformed, 400).await;

    let form = app.client.post(app.url("/api/v1/auth/token")).body("username=x&password=y").send().await.unwrap();
    assert_problem(form, 415).await;

    let huge = json!({"username": "x", "password": "y".repeat(2 * 1024 * 1024)});
    let oversized = app.client.post(app.url("/api/v1/auth/token")).json(&huge).send().await.unwrap();
    assert_problem(oversized, 413).await;
}

#[tokio::test]
async fn a_refused_token_leaves_the_pooled_connection_clean() {
    // One connection: a refusal that left it inside an aborted transaction would fail
    // the next request on it.
    let app = spawn_app_with(&[("DATABASE_MAX_CONNECTIONS", "1")]).await;
    app.seed().await;
    let stale = app.token("sarah.mitchell").await;
    let logout = app.send(reqwest::Method::POST, "/api/v1/auth/logout", &stale, None).await;
    assert!(logout.status().is_success());
    let fresh = app.token("sarah.mitchell").await;
    for _ in 0..3 {
        assert_problem(app.get_as(&stale, "/api/v1/auth/me").await, 401).await;
        assert_eq!(app.get_as(&fresh, "/api/v1/auth/me").await.status(), 200);
    }
}

#[tokio::test]
async fn a_password_change_needs_the_current_one_and_ends_the_other_sessions() {
    let app = spawn_app().await;
    app.seed().await;
    let here = app.login("sarah.mitchell", "Collector@2026").await;
    let elsewhere = app.login("sarah.mitchell", "Collector@2026").await;
    let access = here["access"].as_str().unwrap();
    let app = &app;
    let send = |current: &'static str, new: &'static str| {
        let body = json!({ "current_password": current, "new_password": new });
        async move { app.send(Method::POST, "/api/v1/auth/password", access, Some(&body)).await }
    };

    // Each refusal names its field; nothing changes.
    let wrong = assert_problem(send("not my password", "a brand new passphrase").await, 422).await;
    assert!(wrong["errors"]["current_password"].is_array(), "{wrong}");
    let short = assert_problem(send("Collector@2026", "short").await, 422).await;
    assert!(short["errors"]["new_password"][0].as_str().unwrap().contains("12 characters"), "{short}");
    let same = assert_problem(send("Collector@2026", "Collector@2026").await, 422).await;
    assert!(same["errors"]["new_password"].is_array(), "the demo password is short too: {same}");
    assert_eq!(app.login_response("sarah.mitchell", "Collector@2026").await.status(), 200, "unchanged so far");

    let response = send("Collector@2026", "a brand new passphrase").await;
    assert_eq!(response.status(), 204, "{}", response.text().await.unwrap());
    // This session goes on; the other one ended at once, refresh token included.
    assert_eq!(app.get_as(access, "/api/v1/auth/me").await.status(), 200);
    assert_problem(app.get_as(elsewhere["access"].as_str().unwrap(), "/api/v1/auth/me").await, 401).await;
    assert_problem(refresh(app, elsewhere["refresh"].as_str().unwrap()).await, 401).await;
    assert_problem(app.login_response("sarah.mitchell", "Collector@2026").await, 401).await;
    assert_eq!(app.login_response("sarah.mitchell", "a brand new passphrase").await.status(), 200);

    // Audited, without either password.
    let auditor = app.token("demo.compliance").await;
    let trail: Value =
        app.get_as(&auditor, "/api/v1/audit-logs?action=auth.password_changed").await.json().await.unwrap();
    let entry = &trail["items"][0];
    assert_eq!(entry["after"]["sessions_ended"], 2, "the other login and the check's: {entry}");
    assert!(!entry.to_string().contains("passphrase") && !entry.to_string().contains("Collector@2026"));
}
