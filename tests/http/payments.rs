//! Payments over HTTP: posting, idempotency, the rules of intake, approvals,
//! refunds, fees, commission, and the processor webhook.

use crate::accounts::create_account;
use debtflow_api::store::idempotency::{self, KeyOf};
use debtflow_tests::{assert_problem, spawn_app, TestApp};
use reqwest::Method;
use serde_json::{json, Value};
use sqlx::Connection;

/// An account of 1250.50 USD assigned to sarah.mitchell (so it takes payments).
pub async fn working_account(app: &TestApp, manager: &str, external_ref: &str) -> String {
    let account = create_account(app, manager, external_ref).await;
    let id = account["id"].as_str().unwrap().to_owned();
    let sarah: uuid::Uuid =
        sqlx::query_scalar("SELECT id FROM users WHERE username = 'sarah.mitchell'").fetch_one(&app.db).await.unwrap();
    let path = format!("/api/v1/accounts/{id}/assign");
    let assigned = app.send(Method::POST, &path, manager, Some(&json!({"collector_id": sarah}))).await;
    assert_eq!(assigned.status(), 200, "assign {external_ref}");
    id
}

/// Today in the demo agency's time zone.
pub async fn today(app: &TestApp) -> chrono::NaiveDate {
    sqlx::query_scalar("SELECT (now() AT TIME ZONE 'America/New_York')::date").fetch_one(&app.db).await.unwrap()
}

pub async fn post(app: &TestApp, token: &str, path: &str, key: &str, body: &Value) -> reqwest::Response {
    app.send_with_key(Method::POST, path, token, Some(key), Some(body)).await
}

pub async fn pay(app: &TestApp, token: &str, key: &str, body: &Value) -> reqwest::Response {
    post(app, token, "/api/v1/payments", key, body).await
}

pub async fn ok(response: reqwest::Response, status: u16, what: &str) -> Value {
    let got = response.status().as_u16();
    let body = response.text().await.unwrap();
    assert_eq!(got, status, "{what}: {body}");
    serde_json::from_str(&body).unwrap()
}

pub async fn balance(app: &TestApp, token: &str, account: &str) -> String {
    let account: Value = app.get_as(token, &format!("/api/v1/accounts/{account}")).await.json().await.unwrap();
    account["current_balance"].as_str().unwrap().to_owned()
}

pub async fn count(app: &TestApp, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(&app.db).await.unwrap()
}

#[tokio::test]
async fn a_cash_payment_posts_a_balanced_entry_and_lowers_the_balance() {
    let app = spawn_app().await;
    app.seed().await;
    let manager = app.token("demo.manager").await;
    let sarah = app.token("sarah.mitchell").await;
    let account = working_account(&app, &manager, "PAY-1").await;
    let today = today(&app).await;

    let body = json!({"account_id": account, "amount": "250.50", "method": "cash", "paid_on": today,
                      "reference": "RCPT-1", "metadata": {"receipt": "17"}});
    let payment = ok(pay(&app, &sarah, "k-1", &body).await, 201, "pay").await;

    assert_eq!(payment["status"], "completed");
    assert_eq!(payment["amount"], "250.50");
    assert_eq!(payment["refunded_amount"], "0.00");
    assert_eq!(payment["metadata"], json!({"receipt": "17"}));
    assert_eq!(balance(&app, &sarah, &account).await, "1000.00");
    let ledger = ok(app.get_as(&sarah, &format!("/api/v1/accounts/{account}/ledger")).await, 200, "ledger").await;
    assert_eq!(ledger["balance"], "1000.00");
    let kinds: Vec<&str> = ledger["items"].as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["commission", "payment", "opening"], "newest first");
    assert_eq!(
        ledger["items"][1]["lines"],
        json!([{"ledger_account": "cash_clearing", "debit": "250.50", "credit": "0.00"},
               {"ledger_account": "receivable", "debit": "0.00", "credit": "250.50"}])
    );
    let timeline: Value =
        app.get_as(&sarah, &format!("/api/v1/accounts/{account}/timeline")).await.json().await.unwrap();
    assert_eq!(timeline["items"][0]["kind"], "payment");
    let listed = ok(app.get_as(&manager, &format!("/api/v1/payments?account_id={account}")).await, 200, "list").await;
    assert_eq!(listed["items"][0]["id"], payment["id"]);
    let audit = count(&app, "SELECT count(*) FROM audit_logs WHERE action = 'payment.create'").await;
    assert_eq!(audit, 1);
}

#[tokio::test]
async fn a_retry_replays_the_first_answer_and_a_reused_key_is_refused() {
    let app = spawn_app().await;
    app.seed().await;
    let manager = app.token("demo.manager").await;
    let account = working_account(&app, &manager, "PAY-1").await;
    let body = json!({"account_id": account, "amount": "10.00", "method": "cash", "paid_on": today(&app).await});

    let first = pay(&app, &manager, "retry-me", &body).await;
    assert_eq!(first.status(), 201);
    assert!(first.headers().get("Idempotent-Replayed").is_none());
    let first = first.bytes().await.unwrap();
    // The draft's structured-field form names the same key.
    let again = pay(&app, &manager, "\"retry-me\"", &body).await;
    assert_eq!(again.status(), 201);
    assert_eq!(again.headers()["Idempotent-Replayed"], "true");
    assert_eq!(again.bytes().await.unwrap(), first, "byte for byte");
    assert_eq!(count(&app, "SELECT count(*) FROM payments").await, 1);
    assert_eq!(balance(&app, &manager, &account).await, "1240.50");

    let other = json!({"account_id": account, "amount": "11.00", "method": "cash", "paid_on": today(&app).await});
    let problem = assert_problem(pay(&app, &manager, "retry-me", &other).await, 422).await;
    assert!(problem["errors"]["Idempotency-Key"].is_array(), "{problem}");
    let missing = app.send_with_key(Method::POST, "/api/v1/payments", &manager, None, Some(&body)).await;
    let problem = assert_problem(missing, 400).await;
    assert!(problem["detail"].as_str().unwrap().contains("Idempotency-Key"));
    assert_problem(pay(&app, &manager, &"k".repeat(256), &body).await, 400).await;
    // Keys belong to their user: another user's same key is a new request.
    let admin = app.token("demo.admin").await;
    assert_eq!(pay(&app, &admin, "retry-me", &body).await.status(), 201);
    assert_eq!(count(&app, "SELECT count(*) FROM payments").await, 2);
}

#[tokio::test]
async fn a_retry_while_the_first_is_in_flight_is_a_409() {
    let app = debtflow_tests::spawn_app_with(&[("IDEMPOTENCY_WAIT_MS", "200")]).await;
    app.seed().await;
    let manager = app.token("demo.manager").await;
    let account = working_account(&app, &manager, "PAY-1").await;
    let body = json!({"account_id": account, "amount": "10.00", "method": "cash", "paid_on": today(&app).await});
    // A first request holding the key, not yet committed.
    let mut first = app.db.begin().await.unwrap();
    sqlx::query(
        "INSERT INTO idempotency_keys (agency_id, user_id, key, fingerprint)
         SELECT agency_id, id, 'busy', '\\x00' FROM users WHERE username = 'demo.manager'",
    )
    .execute(&mut *first)
    .await
    .unwrap();

    assert_problem(pay(&app, &manager, "busy", &body).await, 409).await;
    first.rollback().await.unwrap();
    assert_eq!(pay(&app, &manager, "busy", &body).await.status(), 201, "the key is free once the first gives up");
}

/// A key older than `IDEMPOTENCY_TTL` is forgotten: reused, it makes a new request, not a
/// replay of the old answer nor a conflict with the old request.
#[tokio::test]
async fn an_expired_key_is_claimed_afresh() {
    let app = spawn_app().await;
    app.seed().await;
    let manager = app.token("demo.manager").await;
    let account = working_account(&app, &manager, "PAY-1").await;
    let first = json!({"account_id": account, "amount": "10.00", "method": "cash", "paid_on": today(&app).await});
    assert_eq!(pay(&app, &manager, "reused", &first).await.status(), 201);
    sqlx::query("UPDATE idempotency_keys SET created_at = now() - interval '2 days' WHERE key = 'reused'")
        .execute(&app.db)
        .await
        .unwrap();

    let second = json!({"account_id": account, "amount": "11.00", "method": "cash", "paid_on": today(&app).await});
    let answer = pay(&app, &manager, "reused", &second).await;
    assert_eq!(answer.status(), 201);
    assert!(answer.headers().get("Idempotent-Replayed").is_none());
    assert_eq!(balance(&app, &manager, &account).await, "1229.50", "both payments posted");
    let replay = pay(&app, &manager, "reused", &second).await;
    assert_eq!(replay.headers()["Idempotent-Replayed"], "true", "the key now holds the second answer");
}

/// Claiming a key and saving its answer read the key's entry of its index, however the
/// table grew since the connection first planned them (migrations/0040). A connection
/// keeps its plans: one made while the table was a page read the whole table later,
/// and `make bench`'s first payments read 600 pages each.
#[tokio::test]
async fn a_key_is_claimed_and_answered_through_its_index_however_the_table_grew() {
    let app = spawn_app().await;
    let demo = app.seed().await;
    let manager: uuid::Uuid =
        sqlx::query_scalar("SELECT id FROM users WHERE username = 'demo.manager'").fetch_one(&app.db).await.unwrap();
    let mut conn = sqlx::PgConnection::connect_with(&app.database.options()).await.unwrap();
    // A request's claim and answer as the API makes them, on one connection; how many
    // times they read idempotency_keys whole.
    async fn claim_and_answer(conn: &mut sqlx::PgConnection, agency: uuid::Uuid, user: uuid::Uuid, key: &str) -> i64 {
        let of = KeyOf { agency_id: agency, user_id: user, key, fingerprint: b"request" };
        let scans = "SELECT seq_scan FROM pg_stat_xact_user_tables WHERE relname = 'idempotency_keys'";
        let mut tx = conn.begin().await.unwrap();
        let scope = format!("SET LOCAL ROLE debtflow_app; SET LOCAL app.agency_id = '{agency}'");
        sqlx::raw_sql(&scope).execute(&mut *tx).await.unwrap();
        let before: i64 = sqlx::query_scalar(scans).fetch_one(&mut *tx).await.unwrap();
        assert_eq!(idempotency::claim(&mut tx, of, 1000, 86_400).await.unwrap().outcome, "fresh");
        idempotency::save(&mut tx, of, 201, b"{}").await.unwrap();
        let after: i64 = sqlx::query_scalar(scans).fetch_one(&mut *tx).await.unwrap();
        tx.commit().await.unwrap();
        after - before
    }
    // Analysed empty, as a new database is, and planned while the table holds a handful
    // of keys (PostgreSQL settles on a generic plan after five executions)...
    sqlx::query("ANALYZE idempotency_keys").execute(&app.db).await.unwrap();
    for i in 0..8 {
        claim_and_answer(&mut conn, demo.agency, manager, &format!("early-{i}")).await;
    }
    // ...then the table grows by 20,000 keys, with no ANALYZE in between.
    sqlx::query(
        "INSERT INTO idempotency_keys (agency_id, user_id, key, fingerprint, status, body)
         SELECT $1, $2, 'grown-' || g, '\\x00', 201, decode(repeat('7b7d', 100), 'hex') FROM generate_series(1, 20000) g",
    )
    .bind(demo.agency)
    .bind(manager)
    .execute(&app.db)
    .await
    .unwrap();

    assert_eq!(claim_and_answer(&mut conn, demo.agency, manager, "late").await, 0, "the table read whole");
    let saved: Option<i16> =
        sqlx::query_scalar("SELECT status FROM idempotency_keys WHERE key = 'late'").fetch_one(&app.db).await.unwrap();
    assert_eq!(saved, Some(201));
}

#[tokio::test]
async fn bad_payments_are_refused_naming_the_field_and_write_nothing() {
    let app = spawn_app().await;
    app.seed().await;
    let manager = app.token("demo.manager").await;
    let account = working_account(&app, &manager, "PAY-1").await;
    let today = today(&app).await;
    let good = json!({"account_id": account, "amount": "10.00", "method": "bank_transfer", "paid_on": today,
                      "reference": "UTR-1"});
    let first = ok(pay(&app, &manager, "good", &good).await, 201, "good").await;
    let with = |field: &str, value: Value| {
        let mut body = good.clone();
        body[field] = value;
        body["reference"] = Value::Null;
        body
    };
    let cases = [
        (with("amount", json!("0")), "amount"),
        (with("amount", json!("-5.00")), "amount"),
        (with("amount", json!("1240.51")), "amount"),
        (with("amount", json!("1.005")), "amount"),
        (with("amount", json!("ten")), "amount"),
        (with("method", json!("bitcoin")), "method"),
        (with("paid_on", json!((today + chrono::Days::new(1)).to_string())), "paid_on"),
        (with("paid_on", json!("2026-02-30")), "paid_on"),
        (with("account_id", json!("not-a-uuid")), "account_id"),
        (with("account_id", json!(uuid::Uuid::now_v7())), "account_id"),
        (with("status", json!("completed")), "status"),
    ];
    for (i, (body, field)) in cases.iter().enumerate() {
        let problem = assert_problem(pay(&app, &manager, &format!("bad-{i}"), body).await, 422).await;
        assert!(problem["errors"][field].is_array(), "{field}: {problem}");
    }
    let duplicate = with("reference", json!("UTR-1"));
    let mut duplicate = duplicate;
    duplicate["reference"] = json!("UTR-1");
    let problem = assert_problem(pay(&app, &manager, "dup", &duplicate).await, 409).await;
    assert!(problem["detail"].as_str().unwrap().contains(first["id"].as_str().unwrap()), "{problem}");
    // Compliance records nothing.
    let compliance = app.token("demo.compliance").await;
    assert_problem(pay(&app, &compliance, "c", &good).await, 403).await;

    assert_eq!(count(&app, "SELECT count(*) FROM payments").await, 1);
    assert_eq!(count(&app, "SELECT count(*) FROM journal_entries WHERE kind = 'payment'").await, 1);
    assert_eq!(count(&app, "SELECT count(*) FROM idempotency_keys").await, 1, "refusals keep no key");
    assert_eq!(balance(&app, &manager, &account).await, "1240.50");
}

#[tokio::test]
async fn a_backdated_payment_posts_only_when_a_manager_approves() {
    let app = spawn_app().await;
    app.seed().await;
    let manager = app.token("demo.manager").await;
    let sarah = app.token("sarah.mitchell").await;
    let account = working_account(&app, &manager, "PAY-1").await;
    let long_ago = today(&app).await - chrono::Days::new(8);
    let body = json!({"account_id": account, "amount": "50.00", "method": "check", "paid_on": long_ago});

    let waiting = ok(pay(&app, &sarah, "late-1", &body).await, 201, "backdated").await;
    assert_eq!(waiting["status"], "pending_approval");
    assert_eq!(waiting["recorded_by_name"], "Sarah Mitchell", "who recorded it, by name");
    assert_eq!(balance(&app, &manager, &account).await, "1250.50", "nothing posted");
    let notes: Value = app.get_as(&manager, "/api/v1/notifications").await.json().await.unwrap();
    assert_eq!(notes["items"][0]["kind"], "payment_pending_approval");
    // The pending amount is reserved: no payment may take the account below it.
    let rest = json!({"account_id": account, "amount": "1200.51", "method": "cash", "paid_on": today(&app).await});
    assert_problem(pay(&app, &sarah, "over", &rest).await, 422).await;

    let id = waiting["id"].as_str().unwrap();
    let approve = format!("/api/v1/payments/{id}/approve");
    assert_problem(post(&app, &sarah, &approve, "a-1", &json!({})).await, 403).await;
    let approved =
        ok(post(&app, &manager, &approve, "a-1", &json!({"reason": "receipt seen"})).await, 200, "approve").await;
    assert_eq!(approved["status"], "completed");
    assert!(approved["decided_by"].is_string());
    assert_eq!(balance(&app, &manager, &account).await, "1200.50");
    assert_problem(post(&app, &manager, &approve, "a-2", &json!({})).await, 409).await;

    let second = ok(pay(&app, &sarah, "late-2", &body).await, 201, "backdated").await;
    let reject = format!("/api/v1/payments/{}/reject", second["id"].as_str().unwrap());
    let no_body = app.send_with_key(Method::POST, &reject, &manager, Some("r-1"), None).await;
    let rejected = ok(no_body, 200, "reject").await;
    assert_eq!(rejected["status"], "rejected");
    assert_eq!(balance(&app, &manager, &account).await, "1200.50");
}

#[tokio::test]
async fn refunds_reverse_the_payment_and_reopen_a_settled_account() {
    let app = spawn_app().await;
    app.seed().await;
    let manager = app.token("demo.manager").await;
    let account = working_account(&app, &manager, "PAY-1").await;
    let body = json!({"account_id": account, "amount": "1250.50", "method": "cash", "paid_on": today(&app).await});
    let payment = ok(pay(&app, &manager, "all", &body).await, 201, "pay in full").await;
    let detail: Value = app.get_as(&manager, &format!("/api/v1/accounts/{account}")).await.json().await.unwrap();
    assert_eq!((detail["status"].as_str(), detail["current_balance"].as_str()), (Some("settled"), Some("0.00")));

    let refund = format!("/api/v1/payments/{}/refund", payment["id"].as_str().unwrap());
    let partial = ok(
        post(&app, &manager, &refund, "r-1", &json!({"amount": "100.00", "reason": "goodwill"})).await,
        200,
        "refund",
    )
    .await;
    assert_eq!(
        (partial["status"].as_str(), partial["refunded_amount"].as_str()),
        (Some("partially_refunded"), Some("100.00"))
    );
    let detail: Value = app.get_as(&manager, &format!("/api/v1/accounts/{account}")).await.json().await.unwrap();
    assert_eq!((detail["status"].as_str(), detail["current_balance"].as_str()), (Some("assigned"), Some("100.00")));

    let too_much = post(&app, &manager, &refund, "r-2", &json!({"amount": "1150.51", "reason": "x"})).await;
    let problem = assert_problem(too_much, 422).await;
    assert!(problem["errors"]["amount"].is_array());
    let rest =
        ok(post(&app, &manager, &refund, "r-3", &json!({"amount": "1150.50", "reason": "x"})).await, 200, "rest").await;
    assert_eq!(rest["status"], "refunded");
    assert_problem(post(&app, &manager, &refund, "r-4", &json!({"amount": "0.01", "reason": "x"})).await, 409).await;
    let sarah = app.token("sarah.mitchell").await;
    assert_problem(post(&app, &sarah, &refund, "r-5", &json!({"amount": "0.01", "reason": "x"})).await, 403).await;

    let ledger: Value = app.get_as(&manager, &format!("/api/v1/accounts/{account}/ledger")).await.json().await.unwrap();
    assert_eq!(ledger["balance"], "1250.50");
    let entries = ledger["items"].as_array().unwrap();
    let payment_entry = entries.iter().find(|e| e["kind"] == "payment").unwrap();
    let refunds: Vec<&Value> = entries.iter().filter(|e| e["kind"] == "refund").collect();
    assert_eq!(refunds.len(), 2);
    assert!(refunds.iter().all(|r| r["reverses"] == payment_entry["entry_id"]), "refunds reverse the payment");
}

#[tokio::test]
async fn fees_raise_the_balance_and_payments_pay_them_in_the_agencys_order() {
    let app = spawn_app().await;
    let demo = app.seed().await;
    let manager = app.token("demo.manager").await;
    let account = working_account(&app, &manager, "PAY-1").await;
    let fees_path = format!("/api/v1/accounts/{account}/fees");
    let sarah = app.token("sarah.mitchell").await;
    let late = json!({"kind": "late", "amount": "25.00", "reason": "missed the due date"});
    assert_problem(post(&app, &sarah, &fees_path, "f-0", &late).await, 403).await;
    let fee = ok(post(&app, &manager, &fees_path, "f-1", &late).await, 201, "fee").await;
    assert_eq!(fee["status"], "waiting");
    assert_eq!(balance(&app, &manager, &account).await, "1275.50");
    let bad = json!({"kind": "parking", "amount": "1.00", "reason": "x"});
    assert!(assert_problem(post(&app, &manager, &fees_path, "f-2", &bad).await, 422).await["errors"]["kind"].is_array());

    // Principal first (the default): the fee is untouched.
    let today = today(&app).await;
    let ten = json!({"account_id": account, "amount": "10.00", "method": "cash", "paid_on": today});
    ok(pay(&app, &manager, "p-1", &ten).await, 201, "pay").await;
    let fees: Value = app.get_as(&manager, &fees_path).await.json().await.unwrap();
    assert_eq!(fees[0]["paid_amount"], "0.00");

    // Fees first, once the agency says so.
    let admin = app.token("demo.admin").await;
    let setting = json!({"settings": {"payment_allocation": "fees_first"}});
    let patched = app.send(Method::PATCH, &format!("/api/v1/agencies/{}", demo.agency), &admin, Some(&setting)).await;
    assert_eq!(patched.status(), 200);
    ok(pay(&app, &manager, "p-2", &ten).await, 201, "pay").await;
    let fees: Value = app.get_as(&manager, &fees_path).await.json().await.unwrap();
    assert_eq!((fees[0]["paid_amount"].as_str(), fees[0]["status"].as_str()), (Some("10.00"), Some("waiting")));

    let waive = format!("{fees_path}/{}/waive", fee["id"].as_str().unwrap());
    let waived = ok(post(&app, &manager, &waive, "w-1", &json!({"reason": "first time"})).await, 200, "waive").await;
    assert_eq!((waived["status"].as_str(), waived["waived_amount"].as_str()), (Some("waived"), Some("15.00")));
    assert_eq!(balance(&app, &manager, &account).await, "1240.50");
    assert_problem(post(&app, &manager, &waive, "w-2", &json!({"reason": "again"})).await, 409).await;
    let unknown = json!({"settings": {"payment_allocation": "whatever"}});
    let refused = app.send(Method::PATCH, &format!("/api/v1/agencies/{}", demo.agency), &admin, Some(&unknown)).await;
    assert_problem(refused, 422).await;
}

#[tokio::test]
async fn commission_posts_with_each_payment_and_refunds_reverse_it_pro_rata() {
    let app = spawn_app().await;
    let demo = app.seed().await;
    let manager = app.token("demo.manager").await;
    let account = working_account(&app, &manager, "PAY-1").await;
    let body = json!({"account_id": account, "amount": "100.00", "method": "cash", "paid_on": today(&app).await});
    let payment = ok(pay(&app, &manager, "p-1", &body).await, 201, "pay").await;
    let refund = format!("/api/v1/payments/{}/refund", payment["id"].as_str().unwrap());
    ok(post(&app, &manager, &refund, "r-1", &json!({"amount": "30.00", "reason": "x"})).await, 200, "refund").await;

    let year = chrono::Utc::now().date_naive();
    let path = format!(
        "/api/v1/collectors/{}/commission?from={}&to={}",
        demo.sarah,
        year - chrono::Days::new(1),
        year + chrono::Days::new(1)
    );
    let sarah = app.token("sarah.mitchell").await;
    let commission = ok(app.get_as(&sarah, &path).await, 200, "commission").await;
    assert_eq!(commission["earned"], "10.00", "10% of 100.00");
    assert_eq!(commission["reversed"], "3.00", "10% of the 30.00 refunded");
    assert_eq!(commission["net"], "7.00");
    assert_eq!(commission["payments"], 1);
    let james = app.token("james.carter").await;
    assert_problem(app.get_as(&james, &path).await, 404).await;
    let backwards = format!("/api/v1/collectors/{}/commission?from=2026-02-01&to=2026-01-01", demo.sarah);
    assert!(assert_problem(app.get_as(&manager, &backwards).await, 422).await["errors"]["to"].is_array());
}

#[tokio::test]
async fn the_ledger_and_posted_payments_cannot_be_changed() {
    let app = spawn_app().await;
    app.seed().await;
    let manager = app.token("demo.manager").await;
    let account = working_account(&app, &manager, "PAY-1").await;
    let body = json!({"account_id": account, "amount": "100.00", "method": "cash", "paid_on": today(&app).await});
    ok(pay(&app, &manager, "p-1", &body).await, 201, "pay").await;

    for sql in [
        "UPDATE journal_lines SET debit = debit + 1 WHERE debit > 0",
        "DELETE FROM journal_lines",
        "UPDATE journal_entries SET kind = 'fee'",
        "DELETE FROM journal_entries",
        "TRUNCATE journal_entries CASCADE",
        "UPDATE payments SET amount = 1",
        "DELETE FROM payments",
        "DELETE FROM payment_allocations",
        "UPDATE audit_logs SET action = 'x'",
        "DELETE FROM audit_logs",
    ] {
        let err = sqlx::query(sql).execute(&app.db).await;
        assert!(err.is_err(), "{sql} must be refused");
    }
    // An entry that does not balance is never written: not alone, waiting for lines
    // from a later statement; not with lines that do not balance; and no line is slipped
    // into an existing entry.
    let refused = [
        "INSERT INTO journal_entries (agency_id, id, account_id, kind)
         SELECT agency_id, '00000000-0000-0000-0000-0000000000aa', id, 'payment' FROM accounts",
        "WITH e AS (INSERT INTO journal_entries (agency_id, id, account_id, kind)
                    SELECT agency_id, '00000000-0000-0000-0000-0000000000ab', id, 'payment' FROM accounts
                    RETURNING agency_id, id)
         INSERT INTO journal_lines (agency_id, entry_id, line_no, ledger_account, debit, credit)
         SELECT agency_id, id, n, 'cash_clearing', 5, 0 FROM e, generate_series(1, 2) n",
        "INSERT INTO journal_lines (agency_id, entry_id, line_no, ledger_account, debit, credit)
         SELECT agency_id, entry_id, 9, 'cash_clearing', 1, 0 FROM journal_lines LIMIT 1",
    ];
    for sql in refused {
        let err = sqlx::query(sql).execute(&app.db).await.expect_err(sql);
        assert!(err.to_string().contains("does not balance"), "{sql}: {err}");
    }
}

#[tokio::test]
async fn the_processor_webhook_confirms_card_payments_once_and_checks_signatures() {
    let app = spawn_app().await;
    app.seed().await;
    let manager = app.token("demo.manager").await;
    let account = working_account(&app, &manager, "PAY-1").await;
    let body = json!({"account_id": account, "amount": "40.00", "method": "card", "paid_on": today(&app).await,
                      "reference": "pi_123"});
    let card = ok(pay(&app, &manager, "card", &body).await, 201, "card").await;
    assert_eq!(card["status"], "pending");
    assert_eq!(balance(&app, &manager, &account).await, "1250.50");

    let event = json!({"id": "evt_1", "type": "payment_intent.succeeded", "data": {"object": {"id": "pi_123"}}});
    let now = chrono::Utc::now().timestamp();
    let forged = webhook(&app, &event, "whsec_wrong", now).await;
    assert_problem(forged, 400).await;
    let stale = webhook(&app, &event, debtflow_api::config::DEV_WEBHOOK_SECRET, now - 301).await;
    assert_problem(stale, 400).await;
    assert_eq!(balance(&app, &manager, &account).await, "1250.50", "a bad signature changes nothing");

    for attempt in 0..2 {
        let response = webhook(&app, &event, debtflow_api::config::DEV_WEBHOOK_SECRET, now).await;
        let answer = ok(response, 200, "webhook").await;
        assert_eq!(answer["duplicate"], attempt == 1);
    }
    assert_eq!(balance(&app, &manager, &account).await, "1210.50");
    assert_eq!(count(&app, "SELECT count(*) FROM journal_entries WHERE kind = 'payment'").await, 1);

    let refunded = json!({"id": "evt_2", "type": "charge.refunded",
                          "data": {"object": {"id": "ch_1", "payment_intent": "pi_123", "amount_refunded": 1500}}});
    ok(webhook(&app, &refunded, debtflow_api::config::DEV_WEBHOOK_SECRET, now).await, 200, "refund").await;
    let payment: Value =
        app.get_as(&manager, &format!("/api/v1/payments/{}", card["id"].as_str().unwrap())).await.json().await.unwrap();
    assert_eq!(
        (payment["status"].as_str(), payment["refunded_amount"].as_str()),
        (Some("partially_refunded"), Some("15.00"))
    );
    let unknown = json!({"id": "evt_3", "type": "payment_intent.succeeded", "data": {"object": {"id": "pi_nope"}}});
    assert_problem(webhook(&app, &unknown, debtflow_api::config::DEV_WEBHOOK_SECRET, now).await, 404).await;
    // An event that is not declared JSON is refused as the spec says.
    let form = reqwest::Client::new()
        .post(app.url("/api/v1/payments/webhook/stripe"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body("id=evt_4")
        .send()
        .await
        .unwrap();
    assert_problem(form, 415).await;
}

pub async fn webhook(app: &TestApp, event: &Value, secret: &str, t: i64) -> reqwest::Response {
    use hmac::Mac;
    let body = serde_json::to_vec(event).unwrap();
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("{t}.").as_bytes());
    mac.update(&body);
    let signature = format!("t={t},v1={}", hex::encode(mac.finalize().into_bytes()));
    reqwest::Client::new()
        .post(app.url("/api/v1/payments/webhook/stripe"))
        .header("Stripe-Signature", signature)
        .header("Content-Type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn the_agencys_payments_filter_by_date_method_and_collector_and_export_as_csv() {
    let app = spawn_app().await;
    let demo = app.seed().await;
    let manager = app.token("demo.manager").await;
    let sarah = app.token("sarah.mitchell").await;
    let first = working_account(&app, &manager, "PAY-1").await;
    let second = working_account(&app, &manager, "PAY-2").await;
    let today = today(&app).await;
    let days_ago = |n| today - chrono::Days::new(n);
    for (key, account, amount, method, paid_on) in [
        ("p-1", &first, "100.00", "cash", today),
        ("p-2", &first, "20.00", "check", days_ago(2)),
        ("p-3", &second, "30.00", "bank_transfer", days_ago(3)),
    ] {
        let body = json!({"account_id": account, "amount": amount, "method": method, "paid_on": paid_on});
        ok(pay(&app, &sarah, key, &body).await, 201, key).await;
    }
    let amounts = |page: &Value| -> Vec<String> {
        page["items"].as_array().unwrap().iter().map(|p| p["amount"].as_str().unwrap().to_owned()).collect()
    };
    let list = |query: String| {
        let (app, manager) = (&app, &manager);
        async move { ok(app.get_as(manager, &format!("/api/v1/payments?{query}")).await, 200, "list").await }
    };

    let all = list(String::new()).await;
    assert_eq!(amounts(&all), ["30.00", "20.00", "100.00"], "newest recorded first");
    assert_eq!(all["items"][0]["account_ref"], "PAY-2");
    assert!(all["items"][0]["debtor_name"].is_string());
    assert_eq!(amounts(&list(format!("paid_from={}", days_ago(2))).await), ["20.00", "100.00"]);
    assert_eq!(amounts(&list(format!("paid_to={}", days_ago(3))).await), ["30.00"]);
    let both = format!("paid_from={}&paid_to={}", days_ago(2), days_ago(2));
    assert_eq!(amounts(&list(both).await), ["20.00"]);
    assert_eq!(amounts(&list("method=check".into()).await), ["20.00"]);
    assert_eq!(amounts(&list(format!("collector_id={}", demo.sarah)).await).len(), 3);
    assert_eq!(amounts(&list(format!("collector_id={}", demo.james)).await).len(), 0);

    for (query, field) in [
        (format!("paid_from={}&paid_to={}", today, days_ago(1)), "paid_to"),
        ("paid_from=1899-12-31".to_owned(), "paid_from"),
        ("paid_to=-5000-01-01".to_owned(), "paid_to"),
        ("paid_from=yesterday".to_owned(), "paid_from"),
        ("format=xml".to_owned(), "format"),
    ] {
        let problem = assert_problem(app.get_as(&manager, &format!("/api/v1/payments?{query}")).await, 422).await;
        assert!(problem["errors"][field].is_array(), "{query}: {problem}");
    }

    // The export: every payment the filters select, newest first, whatever the page size.
    let response =
        app.get_as(&manager, &format!("/api/v1/payments?paid_from={}&limit=1&format=csv", days_ago(2))).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "text/csv; charset=utf-8");
    assert!(response.headers()["content-disposition"].to_str().unwrap().contains("payments.csv"));
    let body = response.text().await.unwrap();
    let rows: Vec<csv::StringRecord> =
        csv::ReaderBuilder::new().from_reader(body.as_bytes()).records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 2, "{body}");
    assert!(
        body.starts_with("paid_on,recorded_at,payment_id,account_id,account_ref,debtor_name,amount,currency,method")
    );
    assert_eq!(&rows[0][0], days_ago(2).to_string());
    assert_eq!((&rows[0][4], &rows[0][6], &rows[0][7], &rows[0][8]), ("PAY-1", "20.00", "USD", "check"));
    assert_eq!((&rows[1][6], &rows[1][9], &rows[1][12]), ("100.00", "completed", "Sarah Mitchell"));
}
