//! Payment plans over HTTP: proposing, the lifecycle, installments paid by payments,
//! completion, settlement discounts, defaults at their boundary days, and the one
//! active plan per account.

use crate::payments::{ok, pay, post, today, working_account};
use debtflow_tests::{assert_problem, spawn_app, TestApp};
use reqwest::Method;
use serde_json::{json, Value};

/// A working account of 1250.50, moved by sarah to NEGOTIATING (where plans activate).
pub async fn negotiating_account(app: &TestApp, manager: &str, external_ref: &str) -> String {
    let account = working_account(app, manager, external_ref).await;
    let sarah = app.token("sarah.mitchell").await;
    for to in ["in_contact", "negotiating"] {
        let path = format!("/api/v1/accounts/{account}/transition");
        let moved = app.send(Method::POST, &path, &sarah, Some(&json!({"to": to, "reason": "call"}))).await;
        assert_eq!(moved.status(), 200, "→ {to}");
    }
    account
}

async fn propose(app: &TestApp, token: &str, account: &str, key: &str, terms: &Value) -> reqwest::Response {
    post(app, token, &format!("/api/v1/accounts/{account}/plans"), key, terms).await
}

async fn step(app: &TestApp, token: &str, plan: &str, step: &str, key: &str) -> reqwest::Response {
    post(app, token, &format!("/api/v1/plans/{plan}/{step}"), key, &json!({})).await
}

async fn account_of(app: &TestApp, token: &str, account: &str) -> Value {
    app.get_as(token, &format!("/api/v1/accounts/{account}")).await.json().await.unwrap()
}

/// An active plan of `total` in `installments` monthly installments from `first`.
pub async fn active_plan(
    app: &TestApp,
    account: &str,
    total: &str,
    installments: u32,
    first: chrono::NaiveDate,
) -> Value {
    let manager = app.token("demo.manager").await;
    let terms = json!({"total": total, "installments": installments, "frequency": "monthly", "first_due_date": first});
    let plan = ok(propose(app, &manager, account, &format!("p-{account}-{total}"), &terms).await, 201, "propose").await;
    let id = plan["id"].as_str().unwrap();
    ok(step(app, &manager, id, "submit", &format!("s-{id}")).await, 200, "submit").await;
    ok(step(app, &manager, id, "approve", &format!("a-{id}")).await, 200, "approve").await
}

#[tokio::test]
async fn a_plan_is_proposed_approved_and_paid_off_to_settled() {
    let app = spawn_app().await;
    app.seed().await;
    let manager = app.token("demo.manager").await;
    let sarah = app.token("sarah.mitchell").await;
    let account = negotiating_account(&app, &manager, "PLAN-1").await;
    let first = today(&app).await + chrono::Days::new(1);

    let terms = json!({"total": "1250.50", "installments": 3, "frequency": "monthly", "first_due_date": first});
    let draft = ok(propose(&app, &sarah, &account, "p-1", &terms).await, 201, "propose").await;
    assert_eq!(draft["status"], "draft");
    let amounts: Vec<&str> =
        draft["installments"].as_array().unwrap().iter().map(|i| i["amount"].as_str().unwrap()).collect();
    assert_eq!(amounts, ["416.83", "416.83", "416.84"], "the last absorbs the remainder");
    assert_eq!((draft["grace_days"].as_u64(), draft["default_threshold_days"].as_u64()), (Some(3), Some(30)));
    let id = draft["id"].as_str().unwrap();

    let submitted = ok(step(&app, &sarah, id, "submit", "s-1").await, 200, "submit").await;
    assert_eq!(submitted["status"], "pending_approval");
    // What the manager deciding reads: who proposed it, by name.
    let pending: Value = app.get_as(&manager, "/api/v1/plans?status=pending_approval").await.json().await.unwrap();
    assert_eq!(pending["items"][0]["id"], submitted["id"]);
    assert_eq!(pending["items"][0]["created_by_name"], "Sarah Mitchell");
    let counts: Value = app.get_as(&manager, "/api/v1/approvals/pending").await.json().await.unwrap();
    assert_eq!(counts, json!({"plans": 1, "payments": 0}), "what waits for a decision, counted");
    let notes: Value = app.get_as(&manager, "/api/v1/notifications").await.json().await.unwrap();
    assert_eq!(notes["items"][0]["kind"], "plan_pending_approval");
    assert_eq!(
        notes["items"][0]["body"], "A plan of 1250.50 USD proposed by Sarah Mitchell waits for your approval.",
        "which plan, among others waiting"
    );
    assert_problem(step(&app, &sarah, id, "approve", "a-0").await, 403).await;
    let active = ok(step(&app, &manager, id, "approve", "a-1").await, 200, "approve").await;
    assert_eq!(active["status"], "active");
    let detail = account_of(&app, &manager, &account).await;
    assert_eq!(detail["status"], "payment_plan");
    assert_eq!((detail["plan"]["id"].as_str(), detail["plan"]["status"].as_str()), (Some(id), Some("active")));
    assert_eq!(detail["next_installment_due"], json!(first));
    let worklist: Value = app.get_as(&manager, "/api/v1/accounts").await.json().await.unwrap();
    assert_eq!(worklist["items"][0]["next_installment_due"], json!(first), "the worklist shows it too");
    assert_problem(step(&app, &manager, id, "approve", "a-2").await, 409).await;

    let today = today(&app).await;
    let first_payment = json!({"account_id": account, "amount": "500.00", "method": "cash", "paid_on": today});
    ok(pay(&app, &sarah, "pay-1", &first_payment).await, 201, "pay").await;
    let plan = ok(app.get_as(&sarah, &format!("/api/v1/plans/{id}")).await, 200, "plan").await;
    let paid: Vec<&str> =
        plan["installments"].as_array().unwrap().iter().map(|i| i["paid"].as_str().unwrap()).collect();
    assert_eq!(paid, ["416.83", "83.17", "0.00"], "oldest first, the rest rolling forward");
    assert_eq!(plan["installments"][1]["status"], "partially_paid");
    assert_eq!(plan["remaining"], "750.50");

    let rest = json!({"account_id": account, "amount": "750.50", "method": "cash", "paid_on": today});
    ok(pay(&app, &sarah, "pay-2", &rest).await, 201, "pay the rest").await;
    let plan = ok(app.get_as(&sarah, &format!("/api/v1/plans/{id}")).await, 200, "plan").await;
    assert_eq!(plan["status"], "completed");
    let detail = account_of(&app, &manager, &account).await;
    assert_eq!((detail["status"].as_str(), detail["current_balance"].as_str()), (Some("settled"), Some("0.00")));
    let timeline: Value =
        app.get_as(&manager, &format!("/api/v1/accounts/{account}/timeline?limit=200")).await.json().await.unwrap();
    let plan_steps: Vec<&str> = timeline["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "plan")
        .map(|e| e["data"]["action"].as_str().unwrap())
        .collect();
    assert_eq!(plan_steps, ["completed", "approved", "submitted", "proposed"]);
    let listed = ok(app.get_as(&manager, &format!("/api/v1/accounts/{account}/plans")).await, 200, "list").await;
    assert_eq!(listed[0]["id"], id);
}

#[tokio::test]
async fn bad_plans_are_refused_naming_the_field() {
    let app = spawn_app().await;
    app.seed().await;
    let manager = app.token("demo.manager").await;
    let account = negotiating_account(&app, &manager, "PLAN-1").await;
    let first = today(&app).await + chrono::Days::new(1);
    let second = first + chrono::Days::new(30);
    let generated = |total: &str, n: u32| json!({"total": total, "installments": n, "frequency": "monthly", "first_due_date": first});
    let cases = [
        (generated("100.00", 0), "installments"),
        (generated("1250.51", 2), "total"),
        (generated("0", 2), "total"),
        (json!({"total": "100.00", "installments": 2, "first_due_date": first}), "frequency"),
        (json!({"total": "100.00", "frequency": "weekly", "first_due_date": first}), "installments"),
        (
            json!({"total": "100.00", "installments": 2, "frequency": "fortnightly", "first_due_date": first}),
            "frequency",
        ),
        (
            json!({"total": "100.00", "installments": 2, "frequency": "weekly", "first_due_date": "2020-01-01"}),
            "first_due_date",
        ),
        (
            json!({"total": "30.00", "schedule": [{"due_date": second, "amount": "10.00"}, {"due_date": first, "amount": "20.00"}]}),
            "schedule",
        ),
        (
            json!({"total": "31.00", "schedule": [{"due_date": first, "amount": "10.00"}, {"due_date": second, "amount": "20.00"}]}),
            "total",
        ),
        (
            json!({"total": "30.00", "installments": 2, "schedule": [{"due_date": first, "amount": "30.00"}]}),
            "schedule",
        ),
        (
            json!({"total": "100.00", "installments": 2, "frequency": "weekly", "first_due_date": first, "grace_days": 30}),
            "grace_days",
        ),
    ];
    for (i, (terms, field)) in cases.iter().enumerate() {
        let problem = assert_problem(propose(&app, &manager, &account, &format!("bad-{i}"), terms).await, 422).await;
        assert!(problem["errors"][field].is_array(), "{field}: {problem}");
    }
    sqlx::query("UPDATE accounts SET status = 'closed'").execute(&app.db).await.unwrap();
    let closed = propose(&app, &manager, &account, "closed", &generated("100.00", 2)).await;
    assert!(assert_problem(closed, 422).await["errors"]["account_id"].is_array());
    let plans: i64 = sqlx::query_scalar("SELECT count(*) FROM plans").fetch_one(&app.db).await.unwrap();
    assert_eq!(plans, 0);
}

#[tokio::test]
async fn a_draft_is_edited_or_deleted_and_an_approved_plan_is_frozen() {
    let app = spawn_app().await;
    app.seed().await;
    let manager = app.token("demo.manager").await;
    let account = negotiating_account(&app, &manager, "PLAN-1").await;
    let first = today(&app).await + chrono::Days::new(1);
    let terms = json!({"total": "600.00", "installments": 2, "frequency": "weekly", "first_due_date": first});
    let draft = ok(propose(&app, &manager, &account, "p-1", &terms).await, 201, "propose").await;
    let id = draft["id"].as_str().unwrap();
    let path = format!("/api/v1/plans/{id}");

    let changed = json!({"total": "600.00", "installments": 3, "frequency": "biweekly", "first_due_date": first, "grace_days": 5});
    let edited = ok(app.send(Method::PATCH, &path, &manager, Some(&changed)).await, 200, "edit").await;
    assert_eq!(edited["installments"].as_array().unwrap().len(), 3);
    assert_eq!(edited["grace_days"], 5);
    assert_eq!(app.send(Method::DELETE, &path, &manager, None).await.status(), 204);
    assert_problem(app.get_as(&manager, &path).await, 404).await;

    let plan = active_plan(&app, &account, "600.00", 2, first).await;
    let path = format!("/api/v1/plans/{}", plan["id"].as_str().unwrap());
    assert_problem(app.send(Method::PATCH, &path, &manager, Some(&changed)).await, 409).await;
    assert_problem(app.send(Method::DELETE, &path, &manager, None).await, 409).await;
    let frozen = sqlx::query("UPDATE plan_installments SET amount = amount + 1").execute(&app.db).await;
    assert!(frozen.is_err(), "an approved schedule cannot be rewritten");

    let cancelled = ok(step(&app, &manager, plan["id"].as_str().unwrap(), "cancel", "c-1").await, 200, "cancel").await;
    assert_eq!(cancelled["status"], "cancelled");
    assert_eq!(account_of(&app, &manager, &account).await["status"], "negotiating");
}

#[tokio::test]
async fn only_one_plan_is_active_per_account_even_when_approved_at_once() {
    let app = spawn_app().await;
    app.seed().await;
    let manager = app.token("demo.manager").await;
    let account = negotiating_account(&app, &manager, "PLAN-1").await;
    let first = today(&app).await + chrono::Days::new(1);
    let mut ids = Vec::new();
    for n in 0..2 {
        let terms = json!({"total": "600.00", "installments": 2 + n, "frequency": "weekly", "first_due_date": first});
        let plan = ok(propose(&app, &manager, &account, &format!("p-{n}"), &terms).await, 201, "propose").await;
        let id = plan["id"].as_str().unwrap().to_owned();
        ok(step(&app, &manager, &id, "submit", &format!("s-{n}")).await, 200, "submit").await;
        ids.push(id);
    }
    let admin = app.token("demo.admin").await;
    let (a, b) =
        tokio::join!(step(&app, &manager, &ids[0], "approve", "a-0"), step(&app, &admin, &ids[1], "approve", "a-1"));
    let mut statuses = [a.status().as_u16(), b.status().as_u16()];
    statuses.sort();
    assert_eq!(statuses, [200, 409]);
    let active: i64 =
        sqlx::query_scalar("SELECT count(*) FROM plans WHERE status = 'active'").fetch_one(&app.db).await.unwrap();
    assert_eq!(active, 1);
}

#[tokio::test]
async fn a_settlement_discount_is_written_off_when_the_plan_completes() {
    let app = spawn_app().await;
    app.seed().await;
    let manager = app.token("demo.manager").await;
    let account = negotiating_account(&app, &manager, "PLAN-1").await;
    let first = today(&app).await + chrono::Days::new(1);
    let plan = active_plan(&app, &account, "1000.00", 1, first).await;
    assert_eq!(plan["settlement"], true);

    let body = json!({"account_id": account, "amount": "1000.00", "method": "cash", "paid_on": today(&app).await});
    ok(pay(&app, &manager, "pay", &body).await, 201, "pay").await;
    let detail = account_of(&app, &manager, &account).await;
    assert_eq!((detail["status"].as_str(), detail["current_balance"].as_str()), (Some("settled"), Some("0.00")));
    let ledger: Value = app.get_as(&manager, &format!("/api/v1/accounts/{account}/ledger")).await.json().await.unwrap();
    let write_off = ledger["items"].as_array().unwrap().iter().find(|e| e["kind"] == "write_off").expect("a write-off");
    assert_eq!(
        write_off["lines"],
        json!([{"ledger_account": "write_off", "debit": "250.50", "credit": "0.00"},
               {"ledger_account": "receivable", "debit": "0.00", "credit": "250.50"}])
    );
}

#[tokio::test]
async fn a_plan_defaults_on_its_threshold_day_and_not_before() {
    let app = spawn_app().await;
    app.seed().await;
    let manager = app.token("demo.manager").await;
    let account = negotiating_account(&app, &manager, "PLAN-1").await;
    let due = today(&app).await;
    let terms = json!({"total": "600.00", "installments": 2, "frequency": "monthly", "first_due_date": due,
                       "grace_days": 5, "default_threshold_days": 10});
    let plan = ok(propose(&app, &manager, &account, "p-1", &terms).await, 201, "propose").await;
    let id = plan["id"].as_str().unwrap();
    ok(step(&app, &manager, id, "submit", "s-1").await, 200, "submit").await;
    ok(step(&app, &manager, id, "approve", "a-1").await, 200, "approve").await;

    let run = |days: u64| debtflow_api::jobs::plan_defaults::run(&app.db, due + chrono::Days::new(days));
    assert_eq!(run(5).await.unwrap(), 0, "the last day of grace");
    assert_eq!(run(9).await.unwrap(), 0, "threshold - 1");
    assert_eq!(run(10).await.unwrap(), 1, "the threshold day");
    assert_eq!(run(10).await.unwrap(), 0, "a second run changes nothing");
    let plan = ok(app.get_as(&manager, &format!("/api/v1/plans/{id}")).await, 200, "plan").await;
    assert_eq!(plan["status"], "defaulted");
    assert_eq!(account_of(&app, &manager, &account).await["status"], "negotiating");
    let sarah = app.token("sarah.mitchell").await;
    let notes: Value = app.get_as(&sarah, "/api/v1/notifications").await.json().await.unwrap();
    assert_eq!(notes["items"][0]["kind"], "plan_defaulted");
    let defaults: i64 = sqlx::query_scalar("SELECT count(*) FROM notifications WHERE kind = 'plan_defaulted'")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(defaults, 2, "the collector and the manager, once each");
}

#[tokio::test]
async fn a_refund_takes_back_the_newest_installments_first() {
    let app = spawn_app().await;
    app.seed().await;
    let manager = app.token("demo.manager").await;
    let account = negotiating_account(&app, &manager, "PLAN-1").await;
    let first = today(&app).await + chrono::Days::new(1);
    let plan = active_plan(&app, &account, "600.00", 3, first).await;
    let id = plan["id"].as_str().unwrap();
    let body = json!({"account_id": account, "amount": "450.00", "method": "cash", "paid_on": today(&app).await});
    let payment = ok(pay(&app, &manager, "pay", &body).await, 201, "pay").await;

    let refund = format!("/api/v1/payments/{}/refund", payment["id"].as_str().unwrap());
    ok(post(&app, &manager, &refund, "r-1", &json!({"amount": "100.00", "reason": "x"})).await, 200, "refund").await;
    let plan = ok(app.get_as(&manager, &format!("/api/v1/plans/{id}")).await, 200, "plan").await;
    let paid: Vec<&str> =
        plan["installments"].as_array().unwrap().iter().map(|i| i["paid"].as_str().unwrap()).collect();
    assert_eq!(paid, ["200.00", "150.00", "0.00"]);
    let month_on = first + chrono::Days::new(31);
    let upcoming =
        ok(app.get_as(&manager, &format!("/api/v1/plans?status=active&due_before={month_on}")).await, 200, "list")
            .await;
    assert_eq!(upcoming["items"][0]["id"], id);
}

#[tokio::test]
async fn a_refund_that_unpays_a_settlement_reinstates_the_discount_and_reopens_the_plan() {
    let app = spawn_app().await;
    app.seed().await;
    let manager = app.token("demo.manager").await;
    let account = negotiating_account(&app, &manager, "PLAN-1").await;
    let first = today(&app).await + chrono::Days::new(1);
    let plan = active_plan(&app, &account, "1000.00", 1, first).await;
    let id = plan["id"].as_str().unwrap();
    let body = json!({"account_id": account, "amount": "1000.00", "method": "cash", "paid_on": today(&app).await});
    let payment = ok(pay(&app, &manager, "pay", &body).await, 201, "pay").await;
    assert_eq!(account_of(&app, &manager, &account).await["status"], "settled");

    let refund = format!("/api/v1/payments/{}/refund", payment["id"].as_str().unwrap());
    ok(post(&app, &manager, &refund, "r-1", &json!({"amount": "100.00", "reason": "chargeback"})).await, 200, "refund")
        .await;

    let plan = ok(app.get_as(&manager, &format!("/api/v1/plans/{id}")).await, 200, "plan").await;
    assert_eq!((plan["status"].as_str(), plan["remaining"].as_str()), (Some("active"), Some("100.00")));
    let detail = account_of(&app, &manager, &account).await;
    assert_eq!(
        (detail["status"].as_str(), detail["current_balance"].as_str()),
        (Some("payment_plan"), Some("350.50")),
        "the refund and the discount that no longer holds"
    );
    let ledger: Value = app.get_as(&manager, &format!("/api/v1/accounts/{account}/ledger")).await.json().await.unwrap();
    let reversal =
        ledger["items"].as_array().unwrap().iter().find(|e| e["kind"] == "write_off_reversal").expect("a reversal");
    assert_eq!(
        reversal["lines"],
        json!([{"ledger_account": "receivable", "debit": "250.50", "credit": "0.00"},
               {"ledger_account": "write_off", "debit": "0.00", "credit": "250.50"}])
    );

    // Paid again, the plan completes again and the discount is written off once more.
    let again = json!({"account_id": account, "amount": "100.00", "method": "cash", "paid_on": today(&app).await});
    ok(pay(&app, &manager, "pay-2", &again).await, 201, "pay again").await;
    let detail = account_of(&app, &manager, &account).await;
    assert_eq!((detail["status"].as_str(), detail["current_balance"].as_str()), (Some("settled"), Some("0.00")));
    let written_off: rust_decimal::Decimal =
        sqlx::query_scalar("SELECT sum(debit - credit) FROM journal_lines WHERE ledger_account = 'write_off'")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(written_off, "250.50".parse().unwrap(), "written off once, net");
}
