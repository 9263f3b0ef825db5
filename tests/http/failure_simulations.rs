//! The five failure simulations of the pre-production checklist (seed 004, §23), one
//! named test each, driven through the API as a client would; the database is read
//! only for what the API does not show (entries balance, balances equal their
//! receivable lines, what a failed job left behind, the data-quality findings).
//!
//! Where other tests prove part of one, they are named here; these five are the one
//! place each simulation is run whole:
//!
//! - [`double_payment`] — also `payments::a_retry_replays_the_first_answer_and_a_reused_key_is_refused`,
//!   `payments::bad_payments_are_refused_naming_the_field_and_write_nothing`,
//!   `problems::each_refusal_names_its_rule`,
//!   `reliability::a_hundred_concurrent_retries_on_two_servers_make_one_payment`,
//!   `reliability::a_server_killed_mid_payment_leaves_nothing_and_the_retry_succeeds`;
//! - [`partial_reversal`] — also `payments::refunds_reverse_the_payment_and_reopen_a_settled_account`,
//!   `payments::commission_posts_with_each_payment_and_refunds_reverse_it_pro_rata`,
//!   `reliability::random_money_sequences_leave_the_ledger_balanced`;
//! - [`backdated_entry`] — also `payments::a_backdated_payment_posts_only_when_a_manager_approves`,
//!   `promises::a_promise_is_kept_by_a_payment_in_time_and_broken_once_its_grace_days_pass`,
//!   `analytics::repayment_compliance_counts_installments_on_time_missed_and_open`;
//! - [`cron_failure`] — also `jobs::one_failing_plan_makes_the_run_partial_and_the_command_exit_2`,
//!   `jobs::a_second_runner_skips_while_the_first_holds_the_lock`,
//!   `jobs::aging_moves_accounts_between_buckets_at_every_boundary_and_once`, the retry
//!   policy's unit tests (`jobs::policy`) and `scheduler::*`;
//! - [`reconciliation_mismatch`] — also `jobs::data_quality_reports_each_problem_without_failing`,
//!   `analytics::the_reconciliation_balances_the_day_and_lists_a_planted_variance`,
//!   `analytics::the_summaries_equal_their_rows_and_the_data_quality_job_notices_when_they_do_not`.

use crate::{
    accounts::new_account,
    payments::{balance, count, ok, pay, post, today, working_account},
    plans::{active_plan, negotiating_account},
    reliability::assert_ledger_sound,
};
use chrono::{Days, NaiveDate, Utc};
use debtflow_tests::{assert_problem, debtflow_bin, spawn_app, spawn_app_at, spawn_on, TestApp, TestDatabase};
use reqwest::Method;
use rust_decimal::Decimal;
use serde_json::{json, Value};
use sqlx::{Connection, PgConnection};

// ---------------------------------------------------------------------------------
// What the simulations read.

/// The account's ledger as `GET /accounts/{id}/ledger` answers it (newest first).
async fn ledger(app: &TestApp, token: &str, account: &str) -> Value {
    ok(app.get_as(token, &format!("/api/v1/accounts/{account}/ledger")).await, 200, "ledger").await
}

fn kinds(ledger: &Value) -> Vec<String> {
    ledger["items"].as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap().to_owned()).collect()
}

/// The newest entry of `kind` in a ledger answer.
fn entry<'a>(ledger: &'a Value, kind: &str) -> &'a Value {
    ledger["items"].as_array().unwrap().iter().find(|e| e["kind"] == kind).unwrap_or_else(|| panic!("no {kind}"))
}

/// The audit trail of one action on one entity, as compliance reads it.
async fn audit(app: &TestApp, action: &str, entity_id: &str) -> Vec<Value> {
    let compliance = app.token("demo.compliance").await;
    let path = format!("/api/v1/audit-logs?action={action}&entity_id={entity_id}");
    ok(app.get_as(&compliance, &path).await, 200, "audit trail").await["items"].as_array().unwrap().clone()
}

/// The caller's notifications of `kind`, newest first.
async fn notifications(app: &TestApp, token: &str, kind: &str) -> Vec<Value> {
    let page = ok(app.get_as(token, "/api/v1/notifications?limit=200").await, 200, "notifications").await;
    page["items"].as_array().unwrap().iter().filter(|n| n["kind"] == kind).cloned().collect()
}

fn money(s: &str) -> Decimal {
    s.parse().unwrap()
}

async fn demo_agency(app: &TestApp) -> uuid::Uuid {
    sqlx::query_scalar("SELECT id FROM agencies WHERE name = 'Demo Recovery Agency'").fetch_one(&app.db).await.unwrap()
}

// ---------------------------------------------------------------------------------
// 1. Double payment.

/// The same payment sent twice — at once (a double click, a client retrying on a
/// timeout) and again later — under one `Idempotency-Key` is one payment and one
/// entry, every answer the first one byte for byte; sent again under a new key with
/// the same bank reference (UTR) it is refused with a 409 naming the reference and
/// the payment that holds it, and nothing is posted — even when the two race.
#[tokio::test]
async fn double_payment() {
    let app = spawn_app().await;
    app.seed().await;
    let manager = app.token("demo.manager").await;
    let sarah = app.token("sarah.mitchell").await;
    let account = working_account(&app, &manager, "DBL-1").await;
    let other = working_account(&app, &manager, "DBL-2").await;
    let today = today(&app).await;
    let body = json!({"account_id": account, "amount": "300.00", "method": "bank_transfer", "paid_on": today,
                      "reference": "UTR-DBL-1"});

    // Twenty copies at once under one key: one runs, the others wait for it and replay it.
    let requests = (0..20).map(|_| {
        let request = app
            .client
            .post(app.url("/api/v1/payments"))
            .bearer_auth(&manager)
            .header("Idempotency-Key", "dbl-key")
            .json(&body);
        async move {
            let response = request.send().await.expect("a response");
            let replayed = response.headers().get("Idempotent-Replayed").map(|v| v.to_str().unwrap().to_owned());
            (response.status().as_u16(), replayed, response.bytes().await.unwrap())
        }
    });
    let answers = futures_util::future::join_all(requests).await;
    assert!(answers.iter().all(|a| a.0 == 201), "{:?}", answers.iter().map(|a| a.0).collect::<Vec<_>>());
    let originals: Vec<_> = answers.iter().filter(|a| a.1.is_none()).collect();
    assert_eq!(originals.len(), 1, "exactly one request ran");
    assert!(answers.iter().filter(|a| a.1.is_some()).all(|a| a.1.as_deref() == Some("true")), "the rest replayed it");
    let first = originals[0].2.clone();
    assert!(answers.iter().all(|a| a.2 == first), "every answer is the first one, byte for byte");

    // And once more, later: the same answer again.
    let later = pay(&app, &manager, "dbl-key", &body).await;
    assert_eq!(later.status(), 201);
    assert_eq!(later.headers()["Idempotent-Replayed"], "true");
    assert_eq!(later.bytes().await.unwrap(), first);

    let payment: Value = serde_json::from_slice(&first).unwrap();
    let id = payment["id"].as_str().unwrap().to_owned();
    assert_eq!(
        (payment["status"].as_str(), payment["amount"].as_str(), payment["reference"].as_str()),
        (Some("completed"), Some("300.00"), Some("UTR-DBL-1"))
    );
    let listed = ok(app.get_as(&manager, &format!("/api/v1/payments?account_id={account}")).await, 200, "list").await;
    let ids: Vec<&str> = listed["items"].as_array().unwrap().iter().map(|p| p["id"].as_str().unwrap()).collect();
    assert_eq!(ids, [id.as_str()], "one payment");
    assert_eq!(balance(&app, &manager, &account).await, "950.50", "1250.50 less 300.00, once");
    let book = ledger(&app, &manager, &account).await;
    assert_eq!(kinds(&book), ["commission", "payment", "opening"], "one payment entry, one commission");
    assert_eq!(
        entry(&book, "payment")["lines"],
        json!([{"ledger_account": "cash_clearing", "debit": "300.00", "credit": "0.00"},
               {"ledger_account": "receivable", "debit": "0.00", "credit": "300.00"}])
    );
    assert_eq!(audit(&app, "payment.create", &id).await.len(), 1, "audited once");
    assert_eq!(notifications(&app, &sarah, "payment_received").await.len(), 1, "the collector told once");

    // The same payment under a new key with the same UTR — exact, padded, or against
    // another account — is refused, naming the reference and the payment holding it.
    for (key, account_id, reference) in [
        ("dbl-new-1", &account, "UTR-DBL-1"),
        ("dbl-new-2", &account, " UTR-DBL-1 "),
        ("dbl-new-3", &other, "UTR-DBL-1"),
    ] {
        let mut again = body.clone();
        again["account_id"] = json!(account_id);
        again["reference"] = json!(reference);
        let problem = assert_problem(pay(&app, &manager, key, &again).await, 409).await;
        assert_eq!(problem["type"], "urn:debtflow:problem:duplicate-reference", "{key}: {problem}");
        assert_eq!(problem["existing_id"], json!(id), "{key}: the payment that holds the reference");
        assert_eq!(
            problem["detail"],
            format!("the reference `UTR-DBL-1` is already used by payment {id}"),
            "{key}: the field and its value named"
        );
    }

    // Two new payments with one new UTR racing under different keys: one posts.
    let racing = |key: &'static str, account_id: &String| {
        let body = json!({"account_id": account_id, "amount": "10.00", "method": "bank_transfer", "paid_on": today,
                          "reference": "UTR-DBL-2"});
        let request = app
            .client
            .post(app.url("/api/v1/payments"))
            .bearer_auth(&manager)
            .header("Idempotency-Key", key)
            .json(&body);
        async move { request.send().await.expect("a response").status().as_u16() }
    };
    let (a, b) = tokio::join!(racing("race-a", &account), racing("race-b", &other));
    let mut statuses = [a, b];
    statuses.sort_unstable();
    assert_eq!(statuses, [201, 409], "one of two racing duplicates is refused");

    // Nothing of the refused ones was written.
    assert_eq!(count(&app, "SELECT count(*) FROM payments").await, 2, "the first and the race's winner");
    assert_eq!(count(&app, "SELECT count(*) FROM journal_entries WHERE kind = 'payment'").await, 2);
    assert_eq!(count(&app, "SELECT count(*) FROM audit_logs WHERE action = 'payment.create'").await, 2);
    assert_eq!(count(&app, "SELECT count(*) FROM idempotency_keys").await, 2, "refusals keep no key");
    let balances = (balance(&app, &manager, &account).await, balance(&app, &manager, &other).await);
    assert!(
        [("940.50", "1250.50"), ("950.50", "1240.50")].contains(&(balances.0.as_str(), balances.1.as_str())),
        "10.00 off the winner's account only: {balances:?}"
    );
    assert_ledger_sound(&app).await;
}

// ---------------------------------------------------------------------------------
// 2. Partial reversal.

/// A payment refunded in part: the balance rises by exactly the refunded amount, a
/// reversing entry of that amount names the payment's entry, the collector's
/// commission is reversed pro rata (the rounded cumulative share, so a full refund
/// reverses it to the cent); a replayed refund changes nothing; a refund beyond what
/// remains is refused and writes nothing; the rest refunds the payment in full.
#[tokio::test]
async fn partial_reversal() {
    let app = spawn_app().await;
    let demo = app.seed().await;
    let manager = app.token("demo.manager").await;
    let sarah = app.token("sarah.mitchell").await;
    let account = working_account(&app, &manager, "REV-1").await;
    let today = today(&app).await;
    let body = json!({"account_id": account, "amount": "333.33", "method": "cash", "paid_on": today});
    let payment = ok(pay(&app, &manager, "rev-pay", &body).await, 201, "pay").await;
    let id = payment["id"].as_str().unwrap().to_owned();
    assert_eq!(balance(&app, &manager, &account).await, "917.17");
    let book = ledger(&app, &manager, &account).await;
    let payment_entry = entry(&book, "payment")["entry_id"].clone();
    let commission_entry = entry(&book, "commission").clone();
    assert_eq!(
        commission_entry["lines"],
        json!([{"ledger_account": "commission_expense", "debit": "33.33", "credit": "0.00"},
               {"ledger_account": "commission_payable", "debit": "0.00", "credit": "33.33"}]),
        "sarah's 10% of 333.33"
    );
    let commission_path = format!(
        "/api/v1/collectors/{}/commission?from={}&to={}",
        demo.sarah,
        today - Days::new(1),
        today + Days::new(1)
    );

    // 100.00 of it back.
    let refund = format!("/api/v1/payments/{id}/refund");
    let part = json!({"amount": "100.00", "reason": "double debit at the bank"});
    let first = post(&app, &manager, &refund, "rev-r1", &part).await;
    assert_eq!(first.status(), 200);
    let first = first.bytes().await.unwrap();
    let refunded: Value = serde_json::from_slice(&first).unwrap();
    assert_eq!(
        (refunded["status"].as_str(), refunded["amount"].as_str(), refunded["refunded_amount"].as_str()),
        (Some("partially_refunded"), Some("333.33"), Some("100.00"))
    );
    assert_eq!(balance(&app, &manager, &account).await, "1017.17", "up by exactly the 100.00 refunded");
    let book = ledger(&app, &manager, &account).await;
    assert_eq!(book["balance"], "1017.17");
    assert_eq!(kinds(&book), ["commission_reversal", "refund", "commission", "payment", "opening"]);
    let reversal = entry(&book, "refund");
    assert_eq!(reversal["reverses"], payment_entry, "the refund reverses the payment's entry");
    assert_eq!(
        reversal["lines"],
        json!([{"ledger_account": "receivable", "debit": "100.00", "credit": "0.00"},
               {"ledger_account": "cash_clearing", "debit": "0.00", "credit": "100.00"}])
    );
    let commission_back = entry(&book, "commission_reversal");
    assert_eq!(commission_back["reverses"], commission_entry["entry_id"]);
    assert_eq!(
        commission_back["lines"],
        json!([{"ledger_account": "commission_payable", "debit": "10.00", "credit": "0.00"},
               {"ledger_account": "commission_expense", "debit": "0.00", "credit": "10.00"}]),
        "33.33 × 100.00 / 333.33 = 9.99997, rounded to 10.00"
    );
    let commission = ok(app.get_as(&sarah, &commission_path).await, 200, "commission").await;
    assert_eq!(
        (&commission["earned"], &commission["reversed"], &commission["net"]),
        (&json!("33.33"), &json!("10.00"), &json!("23.33"))
    );

    // The refund retried: the same answer, nothing more.
    let retried = post(&app, &manager, &refund, "rev-r1", &part).await;
    assert_eq!(retried.headers()["Idempotent-Replayed"], "true");
    assert_eq!(retried.bytes().await.unwrap(), first);
    assert_eq!(balance(&app, &manager, &account).await, "1017.17");

    // More than the 233.33 that remains: refused, nothing written.
    let entries_before = count(&app, "SELECT count(*) FROM journal_entries").await;
    let keys_before = count(&app, "SELECT count(*) FROM idempotency_keys").await;
    let too_much = post(&app, &manager, &refund, "rev-r2", &json!({"amount": "233.34", "reason": "x"})).await;
    let problem = assert_problem(too_much, 422).await;
    assert!(problem["errors"]["amount"].is_array(), "{problem}");
    assert_eq!(count(&app, "SELECT count(*) FROM journal_entries").await, entries_before, "no entry");
    assert_eq!(count(&app, "SELECT count(*) FROM idempotency_keys").await, keys_before, "no key kept");
    assert_eq!(balance(&app, &manager, &account).await, "1017.17");
    let unchanged = ok(app.get_as(&manager, &format!("/api/v1/payments/{id}")).await, 200, "payment").await;
    assert_eq!(
        (unchanged["status"].as_str(), unchanged["refunded_amount"].as_str()),
        (Some("partially_refunded"), Some("100.00"))
    );
    assert_eq!(audit(&app, "payment.refund", &id).await.len(), 1, "no audit row for the refusal");

    // The rest: refunded in full, the commission reversed to the cent.
    let rest =
        ok(post(&app, &manager, &refund, "rev-r3", &json!({"amount": "233.33", "reason": "x"})).await, 200, "rest")
            .await;
    assert_eq!((rest["status"].as_str(), rest["refunded_amount"].as_str()), (Some("refunded"), Some("333.33")));
    assert_eq!(balance(&app, &manager, &account).await, "1250.50");
    let book = ledger(&app, &manager, &account).await;
    let reversals: Vec<&Value> =
        book["items"].as_array().unwrap().iter().filter(|e| e["kind"] == "commission_reversal").collect();
    assert_eq!(reversals[0]["lines"][0]["debit"], "23.33", "33.33 − 10.00");
    let commission = ok(app.get_as(&sarah, &commission_path).await, 200, "commission").await;
    assert_eq!((&commission["reversed"], &commission["net"]), (&json!("33.33"), &json!("0.00")));
    let none_left = post(&app, &manager, &refund, "rev-r4", &json!({"amount": "0.01", "reason": "x"})).await;
    assert_eq!(assert_problem(none_left, 409).await["type"], "urn:debtflow:problem:wrong-status");

    let trail = audit(&app, "payment.refund", &id).await;
    assert_eq!(trail.len(), 2, "one row per refund");
    let timeline =
        ok(app.get_as(&manager, &format!("/api/v1/accounts/{account}/timeline")).await, 200, "timeline").await;
    let refunds = timeline["items"].as_array().unwrap().iter().filter(|e| e["kind"] == "refund").count();
    assert_eq!(refunds, 2);
    let held: Decimal = sqlx::query_scalar("SELECT sum(amount) FROM payment_allocations WHERE payment_id = $1::uuid")
        .bind(&id)
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(held, Decimal::ZERO, "the allocation unwound to nothing");
    assert_ledger_sound(&app).await;
}

// ---------------------------------------------------------------------------------
// 3. Backdated entry.

/// The agency's business date at an instant (the demo agency's time zone).
async fn local_date(app: &TestApp, at: chrono::DateTime<Utc>) -> NaiveDate {
    sqlx::query_scalar("SELECT ($1::timestamptz AT TIME ZONE 'America/New_York')::date")
        .bind(at)
        .fetch_one(&app.db)
        .await
        .unwrap()
}

/// A payment dated further back than the approval window (7 days) waits for a
/// manager and posts nothing until approved; one within the window posts at once even
/// when dated before the account's latest posting; a future date is refused. Once
/// approved it posts on the day of approval (the ledger's day: reconciliation, money
/// figures) while keeping the day the debtor paid (`paid_on`), which is what the
/// promises and the plan's installments are judged by; days past due run from the
/// account's aging anchor, which no payment moves.
#[tokio::test]
async fn backdated_entry() {
    // Ten days ago (noon in New York, so that the day is the same one wherever the test
    // runs): a plan is agreed (first installment due in 2 days) and a promise made
    // (100.00 due tomorrow).
    let app = spawn_app_at(Utc::now()).await;
    let t0 = today(&app).await - Days::new(10);
    let noon: chrono::DateTime<Utc> =
        sqlx::query_scalar("SELECT ($1::date + time '12:00') AT TIME ZONE 'America/New_York'")
            .bind(t0)
            .fetch_one(&app.db)
            .await
            .unwrap();
    app.clock.set(noon);
    app.seed().await;
    let manager = app.token("demo.manager").await;
    let sarah = app.token("sarah.mitchell").await;
    let planned = negotiating_account(&app, &manager, "BACK-1").await;
    let plan = active_plan(&app, &planned, "600.00", 2, t0 + Days::new(2)).await;
    let plan_id = plan["id"].as_str().unwrap().to_owned();
    let promised = working_account(&app, &manager, "BACK-2").await;
    let promise = json!({"items": [{"amount": "100.00", "due_on": t0 + Days::new(1)}]});
    let path = format!("/api/v1/accounts/{promised}/promises");
    ok(app.send(Method::POST, &path, &sarah, Some(&promise)).await, 201, "promise").await;

    // Today. The debtor's check of 300.00 was paid nine days ago, the day after t0.
    app.clock.set(Utc::now());
    let today = local_date(&app, app.clock.now()).await;
    assert_eq!(today, t0 + Days::new(10), "the app's today is the ledger's");
    let paid_on = t0 + Days::new(1);
    // Tokens of ten days ago have expired: sign in again.
    let (manager, sarah, admin) =
        (app.token("demo.manager").await, app.token("sarah.mitchell").await, app.token("demo.admin").await);
    let detail = |account: String| {
        let (app, manager) = (&app, &manager);
        async move { ok(app.get_as(manager, &format!("/api/v1/accounts/{account}")).await, 200, "account").await }
    };
    let before = detail(planned.clone()).await;
    let dpd = (today - NaiveDate::from_ymd_opt(2026, 1, 15).unwrap()).num_days();
    assert_eq!((before["days_past_due"].as_i64(), before["bucket"].as_str()), (Some(dpd), Some("90+")));

    // A future date is refused, naming the field; nothing is written.
    let future = json!({"account_id": planned, "amount": "300.00", "method": "check", "paid_on": today + Days::new(1)});
    let problem = assert_problem(pay(&app, &sarah, "back-future", &future).await, 422).await;
    assert!(problem["errors"]["paid_on"].is_array(), "{problem}");
    assert_eq!(count(&app, "SELECT count(*) FROM payments").await, 0);

    // Nine days back, beyond the 7-day window: it waits.
    let check = json!({"account_id": planned, "amount": "300.00", "method": "check", "paid_on": paid_on,
                       "reference": "CHK-1001"});
    let waiting = ok(pay(&app, &sarah, "back-1", &check).await, 201, "backdated").await;
    let id = waiting["id"].as_str().unwrap().to_owned();
    assert_eq!(
        (waiting["status"].as_str(), waiting["paid_on"].as_str()),
        (Some("pending_approval"), Some(&*paid_on.to_string()))
    );
    assert_eq!(balance(&app, &manager, &planned).await, "1250.50", "nothing posted");
    assert_eq!(kinds(&ledger(&app, &manager, &planned).await), ["opening"], "no entry");
    let plan_now = ok(app.get_as(&manager, &format!("/api/v1/plans/{plan_id}")).await, 200, "plan").await;
    assert_eq!(
        (plan_now["installments"][0]["paid"].as_str(), plan_now["installments"][0]["status"].as_str()),
        (Some("0.00"), Some("late")),
        "nothing paid: past its 3 days of grace today"
    );
    let approvals = ok(app.get_as(&manager, "/api/v1/approvals/pending").await, 200, "approvals").await;
    assert_eq!(approvals, json!({"plans": 0, "payments": 1}));
    for token in [&manager, &admin] {
        let told = notifications(&app, token, "payment_pending_approval").await;
        assert_eq!(told.len(), 1, "the deciders are told once");
        assert_eq!((told[0]["entity_type"].as_str(), told[0]["entity_id"].as_str()), (Some("payment"), Some(&*id)));
    }
    assert!(notifications(&app, &sarah, "payment_pending_approval").await.is_empty(), "not the collector");
    let created = audit(&app, "payment.create", &id).await;
    assert_eq!(created.len(), 1);
    assert_eq!(
        (created[0]["after"]["status"].as_str(), created[0]["after"]["paid_on"].as_str()),
        (Some("pending_approval"), Some(&*paid_on.to_string()))
    );

    // On the other account: 50.00 in cash today, then a transfer dated 7 days back —
    // before that posting, at the edge of the window — posts at once; a check dated
    // the day after t0 (9 days back) waits like the first.
    let cash = json!({"account_id": promised, "amount": "50.00", "method": "cash", "paid_on": today});
    ok(pay(&app, &sarah, "back-2", &cash).await, 201, "cash today").await;
    let edge =
        json!({"account_id": promised, "amount": "20.00", "method": "bank_transfer", "paid_on": today - Days::new(7)});
    let edge = ok(pay(&app, &sarah, "back-3", &edge).await, 201, "7 days back").await;
    assert_eq!(edge["status"], "completed", "the window's last day posts at once");
    let promised_check = json!({"account_id": promised, "amount": "100.00", "method": "check", "paid_on": paid_on});
    let promised_check = ok(pay(&app, &sarah, "back-4", &promised_check).await, 201, "9 days back").await;
    assert_eq!(promised_check["status"], "pending_approval");
    assert_eq!(balance(&app, &manager, &promised).await, "1180.50");

    // The collector may not approve; the manager does.
    let approve = format!("/api/v1/payments/{id}/approve");
    assert_problem(post(&app, &sarah, &approve, "back-a0", &json!({})).await, 403).await;
    let aging_before = ok(app.get_as(&manager, "/api/v1/analytics/aging-report").await, 200, "aging").await;
    let approved =
        ok(post(&app, &manager, &approve, "back-a1", &json!({"reason": "check seen"})).await, 200, "approve").await;
    assert_eq!(
        (approved["status"].as_str(), approved["paid_on"].as_str()),
        (Some("completed"), Some(&*paid_on.to_string()))
    );
    let manager_id: uuid::Uuid =
        sqlx::query_scalar("SELECT id FROM users WHERE username = 'demo.manager'").fetch_one(&app.db).await.unwrap();
    assert_eq!(approved["decided_by"], json!(manager_id));

    // Posted now: the balance, the entry, the installment; the day paid kept.
    assert_eq!(balance(&app, &manager, &planned).await, "950.50");
    let book = ledger(&app, &manager, &planned).await;
    assert_eq!(kinds(&book), ["commission", "payment", "opening"]);
    let posted_on = local_date(&app, entry(&book, "payment")["posted_at"].as_str().unwrap().parse().unwrap()).await;
    assert_eq!(posted_on, today, "the ledger's day is the day of approval");
    let plan_now = ok(app.get_as(&manager, &format!("/api/v1/plans/{plan_id}")).await, 200, "plan").await;
    assert_eq!(
        (plan_now["installments"][0]["paid"].as_str(), plan_now["installments"][0]["status"].as_str()),
        (Some("300.00"), Some("paid"))
    );
    let on_the_day = format!("/api/v1/payments?account_id={planned}&paid_from={paid_on}&paid_to={paid_on}");
    let listed = ok(app.get_as(&manager, &on_the_day).await, 200, "by the day paid").await;
    assert_eq!(listed["items"].as_array().unwrap().len(), 1, "listed on the day the debtor paid");
    let decided = audit(&app, "payment.approve", &id).await;
    assert_eq!((decided.len(), decided[0]["actor_name"].as_str()), (1, Some("Morgan Reyes")), "who approved it");
    assert_eq!(decided[0]["before"], json!({"status": "pending_approval", "reason": null}));
    assert_eq!(decided[0]["after"], json!({"status": "completed", "reason": "check seen"}));

    // Days past due run from the aging anchor: the payment moved the balance, not the
    // days; the aging report's bucket holds 300.00 less, the same accounts.
    let after = detail(planned.clone()).await;
    assert_eq!((after["days_past_due"].as_i64(), after["bucket"].as_str()), (Some(dpd), Some("90+")));
    let aging_after = ok(app.get_as(&manager, "/api/v1/analytics/aging-report").await, 200, "aging").await;
    let over_90 = |report: &Value| {
        let row = report["totals"].as_array().unwrap().iter().find(|r| r["bucket"] == "90+").unwrap().clone();
        (row["accounts"].as_i64().unwrap(), money(row["balance"].as_str().unwrap()))
    };
    let (was, now) = (over_90(&aging_before), over_90(&aging_after));
    assert_eq!((now.0, was.1 - now.1), (was.0, money("300.00")));

    // The promise is judged by the day the debtor paid: kept on it.
    let other_approve = format!("/api/v1/payments/{}/approve", promised_check["id"].as_str().unwrap());
    ok(post(&app, &manager, &other_approve, "back-a2", &json!({})).await, 200, "approve").await;
    assert_eq!(balance(&app, &manager, &promised).await, "1080.50");
    let ran = ok(app.send(Method::POST, "/api/v1/jobs/promise_evaluation/run", &admin, None).await, 200, "run").await;
    assert_eq!(
        (ran["runs"][0]["status"].as_str(), ran["runs"][0]["records_updated"].as_i64()),
        (Some("succeeded"), Some(1))
    );
    let promises = ok(app.get_as(&sarah, &path).await, 200, "promises").await;
    assert_eq!(
        (promises[0]["status"].as_str(), promises[0]["kept_on"].as_str()),
        (Some("kept"), Some(&*paid_on.to_string()))
    );

    // The day's reconciliation takes the approved checks as today's cash, no variance.
    let day =
        ok(app.get_as(&manager, &format!("/api/v1/reports/reconciliation?date={today}")).await, 200, "reconciliation")
            .await;
    assert_eq!(day["reconciled"], true, "{day}");
    assert_eq!(day["cash_in"], "470.00", "300.00 + 100.00 approved today, 50.00 cash, 20.00 transfer");
    assert_ledger_sound(&app).await;

    // The installment due t0 + 2 was paid on t0 + 1, before it was due: on time.
    let compliance =
        format!("/api/v1/reports/repayment-compliance?from={}&to={}&by=plan", t0 + Days::new(2), t0 + Days::new(2));
    let report = ok(app.get_as(&manager, &compliance).await, 200, "compliance").await;
    let row = &report["rows"][0];
    assert_eq!(row["account_ref"], "BACK-1");
    assert_eq!(
        (row["due"].as_i64(), row["on_time"].as_i64(), row["late"].as_i64()),
        (Some(1), Some(1), Some(0)),
        "a check paid the day before the installment was due, approved later, is on time: {report}"
    );
}

// ---------------------------------------------------------------------------------
// 4. Cron failure.

/// The demo agency's aging as the dpd_aging job leaves it, keyed by what two databases
/// share (external references, usernames): anchors, bucket moves, the day's recorded
/// portfolio, the portfolio summary (with its fold), the money's roll-up.
async fn aging_state(app: &TestApp) -> Value {
    let agency = demo_agency(app).await;
    let text: String = sqlx::query_scalar(
        "SELECT json_build_object(
           'anchors', (SELECT json_agg(json_build_array(external_ref, aging_anchor) ORDER BY external_ref)
                       FROM accounts WHERE agency_id = $1),
           'moves', (SELECT json_agg(json_build_array(a.external_ref, h.as_of_date, h.from_bucket, h.to_bucket)
                                     ORDER BY a.external_ref, h.as_of_date)
                     FROM aging_history h JOIN accounts a ON a.id = h.account_id WHERE h.agency_id = $1),
           'snapshots', (SELECT json_agg(json_build_array(s.as_of_date, u.username, s.status, s.bucket, s.accounts,
                                                          s.balance, s.placed, s.paid_accounts, s.days_to_first_payment)
                                         ORDER BY s.as_of_date, u.username NULLS FIRST, s.status, s.bucket)
                         FROM portfolio_snapshots s LEFT JOIN users u ON u.id = s.collector_id WHERE s.agency_id = $1),
           'totals', (SELECT json_agg(json_build_array(u.username, t.status, t.aging_anchor, t.accounts, t.balance,
                                                       t.placed, t.paid_accounts, t.days_to_first_payment)
                                      ORDER BY u.username NULLS FIRST, t.status, t.aging_anchor)
                      FROM account_totals t LEFT JOIN users u ON u.id = t.collector_id
                      WHERE t.agency_id = $1 AND t.accounts <> 0),
           'rolled', (SELECT through FROM daily_money_rolled WHERE agency_id = $1),
           'days', (SELECT json_agg(json_build_array(day, method, payments, received) ORDER BY day, method)
                    FROM daily_money_days WHERE agency_id = $1))::text",
    )
    .bind(agency)
    .fetch_one(&app.db)
    .await
    .unwrap();
    serde_json::from_str(&text).unwrap()
}

/// Demo accounts delinquent 10, 31, 61, 40 (paused since 2 days ago) and 200 days;
/// the 31-day one is sarah's.
async fn aging_portfolio(app: &TestApp) {
    let manager = app.token("demo.manager").await;
    let today = today(app).await;
    let mut ids = std::collections::HashMap::new();
    for (reference, days) in [("CRON-10", 10), ("CRON-31", 31), ("CRON-61", 61), ("CRON-P40", 40), ("CRON-200", 200)] {
        let mut body = new_account(reference);
        body["delinquency_date"] = json!(today - Days::new(days));
        let created = app.send(Method::POST, "/api/v1/accounts", &manager, Some(&body)).await;
        ids.insert(reference, ok(created, 201, reference).await["id"].as_str().unwrap().to_owned());
    }
    let sarah: uuid::Uuid =
        sqlx::query_scalar("SELECT id FROM users WHERE username = 'sarah.mitchell'").fetch_one(&app.db).await.unwrap();
    let assign = format!("/api/v1/accounts/{}/assign", ids["CRON-31"]);
    ok(app.send(Method::POST, &assign, &manager, Some(&json!({"collector_id": sarah}))).await, 200, "assign").await;
    let pause = json!({"starts_on": today - Days::new(2), "ends_on": today + Days::new(5), "reason": "hardship"});
    let pauses = format!("/api/v1/accounts/{}/pauses", ids["CRON-P40"]);
    ok(app.send(Method::POST, &pauses, &manager, Some(&pause)).await, 201, "pause").await;
}

/// An account's aging anchor in an [`aging_state`].
fn anchor_of(state: &Value, external_ref: &str) -> Value {
    state["anchors"].as_array().unwrap().iter().find(|a| a[0] == external_ref).unwrap()[1].clone()
}

/// The days an [`aging_state`] has a recorded portfolio of.
fn snapshot_days(state: &Value) -> Vec<Value> {
    let mut days: Vec<Value> = state["snapshots"].as_array().unwrap().iter().map(|s| s[0].clone()).collect();
    days.dedup();
    days
}

/// `debtflow job run …` as cron runs it: its exit code and its JSON lines.
fn job_command(app: &TestApp, args: &[&str]) -> (Option<i32>, Vec<Value>) {
    let output = std::process::Command::new(debtflow_bin())
        .args(["job", "run"])
        .args(args)
        .env("DATABASE_URL", app.database.url())
        .env("RUST_LOG", "warn")
        .output()
        .expect("debtflow job run");
    let lines = String::from_utf8_lossy(&output.stdout).lines().filter_map(|l| serde_json::from_str(l).ok()).collect();
    (output.status.code(), lines)
}

fn line_of(lines: &[Value], agency: uuid::Uuid) -> &Value {
    lines
        .iter()
        .find(|l| l["agency_id"] == json!(agency) && l["run_id"].is_string())
        .unwrap_or_else(|| panic!("no line of {agency}: {lines:?}"))
}

/// The daily aging job fails mid-run: its fold of the portfolio summary waits for
/// summary rows another transaction holds (a long import batch, a stuck posting)
/// until the database's `lock_timeout` (a DBA's setting; the jobs lift only
/// `statement_timeout`) cancels it — after the run has aged the accounts in its
/// transaction. Run from the API, then by cron's command: each run is recorded
/// `failed` with its error, nothing of it is visible, the second failure tells the
/// agency's admins once, another agency's run is unaffected; the operator's replay
/// then succeeds and leaves exactly what one clean run leaves (a twin database that
/// never failed), and a later run is `skipped_done`.
#[tokio::test]
async fn cron_failure() {
    // A twin: the same portfolio, aged once, cleanly.
    let twin = spawn_app().await;
    twin.seed().await;
    aging_portfolio(&twin).await;
    let twin_admin = twin.token("demo.admin").await;
    let clean =
        ok(twin.send(Method::POST, "/api/v1/jobs/dpd_aging/run", &twin_admin, None).await, 200, "clean run").await;
    assert_eq!(clean["runs"][0]["status"], "succeeded");
    let clean_state = aging_state(&twin).await;

    // The database under test waits at most a second for a lock.
    let database = TestDatabase::migrated().await;
    let mut admin_conn = PgConnection::connect_with(&debtflow_tests::admin_options()).await.unwrap();
    sqlx::query(&format!("ALTER DATABASE \"{}\" SET lock_timeout = '1s'", database.name))
        .execute(&mut admin_conn)
        .await
        .unwrap();
    admin_conn.close().await.unwrap();
    let app = spawn_on(database, &[]).await;
    let demo = app.seed().await;
    aging_portfolio(&app).await;
    let today = today(&app).await;
    let admin = app.token("demo.admin").await;
    let manager = app.token("demo.manager").await;
    let before = aging_state(&app).await;
    assert_eq!(before["moves"], Value::Null, "never aged");

    // Another transaction holds the summary rows of the 90+-for-good anchors (CRON-200's).
    let mut holder = app.db.begin().await.unwrap();
    let held = sqlx::query(
        "SELECT 1 FROM account_totals WHERE agency_id = $1 AND aging_anchor <= $2 AND aging_anchor <> '0001-01-01'
         FOR UPDATE",
    )
    .bind(demo.agency)
    .bind(today - Days::new(91))
    .fetch_all(&mut *holder)
    .await
    .unwrap();
    assert_eq!(held.len(), 1, "CRON-200's summary row");

    // Meanwhile an API write that needs a held row gives up at the lock timeout: a 503
    // `busy` to retry after a second (no SQL, no cause), nothing written.
    let cron_200: String = sqlx::query_scalar("SELECT id::text FROM accounts WHERE external_ref = 'CRON-200'")
        .fetch_one(&app.db)
        .await
        .unwrap();
    let assign = json!({"collector_id": demo.james});
    let stuck = app.send(Method::POST, &format!("/api/v1/accounts/{cron_200}/assign"), &manager, Some(&assign)).await;
    assert_eq!(stuck.headers().get("retry-after").map(|v| v.to_str().unwrap().to_owned()), Some("1".into()));
    let problem = assert_problem(stuck, 503).await;
    assert_eq!(problem["type"], "urn:debtflow:problem:busy", "{problem}");
    assert_eq!(
        problem["detail"], "the database could not answer now; nothing was written, retry in a moment",
        "{problem}"
    );
    let text = problem.to_string();
    assert!(!text.contains("lock") && !text.contains("account_totals") && !text.contains("canceling"), "{text}");
    let detail = ok(app.get_as(&manager, &format!("/api/v1/accounts/{cron_200}")).await, 200, "account").await;
    assert_eq!((detail["status"].as_str(), detail["collector_id"].as_str()), (Some("new"), None));

    // 1. An admin runs it now from the API. The run ages the accounts, then waits at the
    //    fold for the held rows until the lock timeout cancels it.
    let request = app.client.post(app.url("/api/v1/jobs/dpd_aging/run")).bearer_auth(&admin).send();
    let in_flight = tokio::spawn(request);
    // Watched on a connection of its own (the app's pool may be busy with the run).
    let mut observer = PgConnection::connect_with(&app.database.options()).await.unwrap();
    let mut waited_at_the_fold = false;
    for _ in 0..40 {
        let waiting: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'
               AND query LIKE '%fold_account_totals%'",
        )
        .fetch_one(&mut observer)
        .await
        .unwrap();
        waited_at_the_fold = waiting == 1;
        if waited_at_the_fold {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert!(waited_at_the_fold, "the run reached the fold, past the aging statement, and waited there");
    let ran = ok(in_flight.await.unwrap().expect("the run's answer"), 200, "run").await;
    let run = &ran["runs"][0];
    assert_eq!(
        (run["status"].as_str(), run["errors_count"].as_i64(), run["records_updated"].as_i64()),
        (Some("failed"), Some(1), Some(0)),
        "{ran}"
    );
    let first_id = run["run_id"].as_str().unwrap().to_owned();
    let runs = ok(app.get_as(&manager, "/api/v1/jobs/runs?job=dpd_aging").await, 200, "runs").await;
    let recorded = &runs["items"][0];
    assert_eq!((recorded["run_id"].as_str(), recorded["status"].as_str()), (Some(&*first_id), Some("failed")));
    let error = recorded["error_summary"].as_str().unwrap_or_default();
    assert!(
        error.starts_with("the run: ") && error.ends_with("canceling statement due to lock timeout"),
        "the error recorded: {error}"
    );
    assert!(recorded["finished_at"].is_string());
    let audited = audit(&app, "job.run", &first_id).await;
    assert_eq!(audited[0]["after"]["status"], "failed");
    assert_eq!(aging_state(&app).await, before, "nothing of the failed run is visible");
    assert!(notifications(&app, &admin, "job_failed").await.is_empty(), "one failure is retried, not escalated");

    // 2. Cron's retry, the command, for every agency: the demo agency fails again,
    //    Northwind's run goes through.
    let (code, lines) = job_command(&app, &["dpd_aging"]);
    assert_eq!(code, Some(1), "exit 1: a run failed");
    let failed = line_of(&lines, demo.agency);
    assert_eq!(
        (failed["status"].as_str(), failed["level"].as_str(), failed["errors_count"].as_i64()),
        (Some("failed"), Some("error"), Some(1))
    );
    assert_eq!(line_of(&lines, demo.northwind)["status"], "succeeded");
    assert_eq!(aging_state(&app).await, before, "still nothing visible");
    let told = notifications(&app, &admin, "job_failed").await;
    assert_eq!(told.len(), 1, "the second failure tells the admins, once");
    assert_eq!(told[0]["title"], "A daily job failed twice");
    assert_eq!(
        (told[0]["entity_type"].as_str(), told[0]["entity_id"].as_str()),
        (Some("job_run"), failed["run_id"].as_str())
    );
    assert!(
        told[0]["body"].as_str().unwrap().starts_with(&format!("dpd_aging failed 2 times for {today}")),
        "{}",
        told[0]
    );
    assert!(notifications(&app, &manager, "job_failed").await.is_empty());

    // The holder lets go; the operator replays the date.
    holder.rollback().await.unwrap();
    let (code, lines) = job_command(&app, &["dpd_aging", "--as-of-date", &today.to_string()]);
    assert_eq!(code, Some(0), "{lines:?}");
    let replay = line_of(&lines, demo.agency);
    assert_eq!(replay["status"], "succeeded");
    assert_eq!(replay["records_updated"], clean["runs"][0]["records_updated"], "what the clean run did");
    assert_eq!(replay["records_updated"], 3, "two bucket moves and the paused account's anchor");

    // Exactly what one clean run leaves.
    let after = aging_state(&app).await;
    assert_eq!(after, clean_state, "the replay leaves what a run that never failed leaves");
    assert_eq!(
        after["moves"],
        json!([["CRON-31", today, "0-30", "31-60"], ["CRON-61", today, "31-60", "61-90"]]),
        "the bucket moves of the day, once"
    );
    assert_eq!(anchor_of(&after, "CRON-P40"), json!(today - Days::new(37)), "40 days less the 3 paused so far");
    assert_eq!(after["rolled"], json!(today - Days::new(1)), "the money rolled up through yesterday");
    let latest = ok(app.get_as(&manager, "/api/v1/jobs/runs?latest=true&job=dpd_aging").await, 200, "latest").await;
    let day = latest["items"].as_array().unwrap().iter().find(|r| r["as_of_date"] == json!(today)).unwrap();
    assert_eq!((day["status"].as_str(), day["runs_that_day"].as_i64()), (Some("succeeded"), Some(3)));

    // Done for the day: a further run changes and tells nothing.
    let again = ok(app.send(Method::POST, "/api/v1/jobs/dpd_aging/run", &admin, None).await, 200, "again").await;
    assert_eq!(again["runs"][0]["status"], "skipped_done");
    assert_eq!(aging_state(&app).await, clean_state);
    assert_eq!(notifications(&app, &admin, "job_failed").await.len(), 1);
    let statuses: Vec<String> = sqlx::query_scalar(
        "SELECT status::text FROM job_runs WHERE job = 'dpd_aging' AND agency_id = $1 ORDER BY started_at",
    )
    .bind(demo.agency)
    .fetch_all(&app.db)
    .await
    .unwrap();
    assert_eq!(statuses, ["failed", "failed", "succeeded", "skipped_done"]);

    // A failure in the run's last step: the money's roll-up (a transaction of its own,
    // after the aging's) waits for the agency's row, which an update of the agency
    // still in flight holds, until the lock timeout. Tomorrow's run, replayed ahead by
    // the operator: the paused account's anchor moves a day and the day's portfolio is
    // recorded before the roll-up fails. A run recorded `failed` has committed
    // nothing (jobs::error: "failed (nothing committed)"); one that committed work says
    // so (`partial`, its records counted).
    let tomorrow = today + Days::new(1);
    let mut agency_update = app.db.begin().await.unwrap();
    sqlx::query("UPDATE agencies SET name = name WHERE id = $1")
        .bind(demo.agency)
        .execute(&mut *agency_update)
        .await
        .unwrap();
    let (code, lines) = job_command(&app, &["dpd_aging", "--as-of-date", &tomorrow.to_string()]);
    agency_update.rollback().await.unwrap();
    let run = line_of(&lines, demo.agency).clone();
    let left = aging_state(&app).await;
    match run["status"].as_str() {
        Some("failed") => {
            assert_eq!(code, Some(1));
            assert_eq!(
                (anchor_of(&left, "CRON-P40"), snapshot_days(&left)),
                (json!(today - Days::new(37)), vec![json!(today)]),
                "the run of {tomorrow} is recorded failed with nothing updated ({run}), yet its aging is committed: \
                 CRON-P40's anchor moved and the portfolio of {tomorrow} is recorded"
            );
        }
        Some("partial") => {
            assert_eq!(code, Some(2));
            assert_eq!((run["records_updated"].as_i64(), run["errors_count"].as_i64()), (Some(1), Some(1)), "{run}");
        }
        other => panic!("the run of {tomorrow} cannot succeed while the agency row is held: {other:?} {run}"),
    }
}

// ---------------------------------------------------------------------------------
// 5. Reconciliation mismatch.

/// Balances made to disagree with the ledger behind the API's back — by an attacker
/// with the API's own database role (an injection: the role may update accounts), and
/// by a bad data migration run as the tables' owner with their triggers disabled —
/// are found by the data-quality job, one finding per problem naming the account (or
/// entry) and both figures, and the agency's admins are told; a payment whose amount
/// was rewritten is a variance of the day's reconciliation. A clean database reports
/// nothing.
#[tokio::test]
async fn reconciliation_mismatch() {
    let app = spawn_app().await;
    let demo = app.seed().await;
    let manager = app.token("demo.manager").await;
    let admin = app.token("demo.admin").await;
    let today = today(&app).await;
    let attacked = working_account(&app, &manager, "RM-1").await;
    let migrated = working_account(&app, &manager, "RM-2").await;
    let rewritten = working_account(&app, &manager, "RM-3").await;
    let cash = |account: &str, amount: &str| {
        json!({"account_id": account, "amount": amount, "method": "cash",
               "paid_on": today})
    };
    let one = ok(pay(&app, &manager, "rm-1", &cash(&attacked, "200.00")).await, 201, "pay").await;
    let refund = format!("/api/v1/payments/{}/refund", one["id"].as_str().unwrap());
    ok(post(&app, &manager, &refund, "rm-r1", &json!({"amount": "40.00", "reason": "x"})).await, 200, "refund").await;
    ok(pay(&app, &manager, "rm-2", &cash(&migrated, "250.50")).await, 201, "pay").await;
    let fee = json!({"kind": "late", "amount": "25.00", "reason": "late"});
    ok(post(&app, &manager, &format!("/api/v1/accounts/{migrated}/fees"), "rm-f", &fee).await, 201, "fee").await;
    let transfer = json!({"account_id": rewritten, "amount": "100.00", "method": "bank_transfer", "paid_on": today,
                          "reference": "UTR-RM-3"});
    let three = ok(pay(&app, &manager, "rm-3", &transfer).await, 201, "pay").await;

    // Clean: nothing found, nobody told, the day reconciles.
    let clean = ok(app.send(Method::POST, "/api/v1/jobs/data_quality/run", &admin, None).await, 200, "check").await;
    assert_eq!(
        (clean["runs"][0]["status"].as_str(), clean["runs"][0]["findings"].as_i64()),
        (Some("succeeded"), Some(0))
    );
    assert_eq!(count(&app, "SELECT count(*) FROM data_quality_findings").await, 0);
    assert!(notifications(&app, &admin, "data_quality_findings").await.is_empty());
    let day = format!("/api/v1/reports/reconciliation?date={today}");
    let report = ok(app.get_as(&manager, &day).await, 200, "reconciliation").await;
    assert_eq!((report["reconciled"].as_bool(), report["variances"].clone()), (Some(true), json!([])));
    assert_ledger_sound(&app).await;

    // An attacker with the API's role takes 500.00 off RM-1's balance (1090.50).
    let mut tx = app.db.begin().await.unwrap();
    sqlx::query("SET LOCAL ROLE debtflow_app").execute(&mut *tx).await.unwrap();
    sqlx::query(&format!("SET LOCAL app.agency_id = '{}'", demo.agency)).execute(&mut *tx).await.unwrap();
    let done = sqlx::query("UPDATE accounts SET current_balance = current_balance - 500 WHERE external_ref = 'RM-1'")
        .execute(&mut *tx)
        .await
        .unwrap();
    assert_eq!(done.rows_affected(), 1, "the API's role may write a balance");
    tx.commit().await.unwrap();
    assert_eq!(balance(&app, &manager, &attacked).await, "590.50", "the API shows the tampered balance");

    // A bad migration, as the owner with the triggers off, adds a cent to the credit of
    // RM-2's payment entry (so it no longer balances, nor does the balance 1025.00
    // match its receivable lines) and writes RM-3's payment as 1000.00.
    let entry_id: uuid::Uuid = sqlx::query_scalar(
        "SELECT e.id FROM journal_entries e JOIN accounts a ON a.id = e.account_id
         WHERE a.external_ref = 'RM-2' AND e.kind = 'payment'",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    let mut migration = app.db.begin().await.unwrap();
    for sql in [
        "ALTER TABLE journal_lines DISABLE TRIGGER USER",
        "ALTER TABLE payments DISABLE TRIGGER USER",
        "UPDATE journal_lines SET credit = credit + 0.01
         WHERE entry_id = (SELECT e.id FROM journal_entries e JOIN accounts a ON a.id = e.account_id
                           WHERE a.external_ref = 'RM-2' AND e.kind = 'payment')
           AND ledger_account = 'receivable'",
        "UPDATE payments SET amount = 1000.00 WHERE reference = 'UTR-RM-3'",
        "ALTER TABLE journal_lines ENABLE TRIGGER USER",
        "ALTER TABLE payments ENABLE TRIGGER USER",
    ] {
        sqlx::query(sql).execute(&mut *migration).await.unwrap_or_else(|e| panic!("{sql}: {e}"));
    }
    migration.commit().await.unwrap();

    // The day's reconciliation lists the rewritten payment.
    let report = ok(app.get_as(&manager, &day).await, 200, "reconciliation").await;
    assert_eq!(report["reconciled"], false);
    let variances = report["variances"].as_array().unwrap();
    assert_eq!(variances.len(), 1, "{variances:?}");
    assert_eq!(
        (
            &variances[0]["check"],
            &variances[0]["payment_id"],
            &variances[0]["reference"],
            &variances[0]["expected"],
            &variances[0]["actual"]
        ),
        (&json!("amount_mismatch"), &three["id"], &json!("UTR-RM-3"), &json!("1000.00"), &json!("100.00"))
    );

    // The operator runs the check again (it succeeded today already): cron's command.
    let (code, lines) = job_command(&app, &["data_quality", "--force"]);
    assert_eq!(code, Some(0), "findings are a report, not a failure: {lines:?}");
    let demo_line = line_of(&lines, demo.agency);
    assert_eq!((demo_line["status"].as_str(), demo_line["findings"].as_i64()), (Some("succeeded"), Some(3)));
    assert_eq!(line_of(&lines, demo.northwind)["findings"], 0, "the clean agency reports nothing");
    let run_id = demo_line["run_id"].as_str().unwrap().to_owned();
    let runs = ok(app.get_as(&manager, "/api/v1/jobs/runs?job=data_quality").await, 200, "runs").await;
    assert_eq!((runs["items"][0]["run_id"].as_str(), runs["items"][0]["findings"].as_i64()), (Some(&*run_id), Some(3)));

    // One finding per problem: which account or entry, and both figures.
    let findings: Vec<(String, String, String, String)> = sqlx::query_as(
        "SELECT check_name, entity_type, entity_id, detail FROM data_quality_findings WHERE run_id = $1::uuid
         ORDER BY check_name, detail",
    )
    .bind(&run_id)
    .fetch_all(&app.db)
    .await
    .unwrap();
    let finding = |check: &str, kind: &str, id: &str, detail: &str| {
        (check.to_owned(), kind.to_owned(), id.to_owned(), detail.to_owned())
    };
    assert_eq!(
        findings,
        [
            finding("balance_matches_ledger", "account", &migrated, "balance 1025.0000, receivable lines 1024.9900"),
            finding("balance_matches_ledger", "account", &attacked, "balance 590.5000, receivable lines 1090.5000"),
            finding(
                "entry_balances",
                "journal_entry",
                &entry_id.to_string(),
                "2 lines, debits 250.5000, credits 250.5100"
            ),
        ]
    );
    // The differences, from the figures each finding states.
    let differences: Vec<Decimal> = findings
        .iter()
        .filter(|f| f.0 == "balance_matches_ledger")
        .map(|f| {
            let figures: Vec<Decimal> =
                f.3.split(|c: char| !(c.is_ascii_digit() || c == '.')).filter(|s| s.len() > 1).map(money).collect();
            figures[0] - figures[1]
        })
        .collect();
    assert_eq!(differences, [money("0.01"), money("-500.00")]);

    // The agency's admins are told, once; the managers are not.
    let told = notifications(&app, &admin, "data_quality_findings").await;
    assert_eq!(told.len(), 1);
    assert_eq!(told[0]["body"], format!("The data-quality check found 3 problems (run {run_id})."));
    assert_eq!((told[0]["entity_type"].as_str(), told[0]["entity_id"].as_str()), (Some("job_run"), Some(&*run_id)));
    assert!(notifications(&app, &manager, "data_quality_findings").await.is_empty());
    let nw = app.token("nw.admin").await;
    assert!(notifications(&app, &nw, "data_quality_findings").await.is_empty(), "the clean agency's admin is not");
}
