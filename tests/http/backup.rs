//! Backups that restore: money moved through the API, `scripts/backup.sh` of the test's
//! database, `scripts/restore.sh` into a new database, and the copy checked — the same
//! payments and ledger, every entry balanced, the data_quality job finding nothing,
//! row-level security, triggers and grants in place, and the app serving it. Then the
//! scripts' refusals: retention, an existing database, a damaged dump.

use crate::payments::{ok, pay, post, today, working_account};
use debtflow_tests::{debtflow_bin, spawn_app, spawn_on, TestDatabase};
use reqwest::Method;
use serde_json::{json, Value};
use sqlx::PgPool;
use std::{
    path::{Path, PathBuf},
    process::{Command, Output},
    time::{Duration, SystemTime},
};

/// The money tables, every row of each as JSON text in a stable order (text, so amounts
/// compare to the last digit of NUMERIC(19,4)), and each account's balance and status:
/// what a restore must bring back unchanged.
const LEDGER: [(&str, &str); 5] = [
    ("payments", "SELECT jsonb_agg(to_jsonb(t) ORDER BY t.id)::text FROM payments t"),
    ("journal_entries", "SELECT jsonb_agg(to_jsonb(t) ORDER BY t.id)::text FROM journal_entries t"),
    ("journal_lines", "SELECT jsonb_agg(to_jsonb(t) ORDER BY t.entry_id, t.line_no)::text FROM journal_lines t"),
    (
        "payment_allocations",
        "SELECT jsonb_agg(to_jsonb(t) ORDER BY t.payment_id, t.position)::text FROM payment_allocations t",
    ),
    ("accounts", "SELECT jsonb_agg(jsonb_build_array(id, current_balance, status) ORDER BY id)::text FROM accounts"),
];

/// [`LEDGER`] read from `db`: (table, its rows).
async fn ledger_of(db: &PgPool) -> Vec<(&'static str, Option<String>)> {
    let mut tables = Vec::new();
    for (table, sql) in LEDGER {
        tables.push((table, sqlx::query_scalar(sql).fetch_one(db).await.expect("read the ledger")));
    }
    tables
}

/// What keeps tenants apart and the ledger honest, as the catalog states it: the tables
/// with row-level security, every policy, every trigger, each table's and function's
/// grants, and which functions run as their owner.
const GUARDS: &str = "
    SELECT jsonb_build_object(
        'row_security', (SELECT jsonb_agg(c.relname ORDER BY c.relname) FROM pg_class c
                         WHERE c.relnamespace = 'public'::regnamespace AND c.relrowsecurity),
        'policies', (SELECT jsonb_agg(jsonb_build_array(tablename, policyname, roles, cmd, qual, with_check)
                                      ORDER BY tablename, policyname)
                     FROM pg_policies WHERE schemaname = 'public'),
        'triggers', (SELECT jsonb_agg(jsonb_build_array(tgrelid::regclass::text, tgname, tgenabled, tgfoid::regproc::text)
                                      ORDER BY tgrelid::regclass::text, tgname)
                     FROM pg_trigger WHERE NOT tgisinternal),
        'table_grants', (SELECT jsonb_agg(jsonb_build_array(c.relname, c.relacl::text) ORDER BY c.relname)
                         FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace AND c.relacl IS NOT NULL),
        'functions', (SELECT jsonb_agg(jsonb_build_array(p.oid::regprocedure::text, p.prosecdef, p.proacl::text)
                                       ORDER BY p.oid::regprocedure::text)
                      FROM pg_proc p WHERE p.pronamespace = 'public'::regnamespace))";

async fn json_of(db: &PgPool, sql: &str) -> Value {
    sqlx::query_scalar(sql).fetch_one(db).await.expect("a catalog query")
}

fn script(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join("scripts").join(name)
}

/// Runs scripts/`name` with `args` and `env`; its output, whatever the exit.
fn run(name: &str, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(script(name));
    command.args(args).env_remove("BACKUP_KEEP_DAYS");
    for (key, value) in env {
        command.env(key, value);
    }
    command.output().unwrap_or_else(|e| panic!("run scripts/{name}: {e}"))
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// `scripts/backup.sh` of `database` into `dir`; the dump's path, which it printed.
fn backup(database: &TestDatabase, dir: &Path) -> PathBuf {
    let output =
        run("backup.sh", &[], &[("DATABASE_URL", &database.url()), ("BACKUP_DIR", &dir.display().to_string())]);
    assert!(output.status.success(), "backup.sh failed: {}", text(&output.stderr));
    let dump = PathBuf::from(text(&output.stdout).trim());
    assert_eq!(dump.parent(), Some(dir), "backup.sh prints the dump's path in BACKUP_DIR: {dump:?}");
    assert!(dump.is_file(), "{dump:?} exists");
    dump
}

/// `scripts/restore.sh dump newdb` into the test cluster.
fn restore(dump: &Path, newdb: &str) -> Output {
    let cluster = std::env::var("DATABASE_URL").expect("DATABASE_URL");
    run("restore.sh", &[&dump.display().to_string(), newdb], &[("DATABASE_URL", &cluster)])
}

async fn database_exists(db: &PgPool, name: &str) -> bool {
    sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)")
        .bind(name)
        .fetch_one(db)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_backup_restores_into_a_new_database_with_the_same_balanced_ledger() {
    // Arrange: two accounts, a partly refunded cash payment, a bank transfer paying the
    // other in full (settling it), all through the API.
    let app = spawn_app().await;
    let demo = app.seed().await;
    let manager = app.token("demo.manager").await;
    let sarah = app.token("sarah.mitchell").await;
    let today = today(&app).await;
    let first = working_account(&app, &manager, "BAK-1").await;
    let second = working_account(&app, &manager, "BAK-2").await;
    let cash = json!({"account_id": first, "amount": "250.50", "method": "cash", "paid_on": today,
                      "reference": "RCPT-BAK-1"});
    let paid = ok(pay(&app, &sarah, "bak-1", &cash).await, 201, "cash payment").await;
    let transfer = json!({"account_id": second, "amount": "1250.50", "method": "bank_transfer", "paid_on": today,
                          "reference": "UTR-BAK-2"});
    ok(pay(&app, &manager, "bak-2", &transfer).await, 201, "payment in full").await;
    let refund = format!("/api/v1/payments/{}/refund", paid["id"].as_str().unwrap());
    let body = json!({"amount": "50.00", "reason": "goodwill"});
    ok(post(&app, &manager, &refund, "bak-3", &body).await, 200, "refund").await;
    let original = ledger_of(&app.db).await;
    assert!(original.iter().all(|(_, rows)| rows.is_some()), "every money table has rows to back up: {original:?}");
    let kinds: Vec<String> =
        sqlx::query_scalar("SELECT kind::text FROM journal_entries ORDER BY kind").fetch_all(&app.db).await.unwrap();
    assert!(kinds.iter().any(|k| k == "refund") && kinds.iter().any(|k| k == "payment"), "to back up: {kinds:?}");

    // Act: back up, restore into a new database (dropped when the test ends, even on failure).
    let dir = tempfile::tempdir().unwrap();
    let dump = backup(&app.database, dir.path());
    let restored = TestDatabase { name: format!("{}_restored", app.database.name) };
    let output = restore(&dump, &restored.name);

    // Assert: the same ledger, balanced.
    assert!(output.status.success(), "restore.sh failed: {}", text(&output.stderr));
    let said = text(&output.stdout);
    assert!(said.contains(&format!("into {} ", restored.name)) && said.contains("row-level security"), "{said}");
    let copy = restored.pool();
    for ((table, restored_rows), (_, original_rows)) in ledger_of(&copy).await.into_iter().zip(&original) {
        assert_eq!(&restored_rows, original_rows, "{table}: the restored rows are the original's");
    }
    let unbalanced: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM (SELECT entry_id FROM journal_lines GROUP BY entry_id HAVING sum(debit) <> sum(credit)) u",
    )
    .fetch_one(&copy)
    .await
    .unwrap();
    assert_eq!(unbalanced, 0, "every restored entry balances");

    // Tenancy, triggers and grants are restored, and work.
    assert_eq!(json_of(&copy, GUARDS).await, json_of(&app.db, GUARDS).await, "policies, triggers and grants");
    let mut tx = copy.begin().await.unwrap();
    sqlx::query("SET LOCAL ROLE debtflow_app").execute(&mut *tx).await.unwrap();
    let unscoped: i64 = sqlx::query_scalar("SELECT count(*) FROM accounts").fetch_one(&mut *tx).await.unwrap();
    assert_eq!(unscoped, 0, "row-level security hides every row from a transaction without an agency");
    sqlx::query("SELECT set_config('app.agency_id', $1, true)")
        .bind(demo.northwind.to_string())
        .execute(&mut *tx)
        .await
        .unwrap();
    let theirs: i64 = sqlx::query_scalar("SELECT count(*) FROM accounts WHERE id = $1::uuid")
        .bind(&first)
        .fetch_one(&mut *tx)
        .await
        .unwrap();
    assert_eq!(theirs, 0, "another agency does not see the demo agency's account");
    sqlx::query("SELECT set_config('app.agency_id', $1, true)")
        .bind(demo.agency.to_string())
        .execute(&mut *tx)
        .await
        .unwrap();
    let ours: i64 = sqlx::query_scalar("SELECT count(*) FROM accounts WHERE id = $1::uuid")
        .bind(&first)
        .fetch_one(&mut *tx)
        .await
        .unwrap();
    assert_eq!(ours, 1, "its own agency sees it");
    tx.rollback().await.unwrap();
    let rewrite = sqlx::query("UPDATE payment_allocations SET amount = amount").execute(&copy).await;
    let refused = rewrite.expect_err("payment_allocations stays append-only").to_string();
    assert!(refused.contains("append-only"), "{refused}");

    // The data-quality job, run by the `debtflow` binary on the copy, finds nothing.
    let job = Command::new(debtflow_bin())
        .args(["job", "run", "data_quality"])
        .env("DATABASE_URL", restored.url())
        .env("RUST_LOG", "warn")
        .output()
        .expect("debtflow job run data_quality");
    assert_eq!(job.status.code(), Some(0), "data_quality on the restored database: {}", text(&job.stderr));
    let runs: Vec<Value> = text(&job.stdout).lines().filter_map(|l| serde_json::from_str(l).ok()).collect();
    let ours = runs.iter().find(|r| r["agency_id"] == demo.agency.to_string()).expect("a run for the demo agency");
    assert!(ours["records_scanned"].as_i64() >= Some(2), "it checked the restored accounts: {ours}");
    for run in &runs {
        assert_eq!((run["status"].as_str(), run["findings"].as_i64()), (Some("succeeded"), Some(0)), "{run}");
    }
    let findings: i64 =
        sqlx::query_scalar("SELECT count(*) FROM data_quality_findings").fetch_one(&copy).await.unwrap();
    assert_eq!(findings, 0);

    // The app serves the copy: the same balance, and a new payment posts.
    copy.close().await;
    let served = spawn_on(restored, &[]).await;
    let manager = served.token("demo.manager").await;
    let account: Value = served.get_as(&manager, &format!("/api/v1/accounts/{first}")).await.json().await.unwrap();
    assert_eq!(account["current_balance"], "1050.00", "1250.50 - 250.50 + 50.00 refunded");
    let more = json!({"account_id": first, "amount": "10.00", "method": "cash", "paid_on": today});
    let response = served.send(Method::POST, "/api/v1/payments", &manager, Some(&more)).await;
    ok(response, 201, "a payment on the restored database").await;
}

#[tokio::test]
async fn backups_past_retention_go_and_a_restore_never_overwrites_nor_half_restores() {
    // Arrange: a database, and dumps around the 14 days kept.
    let app = spawn_app().await;
    let dir = tempfile::tempdir().unwrap();
    let name = &app.database.name;
    let aged = |file: String, days: u64| {
        let path = dir.path().join(file);
        std::fs::write(&path, b"an old dump").unwrap();
        let file = std::fs::File::options().write(true).open(&path).unwrap();
        file.set_modified(SystemTime::now() - Duration::from_secs(days * 86_400)).unwrap();
        path
    };
    let expired = aged(format!("{name}-20200101T000000Z.dump"), 15);
    let kept = aged(format!("{name}-20200102T000000Z.dump"), 13);
    let another_database = aged("debtflow-20200101T000000Z.dump".to_owned(), 30);

    // Act
    let dump = backup(&app.database, dir.path());

    // Assert: only this database's dumps older than 14 days are gone.
    assert!(!expired.exists(), "a dump of 15 days is deleted");
    assert!(kept.exists() && another_database.exists() && dump.exists(), "the others are kept");
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
        .filter(|f| f.ends_with(".partial"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");

    // An existing database is refused and left alone.
    let before: i64 = sqlx::query_scalar("SELECT count(*) FROM _sqlx_migrations").fetch_one(&app.db).await.unwrap();
    let output = restore(&dump, name);
    assert_eq!(output.status.code(), Some(1), "restore.sh into an existing database: {}", text(&output.stdout));
    assert!(text(&output.stderr).contains("exists"), "{}", text(&output.stderr));
    let after: i64 = sqlx::query_scalar("SELECT count(*) FROM _sqlx_migrations").fetch_one(&app.db).await.unwrap();
    assert_eq!(after, before);

    // A dump cut short is refused before anything is created.
    let bytes = std::fs::read(&dump).unwrap();
    let cut = dir.path().join("cut.dump");
    std::fs::write(&cut, &bytes[..bytes.len() * 2 / 3]).unwrap();
    let target = TestDatabase { name: format!("{name}_cut") };
    let output = restore(&cut, &target.name);
    assert_eq!(output.status.code(), Some(1), "restore.sh of a truncated dump: {}", text(&output.stdout));
    assert!(text(&output.stderr).contains("not a readable dump"), "{}", text(&output.stderr));
    assert!(!database_exists(&app.db, &target.name).await, "nothing is created");

    // A restore that fails halfway (a CHECK calling a function that names a table without
    // its schema: the restore runs with an empty search_path, a classic) exits 1 and
    // leaves no database behind.
    sqlx::raw_sql(
        "CREATE FUNCTION backup_probe_ok(v int) RETURNS boolean LANGUAGE sql
             AS 'SELECT v > (SELECT count(*) FROM agencies) - 1000';
         CREATE TABLE backup_probe (v int CHECK (backup_probe_ok(v)));
         INSERT INTO backup_probe VALUES (1);",
    )
    .execute(&app.db)
    .await
    .unwrap();
    let other_dir = tempfile::tempdir().unwrap();
    let failing = backup(&app.database, other_dir.path());
    let target = TestDatabase { name: format!("{name}_half") };
    let output = restore(&failing, &target.name);
    let said = text(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "restore.sh of a dump that cannot load: {said}");
    assert!(said.contains("COPY failed for table \"backup_probe\"") && said.contains("nothing restored"), "{said}");
    assert!(!database_exists(&app.db, &target.name).await, "the half-restored database is dropped");
}
