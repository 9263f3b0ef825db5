//! Outbound webhooks over HTTP: endpoints registered by agency admins, events written
//! with the change and delivered signed to a local receiver, retries on the schedule
//! (the server's clock frozen and moved), giving up after a day, replays with the same
//! event id, the secret shown once, tenancy, and two `debtflow serve` processes
//! delivering each event once.

use crate::payments::{ok, pay, today, working_account};
use debtflow_tests::{assert_problem, spawn_app_at_with, spawn_app_with, ServerProcess, TestApp, TestDatabase};
use reqwest::Method;
use serde_json::{json, Value};
use std::{
    collections::{HashMap, HashSet, VecDeque},
    sync::{Arc, Mutex},
    time::Duration,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Senders look for due deliveries this often (ms): retries come due within it.
const POLL: (&str, &str) = ("WEBHOOKS_POLL_MS", "100");

/// One request the receiver got.
#[derive(Debug, Clone)]
struct Received {
    /// Header names in lower case.
    headers: HashMap<String, String>,
    body: Vec<u8>,
}

impl Received {
    fn header(&self, name: &str) -> &str {
        self.headers.get(&name.to_ascii_lowercase()).map_or("", String::as_str)
    }

    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).expect("a JSON body")
    }

    /// Checks the signature as a receiver would, with DebtFlow's own verifier (the
    /// scheme of the processor webhook), at `now`.
    fn verify(&self, secret: &str, now: chrono::DateTime<chrono::Utc>) -> Result<(), &'static str> {
        debtflow_api::signature::verify(secret, self.header("DebtFlow-Signature"), &self.body, now.timestamp(), 300)
    }
}

/// A webhook receiver on 127.0.0.1: records every request, answers the queued statuses
/// in order, then the default one.
#[derive(Clone)]
struct Receiver {
    url: String,
    got: Arc<Mutex<Vec<Received>>>,
    answers: Arc<Mutex<(VecDeque<u16>, u16)>>,
    /// How long it takes to answer, in ms.
    slow_ms: Arc<std::sync::atomic::AtomicU64>,
}

impl Receiver {
    async fn start() -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://127.0.0.1:{}/hooks/debtflow", listener.local_addr().unwrap().port());
        let answers = Arc::new(Mutex::new((VecDeque::new(), 200)));
        let receiver = Receiver { url, got: Arc::default(), answers, slow_ms: Arc::default() };
        let shared = receiver.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let receiver = shared.clone();
                tokio::spawn(async move { receiver.serve(stream).await });
            }
        });
        receiver
    }

    /// Answers `statuses` to the next requests, in order, then `default`.
    fn answer(&self, statuses: &[u16], default: u16) {
        *self.answers.lock().unwrap() = (statuses.iter().copied().collect(), default);
    }

    async fn serve(&self, mut stream: tokio::net::TcpStream) {
        let mut buffer = Vec::new();
        let mut chunk = [0u8; 4096];
        let head_end = loop {
            let Ok(n) = stream.read(&mut chunk).await else { return };
            if n == 0 {
                return;
            }
            buffer.extend_from_slice(&chunk[..n]);
            if let Some(at) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
                break at;
            }
        };
        let head = String::from_utf8_lossy(&buffer[..head_end]).to_string();
        let headers: HashMap<String, String> = head
            .lines()
            .skip(1)
            .filter_map(|line| line.split_once(':'))
            .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
            .collect();
        let length: usize = headers.get("content-length").and_then(|v| v.parse().ok()).unwrap_or(0);
        let mut body = buffer[head_end + 4..].to_vec();
        while body.len() < length {
            let Ok(n) = stream.read(&mut chunk).await else { return };
            if n == 0 {
                return;
            }
            body.extend_from_slice(&chunk[..n]);
        }
        let status = {
            let mut answers = self.answers.lock().unwrap();
            let default = answers.1;
            answers.0.pop_front().unwrap_or(default)
        };
        self.got.lock().unwrap().push(Received { headers, body });
        let slow = self.slow_ms.load(std::sync::atomic::Ordering::Relaxed);
        tokio::time::sleep(Duration::from_millis(slow)).await;
        let answer = format!("HTTP/1.1 {status} X\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok");
        let _ = stream.write_all(answer.as_bytes()).await;
        let _ = stream.shutdown().await;
    }

    fn got(&self) -> Vec<Received> {
        self.got.lock().unwrap().clone()
    }

    /// Waits (10 s at most) until `n` requests have arrived; returns them all.
    async fn wait_for(&self, n: usize) -> Vec<Received> {
        for _ in 0..200 {
            if self.got.lock().unwrap().len() >= n {
                return self.got();
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("expected {n} webhook requests, got {:?}", self.got().iter().map(Received::json).collect::<Vec<_>>());
    }
}

/// Registers an endpoint as `admin`; its id and secret.
async fn register(app: &TestApp, admin: &str, url: &str, types: &[&str]) -> (String, String) {
    let body = json!({"url": url, "event_types": types, "description": "Test receiver"});
    let created = ok(app.send(Method::POST, "/api/v1/webhooks", admin, Some(&body)).await, 201, "register").await;
    (created["id"].as_str().unwrap().to_owned(), created["secret"].as_str().unwrap().to_owned())
}

/// The endpoint's deliveries (newest first).
async fn deliveries(app: &TestApp, admin: &str, webhook: &str, query: &str) -> Vec<Value> {
    let path = format!("/api/v1/webhooks/{webhook}/deliveries{query}");
    let page = ok(app.get_as(admin, &path).await, 200, "deliveries").await;
    page["items"].as_array().unwrap().clone()
}

async fn scalar(app: &TestApp, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(&app.db).await.unwrap()
}

/// Waits until the senders recorded `n` attempts (an outcome is written after the
/// receiver answered: the clock must not move before).
async fn wait_attempts(app: &TestApp, n: i64) {
    for _ in 0..200 {
        if scalar(app, "SELECT count(*) FROM webhook_attempts").await >= n {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("expected {n} recorded attempts");
}

#[tokio::test]
async fn webhook_events_arrive_signed_with_their_ids_after_a_payment_and_a_status_change() {
    let app = spawn_app_with(&[POLL]).await;
    let demo = app.seed().await;
    let receiver = Receiver::start().await;
    let admin = app.token("demo.admin").await;
    let types = ["payment.completed", "account.status_changed", "account.assigned"];
    let (webhook, secret) = register(&app, &admin, &receiver.url, &types).await;
    let manager = app.token("demo.manager").await;

    // Assigned (NEW → ASSIGNED), moved by hand, paid.
    let account = working_account(&app, &manager, "HOOK-1").await;
    let sarah = app.token("sarah.mitchell").await;
    let moved = app
        .send(
            Method::POST,
            &format!("/api/v1/accounts/{account}/transition"),
            &sarah,
            Some(&json!({"to": "in_contact", "reason": "Spoke to the debtor"})),
        )
        .await;
    assert_eq!(moved.status(), 200);
    let payment = json!({"account_id": account, "amount": "100.00", "method": "cash", "paid_on": today(&app).await});
    let payment = ok(pay(&app, &sarah, "hook-pay-1", &payment).await, 201, "payment").await;

    let got = receiver.wait_for(4).await;
    let now = app.clock.now();
    let mut by_type: HashMap<String, Vec<Value>> = HashMap::new();
    for request in &got {
        assert_eq!(request.verify(&secret, now), Ok(()), "signed with the endpoint's secret");
        assert!(request.verify("whsec_another", now).is_err());
        assert!(request.header("DebtFlow-Signature").starts_with("t="));
        assert_eq!(request.header("Content-Type"), "application/json");
        let event = request.json();
        assert_eq!(request.header("DebtFlow-Event-Id"), event["id"].as_str().unwrap(), "the header names the event");
        assert_eq!(request.header("DebtFlow-Event-Type"), event["type"].as_str().unwrap());
        assert_eq!(event["agency_id"], demo.agency.to_string());
        assert!(event["created_at"].is_string());
        // The SSN's last four as a value, not a substring: ids and times hold any digits.
        let body = String::from_utf8_lossy(&request.body);
        assert!(!body.contains(r#""1234""#) && !body.contains("ssn"), "no SSN in an event: {event}");
        by_type.entry(event["type"].as_str().unwrap().to_owned()).or_default().push(event);
    }
    let assigned = &by_type["account.assigned"][0]["data"];
    assert_eq!(
        (assigned["account_id"].as_str(), assigned["collector_id"].as_str(), &assigned["previous_collector_id"]),
        (Some(account.as_str()), Some(demo.sarah.to_string().as_str()), &Value::Null)
    );
    // Delivered concurrently, so in any order: the event ids (UUID v7) tell which came first.
    let mut moves: Vec<(String, &str, &str, &str)> = by_type["account.status_changed"]
        .iter()
        .map(|e| {
            let data = &e["data"];
            let id = e["id"].as_str().unwrap().to_owned();
            (id, data["from"].as_str().unwrap(), data["to"].as_str().unwrap(), data["reason"].as_str().unwrap())
        })
        .collect();
    moves.sort();
    let moves: Vec<_> = moves.into_iter().map(|(_, from, to, reason)| (from, to, reason)).collect();
    assert_eq!(
        moves,
        [("new", "assigned", "assigned to a collector"), ("assigned", "in_contact", "Spoke to the debtor")]
    );
    let paid = &by_type["payment.completed"][0]["data"]["payment"];
    assert_eq!(paid["id"], payment["id"]);
    assert_eq!((paid["amount"].as_str(), paid["status"].as_str()), (Some("100.00"), Some("completed")));
    assert_eq!(paid["account_ref"], "HOOK-1");

    // The log has each delivery, succeeded at its first attempt, with the event as sent.
    let log = deliveries(&app, &admin, &webhook, "").await;
    assert_eq!(log.len(), 4);
    for delivery in &log {
        assert_eq!(delivery["status"], "succeeded", "{delivery}");
        assert_eq!(delivery["attempt_count"], 1);
        assert_eq!(delivery["attempts"][0]["status_code"], 200);
        assert!(got.iter().any(|r| r.header("DebtFlow-Event-Id") == delivery["event_id"].as_str().unwrap()));
    }
    let first_page = deliveries(&app, &admin, &webhook, "?limit=3&status=succeeded").await;
    assert_eq!(first_page.len(), 3);
    assert!(deliveries(&app, &admin, &webhook, "?status=failed").await.is_empty());
}

#[tokio::test]
async fn a_webhook_receiver_that_fails_twice_gets_the_event_once_more_and_three_attempts_are_recorded() {
    let app = spawn_app_at_with(chrono::Utc::now(), &[POLL]).await;
    app.seed().await;
    let receiver = Receiver::start().await;
    receiver.answer(&[500, 503], 200);
    let admin = app.token("demo.admin").await;
    let (webhook, secret) = register(&app, &admin, &receiver.url, &["payment.completed"]).await;
    let manager = app.token("demo.manager").await;
    let account = working_account(&app, &manager, "HOOK-RETRY").await;
    let signed_at = app.clock.now();
    let payment = json!({"account_id": account, "amount": "10.00", "method": "cash", "paid_on": today(&app).await});
    ok(pay(&app, &manager, "hook-retry", &payment).await, 201, "payment").await;

    // The first attempt fails at once; the next is due 30 s later, the third 60 s after it.
    let first = receiver.wait_for(1).await;
    assert_eq!(first[0].verify(&secret, signed_at), Ok(()));
    wait_attempts(&app, 1).await;
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(receiver.got().len(), 1, "nothing before the retry is due");
    app.clock.advance(chrono::Duration::seconds(31));
    receiver.wait_for(2).await;
    wait_attempts(&app, 2).await;
    app.clock.advance(chrono::Duration::seconds(31));
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(receiver.got().len(), 2, "the second retry waits a minute");
    app.clock.advance(chrono::Duration::seconds(30));
    let got = receiver.wait_for(3).await;
    wait_attempts(&app, 3).await;

    // Delivered once more, then never again.
    app.clock.advance(chrono::Duration::hours(2));
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(receiver.got().len(), 3, "a delivered event is not sent again");
    let ids: HashSet<&str> = got.iter().map(|r| r.header("DebtFlow-Event-Id")).collect();
    assert_eq!(ids.len(), 1, "every attempt carries the same event id");
    let log = deliveries(&app, &admin, &webhook, "").await;
    let delivery = &log[0];
    assert_eq!((delivery["status"].as_str(), delivery["attempt_count"].as_i64()), (Some("succeeded"), Some(3)));
    let codes: Vec<i64> =
        delivery["attempts"].as_array().unwrap().iter().map(|a| a["status_code"].as_i64().unwrap()).collect();
    assert_eq!(codes, [500, 503, 200]);
    assert_eq!(delivery["attempts"][0]["error"], "the receiver answered 500");
    assert_eq!(delivery["attempts"][2]["error"], Value::Null);
    assert_eq!(delivery["next_attempt_at"], Value::Null);
    assert!(delivery["delivered_at"].is_string());
}

#[tokio::test]
async fn a_webhook_failing_for_a_day_is_given_up_and_a_replay_sends_the_same_event_again() {
    let app = spawn_app_at_with(chrono::Utc::now(), &[POLL]).await;
    app.seed().await;
    let receiver = Receiver::start().await;
    receiver.answer(&[], 503);
    let admin = app.token("demo.admin").await;
    let (webhook, secret) = register(&app, &admin, &receiver.url, &["account.assigned"]).await;
    let manager = app.token("demo.manager").await;
    working_account(&app, &manager, "HOOK-DAY").await;
    receiver.wait_for(1).await;
    wait_attempts(&app, 1).await;

    // A day later the next attempt fails too, and would come after the day: given up.
    app.clock.advance(chrono::Duration::hours(24));
    receiver.wait_for(2).await;
    wait_attempts(&app, 2).await;
    let admin = app.token("demo.admin").await;
    let failed = deliveries(&app, &admin, &webhook, "?status=failed").await;
    assert_eq!(failed.len(), 1, "given up after the day");
    assert_eq!(failed[0]["last_status_code"], 503);
    assert_eq!(failed[0]["next_attempt_at"], Value::Null);
    app.clock.advance(chrono::Duration::hours(2));
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(receiver.got().len(), 2, "a failed delivery is not retried");

    // The receiver is fixed: a replay sends the very same event.
    receiver.answer(&[], 200);
    let delivery = failed[0]["id"].as_str().unwrap();
    let path = format!("/api/v1/webhooks/deliveries/{delivery}/replay");
    let replayed = ok(app.send(Method::POST, &path, &admin, None).await, 202, "replay").await;
    assert_eq!(replayed["status"], "pending");
    let got = receiver.wait_for(3).await;
    assert_eq!(got[2].header("DebtFlow-Event-Id"), got[0].header("DebtFlow-Event-Id"), "the same event id");
    assert_eq!(got[2].body, got[0].body, "the same event");
    assert_eq!(got[2].verify(&secret, app.clock.now()), Ok(()));
    wait_attempts(&app, 3).await;
    let log = deliveries(&app, &admin, &webhook, "").await;
    assert_eq!((log[0]["status"].as_str(), log[0]["attempt_count"].as_i64()), (Some("succeeded"), Some(3)));
    let audited = scalar(
        &app,
        &format!(
            "SELECT count(*) FROM audit_logs WHERE action = 'webhook_delivery.replay' AND entity_id = '{delivery}'"
        ),
    )
    .await;
    assert_eq!(audited, 1);
}

#[tokio::test]
async fn only_agency_admins_manage_webhooks_and_another_agency_finds_none_of_them() {
    let app = spawn_app_with(&[POLL]).await;
    app.seed().await;
    let receiver = Receiver::start().await;
    let admin = app.token("demo.admin").await;
    let (webhook, _) = register(&app, &admin, &receiver.url, &["account.assigned"]).await;
    let manager = app.token("demo.manager").await;
    working_account(&app, &manager, "HOOK-TENANT").await;
    receiver.wait_for(1).await;
    let delivery = deliveries(&app, &admin, &webhook, "").await[0]["id"].as_str().unwrap().to_owned();

    for user in ["demo.manager", "sarah.mitchell", "demo.compliance", "demo.auditor"] {
        let token = app.token(user).await;
        assert_problem(app.get_as(&token, "/api/v1/webhooks").await, 403).await;
        let body = json!({"url": receiver.url, "event_types": ["payment.completed"]});
        assert_problem(app.send(Method::POST, "/api/v1/webhooks", &token, Some(&body)).await, 403).await;
    }

    let northwind = app.token("nw.admin").await;
    let listed = ok(app.get_as(&northwind, "/api/v1/webhooks").await, 200, "list").await;
    assert_eq!(listed, json!([]), "another agency's endpoints are not listed");
    for path in [format!("/api/v1/webhooks/{webhook}"), format!("/api/v1/webhooks/{webhook}/deliveries")] {
        assert_problem(app.get_as(&northwind, &path).await, 404).await;
    }
    let patch = json!({"active": false});
    let changed = app.send(Method::PATCH, &format!("/api/v1/webhooks/{webhook}"), &northwind, Some(&patch)).await;
    assert_problem(changed, 404).await;
    assert_problem(app.send(Method::DELETE, &format!("/api/v1/webhooks/{webhook}"), &northwind, None).await, 404).await;
    let replay = format!("/api/v1/webhooks/deliveries/{delivery}/replay");
    assert_problem(app.send(Method::POST, &replay, &northwind, None).await, 404).await;

    // Northwind's own endpoint gets Northwind's events only.
    let (_, _) = register(&app, &northwind, &receiver.url, &["payment.completed"]).await;
    assert_eq!(ok(app.get_as(&admin, "/api/v1/webhooks").await, 200, "list").await.as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn a_webhook_secret_is_shown_once_and_is_never_in_a_read_nor_in_the_audit_trail() {
    let app = spawn_app_with(&[POLL]).await;
    app.seed().await;
    let receiver = Receiver::start().await;
    let admin = app.token("demo.admin").await;
    let (webhook, secret) = register(&app, &admin, &receiver.url, &["account.assigned"]).await;
    assert!(secret.starts_with("whsec_") && secret.len() == 70, "{secret}");

    let one = ok(app.get_as(&admin, &format!("/api/v1/webhooks/{webhook}")).await, 200, "get").await;
    assert!(one.get("secret").is_none(), "{one}");
    assert_eq!(one["event_types"], json!(["account.assigned"]));
    let all = ok(app.get_as(&admin, "/api/v1/webhooks").await, 200, "list").await;
    assert!(!all.to_string().contains("whsec_"), "{all}");
    let stored: Vec<u8> =
        sqlx::query_scalar("SELECT secret_enc FROM webhook_endpoints").fetch_one(&app.db).await.unwrap();
    assert!(!stored.windows(6).any(|w| w == b"whsec_"), "encrypted at rest");

    // Rotation: the new secret once; for a day both sign.
    let path = format!("/api/v1/webhooks/{webhook}");
    let body = json!({"rotate_secret": true, "event_types": ["account.assigned", "account.status_changed"]});
    let rotated = app.send(Method::PATCH, &path, &admin, Some(&body)).await;
    assert_eq!(rotated.headers()["cache-control"], "no-store");
    let rotated = ok(rotated, 200, "rotate").await;
    let new_secret = rotated["secret"].as_str().unwrap().to_owned();
    assert_ne!(new_secret, secret);
    assert!(rotated["previous_secret_expires_at"].is_string());
    let manager = app.token("demo.manager").await;
    working_account(&app, &manager, "HOOK-ROTATE").await;
    let got = receiver.wait_for(2).await;
    for request in &got {
        assert_eq!(request.verify(&new_secret, app.clock.now()), Ok(()));
        assert_eq!(request.verify(&secret, app.clock.now()), Ok(()), "the former secret still signs");
    }

    // Deactivated, it receives nothing; removed, it is gone.
    let off = ok(app.send(Method::PATCH, &path, &admin, Some(&json!({"active": false}))).await, 200, "off").await;
    assert_eq!(off["active"], false);
    assert!(off.get("secret").is_none());
    working_account(&app, &manager, "HOOK-OFF").await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(receiver.got().len(), 2);
    assert_eq!(app.send(Method::DELETE, &path, &admin, None).await.status(), 204);
    assert_problem(app.get_as(&admin, &path).await, 404).await;

    let trail: Vec<(String, Option<Value>, Option<Value>)> = sqlx::query_as(
        "SELECT action, before, after FROM audit_logs WHERE entity_type = 'webhook' ORDER BY occurred_at, id",
    )
    .fetch_all(&app.db)
    .await
    .unwrap();
    let actions: Vec<&str> = trail.iter().map(|(a, _, _)| a.as_str()).collect();
    assert_eq!(actions, ["webhook.create", "webhook.update", "webhook.update", "webhook.delete"]);
    let text = format!("{trail:?}");
    assert!(!text.contains(&secret) && !text.contains(&new_secret) && !text.contains("whsec_"), "{text}");
    assert_eq!(trail[1].2.as_ref().unwrap()["secret_rotated"], true);
}

#[tokio::test]
async fn bad_webhook_endpoints_are_refused_naming_the_field() {
    let app = spawn_app_with(&[("WEBHOOKS_ALLOW_HTTP", "false")]).await;
    app.seed().await;
    let admin = app.token("demo.admin").await;
    let cases = [
        (json!({"url": "ftp://hooks.example.com", "event_types": ["payment.completed"]}), "url"),
        (json!({"url": "http://hooks.example.com/in", "event_types": ["payment.completed"]}), "url"),
        (json!({"url": "https://127.0.0.1/in", "event_types": ["payment.completed"]}), "url"),
        (json!({"url": "https://user:pw@hooks.example.com", "event_types": ["payment.completed"]}), "url"),
        (json!({"url": "https://hooks.example.com", "event_types": []}), "event_types"),
        (json!({"url": "https://hooks.example.com", "event_types": ["plan.approved", "plan.approved"]}), "event_types"),
        (json!({"url": "https://hooks.example.com", "event_types": ["payment.failed"]}), "event_types"),
        (json!({"url": "https://hooks.example.com"}), "event_types"),
        (
            json!({"url": "https://hooks.example.com", "event_types": ["plan.approved"], "description": "x".repeat(201)}),
            "description",
        ),
    ];
    for (body, field) in cases {
        let problem = assert_problem(app.send(Method::POST, "/api/v1/webhooks", &admin, Some(&body)).await, 422).await;
        let named = problem["errors"].as_object().unwrap().keys().any(|k| k.starts_with(field));
        assert!(named, "{body} names {field}: {problem}");
    }
    // The secret is DebtFlow's to make.
    let chosen = json!({"url": "https://hooks.example.com", "event_types": ["plan.approved"], "secret": "whsec_mine"});
    assert_problem(app.send(Method::POST, "/api/v1/webhooks", &admin, Some(&chosen)).await, 422).await;
    assert_eq!(scalar(&app, "SELECT count(*) FROM webhook_endpoints").await, 0);

    let fine = json!({"url": "https://hooks.example.com/in", "event_types": ["plan.approved"]});
    let created = ok(app.send(Method::POST, "/api/v1/webhooks", &admin, Some(&fine)).await, 201, "https").await;
    let path = format!("/api/v1/webhooks/{}", created["id"].as_str().unwrap());
    let bad = app.send(Method::PATCH, &path, &admin, Some(&json!({"url": "http://hooks.example.com"}))).await;
    assert!(assert_problem(bad, 422).await["errors"]["url"].is_array());
}

#[tokio::test]
async fn an_agency_without_webhook_endpoints_writes_no_events() {
    let app = spawn_app_with(&[POLL]).await;
    app.seed().await;
    let receiver = Receiver::start().await;
    let nw_admin = app.token("nw.admin").await;
    // Another agency's endpoint does not make the demo agency's events written.
    register(&app, &nw_admin, &receiver.url, &["payment.completed", "account.assigned"]).await;
    let manager = app.token("demo.manager").await;
    let account = working_account(&app, &manager, "HOOK-NONE").await;
    let payment = json!({"account_id": account, "amount": "5.00", "method": "cash", "paid_on": today(&app).await});
    ok(pay(&app, &manager, "hook-none", &payment).await, 201, "payment").await;
    assert_eq!(scalar(&app, "SELECT count(*) FROM webhook_events").await, 0);
    assert_eq!(scalar(&app, "SELECT count(*) FROM webhook_deliveries").await, 0);
}

/// Logs in on a server process.
async fn token_on(address: &str, username: &str) -> String {
    let password = debtflow_tests::demo_password(username);
    let answer: Value = reqwest::Client::new()
        .post(format!("{address}/api/v1/auth/token"))
        .json(&json!({"username": username, "password": password}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    answer["access"].as_str().expect("a token").to_owned()
}

#[tokio::test]
async fn two_serve_processes_deliver_each_webhook_event_exactly_once() {
    const EVENTS: usize = 30;
    let database = TestDatabase::migrated().await;
    let db = database.pool();
    debtflow_api::seed::seed_demo(&db).await.unwrap();
    let receiver = Receiver::start().await;
    // Slow enough that both processes have requests in flight at once.
    receiver.slow_ms.store(150, std::sync::atomic::Ordering::Relaxed);
    let settings = [("WEBHOOKS_ALLOW_HTTP", "true"), ("WEBHOOKS_POLL_MS", "50")];
    let servers = [ServerProcess::start(&database, &settings).await, ServerProcess::start(&database, &settings).await];
    let client = reqwest::Client::new();
    let admin = token_on(&servers[0].address, "demo.admin").await;
    let body = json!({"url": receiver.url, "event_types": ["payment.completed"]});
    let created = client.post(format!("{}/api/v1/webhooks", servers[0].address)).bearer_auth(&admin).json(&body);
    assert_eq!(created.send().await.unwrap().status(), 201);

    // An account of 1250.50 for sarah.mitchell, then payments through both processes,
    // each woken by every commit.
    let manager = token_on(&servers[1].address, "demo.manager").await;
    let account: Value = client
        .post(format!("{}/api/v1/accounts", servers[1].address))
        .bearer_auth(&manager)
        .json(&crate::accounts::new_account("TWO-SERVERS"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let account = account["id"].as_str().expect("an account").to_owned();
    let sarah: uuid::Uuid =
        sqlx::query_scalar("SELECT id FROM users WHERE username = 'sarah.mitchell'").fetch_one(&db).await.unwrap();
    let assign = client
        .post(format!("{}/api/v1/accounts/{account}/assign", servers[0].address))
        .bearer_auth(&manager)
        .json(&json!({"collector_id": sarah}));
    assert_eq!(assign.send().await.unwrap().status(), 200);
    let paid_on: chrono::NaiveDate =
        sqlx::query_scalar("SELECT (now() AT TIME ZONE 'America/New_York')::date").fetch_one(&db).await.unwrap();
    let payments = (0..EVENTS).map(|i| {
        let request = client
            .post(format!("{}/api/v1/payments", servers[i % 2].address))
            .bearer_auth(&manager)
            .header("Idempotency-Key", format!("two-servers-{i}"))
            .json(&json!({"account_id": account, "amount": "1.00", "method": "cash", "paid_on": paid_on}));
        async move { request.send().await.unwrap().status().as_u16() }
    });
    let statuses = futures_util::future::join_all(payments).await;
    assert!(statuses.iter().all(|s| *s == 201), "{statuses:?}");

    receiver.wait_for(EVENTS).await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let got = receiver.got();
    let ids: HashSet<String> = got.iter().map(|r| r.header("DebtFlow-Event-Id").to_owned()).collect();
    assert_eq!((got.len(), ids.len()), (EVENTS, EVENTS), "each event once, none twice");
    let (succeeded, attempts): (i64, i64) = sqlx::query_as(
        "SELECT count(*) FILTER (WHERE status = 'succeeded'), coalesce(sum(attempts), 0) FROM webhook_deliveries",
    )
    .fetch_one(&db)
    .await
    .unwrap();
    assert_eq!((succeeded, attempts), (EVENTS as i64, EVENTS as i64));
}

#[tokio::test]
async fn card_payments_refunds_plans_and_imports_send_their_webhook_events() {
    let app = spawn_app_with(&[POLL]).await;
    app.seed().await;
    let receiver = Receiver::start().await;
    let admin = app.token("demo.admin").await;
    let types = ["payment.completed", "payment.refunded", "plan.approved", "plan.defaulted", "import.finished"];
    let (webhook, secret) = register(&app, &admin, &receiver.url, &types).await;
    let manager = app.token("demo.manager").await;

    // A card payment the processor confirms, then refunds in part: as the processor's
    // own webhook says, in its platform-wide transaction.
    let account = working_account(&app, &manager, "HOOK-CARD").await;
    let card = json!({"account_id": account, "amount": "40.00", "method": "card", "paid_on": today(&app).await,
                      "reference": "pi_hooks"});
    let card = ok(pay(&app, &manager, "hook-card", &card).await, 201, "card").await;
    let dev_secret = debtflow_api::config::DEV_WEBHOOK_SECRET;
    let now = chrono::Utc::now().timestamp();
    let succeeded = json!({"id": "evt_h1", "type": "payment_intent.succeeded", "data": {"object": {"id": "pi_hooks"}}});
    ok(crate::payments::webhook(&app, &succeeded, dev_secret, now).await, 200, "succeeded").await;
    let refunded = json!({"id": "evt_h2", "type": "charge.refunded",
                          "data": {"object": {"id": "ch_h", "payment_intent": "pi_hooks", "amount_refunded": 1500}}});
    ok(crate::payments::webhook(&app, &refunded, dev_secret, now).await, 200, "refunded").await;

    // A plan approved, then defaulted by the daily job ten days after its first due date.
    let account = crate::plans::negotiating_account(&app, &manager, "HOOK-PLAN").await;
    let due = today(&app).await;
    let terms = json!({"total": "600.00", "installments": 2, "frequency": "monthly", "first_due_date": due,
                       "grace_days": 5, "default_threshold_days": 10});
    let plans = format!("/api/v1/accounts/{account}/plans");
    let plan = ok(crate::payments::post(&app, &manager, &plans, "hp-1", &terms).await, 201, "propose").await;
    let id = plan["id"].as_str().unwrap();
    for step in ["submit", "approve"] {
        let path = format!("/api/v1/plans/{id}/{step}");
        ok(crate::payments::post(&app, &manager, &path, &format!("h-{step}"), &json!({})).await, 200, step).await;
    }
    assert_eq!(debtflow_api::jobs::plan_defaults::run(&app.db, due + chrono::Days::new(10)).await.unwrap(), 1);

    // A placement file.
    let csv = "external_ref,creditor,original_balance,delinquency_date,debtor_name\nHOOK-IMP-1,Acme,100.00,2026-01-15,Ann Lee\n";
    crate::imports::import(&app, &admin, "hooks.csv", csv.as_bytes(), &[]).await;

    let got = receiver.wait_for(5).await;
    let events: HashMap<String, Value> =
        got.iter().map(|r| (r.header("DebtFlow-Event-Type").to_owned(), r.json())).collect();
    assert_eq!(events.len(), 5, "one of each: {:?}", events.keys().collect::<Vec<_>>());
    for request in &got {
        assert_eq!(request.verify(&secret, app.clock.now()), Ok(()));
    }
    let completed = &events["payment.completed"]["data"]["payment"];
    assert_eq!((completed["id"].as_str(), completed["status"].as_str()), (card["id"].as_str(), Some("completed")));
    let refund = &events["payment.refunded"]["data"];
    assert_eq!(refund["refund"]["amount"], "15.00");
    assert_eq!(
        (refund["payment"]["refunded_amount"].as_str(), refund["payment"]["status"].as_str()),
        (Some("15.00"), Some("partially_refunded"))
    );
    let approved = &events["plan.approved"]["data"]["plan"];
    assert_eq!((approved["id"].as_str(), approved["status"].as_str()), (Some(id), Some("active")));
    assert_eq!(approved["total"], "600.00");
    let defaulted = &events["plan.defaulted"]["data"]["plan"];
    assert_eq!((defaulted["id"].as_str(), defaulted["status"].as_str()), (Some(id), Some("defaulted")));
    assert!(defaulted["end_reason"].as_str().unwrap().contains("unpaid"), "{defaulted}");
    let import = &events["import.finished"]["data"]["import"];
    assert_eq!((import["status"].as_str(), import["created"].as_i64()), (Some("completed"), Some(1)));
    assert_eq!(import["file_name"], "hooks.csv");
    assert_eq!(deliveries(&app, &admin, &webhook, "?status=succeeded").await.len(), 5);
}
