//! The notification centre over HTTP: the live stream across replicas and its resume,
//! preferences, owner scoping, follow-up reminders.

use crate::accounts::create_account;
use debtflow_tests::{
    assert_problem, spawn_app, spawn_app_at, spawn_app_with, sse::EventStream, ServerProcess, TestApp,
};
use reqwest::Method;
use serde_json::{json, Value};
use std::time::{Duration, Instant};
use uuid::Uuid;

const STREAM: &str = "/api/v1/notifications/stream";

async fn assign(app: &TestApp, manager: &str, account: &str, collector: Uuid) {
    let path = format!("/api/v1/accounts/{account}/assign");
    let response = app.send(Method::POST, &path, manager, Some(&json!({ "collector_id": collector }))).await;
    assert_eq!(response.status(), 200, "assign {account}");
}

/// A fresh account, assigned to `collector` (so they are notified).
async fn assigned_account(app: &TestApp, manager: &str, reference: &str, collector: Uuid) -> String {
    let id = create_account(app, manager, reference).await["id"].as_str().unwrap().to_owned();
    assign(app, manager, &id, collector).await;
    id
}

async fn notifications(app: &TestApp, token: &str, query: &str) -> Value {
    let response = app.get_as(token, &format!("/api/v1/notifications{query}")).await;
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

#[tokio::test]
async fn an_event_written_through_one_replica_reaches_a_stream_on_another_within_a_second() {
    let app = spawn_app().await;
    let demo = app.seed().await;
    let replica_b = app.replica().await;
    let manager = app.token("demo.manager").await;
    let sarah = app.token("sarah.mitchell").await;
    let account = create_account(&app, &manager, "LIVE-0001").await["id"].as_str().unwrap().to_owned();

    let mut stream = EventStream::open(&app.client, &format!("{replica_b}{STREAM}"), &sarah, None).await;
    let ready = stream.next(Duration::from_secs(5)).await.expect("a ready event");
    assert_eq!(ready.event, "ready");

    let written = Instant::now();
    assign(&app, &manager, &account, demo.sarah).await; // through replica A
    let event = stream.next(Duration::from_secs(5)).await.expect("the notification, live");
    let latency = written.elapsed();
    assert_eq!(event.event, "notification");
    assert_eq!(event.data["kind"], "account_assigned");
    assert_eq!(event.data["link"], format!("/accounts/{account}"));
    assert!(latency < Duration::from_secs(1), "reached replica B's stream after {latency:?}");
    // The event id is its place in the delivery order, after the one the stream started at.
    let (start, id): (i64, i64) = (ready.id.unwrap().parse().unwrap(), event.id.unwrap().parse().unwrap());
    assert!(id > start);
    // James, streaming too, got nothing of Sarah's.
    let james = app.token("james.carter").await;
    let mut other = EventStream::open(&app.client, &format!("{replica_b}{STREAM}"), &james, None).await;
    assert_eq!(other.next(Duration::from_secs(5)).await.unwrap().event, "ready");
    assert_eq!(other.next(Duration::from_millis(500)).await, None);
}

#[tokio::test]
async fn a_client_reconnecting_with_last_event_id_misses_nothing() {
    let app = spawn_app().await;
    let demo = app.seed().await;
    let manager = app.token("demo.manager").await;
    let sarah = app.token("sarah.mitchell").await;
    let url = app.url(STREAM);

    let mut stream = EventStream::open(&app.client, &url, &sarah, None).await;
    stream.next(Duration::from_secs(5)).await.expect("ready");
    let first = assigned_account(&app, &manager, "RESUME-0", demo.sarah).await;
    let seen = stream.next(Duration::from_secs(5)).await.expect("the first notification");
    assert_eq!(seen.data["entity_id"], first);
    drop(stream);

    // Written while the client is away, through both replicas.
    let replica = app.replica().await;
    let mut missed = Vec::new();
    for n in 1..=3 {
        missed.push(assigned_account(&app, &manager, &format!("RESUME-{n}"), demo.sarah).await);
    }
    let mut back = EventStream::open(&app.client, &format!("{replica}{STREAM}"), &sarah, seen.id.as_deref()).await;
    let mut received = Vec::new();
    for _ in 0..3 {
        let event = back.next(Duration::from_secs(5)).await.expect("a missed notification");
        assert_eq!(event.event, "notification", "no `ready` when resuming");
        received.push(event);
    }
    let accounts: Vec<_> = received.iter().map(|e| e.data["entity_id"].as_str().unwrap().to_owned()).collect();
    assert_eq!(accounts, missed, "every missed one, in order");
    let ids: Vec<i64> = received.iter().map(|e| e.id.as_deref().unwrap().parse().unwrap()).collect();
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "{ids:?}");
    // Then it is live again, with nothing repeated.
    let live = assigned_account(&app, &manager, "RESUME-4", demo.sarah).await;
    let next = back.next(Duration::from_secs(5)).await.expect("live again");
    assert_eq!(next.data["entity_id"], live);

    // A Last-Event-ID that is not one of ours is a 422 naming it.
    let bad = app.client.get(&url).bearer_auth(&sarah).header("Last-Event-ID", "yesterday").send().await.unwrap();
    let problem = assert_problem(bad, 422).await;
    assert!(problem["errors"].get("Last-Event-ID").is_some(), "{problem}");
}

#[tokio::test]
async fn an_expired_access_token_ends_the_stream_with_an_event_saying_so() {
    let app = spawn_app_with(&[("ACCESS_TOKEN_TTL_SECS", "2")]).await;
    app.seed().await;
    let sarah = app.token("sarah.mitchell").await;
    let mut stream = EventStream::open(&app.client, &app.url(STREAM), &sarah, None).await;
    assert_eq!(stream.next(Duration::from_secs(5)).await.unwrap().event, "ready");
    let expired = stream.next(Duration::from_secs(5)).await.expect("an event at expiry");
    assert_eq!(expired.event, "token_expired");
    assert_eq!(stream.next(Duration::from_secs(2)).await, None, "then the stream ends");
}

#[tokio::test]
async fn preferences_decide_what_shows_in_the_app_and_mandatory_kinds_stay() {
    let app = spawn_app().await;
    let demo = app.seed().await;
    let manager = app.token("demo.manager").await;
    let sarah = app.token("sarah.mitchell").await;
    let path = "/api/v1/notifications/preferences";

    let defaults: Value = app.get_as(&sarah, path).await.json().await.unwrap();
    let of = |all: &Value, kind: &str| all.as_array().unwrap().iter().find(|p| p["kind"] == kind).unwrap().clone();
    assert_eq!(
        of(&defaults, "account_assigned"),
        json!({"kind": "account_assigned", "in_app": true, "email": "off", "mandatory": false, "chosen": false})
    );
    assert_eq!(of(&defaults, "job_failed")["mandatory"], true);

    let off = json!({ "account_assigned": { "in_app": false, "email": "daily_digest" } });
    let after = app.send(Method::PUT, path, &sarah, Some(&off)).await;
    assert_eq!(after.status(), 200);
    let after: Value = after.json().await.unwrap();
    assert_eq!(
        of(&after, "account_assigned"),
        json!({"kind": "account_assigned", "in_app": false, "email": "daily_digest", "mandatory": false, "chosen": true})
    );

    let mut stream = EventStream::open(&app.client, &app.url(STREAM), &sarah, None).await;
    stream.next(Duration::from_secs(5)).await.expect("ready");
    assigned_account(&app, &manager, "PREF-1", demo.sarah).await;
    assert_eq!(stream.next(Duration::from_secs(3)).await, None, "not streamed");
    let list = notifications(&app, &sarah, "").await;
    assert_eq!(list["items"], json!([]), "not listed");
    assert_eq!(list["unread_count"], 0);

    let on = json!({ "account_assigned": { "in_app": true, "email": "off" } });
    assert_eq!(app.send(Method::PUT, path, &sarah, Some(&on)).await.status(), 200);
    let shown = assigned_account(&app, &manager, "PREF-2", demo.sarah).await;
    let event = stream.next(Duration::from_secs(5)).await.expect("streamed again");
    assert_eq!(event.data["entity_id"], shown);
    assert_eq!(notifications(&app, &sarah, "").await["unread_count"], 1, "only the one written while shown");

    // Mandatory kinds stay in the app; the whole change is refused, naming the kind.
    let refused = json!({ "job_failed": { "in_app": false, "email": "off" }, "plan_approved": { "in_app": false, "email": "off" } });
    let problem = assert_problem(app.send(Method::PUT, path, &sarah, Some(&refused)).await, 422).await;
    assert!(problem["errors"].get("job_failed.in_app").is_some(), "{problem}");
    let unchanged: Value = app.get_as(&sarah, path).await.json().await.unwrap();
    assert_eq!(of(&unchanged, "plan_approved")["chosen"], false, "nothing half-written");
    let quiet = json!({ "job_failed": { "in_app": true, "email": "off" } });
    assert_eq!(app.send(Method::PUT, path, &sarah, Some(&quiet)).await.status(), 200, "its mail may change");
    // Unknown kinds and fields are named.
    for bad in [
        json!({ "mystery": { "in_app": true, "email": "off" } }),
        json!({ "plan_approved": { "in_app": true, "email": "hourly" } }),
    ] {
        assert_problem(app.send(Method::PUT, path, &sarah, Some(&bad)).await, 422).await;
    }
}

#[tokio::test]
async fn read_read_all_and_delete_reach_only_the_callers_own() {
    let app = spawn_app().await;
    let demo = app.seed().await;
    let manager = app.token("demo.manager").await;
    let (sarah, james) = (app.token("sarah.mitchell").await, app.token("james.carter").await);
    for n in 0..3 {
        assigned_account(&app, &manager, &format!("MINE-{n}"), demo.sarah).await;
    }
    assigned_account(&app, &manager, "HIS-0", demo.james).await;
    let mine = notifications(&app, &sarah, "").await;
    assert_eq!(mine["unread_count"], 3);
    let ids: Vec<String> =
        mine["items"].as_array().unwrap().iter().map(|n| n["id"].as_str().unwrap().to_owned()).collect();

    // James reaches none of Sarah's: each is 404, and nothing changed.
    let read = |id: &str| format!("/api/v1/notifications/{id}/read");
    assert_problem(app.send(Method::POST, &read(&ids[0]), &james, None).await, 404).await;
    assert_problem(app.send(Method::DELETE, &format!("/api/v1/notifications/{}", ids[0]), &james, None).await, 404)
        .await;
    let marked: Value =
        app.send(Method::POST, "/api/v1/notifications/read-all", &james, None).await.json().await.unwrap();
    assert_eq!(marked, json!({ "marked": 1, "unread_count": 0 }), "his own one only");
    assert_eq!(notifications(&app, &sarah, "?unread=true").await["items"].as_array().unwrap().len(), 3);

    let once = app.send(Method::POST, &read(&ids[0]), &sarah, None).await;
    assert_eq!(once.status(), 200);
    let once: Value = once.json().await.unwrap();
    let again: Value = app.send(Method::POST, &read(&ids[0]), &sarah, None).await.json().await.unwrap();
    assert_eq!(once["read_at"], again["read_at"], "read once");
    let count: Value = app.get_as(&sarah, "/api/v1/notifications/unread-count").await.json().await.unwrap();
    assert_eq!(count, json!({ "unread_count": 2 }));

    let deleted = app.send(Method::DELETE, &format!("/api/v1/notifications/{}", ids[1]), &sarah, None).await;
    assert_eq!(deleted.status(), 204);
    assert_problem(app.send(Method::DELETE, &format!("/api/v1/notifications/{}", ids[1]), &sarah, None).await, 404)
        .await;
    let marked: Value =
        app.send(Method::POST, "/api/v1/notifications/read-all", &sarah, None).await.json().await.unwrap();
    assert_eq!(marked, json!({ "marked": 1, "unread_count": 0 }));
    assert_eq!(notifications(&app, &sarah, "").await["items"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn a_follow_up_reminder_fires_once_at_its_time_and_raises_the_account_until_worked() {
    let start: chrono::DateTime<chrono::Utc> = "2026-12-01T15:00:00Z".parse().unwrap();
    let app = spawn_app_at(start).await;
    let demo = app.seed().await;
    let manager = app.token("demo.manager").await;
    let sarah = app.token("sarah.mitchell").await;
    let account = assigned_account(&app, &manager, "FOLLOW-1", demo.sarah).await;
    assigned_account(&app, &manager, "FOLLOW-2", demo.sarah).await;
    let notes = format!("/api/v1/accounts/{account}/notes");

    for (remind_at, why) in [("2026-12-01T14:00:00Z", "in the past"), ("2028-01-01T00:00:00Z", "over a year ahead")] {
        let body = json!({ "body": "Call back", "remind_at": remind_at });
        let problem = assert_problem(app.send(Method::POST, &notes, &sarah, Some(&body)).await, 422).await;
        assert!(problem["errors"].get("remind_at").is_some(), "{why}: {problem}");
    }
    let body = json!({ "body": "Debtor asked to be called after 5 pm.", "remind_at": "2026-12-01T17:00:00Z" });
    let note = app.send(Method::POST, &notes, &sarah, Some(&body)).await;
    assert_eq!(note.status(), 201);
    let note: Value = note.json().await.unwrap();
    assert_eq!(note["data"]["remind_at"], "2026-12-01T17:00:00Z");

    let due = || async {
        notifications(&app, &sarah, "?unread=true").await["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|n| n["kind"] == "follow_up_due")
            .cloned()
            .collect::<Vec<_>>()
    };
    let worklist = || async {
        let page: Value = app.get_as(&sarah, "/api/v1/accounts?follow_up=due").await.json().await.unwrap();
        page["items"].as_array().unwrap().iter().map(|a| a["id"].as_str().unwrap().to_owned()).collect::<Vec<_>>()
    };
    let fire = |at: &str| {
        let at: chrono::DateTime<chrono::Utc> = at.parse().unwrap();
        app.clock.set(at);
        let db = app.db.clone();
        async move { debtflow_api::services::follow_ups::fire_due(&db, at).await.unwrap() }
    };
    assert_eq!(fire("2026-12-01T16:59:59Z").await, 0, "not before its time");
    assert!(due().await.is_empty());
    assert!(worklist().await.is_empty());
    assert_eq!(fire("2026-12-01T17:00:00Z").await, 1);
    assert_eq!(fire("2026-12-01T17:05:00Z").await, 0, "once");
    let fired = due().await;
    assert_eq!(fired.len(), 1);
    assert_eq!(fired[0]["body"], "Debtor asked to be called after 5 pm.");
    assert_eq!(fired[0]["link"], format!("/accounts/{account}"));
    assert_eq!(worklist().await, vec![account], "due on her worklist, the other account not");
    let bad = assert_problem(app.get_as(&sarah, "/api/v1/accounts?follow_up=soon").await, 422).await;
    assert!(bad["errors"].get("follow_up").is_some());

    // Writing on the account again is the follow-up done.
    let done = app.send(Method::POST, &notes, &sarah, Some(&json!({ "body": "Called: promised Friday." }))).await;
    assert_eq!(done.status(), 201);
    assert!(worklist().await.is_empty());
}

#[tokio::test]
async fn an_upload_reports_its_progress_on_the_uploaders_stream() {
    let app =
        spawn_app_with(&[("IMPORT_STORAGE", &debtflow_tests::import_storage()), ("IMPORT_BATCH_ROWS", "2")]).await;
    app.seed().await;
    let manager = app.token("demo.manager").await;
    let mut stream = EventStream::open(&app.client, &app.url(STREAM), &manager, None).await;
    stream.next(Duration::from_secs(5)).await.expect("ready");

    let csv = "external_ref,creditor,original_balance,delinquency_date,debtor_name\n\
               P-1,Acme Bank,100.00,2026-01-05,Ann Lee\nP-2,Acme Bank,200.00,2026-02-05,Bo Chan\n\
               P-3,Acme Bank,300.00,2026-03-05,Cy Diaz\n";
    let response = crate::imports::upload(&app, &manager, "progress.csv", csv.as_bytes(), &[]).await;
    assert_eq!(response.status(), 202);

    let events = stream.drain(Duration::from_secs(5)).await;
    let progress: Vec<_> = events.iter().filter(|e| e.event == "import_progress").collect();
    assert_eq!(progress.len(), 2, "one per committed batch: {events:?}");
    assert!(progress.iter().all(|e| e.id.is_none()), "progress is not resumed");
    let processed: Vec<i64> = progress.iter().map(|e| e.data["processed"].as_i64().unwrap()).collect();
    assert_eq!(processed.iter().max(), Some(&3));
    let finished: Vec<_> = events.iter().filter(|e| e.event == "notification").collect();
    assert_eq!(finished.len(), 1);
    assert_eq!(finished[0].data["kind"], "import_finished");
}

#[tokio::test]
async fn the_database_s_kinds_and_defaults_are_the_domain_s() {
    use debtflow_domain::notification::{EmailDelivery, NotificationKind, Preference};
    let app = spawn_app().await;
    let rows: Vec<(String, bool, bool, EmailDelivery)> =
        sqlx::query_as("SELECT kind, mandatory, default_in_app, default_email FROM notification_kinds ORDER BY kind")
            .fetch_all(&app.db)
            .await
            .unwrap();
    let mut expected: Vec<_> = NotificationKind::ALL
        .iter()
        .map(|k| {
            let Preference { in_app, email } = k.default_preference();
            (k.as_str().to_owned(), k.is_mandatory(), in_app, email)
        })
        .collect();
    expected.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(rows, expected);
}

#[tokio::test]
async fn a_stopping_server_ends_its_streams_at_once_instead_of_waiting_out_the_shutdown() {
    let app = spawn_app().await;
    app.seed().await;
    let sarah = app.token("sarah.mitchell").await;
    let mut server = ServerProcess::start(&app.database, &[("SHUTDOWN_TIMEOUT_SECS", "30")]).await;
    let url = format!("{}{STREAM}", server.address);
    let mut stream = EventStream::open(&app.client, &url, &sarah, None).await;
    assert_eq!(stream.next(Duration::from_secs(5)).await.unwrap().event, "ready");

    let stopping = Instant::now();
    let status = server.terminate(Duration::from_secs(10)).await.expect("the server stops well within its 30 s");
    assert!(status.success(), "{status}");
    assert_eq!(stream.next(Duration::from_secs(1)).await, None, "the stream ended");
    assert!(stopping.elapsed() < Duration::from_secs(5), "stopped after {:?}", stopping.elapsed());
}

#[tokio::test]
async fn a_stream_ends_soon_after_its_session_does() {
    let app = spawn_app().await;
    app.seed().await;
    let sarah = app.token("sarah.mitchell").await;
    let mut stream = EventStream::open(&app.client, &app.url(STREAM), &sarah, None).await;
    assert_eq!(stream.next(Duration::from_secs(5)).await.unwrap().event, "ready");

    let logout = app.send(Method::POST, "/api/v1/auth/logout", &sarah, None).await;
    assert_eq!(logout.status(), 204);
    // The access is checked with the keep-alive, every 15 s.
    let revoked = stream.next(Duration::from_secs(20)).await.expect("an event saying so");
    assert_eq!(revoked.event, "revoked");
    assert_eq!(stream.next(Duration::from_secs(2)).await, None, "then the stream ends");
    // And it cannot be reopened with that token.
    let again = app.client.get(app.url(STREAM)).bearer_auth(&sarah).send().await.unwrap();
    assert_problem(again, 401).await;
}
