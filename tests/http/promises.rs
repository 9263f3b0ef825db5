//! Promises to pay over HTTP: a series checked item by item, decided once by the daily
//! evaluation — kept when paid within the grace days, broken after, which raises the
//! account and tells its collector — and counted in the collectors' promise-kept rate.
//! Also the debtor's time zone: derived from a US address, set by hand, checked.

use crate::{
    accounts::create_account,
    jobs::ctx,
    payments::{ok, pay},
};
use chrono::{DateTime, Utc};
use debtflow_api::jobs::{self, Job, JobContext, RunRequest, Tally};
use debtflow_tests::{assert_problem, spawn_app_at, TestApp};
use reqwest::Method;
use serde_json::json;

fn at(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

/// Runs the evaluation for the demo agency on the app's clock (forced); its tally.
async fn evaluate(app: &TestApp, agency: uuid::Uuid) -> Tally {
    let ctx = JobContext { clock: app.clock.clone(), ..ctx() };
    let request = RunRequest { agency_id: Some(agency), as_of: None, force: true };
    jobs::run(&app.db, &ctx, Job::PromiseEvaluation, request).await.expect("the run").remove(0).tally
}

/// An account of 1250.50 assigned to Sarah; its id.
async fn sarahs_account(app: &TestApp, reference: &str, sarah: uuid::Uuid) -> String {
    let manager = app.token("demo.manager").await;
    let id = create_account(app, &manager, reference).await["id"].as_str().unwrap().to_owned();
    let path = format!("/api/v1/accounts/{id}/assign");
    assert_eq!(app.send(Method::POST, &path, &manager, Some(&json!({"collector_id": sarah}))).await.status(), 200);
    id
}

#[tokio::test]
async fn a_promise_is_kept_by_a_payment_in_time_and_broken_once_its_grace_days_pass() {
    // 10:00 on Tuesday 1 December 2026 in New York; the agency's grace days are 3.
    let app = spawn_app_at(at("2026-12-01T15:00:00Z")).await;
    let demo = app.seed().await;
    let id = sarahs_account(&app, "PTP-1", demo.sarah).await;
    let sarah = app.token("sarah.mitchell").await;
    let promises = format!("/api/v1/accounts/{id}/promises");

    let series = json!({"items": [{"amount": "100.00", "due_on": "2026-12-05"}, {"amount": "150", "due_on": "2026-12-12"}],
                        "note": " Paycheck on Fridays "});
    let made = ok(app.send(Method::POST, &promises, &sarah, Some(&series)).await, 201, "promises").await;
    assert_eq!(made[0]["status"], "pending");
    assert_eq!((made[1]["amount"].as_str(), made[1]["made_on"].as_str()), (Some("150.00"), Some("2026-12-01")));
    assert_eq!(made[0]["series_id"], made[1]["series_id"]);
    assert_eq!(made[0]["note"], "Paycheck on Fridays");

    // The debtor pays 100.00 on the 4th: the first promise is kept; nothing pays the second.
    let manager = app.token("demo.manager").await;
    app.clock.set(at("2026-12-04T15:00:00Z"));
    let cash = json!({"account_id": id, "amount": "100.00", "method": "cash", "paid_on": "2026-12-04"});
    ok(pay(&app, &manager, "ptp-1", &cash).await, 201, "payment").await;

    app.clock.set(at("2026-12-06T12:00:00Z"));
    let first = evaluate(&app, demo.agency).await;
    assert_eq!((first.records_scanned, first.records_updated, first.notifications_sent), (1, 1, 0));
    let listed = ok(app.get_as(&sarah, &promises).await, 200, "list").await;
    assert_eq!(listed[0]["status"], "pending", "the latest due first: 12 December");
    assert_eq!(
        (listed[1]["status"].as_str(), listed[1]["kept_on"].as_str(), listed[1]["evaluated_on"].as_str()),
        (Some("kept"), Some("2026-12-04"), Some("2026-12-06"))
    );

    // 12 December plus 3 grace days: still pending on the 15th, broken on the 16th.
    app.clock.set(at("2026-12-15T15:00:00Z"));
    assert_eq!(evaluate(&app, demo.agency).await.records_updated, 0, "the last day of grace");
    app.clock.set(at("2026-12-16T15:00:00Z"));
    let broken = evaluate(&app, demo.agency).await;
    assert_eq!((broken.records_updated, broken.notifications_sent), (1, 1));
    let again = evaluate(&app, demo.agency).await;
    assert_eq!((again.records_scanned, again.records_updated, again.notifications_sent), (0, 0, 0), "decided once");

    let account = ok(app.get_as(&sarah, &format!("/api/v1/accounts/{id}")).await, 200, "account").await;
    assert_eq!(account["priority"], 3, "a broken promise goes to the top of the worklist");
    let top = ok(app.get_as(&sarah, "/api/v1/accounts?sort=priority&limit=1").await, 200, "worklist").await;
    assert_eq!(top["items"][0]["priority"], 3);
    let told = ok(app.get_as(&sarah, "/api/v1/notifications").await, 200, "notifications").await;
    let kinds: Vec<&str> = told["items"].as_array().unwrap().iter().map(|n| n["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds.iter().filter(|k| **k == "promise_broken").count(), 1, "{kinds:?}");
    let timeline = ok(app.get_as(&sarah, &format!("/api/v1/accounts/{id}/timeline")).await, 200, "timeline").await;
    let steps: Vec<&str> = timeline["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "promise")
        .map(|e| e["data"]["step"].as_str().unwrap())
        .collect();
    assert_eq!(steps, ["broken", "kept", "made"]);

    // One kept, one broken: a rate of one half for Sarah and for the agency.
    let report =
        ok(app.get_as(&manager, "/api/v1/analytics/collectors?from=2026-12-01&to=2026-12-31").await, 200, "collectors")
            .await;
    let sarahs = report["collectors"].as_array().unwrap().iter().find(|c| c["collector"]["id"] == json!(demo.sarah));
    let sarahs = sarahs.expect("Sarah's row");
    assert_eq!((sarahs["promises_kept"].as_i64(), sarahs["promises_broken"].as_i64()), (Some(1), Some(1)));
    assert_eq!(sarahs["promise_kept_rate"], "0.5000");
    assert_eq!(report["totals"]["promise_kept_rate"], "0.5000");
    let december_before =
        ok(app.get_as(&manager, "/api/v1/analytics/collectors?from=2026-12-01&to=2026-12-10").await, 200, "collectors")
            .await;
    assert_eq!(december_before["totals"]["promises_broken"], 0, "decided on the 16th, outside the period");

    let audited: Vec<String> =
        sqlx::query_scalar("SELECT action FROM audit_logs WHERE entity_type = 'promise' ORDER BY occurred_at, action")
            .fetch_all(&app.db)
            .await
            .unwrap();
    assert_eq!(audited, ["account.promise", "account.promise", "promise.evaluate", "promise.evaluate"]);
}

#[tokio::test]
async fn a_series_is_checked_item_by_item_and_a_pending_promise_can_be_cancelled_once() {
    let app = spawn_app_at(at("2026-12-01T15:00:00Z")).await;
    let demo = app.seed().await;
    let id = sarahs_account(&app, "PTP-2", demo.sarah).await;
    let sarah = app.token("sarah.mitchell").await;
    let promises = format!("/api/v1/accounts/{id}/promises");
    let one = |amount: &str, due_on: &str| json!({"items": [{"amount": amount, "due_on": due_on}]});

    let refused = [
        (one("0", "2026-12-05"), "items[0].amount"),
        (one("10.001", "2026-12-05"), "items[0].amount"),
        (one("10", "2026-11-30"), "items[0].due_on"),
        (one("10", "2027-03-02"), "items[0].due_on"),
        (one("1250.51", "2026-12-05"), "items"),
        (
            json!({"items": [{"amount": "10", "due_on": "2026-12-09"}, {"amount": "10", "due_on": "2026-12-09"}]}),
            "items[1].due_on",
        ),
        (json!({"items": []}), "items"),
        (json!({"items": [{"amount": "10", "due_on": "2026-12-09"}], "contact_id": uuid::Uuid::nil()}), "contact_id"),
    ];
    for (body, field) in refused {
        let problem = assert_problem(app.send(Method::POST, &promises, &sarah, Some(&body)).await, 422).await;
        assert!(problem["errors"][field].is_array(), "{field} named for {body}: {problem}");
    }
    assert_eq!(
        app.send(Method::POST, &promises, &sarah, Some(&one("10", "2027-03-01"))).await.status(),
        201,
        "90 days"
    );
    let auditor = app.token("demo.auditor").await;
    assert_problem(app.send(Method::POST, &promises, &auditor, Some(&one("10", "2026-12-05"))).await, 403).await;

    // What is pending counts against the balance: 1250.50 − 10.00 left to promise.
    let rest = one("1240.50", "2026-12-20");
    let made = ok(app.send(Method::POST, &promises, &sarah, Some(&rest)).await, 201, "the rest").await;
    assert_problem(app.send(Method::POST, &promises, &sarah, Some(&one("0.01", "2026-12-20"))).await, 422).await;

    let cancel = format!("{promises}/{}/cancel", made[0]["id"].as_str().unwrap());
    let blank = assert_problem(app.send(Method::POST, &cancel, &sarah, Some(&json!({"reason": ""}))).await, 422).await;
    assert!(blank["errors"]["reason"].is_array());
    let why = json!({"reason": "Recorded on the wrong account"});
    let cancelled = ok(app.send(Method::POST, &cancel, &sarah, Some(&why)).await, 200, "cancel").await;
    assert_eq!(
        (cancelled["status"].as_str(), cancelled["cancel_reason"].as_str()),
        (Some("cancelled"), Some("Recorded on the wrong account"))
    );
    let twice = assert_problem(app.send(Method::POST, &cancel, &sarah, Some(&why)).await, 409).await;
    assert_eq!(twice["type"], "urn:debtflow:problem:wrong-status");
    assert_eq!(app.send(Method::POST, &promises, &sarah, Some(&one("0.01", "2026-12-20"))).await.status(), 201);
    let changed = sqlx::query("UPDATE promises SET amount = 1 WHERE status = 'cancelled'").execute(&app.db).await;
    assert!(changed.is_err(), "a decided promise is immutable in the database too");
}

/// How many accounts called TZ-1 the contactable worklist holds.
async fn callable(app: &TestApp, token: &str) -> usize {
    let page: serde_json::Value =
        app.get_as(token, "/api/v1/accounts?q=TZ-1&contactable_now=true").await.json().await.unwrap();
    page["items"].as_array().unwrap().len()
}

#[tokio::test]
async fn the_debtors_calling_hours_follow_their_address_unless_a_zone_is_set() {
    // 07:30 in Chicago, 08:30 in New York (the agency's zone).
    let app = spawn_app_at(at("2026-12-01T13:30:00Z")).await;
    let demo = app.seed().await;
    let id = sarahs_account(&app, "TZ-1", demo.sarah).await;
    let manager = app.token("demo.manager").await;
    let sarah = app.token("sarah.mitchell").await;
    let path = format!("/api/v1/accounts/{id}");
    let contacts = format!("{path}/contacts");
    let call = json!({"channel": "call", "direction": "outbound", "outcome": "no_answer"});

    let moved = json!({"address": "233 S Wacker Dr, Chicago, IL 60606"});
    let account = ok(app.send(Method::PATCH, &path, &manager, Some(&moved)).await, 200, "address").await;
    assert_eq!(account["debtor"]["time_zone"], "America/Chicago");
    let early = assert_problem(app.send(Method::POST, &contacts, &sarah, Some(&call)).await, 409).await;
    assert_eq!(early["allowed_at"], "2026-12-01T14:00:00Z", "08:00 in Chicago");
    assert_eq!(callable(&app, &sarah).await, 0, "not callable before 08:00 in Chicago");
    let zones: Vec<String> = sqlx::query_scalar("SELECT zone FROM debtor_zones").fetch_all(&app.db).await.unwrap();
    assert_eq!(zones, ["America/Chicago"], "the agency's debtors' zones are known");

    let set = json!({"time_zone": "America/New_York"});
    let account = ok(app.send(Method::PATCH, &path, &manager, Some(&set)).await, 200, "zone").await;
    assert_eq!(account["debtor"]["time_zone"], "America/New_York");
    assert_eq!(callable(&app, &sarah).await, 1, "08:30 in New York");
    assert_eq!(app.send(Method::POST, &contacts, &sarah, Some(&call)).await.status(), 201, "their own zone wins");
    let moved_again = json!({"address": "1 Ocean Ave, Honolulu, HI 96815"});
    let account = ok(app.send(Method::PATCH, &path, &manager, Some(&moved_again)).await, 200, "address").await;
    assert_eq!(account["debtor"]["time_zone"], "America/New_York", "still their own");

    let bad = assert_problem(
        app.send(Method::PATCH, &path, &manager, Some(&json!({"time_zone": "Mars/Olympus"}))).await,
        422,
    )
    .await;
    assert!(bad["errors"]["time_zone"].is_array(), "{bad}");
}
