//! `debtflow seed-demo`: the demo agencies and users, and a demo agency that is alive —
//! placed, assigned, worked, paid — and a second run that changes nothing.

use debtflow_api::{
    jobs::{self, Job, JobContext, RunRequest, RunStatus},
    messages::Messenger,
    seed::{seed_demo, seed_living_demo, SeedReport},
};
use debtflow_tests::{spawn_app_at, test_config, TestApp, TestDatabase};
use serde_json::Value;
use std::collections::BTreeSet;

#[tokio::test]
async fn seeding_the_demo_twice_changes_nothing() {
    let database = TestDatabase::migrated().await;
    let db = database.pool();

    let first = seed_demo(&db).await.unwrap();
    let snapshot = || async {
        sqlx::query_as::<_, (String, String, String, String)>(
            "SELECT u.username, u.role::text, a.name, u.password_hash
             FROM users u JOIN agencies a ON a.id = u.agency_id ORDER BY u.username",
        )
        .fetch_all(&db)
        .await
        .unwrap()
    };
    let before = snapshot().await;
    let second = seed_demo(&db).await.unwrap();

    assert_eq!(first.users_created, 8);
    assert_eq!(second.users_created, 0);
    assert_eq!(snapshot().await, before, "a second run changes no row");
    let agencies: Vec<String> = before.iter().map(|(_, _, a, _)| a.clone()).collect();
    assert!(agencies.contains(&"Demo Recovery Agency".into()) && agencies.contains(&"Northwind Collections".into()));
    let sarah = before.iter().find(|(u, ..)| u == "sarah.mitchell").unwrap();
    assert_eq!(sarah.1, "collector");
    assert!(debtflow_api::auth::password::verify("Collector@2026", &sarah.3));
}

/// A day other than the one the bundled files are written as of: the demo moves with it.
fn seeded_at() -> chrono::DateTime<chrono::Utc> {
    "2027-03-15T16:00:00Z".parse().unwrap()
}

/// The app on a clock frozen at [`seeded_at`], with the living demo seeded at that instant.
async fn living_demo() -> (TestApp, SeedReport) {
    let app = spawn_app_at(seeded_at()).await;
    let started = std::time::Instant::now();
    let report = seed_living_demo(&app.db, &test_config(&[]), app.clock.now()).await.expect("seed the living demo");
    eprintln!("seed-demo took {:?}: {report:?}", started.elapsed());
    (app, report)
}

async fn get(app: &TestApp, token: &str, path: &str) -> Value {
    let response = app.get_as(token, path).await;
    let status = response.status();
    let body = response.text().await.unwrap();
    assert_eq!(status, 200, "GET {path}: {body}");
    serde_json::from_str(&body).unwrap()
}

fn items(page: &Value) -> &Vec<Value> {
    page["items"].as_array().expect("a page of items")
}

#[tokio::test]
async fn a_newcomer_logs_in_as_sarah_to_a_real_worklist() {
    let (app, report) = living_demo().await;
    assert_eq!(report.users_created, 8);
    assert_eq!(report.accounts_placed, 158, "150 demo accounts and 8 of Northwind");
    assert_eq!(report.accounts_assigned, 138, "all but the 12 latest placements");

    let sarah = app.token("sarah.mitchell").await;
    let me = get(&app, &sarah, "/api/v1/auth/me").await;
    let worklist = get(&app, &sarah, "/api/v1/accounts?limit=200").await;
    let accounts = items(&worklist);
    assert!(accounts.len() >= 30, "Sarah has a portfolio: {}", accounts.len());
    assert!(accounts.iter().all(|a| a["collector_id"] == me["id"]), "only her own accounts");
    let statuses: BTreeSet<&str> = accounts.iter().map(|a| a["status"].as_str().unwrap()).collect();
    for status in ["assigned", "in_contact", "negotiating", "payment_plan", "settled", "closed", "disputed"] {
        assert!(statuses.contains(status), "Sarah has a {status} account: {statuses:?}");
    }
    let buckets: BTreeSet<&str> = accounts.iter().map(|a| a["bucket"].as_str().unwrap()).collect();
    assert_eq!(buckets.len(), 4, "her accounts age in every bucket on the day seeded: {buckets:?}");
    assert!(
        accounts.iter().any(|a| a["debtor"]["ssn_last4"].as_str().is_some_and(|s| s.starts_with("***-**-"))),
        "SSNs are stored with the server's key"
    );

    let notifications = get(&app, &sarah, "/api/v1/notifications").await;
    let kinds: Vec<&str> = items(&notifications).iter().map(|n| n["kind"].as_str().unwrap()).collect();
    assert!(kinds.contains(&"account_assigned"), "{kinds:?}");
}

#[tokio::test]
async fn the_demo_lives_through_the_whole_lifecycle() {
    let (app, _) = living_demo().await;
    let manager = app.token("demo.manager").await;
    let today = seeded_at().date_naive();

    for status in ["new", "assigned", "in_contact", "negotiating", "payment_plan", "settled", "closed", "disputed"] {
        let page = get(&app, &manager, &format!("/api/v1/accounts?status={status}&limit=1")).await;
        assert_eq!(items(&page).len(), 1, "the demo has a {status} account");
    }
    let queue = get(&app, &app.token("demo.compliance").await, "/api/v1/write-offs?status=recommended").await;
    assert_eq!(queue.as_array().map(Vec::len), Some(1), "a write-off waits for the board: {queue}");
    let remedial: (i64, i64) = sqlx::query_as(
        "SELECT (SELECT count(*) FROM legal_cases WHERE status = 'in_hearing'),
                (SELECT count(*) FROM recovery_milestones WHERE done_on IS NULL AND target_on < $1)",
    )
    .bind(today)
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(remedial, (1, 1), "a case in hearing and a recovery milestone overdue");
    let unassigned = get(&app, &manager, "/api/v1/accounts?collector=none&limit=200").await;
    assert_eq!(items(&unassigned).len(), 12, "the latest placements wait for the manager");
    let open_disputes: i64 =
        sqlx::query_scalar("SELECT count(*) FROM disputes WHERE resolved_at IS NULL").fetch_one(&app.db).await.unwrap();
    let disputed = get(&app, &manager, "/api/v1/accounts?status=disputed&limit=200").await;
    assert_eq!(open_disputes, items(&disputed).len() as i64, "each disputed account has its open dispute");

    // Money: cash and card (through the processor) completed, a backdated payment
    // waiting for approval.
    for (method, status) in [("cash", "completed"), ("card", "completed"), ("check", "pending_approval")] {
        let page = get(&app, &manager, &format!("/api/v1/payments?method={method}&status={status}")).await;
        assert!(!items(&page).is_empty(), "a {status} {method} payment");
    }
    let card: Value =
        items(&get(&app, &manager, "/api/v1/payments?method=card&status=completed&limit=1").await)[0].clone();
    assert!(card["reference"].as_str().is_some_and(|r| r.starts_with("pi_")), "{card}");

    // Plans: one waiting for approval, and an active one with paid, late and due
    // installments.
    let pending = get(&app, &manager, "/api/v1/plans?status=pending_approval").await;
    assert!(!items(&pending).is_empty(), "a plan waits for approval");
    let active = get(&app, &manager, "/api/v1/plans?status=active&limit=200").await;
    let behind = items(&active).iter().find(|plan| {
        let installments = plan["installments"].as_array().unwrap();
        let has = |status: &str| installments.iter().any(|i| i["status"] == status);
        let due_now = installments.iter().any(|i| {
            let due: chrono::NaiveDate = i["due_date"].as_str().unwrap().parse().unwrap();
            i["status"] == "pending" && (today - due).num_days().abs() <= 3
        });
        has("paid") && has("late") && due_now
    });
    assert!(behind.is_some(), "an active plan with paid, late and due installments: {active}");
    let settled = get(&app, &manager, "/api/v1/plans?status=completed").await;
    assert!(items(&settled).iter().any(|p| p["settlement"] == true), "a settlement plan paid to the end");

    // What the manager is told: approvals to give, a defaulted plan.
    let notifications = get(&app, &manager, "/api/v1/notifications?unread=true&limit=200").await;
    let kinds: BTreeSet<&str> = items(&notifications).iter().map(|n| n["kind"].as_str().unwrap()).collect();
    for kind in ["payment_pending_approval", "plan_pending_approval", "plan_defaulted"] {
        assert!(kinds.contains(kind), "the manager is told of a {kind}: {kinds:?}");
    }
    let unread_approvals = items(&notifications).iter().filter(|n| n["kind"] == "plan_pending_approval").count();
    assert_eq!(unread_approvals, items(&pending).len(), "approved plans' requests are read; pending ones are not");

    // Northwind: a few GBP accounts.
    let northwind = get(&app, &app.token("nw.admin").await, "/api/v1/accounts?limit=200").await;
    assert!(!items(&northwind).is_empty());
    assert!(items(&northwind).iter().all(|a| a["currency"] == "GBP"), "{northwind}");

    // Every balance is its ledger's.
    let ctx = JobContext {
        idempotency_ttl_secs: 86_400,
        login_window_secs: 900,
        clock: app.clock.clone(),
        messenger: Messenger::log(),
    };
    let request = RunRequest { agency_id: None, as_of: None, force: false };
    for report in jobs::run(&app.db, &ctx, Job::DataQuality, request).await.expect("data quality") {
        assert_eq!((report.status, report.tally.findings), (RunStatus::Succeeded, 0), "{}", report.json_line());
    }
}

#[tokio::test]
async fn a_second_seed_changes_nothing_even_a_day_later() {
    let (app, _) = living_demo().await;
    let counts = || async {
        let mut counts = Vec::new();
        for table in [
            "accounts",
            "debtors",
            "payments",
            "journal_entries",
            "account_events",
            "plans",
            "disputes",
            "fees",
            "legal_cases",
            "hearings",
            "recovery_actions",
            "write_off_requests",
            "notifications",
            "audit_logs",
        ] {
            let n: i64 = sqlx::query_scalar(&format!("SELECT count(*) FROM {table}")).fetch_one(&app.db).await.unwrap();
            counts.push((table, n));
        }
        let read: i64 =
            sqlx::query_scalar("SELECT count(read_at) FROM notifications").fetch_one(&app.db).await.unwrap();
        let dates: Vec<(String, chrono::NaiveDate)> =
            sqlx::query_as("SELECT external_ref, delinquency_date FROM accounts ORDER BY external_ref")
                .fetch_all(&app.db)
                .await
                .unwrap();
        (counts, read, dates)
    };
    let before = counts().await;
    assert!(before.0.iter().all(|(_, n)| *n > 0), "the demo wrote to every table: {:?}", before.0);

    let again = seed_living_demo(&app.db, &test_config(&[]), seeded_at() + chrono::Duration::days(1)).await.unwrap();
    assert_eq!(again, SeedReport::default(), "nothing created, placed or worked");
    assert_eq!(counts().await, before, "the same rows, dates unmoved");
}

#[tokio::test]
async fn the_demo_leaves_an_agencys_own_accounts_alone() {
    let app = spawn_app_at(seeded_at()).await;
    app.seed().await;
    let manager = app.token("demo.manager").await;
    let own = serde_json::json!({
        "external_ref": "OWN-1", "original_balance": "500.00", "creditor": "Acme Bank",
        "delinquency_date": "2027-01-10", "debtor": { "full_name": "Ada Lovelace" },
    });
    let created = app.send(reqwest::Method::POST, "/api/v1/accounts", &manager, Some(&own)).await;
    assert_eq!(created.status(), 201);

    let report = seed_living_demo(&app.db, &test_config(&[]), app.clock.now()).await.unwrap();
    assert_eq!((report.accounts_placed, report.accounts_assigned), (158, 138), "the demo is placed and alive");
    let found = get(&app, &manager, "/api/v1/accounts?q=OWN-1").await;
    let account = &items(&found)[0];
    assert_eq!((&account["status"], &account["collector_id"]), (&Value::from("new"), &Value::Null), "{account}");
}
