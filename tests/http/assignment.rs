//! Assigning accounts: one or many, account limits, inactive collectors, the
//! lifecycle after assignment, collector visibility and notifications.

use crate::accounts::create_account;
use debtflow_tests::{assert_problem, spawn_app, TestApp};
use reqwest::Method;
use serde_json::{json, Value};

#[tokio::test]
async fn an_assigned_account_is_the_collectors_to_work() {
    let app = spawn_app().await;
    let demo = app.seed().await;
    let manager = app.token("demo.manager").await;
    let account = create_account(&app, &manager, "ACME-0001").await;
    let id = account["id"].as_str().unwrap();

    let assigned = app
        .send(
            Method::POST,
            &format!("/api/v1/accounts/{id}/assign"),
            &manager,
            Some(&json!({"collector_id": demo.sarah})),
        )
        .await;
    assert_eq!(assigned.status(), 200);
    let assigned: Value = assigned.json().await.unwrap();
    assert_eq!(assigned["status"], "assigned");
    assert_eq!(assigned["collector_id"], demo.sarah.to_string());
    assert_eq!(assigned["allowed_transitions"], json!(["in_contact"]));

    // Sarah works it through the lifecycle; James cannot even see it.
    let sarah = app.token("sarah.mitchell").await;
    let james = app.token("james.carter").await;
    assert_problem(app.get_as(&james, &format!("/api/v1/accounts/{id}")).await, 404).await;
    for to in ["in_contact", "negotiating", "disputed", "negotiating"] {
        let response = app
            .send(
                Method::POST,
                &format!("/api/v1/accounts/{id}/transition"),
                &sarah,
                Some(&json!({"to": to.to_uppercase(), "reason": format!("to {to}")})),
            )
            .await;
        assert_eq!(response.status(), 200, "→ {to}");
        assert_eq!(response.json::<Value>().await.unwrap()["status"], to);
    }
    let plan = app
        .send(
            Method::POST,
            &format!("/api/v1/accounts/{id}/transition"),
            &sarah,
            Some(&json!({"to": "payment_plan", "reason": "x"})),
        )
        .await;
    let problem = assert_problem(plan, 409).await;
    assert_eq!(problem["allowed_transitions"], json!(["disputed"]), "a plan is entered only by activating one");

    let timeline: Value = app.get_as(&sarah, &format!("/api/v1/accounts/{id}/timeline")).await.json().await.unwrap();
    let kinds: Vec<&str> = timeline["items"].as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["status_change", "status_change", "status_change", "status_change", "assignment", "created"]);
    let resolved = &timeline["items"][0]["data"];
    assert_eq!((&resolved["from"], &resolved["to"]), (&json!("disputed"), &json!("negotiating")));
    assert_eq!(resolved["dispute_id"], timeline["items"][1]["data"]["dispute_id"], "opened and resolved: one dispute");
    assert_eq!(timeline["items"][2]["data"], json!({"from": "in_contact", "to": "negotiating"}));

    let notifications: Value = app.get_as(&sarah, "/api/v1/notifications?unread=true").await.json().await.unwrap();
    let notification = &notifications["items"][0];
    assert_eq!(notification["kind"], "account_assigned");
    assert_eq!(notification["entity_id"], id);
    let read = app
        .send(
            Method::POST,
            &format!("/api/v1/notifications/{}/read", notification["id"].as_str().unwrap()),
            &sarah,
            None,
        )
        .await;
    assert_eq!(read.status(), 200);
    let unread: Value = app.get_as(&sarah, "/api/v1/notifications?unread=true").await.json().await.unwrap();
    assert_eq!(unread["items"], json!([]));
    let others = app
        .send(
            Method::POST,
            &format!("/api/v1/notifications/{}/read", notification["id"].as_str().unwrap()),
            &james,
            None,
        )
        .await;
    assert_problem(others, 404).await;
}

#[tokio::test]
async fn inactive_unknown_and_full_collectors_are_refused() {
    let app = spawn_app().await;
    let demo = app.seed().await;
    let admin = app.token("demo.admin").await;
    let manager = app.token("demo.manager").await;
    let first = create_account(&app, &manager, "ACME-0001").await;
    let second = create_account(&app, &manager, "ACME-0002").await;
    let assign = |account: &Value, collector: Value| {
        let path = format!("/api/v1/accounts/{}/assign", account["id"].as_str().unwrap());
        let body = json!({ "collector_id": collector });
        let manager = manager.clone();
        let app = &app;
        async move { app.send(Method::POST, &path, &manager, Some(&body)).await }
    };

    let unknown = assign(&first, json!(uuid::Uuid::now_v7())).await;
    assert!(assert_problem(unknown, 422).await["errors"]["collector_id"].is_array());
    let not_a_collector = assign(&first, json!(uuid::Uuid::nil())).await;
    assert_problem(not_a_collector, 422).await;

    app.send(Method::PATCH, &format!("/api/v1/collectors/{}", demo.james), &admin, Some(&json!({"account_limit": 1})))
        .await;
    assert_eq!(assign(&first, json!(demo.james)).await.status(), 200);
    let full = assert_problem(assign(&second, json!(demo.james)).await, 409).await;
    assert!(full["detail"].as_str().unwrap().contains("account limit"), "{full}");

    app.send(Method::PATCH, &format!("/api/v1/collectors/{}", demo.sarah), &admin, Some(&json!({"is_active": false})))
        .await;
    let inactive = assert_problem(assign(&second, json!(demo.sarah)).await, 422).await;
    assert!(inactive["errors"]["collector_id"][0].as_str().unwrap().contains("inactive"));
    let status: String = sqlx::query_scalar("SELECT status::text FROM accounts WHERE external_ref = 'ACME-0002'")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(status, "new", "nothing changed");
}

#[tokio::test]
async fn bulk_assignment_spreads_evenly_and_is_all_or_nothing() {
    let app = spawn_app().await;
    let demo = app.seed().await;
    let manager = app.token("demo.manager").await;
    let mut ids = Vec::new();
    for n in 0..7 {
        ids.push(create_account(&app, &manager, &format!("BULK-{n}")).await["id"].clone());
    }

    let response = app
        .send(
            Method::POST,
            "/api/v1/accounts/assign",
            &manager,
            Some(&json!({"account_ids": ids, "collector_ids": [demo.sarah, demo.james]})),
        )
        .await;

    assert_eq!(response.status(), 200);
    let result: Value = response.json().await.unwrap();
    assert_eq!(result["assignments"].as_array().unwrap().len(), 7);
    let mut counts: Vec<u64> =
        result["shares"].as_array().unwrap().iter().map(|s| s["accounts"].as_u64().unwrap()).collect();
    counts.sort_unstable();
    assert_eq!(counts, [3, 4]);
    let assigned: i64 =
        sqlx::query_scalar("SELECT count(*) FROM accounts WHERE status = 'assigned'").fetch_one(&app.db).await.unwrap();
    assert_eq!(assigned, 7);
    let notified: i64 = sqlx::query_scalar("SELECT count(*) FROM notifications WHERE kind = 'account_assigned'")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(notified, 2, "one notification per collector");

    let extra = create_account(&app, &manager, "BULK-X").await;
    let unknown = app
        .send(
            Method::POST,
            "/api/v1/accounts/assign",
            &manager,
            Some(&json!({"account_ids": [extra["id"], uuid::Uuid::now_v7()], "collector_ids": [demo.sarah]})),
        )
        .await;
    assert!(assert_problem(unknown, 422).await["errors"]["account_ids"].is_array());
    let untouched: Option<uuid::Uuid> =
        sqlx::query_scalar("SELECT collector_id FROM accounts WHERE external_ref = 'BULK-X'")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(untouched, None, "all or nothing");
    let empty = app
        .send(
            Method::POST,
            "/api/v1/accounts/assign",
            &manager,
            Some(&json!({"account_ids": [], "collector_ids": [demo.sarah]})),
        )
        .await;
    assert!(assert_problem(empty, 422).await["errors"]["account_ids"].is_array());
}

#[tokio::test]
async fn a_dispute_is_recorded_and_once_resolved_cannot_change() {
    let app = spawn_app().await;
    let demo = app.seed().await;
    let manager = app.token("demo.manager").await;
    let id = create_account(&app, &manager, "DISPUTE-1").await["id"].as_str().unwrap().to_owned();
    app.send(
        Method::POST,
        &format!("/api/v1/accounts/{id}/assign"),
        &manager,
        Some(&json!({"collector_id": demo.sarah})),
    )
    .await;
    let sarah = app.token("sarah.mitchell").await;
    let move_to = |to: &'static str, reason: &'static str| {
        let (app, sarah, path) = (&app, sarah.clone(), format!("/api/v1/accounts/{id}/transition"));
        async move {
            let response = app.send(Method::POST, &path, &sarah, Some(&json!({"to": to, "reason": reason}))).await;
            assert_eq!(response.status(), 200, "→ {to}");
            response.json::<Value>().await.unwrap()
        }
    };
    move_to("in_contact", "reached by phone").await;
    move_to("negotiating", "wants a plan").await;

    let disputed = move_to("disputed", "debtor says the debt was paid in 2024").await;
    assert_eq!(disputed["dispute"]["reason"], "debtor says the debt was paid in 2024");
    assert_eq!(disputed["dispute"]["opened_by"], demo.sarah.to_string());
    assert_eq!(disputed["allowed_transitions"], json!(["in_contact", "negotiating", "closed"]));
    assert_eq!(disputed["collector"]["full_name"], "Sarah Mitchell");

    let resolved = move_to("closed", "creditor confirmed payment").await;
    assert_eq!(resolved["dispute"], Value::Null);
    let (outcome, resolution): (String, String) =
        sqlx::query_as("SELECT outcome::text, resolution FROM disputes").fetch_one(&app.db).await.unwrap();
    assert_eq!((outcome.as_str(), resolution.as_str()), ("closed", "creditor confirmed payment"));
    for sql in ["UPDATE disputes SET resolution = 'edited'", "DELETE FROM disputes"] {
        let err = sqlx::query(sql).execute(&app.db).await.expect_err(sql);
        assert!(err.to_string().contains("immutable"), "{sql}: {err}");
    }
    let closed = app
        .send(
            Method::POST,
            &format!("/api/v1/accounts/{id}/transition"),
            &sarah,
            Some(&json!({"to": "in_contact", "reason": "x"})),
        )
        .await;
    assert_eq!(assert_problem(closed, 409).await["allowed_transitions"], json!([]));
}

#[tokio::test]
async fn bulk_assignment_by_filter_takes_the_matching_accounts() {
    let app = spawn_app().await;
    let demo = app.seed().await;
    let manager = app.token("demo.manager").await;
    for n in 0..4 {
        create_account(&app, &manager, &format!("F-{n}")).await;
    }
    let first = app
        .send(
            Method::POST,
            "/api/v1/accounts/assign",
            &manager,
            Some(&json!({"filter": {"q": "F-0"}, "collector_ids": [demo.james]})),
        )
        .await;
    assert_eq!(first.status(), 200);

    let rest = app
        .send(
            Method::POST,
            "/api/v1/accounts/assign",
            &manager,
            Some(&json!({"filter": {"status": ["NEW"], "unassigned": true}, "collector_ids": [demo.sarah]})),
        )
        .await;

    assert_eq!(rest.status(), 200);
    let result: Value = rest.json().await.unwrap();
    assert_eq!(result["assignments"].as_array().unwrap().len(), 3);
    let none_left = app
        .send(
            Method::POST,
            "/api/v1/accounts/assign",
            &manager,
            Some(&json!({"filter": {"unassigned": true}, "collector_ids": [demo.sarah]})),
        )
        .await;
    assert!(assert_problem(none_left, 422).await["errors"]["filter"].is_array());
    let bad = app
        .send(
            Method::POST,
            "/api/v1/accounts/assign",
            &manager,
            Some(&json!({"filter": {"bucket": ["100+"]}, "collector_ids": [demo.sarah]})),
        )
        .await;
    assert!(assert_problem(bad, 422).await["errors"]["filter.bucket"].is_array());
    let both = app
        .send(Method::POST, "/api/v1/accounts/assign", &manager, Some(&json!({"collector_ids": [demo.sarah]})))
        .await;
    assert!(assert_problem(both, 422).await["errors"]["account_ids"].is_array());
}

/// Sets `collector`'s account limit (as the agency admin).
async fn set_limit(app: &TestApp, collector: uuid::Uuid, limit: u32) {
    let admin = app.token("demo.admin").await;
    let path = format!("/api/v1/collectors/{collector}");
    let response = app.send(Method::PATCH, &path, &admin, Some(&json!({ "account_limit": limit }))).await;
    assert_eq!(response.status(), 200, "set the account limit of {collector}");
}

/// How many accounts `collector` holds, as the database says.
async fn held_by(app: &TestApp, collector: uuid::Uuid) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM accounts WHERE collector_id = $1")
        .bind(collector)
        .fetch_one(&app.db)
        .await
        .unwrap()
}

/// The answers to `requests` sent all at once, as (status, body).
async fn all_at_once(app: &TestApp, token: &str, requests: Vec<(String, Value)>) -> Vec<(u16, Value)> {
    let sent = requests.into_iter().map(|(path, body)| async move {
        let response = app.send(Method::POST, &path, token, Some(&body)).await;
        let status = response.status().as_u16();
        (status, response.json::<Value>().await.unwrap_or(Value::Null))
    });
    futures_util::future::join_all(sent).await
}

/// Asserts a 409 `collector-at-limit` answer.
fn assert_at_limit((status, body): &(u16, Value)) {
    assert_eq!(*status, 409, "{body}");
    assert_eq!(body["type"], "urn:debtflow:problem:collector-at-limit", "{body}");
}

#[tokio::test]
async fn concurrent_single_assignments_never_overshoot_a_collectors_limit() {
    let app = spawn_app().await;
    let demo = app.seed().await;
    let manager = app.token("demo.manager").await;
    set_limit(&app, demo.james, 2).await;
    let mut requests = Vec::new();
    for n in 0..8 {
        let account = create_account(&app, &manager, &format!("RACE-{n}")).await;
        let path = format!("/api/v1/accounts/{}/assign", account["id"].as_str().unwrap());
        requests.push((path, json!({ "collector_id": demo.james })));
    }

    let answers = all_at_once(&app, &manager, requests).await;

    let (assigned, refused): (Vec<_>, Vec<_>) = answers.iter().partition(|(status, _)| *status == 200);
    let statuses: Vec<u16> = answers.iter().map(|(status, _)| *status).collect();
    assert_eq!(assigned.len(), 2, "room for two: {statuses:?}");
    refused.into_iter().for_each(assert_at_limit);
    assert_eq!(held_by(&app, demo.james).await, 2, "the database agrees");
    let events: i64 = sqlx::query_scalar("SELECT count(*) FROM account_events WHERE kind = 'assignment'")
        .fetch_one(&app.db)
        .await
        .unwrap();
    let new: i64 =
        sqlx::query_scalar("SELECT count(*) FROM accounts WHERE status = 'new'").fetch_one(&app.db).await.unwrap();
    assert_eq!((events, new), (2, 6), "the refused ones left nothing behind");
}

#[tokio::test]
async fn a_bulk_assignment_racing_single_ones_shares_the_same_limit() {
    let app = spawn_app().await;
    let demo = app.seed().await;
    let manager = app.token("demo.manager").await;
    set_limit(&app, demo.james, 2).await;
    let mut ids = Vec::new();
    for n in 0..5 {
        ids.push(create_account(&app, &manager, &format!("MIX-{n}")).await["id"].clone());
    }
    // Two accounts in one bulk request, three single ones, all for a collector with room for two.
    let mut requests = vec![(
        "/api/v1/accounts/assign".to_owned(),
        json!({ "account_ids": [ids[0], ids[1]], "collector_ids": [demo.james] }),
    )];
    for id in &ids[2..] {
        let path = format!("/api/v1/accounts/{}/assign", id.as_str().unwrap());
        requests.push((path, json!({ "collector_id": demo.james })));
    }

    let answers = all_at_once(&app, &manager, requests).await;

    let statuses: Vec<u16> = answers.iter().map(|(status, _)| *status).collect();
    let singles_assigned = answers[1..].iter().filter(|(status, _)| *status == 200).count();
    if answers[0].0 == 200 {
        assert_eq!(singles_assigned, 0, "the bulk filled the collector: {statuses:?}");
    } else {
        assert_at_limit(&answers[0]);
        assert_eq!(singles_assigned, 2, "the singles filled the collector: {statuses:?}");
    }
    answers[1..].iter().filter(|(status, _)| *status != 200).for_each(assert_at_limit);
    assert_eq!(held_by(&app, demo.james).await, 2, "the database agrees");
}

#[tokio::test]
async fn a_closed_account_cannot_be_assigned_and_leaves_its_collector_room() {
    let app = spawn_app().await;
    let demo = app.seed().await;
    let manager = app.token("demo.manager").await;
    set_limit(&app, demo.james, 1).await;
    let closed = create_account(&app, &manager, "CLOSED-1").await["id"].as_str().unwrap().to_owned();
    let next = create_account(&app, &manager, "NEXT-1").await["id"].as_str().unwrap().to_owned();
    let assign_one = |account: &str, collector: uuid::Uuid| {
        let (app, manager, path) = (&app, manager.clone(), format!("/api/v1/accounts/{account}/assign"));
        async move { app.send(Method::POST, &path, &manager, Some(&json!({ "collector_id": collector }))).await }
    };
    assert_eq!(assign_one(&closed, demo.james).await.status(), 200);
    for to in ["in_contact", "negotiating", "disputed", "closed"] {
        let path = format!("/api/v1/accounts/{closed}/transition");
        let response = app.send(Method::POST, &path, &manager, Some(&json!({ "to": to, "reason": to }))).await;
        assert_eq!(response.status(), 200, "→ {to}");
    }

    assert_eq!(assign_one(&next, demo.james).await.status(), 200, "a closed account does not count against the limit");
    let single = assert_problem(assign_one(&closed, demo.sarah).await, 409).await;
    let bulk = app
        .send(
            Method::POST,
            "/api/v1/accounts/assign",
            &manager,
            Some(&json!({ "account_ids": [closed], "collector_ids": [demo.sarah] })),
        )
        .await;
    let bulk = assert_problem(bulk, 409).await;

    for problem in [single, bulk] {
        assert_eq!(problem["type"], "urn:debtflow:problem:wrong-status", "{problem}");
        assert_eq!(problem["current_status"], "closed", "{problem}");
    }
    let holder: Option<uuid::Uuid> =
        sqlx::query_scalar("SELECT collector_id FROM accounts WHERE external_ref = 'CLOSED-1'")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(holder, Some(demo.james), "nothing changed");
}

#[tokio::test]
async fn a_dispute_opens_and_resolves_at_the_clocks_instant() {
    let opened: chrono::DateTime<chrono::Utc> = "2026-11-23T15:00:00Z".parse().unwrap();
    let app = debtflow_tests::spawn_app_at(opened).await;
    let demo = app.seed().await;
    let manager = app.token("demo.manager").await;
    let id = create_account(&app, &manager, "CLOCK-1").await["id"].as_str().unwrap().to_owned();
    let path = format!("/api/v1/accounts/{id}/assign");
    app.send(Method::POST, &path, &manager, Some(&json!({ "collector_id": demo.sarah }))).await;
    let move_to = |to: &'static str, reason: &'static str| {
        let (app, manager, path) = (&app, manager.clone(), format!("/api/v1/accounts/{id}/transition"));
        async move { app.send(Method::POST, &path, &manager, Some(&json!({ "to": to, "reason": reason }))).await }
    };
    for to in ["in_contact", "negotiating", "disputed"] {
        assert_eq!(move_to(to, "worked").await.status(), 200, "→ {to}");
    }
    let blank = assert_problem(move_to("negotiating", "   ").await, 422).await;
    assert!(blank["errors"]["reason"].is_array(), "{blank}");

    app.clock.advance(chrono::Duration::days(3));
    assert_eq!(move_to("negotiating", "the creditor confirmed the debt").await.status(), 200);

    let (opened_at, resolved_at, outcome): (chrono::DateTime<chrono::Utc>, chrono::DateTime<chrono::Utc>, String) =
        sqlx::query_as("SELECT opened_at, resolved_at, outcome::text FROM disputes").fetch_one(&app.db).await.unwrap();
    assert_eq!((opened_at, resolved_at), (opened, opened + chrono::Duration::days(3)));
    assert_eq!(outcome, "negotiating");
}
