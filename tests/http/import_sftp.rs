//! Imports from an agency's SFTP inbox, end to end against a real OpenSSH `sshd`:
//! configure the source, poll it (now, and on schedule), import, move after commit.

use crate::imports::{counts, import as upload_and_wait};
use debtflow_tests::{assert_problem, spawn_app, sshd::Sshd, TestApp};
use reqwest::Method;
use serde_json::{json, Value};
use std::time::{Duration, SystemTime};

const SAMPLE: &str = include_str!("../fixtures/placements.csv");

/// Drops `bytes` in the inbox as a file last written two minutes ago (settled).
fn drop_settled(sshd: &Sshd, name: &str, bytes: &[u8]) {
    let path = sshd.put(name, bytes);
    let file = std::fs::File::options().write(true).open(path).unwrap();
    file.set_modified(SystemTime::now() - Duration::from_secs(120)).unwrap();
}

fn source(sshd: &Sshd, enabled: bool) -> Value {
    json!({
        "host": "127.0.0.1", "port": sshd.port(), "username": sshd.username(), "private_key": sshd.user_key(),
        "inbox_dir": sshd.inbox(), "processed_dir": sshd.processed(), "poll_minutes": 1, "enabled": enabled,
    })
}

async fn trigger(app: &TestApp, token: &str) -> Value {
    let response = app.send(Method::POST, "/api/v1/imports/trigger", token, None).await;
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

fn names(dir: std::path::PathBuf) -> Vec<String> {
    let mut names: Vec<String> =
        std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    names
}

#[tokio::test]
async fn files_dropped_on_sftp_are_imported_then_moved_and_never_twice() {
    let sshd = Sshd::start().await;
    let app = spawn_app().await;
    app.seed().await;
    let admin = app.token("demo.admin").await;
    let put = app.send(Method::PUT, "/api/v1/imports/sftp", &admin, Some(&source(&sshd, false))).await;
    assert_eq!(put.status(), 200);
    let shown: Value = put.json().await.unwrap();
    assert_eq!((shown["auth"].as_str(), shown.get("private_key")), (Some("private_key"), None), "no secret shown");
    drop_settled(&sshd, "placements.csv", SAMPLE.as_bytes());
    drop_settled(&sshd, "readme.txt", b"not a placement");
    sshd.put("arriving.csv", b"external_ref,creditor\n");

    let report = trigger(&app, &admin).await;

    let files = report["files"].as_array().unwrap();
    assert_eq!(files.len(), 2, "{report}");
    let placed = files.iter().find(|f| f["name"] == "placements.csv").unwrap();
    assert_eq!((placed["outcome"].as_str(), placed["moved_to"].as_str()), (Some("imported"), Some("placements.csv")));
    let arriving = files.iter().find(|f| f["name"] == "arriving.csv").unwrap();
    assert_eq!(arriving["outcome"], "settling", "a file written just now may still be arriving");
    assert_eq!(names(sshd.inbox()), ["arriving.csv", "readme.txt"]);
    assert_eq!(names(sshd.processed()), ["placements.csv"]);
    let import: Value = app
        .get_as(&admin, &format!("/api/v1/imports/{}", placed["import_id"].as_str().unwrap()))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!((import["source"].as_str(), import["status"].as_str()), (Some("sftp"), Some("completed")));
    assert_eq!(counts(&import), [5, 5, 5, 0, 0, 0]);
    let pinned: Value = app.get_as(&admin, "/api/v1/imports/sftp").await.json().await.unwrap();
    let key_of = |line: &str| line.split_whitespace().take(2).collect::<Vec<_>>().join(" ");
    assert_eq!(key_of(pinned["host_key"].as_str().unwrap()), key_of(sshd.host_key()), "trust on first use");
    assert_eq!(pinned["last_error"], Value::Null);

    // The same bytes again (a creditor re-sending, or a poller that died before moving
    // the file): recognised, moved, not imported twice.
    drop_settled(&sshd, "placements-resent.csv", SAMPLE.as_bytes());
    let report = trigger(&app, &admin).await;
    let resent = report["files"].as_array().unwrap().iter().find(|f| f["name"] == "placements-resent.csv").unwrap();
    assert_eq!(
        (resent["outcome"].as_str(), resent["import_id"].as_str()),
        (Some("already_imported"), import["id"].as_str())
    );
    assert_eq!(names(sshd.processed()), ["placements-resent.csv", "placements.csv"]);
    let accounts: i64 = sqlx::query_scalar("SELECT count(*) FROM accounts").fetch_one(&app.db).await.unwrap();
    assert_eq!(accounts, 5);
}

#[tokio::test]
async fn an_uploaded_file_arriving_by_sftp_later_is_only_moved() {
    let sshd = Sshd::start().await;
    let app = spawn_app().await;
    app.seed().await;
    let manager = app.token("demo.manager").await;
    let admin = app.token("demo.admin").await;
    let uploaded = upload_and_wait(&app, &manager, "placements.csv", SAMPLE.as_bytes(), &[]).await;
    assert_eq!(app.send(Method::PUT, "/api/v1/imports/sftp", &admin, Some(&source(&sshd, false))).await.status(), 200);
    drop_settled(&sshd, "placements.csv", SAMPLE.as_bytes());

    let report = trigger(&app, &manager).await;

    assert_eq!(report["files"][0]["outcome"], "already_imported");
    assert_eq!(report["files"][0]["import_id"], uploaded["id"]);
    assert_eq!(names(sshd.processed()), ["placements.csv"]);
}

#[tokio::test]
async fn the_scheduler_polls_an_enabled_source_on_its_own() {
    let sshd = Sshd::start().await;
    let app = spawn_app().await;
    app.seed().await;
    let admin = app.token("demo.admin").await;
    drop_settled(&sshd, "placements.csv", SAMPLE.as_bytes());
    assert_eq!(app.send(Method::PUT, "/api/v1/imports/sftp", &admin, Some(&source(&sshd, true))).await.status(), 200);

    for _ in 0..100 {
        if names(sshd.processed()) == ["placements.csv"] {
            let history: Value = app.get_as(&admin, "/api/v1/imports").await.json().await.unwrap();
            assert_eq!(
                (history["items"][0]["source"].as_str(), history["items"][0]["status"].as_str()),
                (Some("sftp"), Some("completed"))
            );
            return;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("the worker did not poll the inbox: {:?}", names(sshd.inbox()));
}

#[tokio::test]
async fn a_refusing_server_is_a_502_that_says_why_and_is_remembered() {
    let sshd = Sshd::start().await;
    let app = spawn_app().await;
    app.seed().await;
    let admin = app.token("demo.admin").await;
    let mut stranger = source(&sshd, false);
    stranger["private_key"] = json!(sshd.stranger_key().0);
    assert_eq!(app.send(Method::PUT, "/api/v1/imports/sftp", &admin, Some(&stranger)).await.status(), 200);

    let response = app.send(Method::POST, "/api/v1/imports/trigger", &admin, None).await;

    let problem = assert_problem(response, 502).await;
    let detail = problem["detail"].as_str().unwrap();
    assert!(detail.contains("refused") && detail.contains(&format!("127.0.0.1:{}", sshd.port())), "{detail}");
    let shown: Value = app.get_as(&admin, "/api/v1/imports/sftp").await.json().await.unwrap();
    assert_eq!(shown["last_error"], detail);
    assert!(!shown.to_string().contains("PRIVATE KEY"), "{shown}");
}

#[tokio::test]
async fn a_bad_source_is_refused_naming_the_field_and_only_admins_set_it() {
    let app = spawn_app().await;
    app.seed().await;
    let admin = app.token("demo.admin").await;
    let good =
        json!({"host": "sftp.example", "username": "u", "password": "p", "inbox_dir": "in", "processed_dir": "done"});
    let cases = [
        ("password", json!({"private_key": "-----BEGIN OPENSSH PRIVATE KEY-----"})),
        ("poll_minutes", json!({"poll_minutes": 0})),
        ("host", json!({"host": "has space"})),
        ("mapping", json!({"mapping": "nope"})),
        ("inbox_dir", json!({"inbox_dir": " "})),
    ];
    for (field, change) in cases {
        let mut body = good.clone();
        body.as_object_mut().unwrap().extend(change.as_object().unwrap().clone());
        let response = app.send(Method::PUT, "/api/v1/imports/sftp", &admin, Some(&body)).await;
        let problem = assert_problem(response, 422).await;
        assert!(problem["errors"][field].is_array(), "{field}: {problem}");
    }
    let no_secret = json!({"host": "sftp.example", "username": "u", "inbox_dir": "in", "processed_dir": "done"});
    let response = app.send(Method::PUT, "/api/v1/imports/sftp", &admin, Some(&no_secret)).await;
    assert!(assert_problem(response, 422).await["errors"]["password"].is_array());
    let manager = app.token("demo.manager").await;
    assert_problem(app.send(Method::PUT, "/api/v1/imports/sftp", &manager, Some(&good)).await, 403).await;
    assert_problem(app.send(Method::POST, "/api/v1/imports/trigger", &manager, None).await, 404).await;
    assert_eq!(app.send(Method::PUT, "/api/v1/imports/sftp", &admin, Some(&good)).await.status(), 200);
    // Kept without resending the secret.
    assert_eq!(app.send(Method::PUT, "/api/v1/imports/sftp", &admin, Some(&no_secret)).await.status(), 200);
}
