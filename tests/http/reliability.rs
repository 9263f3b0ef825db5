//! Money under failure: real `debtflow serve` processes on one database, retried,
//! raced and killed mid-request; and random sequences of money operations that must
//! leave the ledger balanced.

use crate::payments::{count, ok, pay, post, today, working_account};
use debtflow_tests::{spawn_app, ServerProcess, TestApp};
use reqwest::Method;
use serde_json::{json, Value};
use std::time::Duration;

/// The whole journal is sound: every entry has two lines or more and balances, the book
/// balances, every balance is its receivable lines, every refund its reversing entries,
/// every allocation its payment or fee, and nothing unposted has entries.
pub async fn assert_ledger_sound(app: &TestApp) {
    let checks = [
        (
            "entries that do not balance",
            "SELECT count(*) FROM (SELECT entry_id FROM journal_lines GROUP BY entry_id
                                HAVING sum(debit) <> sum(credit) OR count(*) < 2) x",
        ),
        (
            "entries without lines",
            "SELECT count(*) FROM journal_entries e WHERE NOT EXISTS (
              SELECT 1 FROM journal_lines l WHERE l.agency_id = e.agency_id AND l.entry_id = e.id)",
        ),
        (
            "the whole book does not balance",
            "SELECT count(*) FROM (SELECT 1 FROM journal_lines HAVING sum(debit) <> sum(credit)) x",
        ),
        (
            "balances that are not their receivable lines",
            "SELECT count(*) FROM accounts a WHERE a.current_balance <> (
              SELECT coalesce(sum(l.debit - l.credit), 0) FROM journal_entries e
              JOIN journal_lines l ON l.agency_id = e.agency_id AND l.entry_id = e.id
              WHERE e.account_id = a.id AND l.ledger_account = 'receivable')",
        ),
        (
            "fees owing more than the balance",
            "SELECT count(*) FROM accounts a WHERE a.current_balance < (
              SELECT coalesce(sum(amount - paid_amount - waived_amount), 0) FROM fees f WHERE f.account_id = a.id)",
        ),
        (
            "payments whose refunds do not match their refund entries",
            "SELECT count(*) FROM payments p WHERE p.refunded_amount <> (
              SELECT coalesce(sum(l.debit), 0) FROM journal_entries e
              JOIN journal_lines l ON l.agency_id = e.agency_id AND l.entry_id = e.id
              WHERE e.payment_id = p.id AND e.kind = 'refund' AND l.ledger_account = 'receivable')",
        ),
        (
            "posted payments whose allocation is not what they still hold",
            "SELECT count(*) FROM payments p WHERE p.status IN ('completed', 'partially_refunded', 'refunded')
              AND p.amount - p.refunded_amount <> (SELECT coalesce(sum(amount), 0) FROM payment_allocations a
                                                   WHERE a.payment_id = p.id)",
        ),
        (
            "unposted payments with entries",
            "SELECT count(*) FROM payments p WHERE p.status IN ('pending', 'pending_approval', 'rejected', 'failed')
              AND EXISTS (SELECT 1 FROM journal_entries e WHERE e.payment_id = p.id)",
        ),
        (
            "fees whose paid amount is not their allocations",
            "SELECT count(*) FROM fees f WHERE f.paid_amount <> (
              SELECT coalesce(sum(amount), 0) FROM payment_allocations a WHERE a.fee_id = f.id)",
        ),
    ];
    for (what, sql) in checks {
        assert_eq!(count(app, sql).await, 0, "{what}");
    }
}

#[tokio::test]
async fn a_hundred_concurrent_retries_on_two_servers_make_one_payment() {
    let app = spawn_app().await;
    app.seed().await;
    let manager = app.token("demo.manager").await;
    let account = working_account(&app, &manager, "RACE-1").await;
    let servers = [ServerProcess::start(&app.database, &[]).await, ServerProcess::start(&app.database, &[]).await];
    let body = json!({"account_id": account, "amount": "75.25", "method": "cash", "paid_on": today(&app).await});

    let client = reqwest::Client::new();
    let requests = (0..100).map(|i| {
        let request = client
            .post(format!("{}/api/v1/payments", servers[i % 2].address))
            .bearer_auth(&manager)
            .header("Idempotency-Key", "one-key")
            .json(&body);
        async move {
            let response = request.send().await.expect("a response");
            (response.status().as_u16(), response.bytes().await.unwrap())
        }
    });
    let answers = futures_util::future::join_all(requests).await;

    assert!(answers.iter().all(|(status, _)| *status == 201), "{:?}", answers.iter().map(|a| a.0).collect::<Vec<_>>());
    assert!(answers.iter().all(|(_, body)| *body == answers[0].1), "every answer is the first one, byte for byte");
    assert_eq!(count(&app, "SELECT count(*) FROM payments").await, 1);
    assert_eq!(count(&app, "SELECT count(*) FROM journal_entries WHERE kind = 'payment'").await, 1);
    let balance: rust_decimal::Decimal =
        sqlx::query_scalar("SELECT current_balance FROM accounts").fetch_one(&app.db).await.unwrap();
    assert_eq!(balance.to_string(), "1175.2500");
}

#[tokio::test]
async fn a_server_killed_mid_payment_leaves_nothing_and_the_retry_succeeds() {
    let app = spawn_app().await;
    app.seed().await;
    let manager = app.token("demo.manager").await;
    let account = working_account(&app, &manager, "CRASH-1").await;
    let account_id: uuid::Uuid = account.parse().unwrap();
    let body = json!({"account_id": account, "amount": "20.00", "method": "cash", "paid_on": today(&app).await});
    let mut server = ServerProcess::start(&app.database, &[]).await;

    // Hold the account so the request stops half-way: key claimed, nothing posted yet.
    let mut holder = app.db.begin().await.unwrap();
    sqlx::query("SELECT 1 FROM accounts WHERE id = $1 FOR UPDATE")
        .bind(account_id)
        .execute(&mut *holder)
        .await
        .unwrap();
    let request = reqwest::Client::new()
        .post(format!("{}/api/v1/payments", server.address))
        .bearer_auth(&manager)
        .header("Idempotency-Key", "crash-key")
        .json(&body)
        .send();
    let in_flight = tokio::spawn(request);
    let mut waiting = false;
    for _ in 0..100 {
        waiting = count(
            &app,
            "SELECT count(*) FROM pg_stat_activity
             WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%FOR UPDATE OF a%'",
        )
        .await
            == 1;
        if waiting {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(waiting, "the payment request reached the account lock");

    server.kill();
    assert!(in_flight.await.unwrap().is_err(), "the client saw the server die");
    holder.rollback().await.unwrap();
    // The dead server's backend notices its client is gone and rolls back.
    for _ in 0..100 {
        let busy = count(
            &app,
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND state <> 'idle'
             AND pid <> pg_backend_pid() AND application_name = 'debtflow' AND query LIKE '%FOR UPDATE OF a%'",
        )
        .await;
        if busy == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(count(&app, "SELECT count(*) FROM payments").await, 0, "no half-payment");
    assert_eq!(count(&app, "SELECT count(*) FROM idempotency_keys").await, 0, "the key went with it");
    assert_eq!(count(&app, "SELECT count(*) FROM journal_entries WHERE kind <> 'opening'").await, 0);

    let retried = pay(&app, &manager, "crash-key", &body).await;
    let payment = ok(retried, 201, "the retry").await;
    assert_eq!(payment["status"], "completed");
    assert_eq!(count(&app, "SELECT count(*) FROM payments").await, 1);
}

/// A small deterministic generator, so a failure replays.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

#[tokio::test]
async fn random_money_sequences_leave_the_ledger_balanced() {
    let app = spawn_app().await;
    let demo = app.seed().await;
    let manager = app.token("demo.manager").await;
    let admin = app.token("demo.admin").await;
    let accounts = [working_account(&app, &manager, "RND-1").await, working_account(&app, &manager, "RND-2").await];
    let today = today(&app).await;
    let mut rng = Rng(0x5eed_d0c5_1234_5678);
    let mut payments: Vec<String> = Vec::new();
    let mut fees: Vec<(String, String)> = Vec::new();

    for step in 0..80 {
        let key = format!("step-{step}");
        let account = &accounts[rng.below(2) as usize];
        let cents = |rng: &mut Rng, max: u64| format!("{}.{:02}", rng.below(max), rng.below(100));
        let response = match rng.below(8) {
            0 | 1 => {
                let body = json!({"account_id": account, "amount": cents(&mut rng, 300), "method": "cash",
                                  "paid_on": today});
                pay(&app, &manager, &key, &body).await
            }
            2 => {
                let body = json!({"account_id": account, "amount": cents(&mut rng, 200), "method": "check",
                                  "paid_on": today - chrono::Days::new(10)});
                pay(&app, &manager, &key, &body).await
            }
            3 if !payments.is_empty() => {
                let id = &payments[rng.below(payments.len() as u64) as usize];
                let verdict = if rng.below(3) == 0 { "reject" } else { "approve" };
                app.send_with_key(Method::POST, &format!("/api/v1/payments/{id}/{verdict}"), &manager, Some(&key), None)
                    .await
            }
            4 if !payments.is_empty() => {
                let id = &payments[rng.below(payments.len() as u64) as usize];
                let body = json!({"amount": cents(&mut rng, 120), "reason": "random"});
                post(&app, &manager, &format!("/api/v1/payments/{id}/refund"), &key, &body).await
            }
            5 => {
                let body = json!({"kind": "late", "amount": cents(&mut rng, 40), "reason": "random"});
                post(&app, &manager, &format!("/api/v1/accounts/{account}/fees"), &key, &body).await
            }
            6 if !fees.is_empty() => {
                let (account, fee) = &fees[rng.below(fees.len() as u64) as usize];
                let path = format!("/api/v1/accounts/{account}/fees/{fee}/waive");
                post(&app, &manager, &path, &key, &json!({"reason": "random"})).await
            }
            _ => {
                let order = if rng.below(2) == 0 { "fees_first" } else { "principal_first" };
                let body = json!({"settings": {"payment_allocation": order}});
                app.send(Method::PATCH, &format!("/api/v1/agencies/{}", demo.agency), &admin, Some(&body)).await
            }
        };
        let status = response.status().as_u16();
        let path = response.url().path().to_owned();
        let body: Value = response.json().await.unwrap_or(Value::Null);
        assert!([200, 201, 409, 422].contains(&status), "step {step} {path}: {status} {body}");
        if status == 201 && path == "/api/v1/payments" {
            payments.push(body["id"].as_str().unwrap().to_owned());
        }
        if status == 201 && path.ends_with("/fees") {
            fees.push((body["account_id"].as_str().unwrap().to_owned(), body["id"].as_str().unwrap().to_owned()));
        }
    }

    assert!(payments.len() > 10 && !fees.is_empty(), "the sequence exercised the ledger");
    assert_ledger_sound(&app).await;
}
