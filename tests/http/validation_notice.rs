//! The Regulation F validation notice over HTTP: sent once, as a letter attempt, with
//! the itemisation and the validation period kept; its PDF carries both; a dispute
//! within the period moves the account to disputed and blocks contact until the
//! dispute is resolved, and one after the period does neither.

use crate::{
    accounts::create_account,
    payments::{ok, pay, post},
};
use chrono::{DateTime, Utc};
use debtflow_tests::{assert_problem, pdf, spawn_app_at, TestApp};
use reqwest::Method;
use serde_json::json;

fn at(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

/// An account of 1250.50 (delinquent since 2026-01-15) assigned to Sarah; its id.
async fn sarahs_account(app: &TestApp, reference: &str) -> String {
    let demo = app.seed().await;
    let manager = app.token("demo.manager").await;
    let id = create_account(app, &manager, reference).await["id"].as_str().unwrap().to_owned();
    let path = format!("/api/v1/accounts/{id}/assign");
    let assigned = app.send(Method::POST, &path, &manager, Some(&json!({"collector_id": demo.sarah}))).await;
    assert_eq!(assigned.status(), 200);
    id
}

#[tokio::test]
async fn a_validation_notice_is_sent_once_and_its_letter_carries_the_itemisation_and_the_period() {
    // Tuesday 1 December 2026, 10:00 in New York.
    let app = spawn_app_at(at("2026-12-01T15:00:00Z")).await;
    let id = sarahs_account(&app, "VN-1").await;
    let manager = app.token("demo.manager").await;
    let fee = json!({"kind": "collection", "amount": "25.00", "reason": "Collection fee"});
    ok(post(&app, &manager, &format!("/api/v1/accounts/{id}/fees"), "vn-fee", &fee).await, 201, "fee").await;
    let cash = json!({"account_id": id, "amount": "100.00", "method": "cash", "paid_on": "2026-12-01"});
    ok(pay(&app, &manager, "vn-pay", &cash).await, 201, "payment").await;

    let sarah = app.token("sarah.mitchell").await;
    let path = format!("/api/v1/accounts/{id}/validation-notice");
    assert_problem(app.get_as(&sarah, &path).await, 404).await;
    let sent = ok(app.send(Method::POST, &path, &sarah, None).await, 201, "notice").await;
    // Received after 5 business days (2, 3, 4, 7 and 8 December), then 30 days.
    assert_eq!((sent["sent_on"].as_str(), sent["period_ends_on"].as_str()), (Some("2026-12-01"), Some("2027-01-07")));
    let items = &sent["itemization"];
    assert_eq!(items["date"], "2026-01-15");
    assert_eq!(
        [&items["owed_then"], &items["interest"], &items["fees"], &items["credits"], &items["owed_now"]],
        ["1250.50", "0.00", "25.00", "100.00", "1175.50"]
    );
    let again = assert_problem(app.send(Method::POST, &path, &sarah, None).await, 409).await;
    assert_eq!(again["type"], "urn:debtflow:problem:validation-notice-sent");
    assert_eq!(ok(app.get_as(&sarah, &path).await, 200, "read").await, sent);

    let contacts = ok(app.get_as(&sarah, &format!("/api/v1/accounts/{id}/contacts")).await, 200, "contacts").await;
    let letter = &contacts["items"][0];
    assert_eq!((letter["channel"].as_str(), letter["outcome"].as_str()), (Some("letter"), Some("sent")));
    assert_eq!(letter["id"], sent["contact_id"]);

    let response = app.get_as(&sarah, &format!("{path}/letter")).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/pdf");
    let text = pdf::text(&response.bytes().await.unwrap());
    for expected in [
        "Demo Recovery Agency",
        "is a debt collector",
        "John Doe",
        "VN-1",
        "Acme Bank",
        "As of January 15, 2026",
        "1,250.50",
        "+ USD 25.00",
        "USD 100.00",
        "USD 1,175.50",
    ] {
        assert!(text.contains(expected), "the letter says {expected:?}:\n{text}");
    }
    assert!(text.matches(LETTER_PERIOD_END).count() >= 2, "the period's end, where it says how to dispute:\n{text}");
    let audited: i64 = sqlx::query_scalar("SELECT count(*) FROM audit_logs WHERE action = 'account.validation_notice'")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(audited, 1);
}

/// How the letter writes 7 January 2027.
const LETTER_PERIOD_END: &str = "January 7, 2027";

#[tokio::test]
async fn a_dispute_within_the_validation_period_stops_contact_until_it_is_resolved() {
    let app = spawn_app_at(at("2026-12-01T15:00:00Z")).await;
    let id = sarahs_account(&app, "VN-2").await;
    let sarah = app.token("sarah.mitchell").await;
    let account = format!("/api/v1/accounts/{id}");
    ok(app.send(Method::POST, &format!("{account}/validation-notice"), &sarah, None).await, 201, "notice").await;

    // The debtor calls to dispute on 10 December: assigned → in contact → disputed.
    app.clock.set(at("2026-12-10T15:00:00Z"));
    let contacts = format!("{account}/contacts");
    let dispute =
        json!({"channel": "call", "direction": "inbound", "outcome": "dispute", "notes": "Says it is not his debt"});
    ok(app.send(Method::POST, &contacts, &sarah, Some(&dispute)).await, 201, "dispute").await;
    let detail = ok(app.get_as(&sarah, &account).await, 200, "account").await;
    assert_eq!(detail["status"], "disputed");
    let blocks = ok(app.get_as(&sarah, &format!("{account}/contact-blocks")).await, 200, "blocks").await;
    assert_eq!((blocks[0]["flag"].as_str(), blocks[0]["channel"].as_str()), (Some("dispute_unverified"), None));
    let email = json!({"channel": "email", "direction": "outbound", "outcome": "sent"});
    let letter = json!({"channel": "letter", "direction": "outbound", "outcome": "sent"});
    for attempt in [&email, &letter] {
        let refused = assert_problem(app.send(Method::POST, &contacts, &sarah, Some(attempt)).await, 409).await;
        assert_eq!(refused["type"], "urn:debtflow:problem:contact-flag");
    }

    // Verification mailed: the dispute resolved, the block cleared, contact open again.
    let manager = app.token("demo.manager").await;
    let verified = json!({"to": "in_contact", "reason": "Verification mailed: the creditor's statement"});
    ok(app.send(Method::POST, &format!("{account}/transition"), &manager, Some(&verified)).await, 200, "resolve").await;
    let blocks = ok(app.get_as(&sarah, &format!("{account}/contact-blocks")).await, 200, "blocks").await;
    assert!(blocks[0]["cleared_at"].is_string(), "{blocks}");
    ok(app.send(Method::POST, &contacts, &sarah, Some(&email)).await, 201, "email after verification").await;

    // After the period a dispute is recorded, but no longer stops collection by itself.
    app.clock.set(at("2027-01-08T15:00:00Z"));
    ok(app.send(Method::POST, &contacts, &sarah, Some(&dispute)).await, 201, "late dispute").await;
    let detail = ok(app.get_as(&sarah, &account).await, 200, "account").await;
    assert_eq!(detail["status"], "in_contact");
    let blocks = ok(app.get_as(&sarah, &format!("{account}/contact-blocks")).await, 200, "blocks").await;
    assert_eq!(blocks.as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn no_notice_goes_to_a_debtor_whose_letters_are_blocked_and_auditors_send_none() {
    let app = spawn_app_at(at("2026-12-01T15:00:00Z")).await;
    let id = sarahs_account(&app, "VN-3").await;
    let path = format!("/api/v1/accounts/{id}/validation-notice");
    let auditor = app.token("demo.auditor").await;
    assert_problem(app.send(Method::POST, &path, &auditor, None).await, 403).await;
    let compliance = app.token("demo.compliance").await;
    let no_letters = json!({"flag": "attorney_represented", "channel": "letter", "reason": "Write to the attorney"});
    let blocks = format!("/api/v1/accounts/{id}/contact-blocks");
    ok(app.send(Method::POST, &blocks, &compliance, Some(&no_letters)).await, 201, "block").await;
    let sarah = app.token("sarah.mitchell").await;
    let refused = assert_problem(app.send(Method::POST, &path, &sarah, None).await, 409).await;
    assert_eq!(refused["type"], "urn:debtflow:problem:contact-flag");
    assert_problem(app.get_as(&sarah, &path).await, 404).await;
    let audited: i64 = sqlx::query_scalar("SELECT count(*) FROM audit_logs WHERE action = 'account.contact_blocked'")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(audited, 1, "the refused letter is audited");
}
