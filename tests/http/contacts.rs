//! Contact attempts over HTTP: recorded on the account's timeline and audit trail, the
//! first right-party contact moving the account to in_contact, and the Regulation F
//! guardrails refusing (409, the rule, `allowed_at`) and auditing what they block —
//! judged on the debtor's wall clock, daylight-saving changes included.

use crate::accounts::create_account;
use chrono::{DateTime, Duration, Utc};
use debtflow_tests::{assert_problem, spawn_app_at, TestApp};
use reqwest::Method;
use serde_json::{json, Value};

fn at(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

/// An account of Sarah's, and her token.
async fn sarahs_account(app: &TestApp) -> (String, String) {
    let demo = app.seed().await;
    let manager = app.token("demo.manager").await;
    let account = create_account(app, &manager, "REG-F-1").await;
    let id = account["id"].as_str().unwrap().to_owned();
    let path = format!("/api/v1/accounts/{id}/assign");
    let assigned = app.send(Method::POST, &path, &manager, Some(&json!({"collector_id": demo.sarah}))).await;
    assert_eq!(assigned.status(), 200);
    (id, app.token("sarah.mitchell").await)
}

async fn contact(app: &TestApp, token: &str, id: &str, body: Value) -> reqwest::Response {
    app.send(Method::POST, &format!("/api/v1/accounts/{id}/contacts"), token, Some(&body)).await
}

fn call(outcome: &str) -> Value {
    json!({"channel": "call", "direction": "outbound", "outcome": outcome, "used": "+1 555 0100"})
}

#[tokio::test]
async fn a_right_party_contact_is_recorded_and_moves_the_account_in_contact() {
    // 10:00 in New York.
    let app = spawn_app_at(at("2026-12-01T15:00:00Z")).await;
    let (id, sarah) = sarahs_account(&app).await;

    let missed = contact(&app, &sarah, &id, call("no_answer")).await;
    assert_eq!(missed.status(), 201);
    let account: Value = app.get_as(&sarah, &format!("/api/v1/accounts/{id}")).await.json().await.unwrap();
    assert_eq!(account["status"], "assigned", "no one answered: still assigned");

    let mut reached = call("right_party_contact");
    reached["notes"] = json!("  Will pay on Friday. ");
    let response = contact(&app, &sarah, &id, reached).await;
    assert_eq!(response.status(), 201);
    let attempt: Value = response.json().await.unwrap();
    assert_eq!(attempt["outcome"], "right_party_contact");
    assert_eq!(attempt["notes"], "Will pay on Friday.");
    assert_eq!(attempt["recorded_by_name"], "Sarah Mitchell");
    assert_eq!(attempt["occurred_at"], "2026-12-01T15:00:00Z");

    let account: Value = app.get_as(&sarah, &format!("/api/v1/accounts/{id}")).await.json().await.unwrap();
    assert_eq!(account["status"], "in_contact");
    let timeline: Value = app.get_as(&sarah, &format!("/api/v1/accounts/{id}/timeline")).await.json().await.unwrap();
    let kinds: Vec<&str> = timeline["items"].as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(&kinds[..3], ["status_change", "contact", "contact"], "newest first");
    assert_eq!(timeline["items"][0]["data"]["contact_id"], attempt["id"]);

    let list: Value = app.get_as(&sarah, &format!("/api/v1/accounts/{id}/contacts")).await.json().await.unwrap();
    let outcomes: Vec<&str> =
        list["items"].as_array().unwrap().iter().map(|c| c["outcome"].as_str().unwrap()).collect();
    assert_eq!(outcomes, ["right_party_contact", "no_answer"]);
    let audited: i64 = sqlx::query_scalar("SELECT count(*) FROM audit_logs WHERE action = 'account.contact'")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(audited, 2);
}

#[tokio::test]
async fn calls_keep_to_the_debtors_hours_on_their_wall_clock_across_daylight_saving() {
    // Sunday 8 March 2026, New York springs forward at 02:00: 07:59 EDT is 11:59 UTC.
    let app = spawn_app_at(at("2026-03-08T11:59:00Z")).await;
    let (id, sarah) = sarahs_account(&app).await;

    let early = assert_problem(contact(&app, &sarah, &id, call("no_answer")).await, 409).await;
    assert_eq!(early["type"], "urn:debtflow:problem:calling-hours");
    assert_eq!(early["allowed_at"], "2026-03-08T12:00:00Z", "08:00 EDT, not 08:00 EST");
    let letter = json!({"channel": "letter", "direction": "outbound", "outcome": "no_answer"});
    assert_eq!(contact(&app, &sarah, &id, letter).await.status(), 201, "a letter is not a call at night");

    app.clock.set(at("2026-03-08T12:00:00Z"));
    assert_eq!(contact(&app, &sarah, &id, call("no_answer")).await.status(), 201, "08:00 sharp");

    // 20:59 EDT is 00:59 UTC the next day; 21:00 is refused until 08:00 the day after.
    app.clock.set(at("2026-03-09T00:59:00Z"));
    assert_eq!(
        contact(&app, &sarah, &id, json!({"channel": "sms", "direction": "outbound", "outcome": "left_message"}))
            .await
            .status(),
        201
    );
    app.clock.set(at("2026-03-09T01:00:00Z"));
    let late = assert_problem(
        contact(&app, &sarah, &id, json!({"channel": "email", "direction": "outbound", "outcome": "left_message"}))
            .await,
        409,
    )
    .await;
    assert_eq!(late["allowed_at"], "2026-03-09T12:00:00Z");
    let inbound = json!({"channel": "call", "direction": "inbound", "outcome": "callback_requested"});
    assert_eq!(contact(&app, &sarah, &id, inbound).await.status(), 201, "the debtor may call us any time");

    let blocked: Vec<Value> = sqlx::query_scalar(
        "SELECT after FROM audit_logs WHERE action = 'account.contact_blocked' ORDER BY occurred_at",
    )
    .fetch_all(&app.db)
    .await
    .unwrap();
    assert_eq!(blocked.len(), 2, "each refusal is audited");
    assert_eq!(blocked[0]["rule"], "calling-hours");
    assert_eq!(blocked[1]["channel"], "email");
}

#[tokio::test]
async fn the_eighth_call_in_seven_days_waits_for_the_first_to_leave_the_window() {
    let first = at("2026-12-01T15:00:00Z");
    let app = spawn_app_at(first).await;
    let (id, sarah) = sarahs_account(&app).await;
    for day in 0..7 {
        app.clock.set(first + Duration::hours(day));
        assert_eq!(contact(&app, &sarah, &id, call("no_answer")).await.status(), 201, "call {}", day + 1);
    }
    app.clock.set(first + Duration::days(4));
    let eighth = assert_problem(contact(&app, &sarah, &id, call("no_answer")).await, 409).await;
    assert_eq!(eighth["type"], "urn:debtflow:problem:call-frequency");
    assert_eq!(eighth["allowed_at"], "2026-12-08T15:00:00Z");
    assert_eq!(eighth["status"], 409);

    app.clock.set(first + Duration::days(7));
    assert_eq!(contact(&app, &sarah, &id, call("no_answer")).await.status(), 201, "exactly seven days on");
}

#[tokio::test]
async fn after_a_conversation_the_next_call_waits_seven_days_to_the_minute() {
    let talked = at("2026-12-01T15:00:00Z");
    let app = spawn_app_at(talked).await;
    let (id, sarah) = sarahs_account(&app).await;
    assert_eq!(contact(&app, &sarah, &id, call("promise_to_pay")).await.status(), 201);

    app.clock.set(talked + Duration::days(7) - Duration::minutes(1));
    let early = assert_problem(contact(&app, &sarah, &id, call("no_answer")).await, 409).await;
    assert_eq!(early["type"], "urn:debtflow:problem:call-after-conversation");
    assert_eq!(early["allowed_at"], "2026-12-08T15:00:00Z");
    let email = json!({"channel": "email", "direction": "outbound", "outcome": "left_message"});
    assert_eq!(contact(&app, &sarah, &id, email).await.status(), 201, "other channels stay open");

    app.clock.set(talked + Duration::days(7));
    assert_eq!(contact(&app, &sarah, &id, call("no_answer")).await.status(), 201);
}

#[tokio::test]
async fn bad_attempts_are_refused_naming_the_field_and_readers_cannot_record() {
    let app = spawn_app_at(at("2026-12-01T15:00:00Z")).await;
    let (id, sarah) = sarahs_account(&app).await;
    let bad = contact(&app, &sarah, &id, json!({"channel": "fax", "direction": "outbound", "outcome": "no_answer"}));
    let problem = assert_problem(bad.await, 422).await;
    assert!(problem["errors"]["channel"].is_array(), "{problem}");
    let mut future = call("no_answer");
    future["occurred_at"] = json!("2026-12-01T16:00:00Z");
    let problem = assert_problem(contact(&app, &sarah, &id, future).await, 422).await;
    assert!(problem["errors"]["occurred_at"].is_array(), "{problem}");

    let auditor = app.token("demo.auditor").await;
    assert_problem(contact(&app, &auditor, &id, call("no_answer")).await, 403).await;
    let other = app.token("james.carter").await;
    assert_problem(contact(&app, &other, &id, call("no_answer")).await, 404).await;
    let recorded: i64 = sqlx::query_scalar("SELECT count(*) FROM contact_attempts").fetch_one(&app.db).await.unwrap();
    assert_eq!(recorded, 0, "nothing half-written");
}

#[tokio::test]
async fn a_block_on_the_debtor_stops_its_channels_until_it_is_cleared() {
    let app = spawn_app_at(at("2026-12-01T15:00:00Z")).await;
    let (id, sarah) = sarahs_account(&app).await;
    let blocks = format!("/api/v1/accounts/{id}/contact-blocks");
    let email = json!({"channel": "email", "direction": "outbound", "outcome": "left_message"});

    let by_sarah = json!({"flag": "debtor_request", "channel": "call", "reason": "Asked not to be called"});
    assert_problem(app.send(Method::POST, &blocks, &sarah, Some(&by_sarah)).await, 403).await;
    let compliance = app.token("demo.compliance").await;
    let response = app.send(Method::POST, &blocks, &compliance, Some(&by_sarah)).await;
    assert_eq!(response.status(), 201);
    let no_calls: Value = response.json().await.unwrap();
    assert_eq!((no_calls["flag"].as_str(), no_calls["channel"].as_str()), (Some("debtor_request"), Some("call")));

    let refused = assert_problem(contact(&app, &sarah, &id, call("no_answer")).await, 409).await;
    assert_eq!(refused["type"], "urn:debtflow:problem:contact-flag");
    assert!(refused.get("allowed_at").is_none(), "allowed only once cleared: {refused}");
    assert_eq!(contact(&app, &sarah, &id, email.clone()).await.status(), 201, "a call block leaves email open");

    let ceased = json!({"flag": "cease_and_desist", "channel": "sms", "reason": "Letter received 2026-11-30"});
    let ceased: Value = app.send(Method::POST, &blocks, &compliance, Some(&ceased)).await.json().await.unwrap();
    assert_eq!(ceased["channel"], Value::Null, "cease and desist stops every channel");
    assert_problem(contact(&app, &sarah, &id, email.clone()).await, 409).await;

    let manager = app.token("demo.manager").await;
    for block in [&ceased, &no_calls] {
        let clear = format!("{blocks}/{}/clear", block["id"].as_str().unwrap());
        let cleared: Value = app.send(Method::POST, &clear, &manager, None).await.json().await.unwrap();
        assert!(cleared["cleared_at"].is_string());
        assert_problem(app.send(Method::POST, &clear, &manager, None).await, 404).await;
    }
    assert_eq!(contact(&app, &sarah, &id, call("no_answer")).await.status(), 201, "open again");
    let malformed = app.send(Method::POST, &format!("{blocks}/not-a-uuid/clear"), &manager, None).await;
    let problem = assert_problem(malformed, 422).await;
    assert!(problem["errors"]["block_id"].is_array(), "the parameter at fault is named: {problem}");
    let listed: Value = app.get_as(&sarah, &blocks).await.json().await.unwrap();
    assert_eq!(listed.as_array().unwrap().len(), 2, "cleared blocks stay on record");
    let audited: Vec<String> = sqlx::query_scalar(
        "SELECT action FROM audit_logs WHERE action LIKE 'debtor.contact_block%' OR action = 'account.contact_blocked'
         ORDER BY occurred_at, action",
    )
    .fetch_all(&app.db)
    .await
    .unwrap();
    assert_eq!(audited.iter().filter(|a| *a == "debtor.contact_block").count(), 2);
    assert_eq!(audited.iter().filter(|a| *a == "debtor.contact_block_clear").count(), 2);
    assert_eq!(audited.iter().filter(|a| *a == "account.contact_blocked").count(), 2);
}

#[tokio::test]
async fn an_agency_outside_the_us_keeps_no_calling_hours_unless_it_chooses_to_but_blocks_hold() {
    // 03:00 in London, for Northwind Collections (GBP).
    let app = spawn_app_at(at("2026-12-01T03:00:00Z")).await;
    app.seed().await;
    let admin = app.token("nw.admin").await;
    let account = create_account(&app, &admin, "NW-CONTACT-1").await;
    let id = account["id"].as_str().unwrap();
    assert_eq!(contact(&app, &admin, id, call("no_answer")).await.status(), 201, "no calling hours for a GBP agency");

    let me: Value = app.get_as(&admin, "/api/v1/auth/me").await.json().await.unwrap();
    assert_eq!(me["agency"]["settings"]["contact_guardrails"], Value::Null);
    let agency = format!("/api/v1/agencies/{}", me["agency"]["id"].as_str().unwrap());
    let on = json!({"settings": {"contact_guardrails": true}});
    assert_eq!(app.send(Method::PATCH, &agency, &admin, Some(&on)).await.status(), 200);
    let night = assert_problem(contact(&app, &admin, id, call("no_answer")).await, 409).await;
    assert_eq!(
        (night["type"].as_str(), night["allowed_at"].as_str()),
        (Some("urn:debtflow:problem:calling-hours"), Some("2026-12-01T08:00:00Z"))
    );

    let by_currency = json!({"settings": {"contact_guardrails": null}});
    assert_eq!(app.send(Method::PATCH, &agency, &admin, Some(&by_currency)).await.status(), 200);
    let block = json!({"flag": "debtor_request", "channel": "sms", "reason": "No texts, please"});
    let blocks = format!("/api/v1/accounts/{id}/contact-blocks");
    assert_eq!(app.send(Method::POST, &blocks, &admin, Some(&block)).await.status(), 201);
    let sms = json!({"channel": "sms", "direction": "outbound", "outcome": "left_message"});
    let refused = assert_problem(contact(&app, &admin, id, sms).await, 409).await;
    assert_eq!(refused["type"], "urn:debtflow:problem:contact-flag", "a debtor's request binds every agency");
    assert_eq!(contact(&app, &admin, id, call("no_answer")).await.status(), 201);
}

/// The external references the contactable worklist lists, in its order.
async fn contactable(app: &TestApp, token: &str, query: &str) -> Vec<String> {
    let page: Value = app.get_as(token, &format!("/api/v1/accounts?{query}")).await.json().await.unwrap();
    page["items"].as_array().unwrap().iter().map(|a| a["external_ref"].as_str().unwrap().to_owned()).collect()
}

#[tokio::test]
async fn the_contactable_worklist_holds_back_what_the_guardrails_would_refuse_and_sorts_callable_first() {
    // 10:00 in New York.
    let app = spawn_app_at(at("2026-12-01T15:00:00Z")).await;
    let demo = app.seed().await;
    let manager = app.token("demo.manager").await;
    let mut ids = Vec::new();
    for reference in ["CALL-FREE", "CALL-SPOKE", "CALL-CEASED", "CALL-DISPUTED"] {
        let account = create_account(&app, &manager, reference).await;
        let id = account["id"].as_str().unwrap().to_owned();
        let path = format!("/api/v1/accounts/{id}/assign");
        let assigned = app.send(Method::POST, &path, &manager, Some(&json!({"collector_id": demo.sarah}))).await;
        assert_eq!(assigned.status(), 200);
        ids.push(id);
    }
    let sarah = app.token("sarah.mitchell").await;
    assert_eq!(contact(&app, &sarah, &ids[1], call("refused")).await.status(), 201);
    let ceased = json!({"flag": "cease_and_desist", "reason": "Letter received"});
    let blocks = format!("/api/v1/accounts/{}/contact-blocks", ids[2]);
    assert_eq!(app.send(Method::POST, &blocks, &manager, Some(&ceased)).await.status(), 201);
    let path = format!("/api/v1/accounts/{}/transition", ids[3]);
    for to in ["in_contact", "negotiating", "disputed"] {
        let step = json!({"to": to, "reason": "Not my debt"});
        assert_eq!(app.send(Method::POST, &path, &manager, Some(&step)).await.status(), 200, "to {to}");
    }

    let only = |reference: &str| format!("q={reference}&contactable_now=true");
    assert_eq!(contactable(&app, &sarah, &only("CALL-FREE")).await, ["CALL-FREE"]);
    for held_back in ["CALL-SPOKE", "CALL-CEASED", "CALL-DISPUTED"] {
        assert!(contactable(&app, &sarah, &only(held_back)).await.is_empty(), "{held_back} is not callable now");
        assert_eq!(contactable(&app, &sarah, &format!("q={held_back}")).await, [held_back], "but it is listed");
    }
    // Blocked calls never come; the conversation's quiet week ends; the rest can be called now.
    let last = contactable(&app, &sarah, "sort=contactable&order=desc&limit=2").await;
    assert_eq!(last, ["CALL-CEASED", "CALL-SPOKE"]);
    let first = contactable(&app, &sarah, "sort=contactable&limit=200").await;
    assert_eq!(first.last().map(String::as_str), Some("CALL-CEASED"), "callable first by default");
    let count: Value = app.get_as(&sarah, "/api/v1/accounts/count?contactable_now=true").await.json().await.unwrap();
    let all: Value = app.get_as(&sarah, "/api/v1/accounts/count").await.json().await.unwrap();
    assert!(count["total"].as_i64() < all["total"].as_i64());

    // A week of quiet later it can be called again, but not at 21:00 in New York.
    app.clock.set(at("2026-12-08T15:00:00Z"));
    assert_eq!(contactable(&app, &sarah, &only("CALL-SPOKE")).await, ["CALL-SPOKE"]);
    app.clock.set(at("2026-12-09T02:00:00Z"));
    assert!(contactable(&app, &sarah, &only("CALL-FREE")).await.is_empty(), "21:00 in New York");
    app.clock.set(at("2026-12-09T01:59:00Z"));
    assert_eq!(contactable(&app, &sarah, &only("CALL-FREE")).await, ["CALL-FREE"], "20:59 in New York");

    // Paging along the sort keeps to it.
    let page: Value =
        app.get_as(&sarah, "/api/v1/accounts?sort=contactable&order=desc&limit=1").await.json().await.unwrap();
    let next = page["next_cursor"].as_str().unwrap();
    let second = contactable(&app, &sarah, &format!("sort=contactable&order=desc&limit=1&cursor={next}")).await;
    assert_eq!(second, ["CALL-SPOKE"]);
    assert_problem(app.get_as(&sarah, "/api/v1/accounts?sort=contactable&cursor=bogus").await, 422).await;
    assert_problem(app.get_as(&sarah, "/api/v1/accounts?contactable_now=maybe").await, 422).await;
}
