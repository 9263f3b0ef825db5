//! Business rules refuse with a stable problem type a client can match on, and the
//! extension members that say what to do next.

use crate::{
    accounts::create_account,
    payments::{ok, pay, post, today, working_account},
    plans::{active_plan, negotiating_account},
};
use debtflow_tests::{assert_problem, spawn_app};
use reqwest::Method;
use serde_json::json;

#[tokio::test]
async fn each_refusal_names_its_rule() {
    let app = spawn_app().await;
    app.seed().await;
    let manager = app.token("demo.manager").await;
    let sarah = app.token("sarah.mitchell").await;
    let account = working_account(&app, &manager, "PB-1").await;
    let today = today(&app).await;

    // The same reference twice: the payment that holds it.
    let body = json!({"account_id": account, "amount": "1.00", "method": "cash", "paid_on": today, "reference": "R-1"});
    let first = ok(pay(&app, &manager, "p-1", &body).await, 201, "pay").await;
    let duplicate = assert_problem(pay(&app, &manager, "p-2", &body).await, 409).await;
    assert_eq!(duplicate["type"], "urn:debtflow:problem:duplicate-reference");
    assert_eq!(duplicate["existing_id"], first["id"]);

    // A move the lifecycle does not allow: where it may go instead.
    let transition = format!("/api/v1/accounts/{account}/transition");
    let moved = app.send(Method::POST, &transition, &sarah, Some(&json!({"to": "closed", "reason": "x"}))).await;
    let invalid = assert_problem(moved, 409).await;
    assert_eq!(invalid["type"], "urn:debtflow:problem:invalid-transition");
    assert_eq!(invalid["allowed_transitions"], json!(["in_contact"]));

    // A plan step from the wrong status: the statuses it needs.
    let plan_account = negotiating_account(&app, &manager, "PB-2").await;
    let plan = active_plan(&app, &plan_account, "600.00", 2, today + chrono::Days::new(1)).await;
    let submit = format!("/api/v1/plans/{}/submit", plan["id"].as_str().unwrap());
    let wrong = assert_problem(post(&app, &manager, &submit, "s-2", &json!({})).await, 409).await;
    assert_eq!(wrong["type"], "urn:debtflow:problem:wrong-status");
    assert_eq!(
        (wrong["current_status"].as_str(), wrong["allowed_statuses"].clone()),
        (Some("active"), json!(["draft"]))
    );

    // One active plan per account, even once the account left PAYMENT_PLAN and came back
    // to NEGOTIATING through a dispute.
    for to in ["disputed", "negotiating"] {
        let path = format!("/api/v1/accounts/{plan_account}/transition");
        ok(app.send(Method::POST, &path, &sarah, Some(&json!({"to": to, "reason": "x"}))).await, 200, to).await;
    }
    let terms = json!({"total": "100.00", "installments": 1, "frequency": "monthly",
                       "first_due_date": today + chrono::Days::new(1)});
    let second =
        ok(post(&app, &manager, &format!("/api/v1/accounts/{plan_account}/plans"), "p-3", &terms).await, 201, "p")
            .await;
    let second = second["id"].as_str().unwrap();
    ok(post(&app, &manager, &format!("/api/v1/plans/{second}/submit"), "s-3", &json!({})).await, 200, "s").await;
    let approve = post(&app, &manager, &format!("/api/v1/plans/{second}/approve"), "a-3", &json!({})).await;
    let active = assert_problem(approve, 409).await;
    assert_eq!(active["type"], "urn:debtflow:problem:plan-already-active");
    assert_eq!(active["existing_id"], plan["id"]);

    // No fees on a closed account.
    let closed = create_account(&app, &manager, "PB-3").await;
    let closed = closed["id"].as_str().unwrap();
    let sarah_id: uuid::Uuid =
        sqlx::query_scalar("SELECT id FROM users WHERE username = 'sarah.mitchell'").fetch_one(&app.db).await.unwrap();
    let assign = format!("/api/v1/accounts/{closed}/assign");
    ok(app.send(Method::POST, &assign, &manager, Some(&json!({"collector_id": sarah_id}))).await, 200, "assign").await;
    for to in ["in_contact", "negotiating", "disputed", "closed"] {
        let path = format!("/api/v1/accounts/{closed}/transition");
        ok(app.send(Method::POST, &path, &sarah, Some(&json!({"to": to, "reason": "x"}))).await, 200, to).await;
    }
    let fee = json!({"kind": "late", "amount": "5.00", "reason": "late"});
    let refused =
        assert_problem(post(&app, &manager, &format!("/api/v1/accounts/{closed}/fees"), "f", &fee).await, 409).await;
    assert_eq!(refused["type"], "urn:debtflow:problem:account-takes-no-fees");
    assert_eq!(refused["current_status"], "closed");
}
