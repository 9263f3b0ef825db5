//! Reads from a streaming replica (`DATABASE_READ_URL`), against a real hot standby of
//! the test cluster (`debtflow_tests::replica`): the worklist and the reports read from
//! it — shown by pausing its replay, which hides a fresh write from them and from them
//! only — while writes, the account detail and the access check stay on the primary;
//! stopped, its reads go to the primary and `/health/ready` says so, still ready;
//! started again, it serves again.

use debtflow_tests::{assert_problem, replica::Replica, spawn_app, spawn_on, TestApp, TestDatabase};
use reqwest::Method;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

/// Places an account through the API (on the primary); its id.
async fn place(app: &TestApp, token: &str, reference: &str) -> String {
    let body = json!({
        "external_ref": reference, "original_balance": "250.00", "creditor": "Acme Bank",
        "delinquency_date": "2025-01-15", "debtor": {"full_name": "Replica Reader"}
    });
    let response = app.send(Method::POST, "/api/v1/accounts", token, Some(&body)).await;
    assert_eq!(response.status(), 201, "{}", response.text().await.unwrap());
    response.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_owned()
}

/// The references the worklist finds for `reference` (an exact-reference search).
async fn worklist(app: &TestApp, token: &str, reference: &str) -> Vec<String> {
    let response = app.get_as(token, &format!("/api/v1/accounts?q={reference}")).await;
    assert_eq!(response.status(), 200, "{}", response.text().await.unwrap());
    let page: Value = response.json().await.unwrap();
    page["items"].as_array().unwrap().iter().map(|a| a["external_ref"].as_str().unwrap().to_owned()).collect()
}

async fn readiness(app: &TestApp) -> Value {
    let response = app.get("/health/ready").await;
    assert_eq!(response.status(), 200, "ready whatever the replica");
    response.json().await.unwrap()
}

/// Every report answers (JSON, and a CSV export) through the read pool.
async fn reports_answer(app: &TestApp, token: &str) {
    for path in [
        "/api/v1/analytics/dashboard",
        "/api/v1/analytics/collectors",
        "/api/v1/analytics/payments/trends",
        "/api/v1/analytics/aging-report",
        "/api/v1/reports/repayment-compliance?by=plan&format=csv",
        "/api/v1/reports/reconciliation",
    ] {
        let response = app.get_as(token, path).await;
        assert_eq!(response.status(), 200, "{path}: {}", response.text().await.unwrap());
        response.bytes().await.expect("the whole body");
    }
}

#[tokio::test]
async fn reports_and_the_worklist_read_from_the_replica_and_fall_back_to_the_primary() {
    let started = Instant::now();
    let mut replica = Replica::start().await;
    let database = TestDatabase::migrated().await;
    let name = database.name.clone();
    let app = spawn_on(database, &[("DATABASE_READ_URL", &replica.url(&name))]).await;
    app.seed().await;
    let manager = app.token("demo.manager").await;
    replica.catch_up().await;
    assert_eq!(readiness(&app).await["read_replica"], "ok");

    // A write on the primary reaches the replica's readers once replayed.
    place(&app, &manager, "RP-0001").await;
    replica.catch_up().await;
    assert_eq!(worklist(&app, &manager, "RP-0001").await, ["RP-0001"]);
    reports_answer(&app, &manager).await;
    let mut standby = replica.connect(&name).await;
    let readers: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'debtflow-read'",
    )
    .fetch_one(&mut standby)
    .await
    .unwrap();
    assert!(readers > 0, "the app's read pool is connected to the replica");

    // With replay paused, a fresh write is on the primary only: the account's detail
    // (the primary) shows it, the worklist (the replica) does not yet.
    sqlx::query("SELECT pg_wal_replay_pause()").execute(&mut standby).await.unwrap();
    let id = place(&app, &manager, "RP-0002").await;
    assert_eq!(app.get_as(&manager, &format!("/api/v1/accounts/{id}")).await.status(), 200, "read your own write");
    assert!(worklist(&app, &manager, "RP-0002").await.is_empty(), "the worklist is the paused replica's");
    // The access check is the primary's: a session opened after the pause works, one
    // closed after it is refused at once, whatever the replica has replayed.
    let fresh = app.token("demo.admin").await;
    assert!(worklist(&app, &fresh, "RP-0002").await.is_empty());
    let leaving = app.token("sarah.mitchell").await;
    assert!(app.send(Method::POST, "/api/v1/auth/logout", &leaving, None).await.status().is_success());
    assert_problem(app.get_as(&leaving, "/api/v1/accounts").await, 401).await;
    sqlx::query("SELECT pg_wal_replay_resume()").execute(&mut standby).await.unwrap();
    drop(standby);
    replica.catch_up().await;
    assert_eq!(worklist(&app, &manager, "RP-0002").await, ["RP-0002"], "replayed, the replica has it");

    // The replica goes down: the same reads go to the primary, and readiness says so.
    replica.stop();
    let id = place(&app, &manager, "RP-0003").await;
    let fallback = Instant::now();
    assert_eq!(worklist(&app, &manager, "RP-0003").await, ["RP-0003"], "read from the primary");
    assert!(fallback.elapsed() < Duration::from_secs(5), "one acquire timeout at most: {:?}", fallback.elapsed());
    reports_answer(&app, &manager).await;
    let count: Value = app.get_as(&manager, "/api/v1/accounts/count?q=RP-0003").await.json().await.unwrap();
    assert_eq!(count["total"], 1);
    assert_eq!(app.get_as(&manager, &format!("/api/v1/accounts/{id}")).await.status(), 200);
    let ready = readiness(&app).await;
    assert_eq!(
        (&ready["status"], &ready["database"], &ready["read_replica"]),
        (&json!("ready"), &json!("ok"), &json!("down"))
    );

    // Back up, it serves again without anyone asking `/health/ready`: the first read
    // after `RETRY_AFTER` (5 s) probes it, the reads after the probe go to it — the
    // paused replica hides a fresh write from them again.
    replica.restart();
    let mut standby = replica.connect(&name).await;
    sqlx::query("SELECT pg_wal_replay_pause()").execute(&mut standby).await.unwrap();
    place(&app, &manager, "RP-0004").await;
    let deadline = Instant::now() + Duration::from_secs(15);
    while !worklist(&app, &manager, "RP-0004").await.is_empty() {
        assert!(Instant::now() < deadline, "the replica was not put back in service");
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    assert_eq!(readiness(&app).await["read_replica"], "ok");
    sqlx::query("SELECT pg_wal_replay_resume()").execute(&mut standby).await.unwrap();
    eprintln!("replica test took {:?}", started.elapsed());
}

#[tokio::test]
async fn without_a_replica_every_read_is_the_primary_s() {
    let app = spawn_app().await;

    let ready = readiness(&app).await;

    assert_eq!((&ready["status"], &ready["database"]), (&json!("ready"), &json!("ok")));
    assert_eq!(ready["read_replica"], "not_configured");
}
