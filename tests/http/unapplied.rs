//! Money that arrives is never turned away: money for an account that cannot take it
//! waits unapplied in suspense, in the managers' queue, until it is applied to an
//! account or refunded — and the ledger balances at every step.

use crate::{
    accounts::create_account,
    payments::{balance, count, ok, pay, post, today, webhook, working_account},
};
use debtflow_tests::{assert_problem, spawn_app, TestApp};
use reqwest::Method;
use rust_decimal::Decimal;
use serde_json::{json, Value};

/// Debits minus credits per ledger account over the whole journal, and in all.
async fn totals(app: &TestApp) -> (Decimal, Decimal, Decimal) {
    let (all, suspense, receivable): (Decimal, Decimal, Decimal) = sqlx::query_as(
        "SELECT coalesce(sum(debit - credit), 0),
                coalesce(sum(debit - credit) FILTER (WHERE ledger_account = 'suspense'), 0),
                coalesce(sum(debit - credit) FILTER (WHERE ledger_account = 'receivable'), 0)
         FROM journal_lines",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    (all, suspense, receivable)
}

/// The books balance, suspense holds exactly `held`, and every account's balance is its
/// receivable.
async fn assert_books(app: &TestApp, held: &str) {
    let (all, suspense, receivable) = totals(app).await;
    assert_eq!(all, Decimal::ZERO, "debits equal credits");
    assert_eq!(-suspense, held.parse::<Decimal>().unwrap(), "suspense holds the unapplied money");
    let balances: Decimal =
        sqlx::query_scalar("SELECT coalesce(sum(current_balance), 0) FROM accounts").fetch_one(&app.db).await.unwrap();
    assert_eq!(balances, receivable, "balances are the receivable");
}

async fn queue(app: &TestApp, token: &str) -> Vec<Value> {
    let page = ok(app.get_as(token, "/api/v1/payments?status=unapplied").await, 200, "queue").await;
    page["items"].as_array().unwrap().clone()
}

#[tokio::test]
async fn money_for_a_new_account_waits_unapplied_until_a_manager_applies_it() {
    let app = spawn_app().await;
    app.seed().await;
    let manager = app.token("demo.manager").await;
    let new = create_account(&app, &manager, "UN-1").await;
    let id = new["id"].as_str().unwrap().to_owned();
    let body = json!({"account_id": id, "amount": "100.00", "method": "bank_transfer", "paid_on": today(&app).await,
                      "reference": "UTR-UN-1"});

    let payment = ok(pay(&app, &manager, "un-1", &body).await, 201, "unapplied").await;

    assert_eq!(payment["status"], "unapplied");
    assert_eq!(balance(&app, &manager, &id).await, "1250.50", "nothing came off the balance");
    assert_books(&app, "100.00").await;
    let waiting = queue(&app, &manager).await;
    assert_eq!(waiting.len(), 1);
    assert_eq!(waiting[0]["id"], payment["id"]);
    let notes = ok(app.get_as(&manager, "/api/v1/notifications").await, 200, "notifications").await;
    assert_eq!(notes["items"][0]["kind"], "payment_unapplied");
    let apply = format!("/api/v1/payments/{}/apply", payment["id"].as_str().unwrap());
    let refused = post(&app, &manager, &apply, "ap-0", &json!({})).await;
    let problem = assert_problem(refused, 409).await;
    assert_eq!(problem["type"], "urn:debtflow:problem:account-takes-no-payments");
    assert_eq!(problem["current_status"], "new");

    // Once assigned, the manager applies it: it posts like any payment.
    let sarah: uuid::Uuid =
        sqlx::query_scalar("SELECT id FROM users WHERE username = 'sarah.mitchell'").fetch_one(&app.db).await.unwrap();
    let assign = format!("/api/v1/accounts/{id}/assign");
    ok(app.send(Method::POST, &assign, &manager, Some(&json!({"collector_id": sarah}))).await, 200, "assign").await;
    let collector = app.token("sarah.mitchell").await;
    assert_problem(post(&app, &collector, &apply, "ap-c", &json!({})).await, 403).await;
    let applied = ok(post(&app, &manager, &apply, "ap-1", &json!({})).await, 200, "apply").await;

    assert_eq!(applied["status"], "completed");
    assert_eq!(balance(&app, &manager, &id).await, "1150.50");
    assert_books(&app, "0").await;
    assert!(queue(&app, &manager).await.is_empty(), "the queue is empty");
    assert_eq!(count(&app, "SELECT count(*) FROM journal_entries WHERE kind = 'application'").await, 1);
    assert_eq!(count(&app, "SELECT count(*) FROM journal_entries WHERE kind = 'commission'").await, 1);
    let again = assert_problem(post(&app, &manager, &apply, "ap-2", &json!({})).await, 409).await;
    assert_eq!(again["type"], "urn:debtflow:problem:wrong-status");
    assert_eq!(again["allowed_statuses"], json!(["unapplied"]));

    // Applied money refunds like any payment.
    let refund = format!("/api/v1/payments/{}/refund", payment["id"].as_str().unwrap());
    ok(post(&app, &manager, &refund, "r-1", &json!({"amount": "100.00", "reason": "sent back"})).await, 200, "refund")
        .await;
    assert_eq!(balance(&app, &manager, &id).await, "1250.50");
    assert_books(&app, "0").await;
}

#[tokio::test]
async fn a_card_confirmed_after_its_account_closed_is_recorded_and_refunded_from_suspense() {
    let app = spawn_app().await;
    app.seed().await;
    let manager = app.token("demo.manager").await;
    let account = working_account(&app, &manager, "UN-2").await;
    let other = working_account(&app, &manager, "UN-3").await;
    let body = json!({"account_id": account, "amount": "40.00", "method": "card", "paid_on": today(&app).await,
                      "reference": "pi_un"});
    let card = ok(pay(&app, &manager, "card", &body).await, 201, "card").await;
    assert_eq!(card["status"], "pending");
    // The account is disputed and closed before the processor confirms the card.
    let sarah = app.token("sarah.mitchell").await;
    for to in ["in_contact", "negotiating", "disputed", "closed"] {
        let path = format!("/api/v1/accounts/{account}/transition");
        ok(app.send(Method::POST, &path, &sarah, Some(&json!({"to": to, "reason": "x"}))).await, 200, to).await;
    }

    let event = json!({"id": "evt_un", "type": "payment_intent.succeeded", "data": {"object": {"id": "pi_un"}}});
    let secret = debtflow_api::config::DEV_WEBHOOK_SECRET;
    let answer = ok(webhook(&app, &event, secret, chrono::Utc::now().timestamp()).await, 200, "webhook").await;

    assert_eq!(answer["duplicate"], false, "money that arrived is acknowledged, not refused");
    let id = card["id"].as_str().unwrap();
    let payment = ok(app.get_as(&manager, &format!("/api/v1/payments/{id}")).await, 200, "payment").await;
    assert_eq!(payment["status"], "unapplied");
    assert_eq!(balance(&app, &manager, &account).await, "1250.50");
    assert_books(&app, "40.00").await;
    let replay = ok(webhook(&app, &event, secret, chrono::Utc::now().timestamp()).await, 200, "replay").await;
    assert_eq!(replay["duplicate"], true);
    assert_books(&app, "40.00").await;

    // The manager refunds half (it stays unapplied, and is no longer applied), then the rest.
    let refund = format!("/api/v1/payments/{id}/refund");
    let half =
        ok(post(&app, &manager, &refund, "r-1", &json!({"amount": "15.00", "reason": "x"})).await, 200, "r").await;
    assert_eq!((half["status"].as_str(), half["refunded_amount"].as_str()), (Some("unapplied"), Some("15.00")));
    assert_books(&app, "25.00").await;
    let apply = format!("/api/v1/payments/{id}/apply");
    let partly = post(&app, &manager, &apply, "ap-1", &json!({"account_id": other})).await;
    assert!(assert_problem(partly, 422).await["errors"]["payment"].is_array(), "a partly refunded one is refunded");
    let rest =
        ok(post(&app, &manager, &refund, "r-2", &json!({"amount": "25.00", "reason": "x"})).await, 200, "r").await;
    assert_eq!(rest["status"], "refunded");
    assert_books(&app, "0").await;
    assert_eq!(balance(&app, &manager, &other).await, "1250.50", "the other account untouched");
}

#[tokio::test]
async fn unapplied_money_is_applied_to_the_account_it_was_meant_for() {
    let app = spawn_app().await;
    app.seed().await;
    let manager = app.token("demo.manager").await;
    let new = create_account(&app, &manager, "UN-4").await;
    let meant = working_account(&app, &manager, "UN-5").await;
    let body = json!({"account_id": new["id"], "amount": "1250.50", "method": "cash", "paid_on": today(&app).await});
    let payment = ok(pay(&app, &manager, "un", &body).await, 201, "unapplied").await;
    let apply = format!("/api/v1/payments/{}/apply", payment["id"].as_str().unwrap());

    let nowhere = post(&app, &manager, &apply, "ap-0", &json!({"account_id": uuid::Uuid::now_v7()})).await;
    assert!(assert_problem(nowhere, 422).await["errors"]["account_id"].is_array());
    let applied = ok(post(&app, &manager, &apply, "ap-1", &json!({"account_id": meant})).await, 200, "apply").await;

    assert_eq!((applied["status"].as_str(), applied["account_id"].as_str()), (Some("completed"), Some(meant.as_str())));
    let detail = ok(app.get_as(&manager, &format!("/api/v1/accounts/{meant}")).await, 200, "account").await;
    assert_eq!((detail["status"].as_str(), detail["current_balance"].as_str()), (Some("settled"), Some("0.00")));
    assert_books(&app, "0").await;
}
