//! `debtflow import`: the pipeline from the command line — its exit codes, and a
//! process killed mid-import that a second run finishes without a duplicate account.

use debtflow_tests::{debtflow_bin, import_storage, TestDatabase};
use serde_json::Value;
use std::{
    io::{BufRead, BufReader, Write},
    process::{Command, Output, Stdio},
};

const SAMPLE: &str = include_str!("../fixtures/placements.csv");

fn cli(database: &TestDatabase, file: &std::path::Path, extra: &[&str]) -> Command {
    let mut command = Command::new(debtflow_bin());
    let agency = if extra.contains(&"--agency") { &[][..] } else { &["--agency", "Demo Recovery Agency"][..] };
    command
        .arg("import")
        .arg(file)
        .args(agency)
        .args(extra)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("DATABASE_URL", database.url())
        .env("IMPORT_STORAGE", import_storage())
        .env("RUST_LOG", "warn");
    command
}

fn run(database: &TestDatabase, file: &std::path::Path, extra: &[&str]) -> (i32, Value, String) {
    let Output { status, stdout, stderr } = cli(database, file, extra).output().expect("run debtflow import");
    let stdout = String::from_utf8(stdout).unwrap();
    let last = stdout.lines().last().map(|l| serde_json::from_str(l).expect("JSON lines")).unwrap_or(Value::Null);
    (status.code().expect("an exit code"), last, String::from_utf8(stderr).unwrap())
}

fn file_with(contents: &[u8]) -> tempfile::NamedTempFile {
    let mut file = tempfile::Builder::new().suffix(".csv").tempfile().unwrap();
    file.write_all(contents).unwrap();
    file
}

async fn seeded() -> TestDatabase {
    let database = TestDatabase::migrated().await;
    debtflow_api::seed::seed_demo(&database.pool()).await.expect("seed");
    database
}

#[tokio::test]
async fn exit_codes_say_clean_with_row_errors_or_failed() {
    let database = seeded().await;
    let sample = file_with(SAMPLE.as_bytes());

    let (code, last, _) = run(&database, sample.path(), &[]);
    assert_eq!((code, last["status"].as_str(), last["created"].as_i64()), (0, Some("completed"), Some(5)), "{last}");

    let (code, _, stderr) = run(&database, sample.path(), &[]);
    assert_eq!(code, 1);
    assert!(stderr.contains("imported already"), "{stderr}");

    let messy = file_with(b"external_ref,creditor,original_balance,delinquency_date,debtor_name\nC-1,B,5,2026-01-01,Ann\nC-2,B,x,2026-01-01,Bo\n");
    let (code, last, _) = run(&database, messy.path(), &[]);
    assert_eq!((code, last["created"].as_i64(), last["failed"].as_i64()), (2, Some(1), Some(1)), "{last}");

    let empty = file_with(b"");
    let (code, last, stderr) = run(&database, empty.path(), &[]);
    assert_eq!((code, last["status"].as_str()), (1, Some("failed")));
    assert!(stderr.contains("the file is empty"), "{stderr}");

    let (code, _, stderr) = run(&database, sample.path(), &["--agency", "Nobody Collections", "--force"]);
    assert_eq!(code, 1);
    assert!(stderr.contains("no agency named `Nobody Collections`"), "{stderr}");
}

#[tokio::test]
async fn a_killed_import_resumes_from_its_last_committed_batch_without_duplicates() {
    const ROWS: usize = 20_000;
    let database = seeded().await;
    let mut csv = String::from("external_ref,creditor,original_balance,delinquency_date,debtor_name\n");
    for n in 0..ROWS {
        csv.push_str(&format!(
            "K-{n:06},Kill Bank,{}.{:02},2026-01-{:02},Debtor {n}\n",
            10 + n % 900,
            n % 100,
            1 + n % 28
        ));
    }
    let file = file_with(csv.as_bytes());

    let mut child =
        cli(&database, file.path(), &[]).env("IMPORT_BATCH_ROWS", "250").stdout(Stdio::piped()).spawn().unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let import_id = loop {
        let line: Value = serde_json::from_str(&lines.next().expect("progress before the end").unwrap()).unwrap();
        if line["processed"].as_i64().unwrap() >= 1000 {
            break line["import_id"].as_str().unwrap().to_owned();
        }
    };
    child.kill().unwrap();
    child.wait().unwrap();

    let db = database.pool();
    let (status, processed): (String, i64) =
        sqlx::query_as("SELECT status::text, processed FROM imports WHERE id = $1::uuid")
            .bind(&import_id)
            .fetch_one(&db)
            .await
            .unwrap();
    assert_eq!(status, "running", "killed mid-way");
    assert!(processed > 0 && (processed as usize) < ROWS && processed % 250 == 0, "{processed}");
    let placed: i64 = sqlx::query_scalar("SELECT count(*) FROM accounts").fetch_one(&db).await.unwrap();
    assert_eq!(placed, processed, "exactly the committed batches' accounts");

    let (code, last, stderr) = run(&database, file.path(), &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(last["import_id"].as_str(), Some(import_id.as_str()), "the same import, resumed");
    assert_eq!((last["processed"].as_i64(), last["created"].as_i64()), (Some(ROWS as i64), Some(ROWS as i64)));
    let (accounts, openings, events, imports): (i64, i64, i64, i64) = sqlx::query_as(
        "SELECT (SELECT count(*) FROM accounts),
                (SELECT count(*) FROM journal_entries WHERE kind = 'opening'),
                (SELECT count(*) FROM account_events WHERE kind = 'imported'),
                (SELECT count(*) FROM imports)",
    )
    .fetch_one(&db)
    .await
    .unwrap();
    assert_eq!((accounts, openings, events, imports), (ROWS as i64, ROWS as i64, ROWS as i64, 1));
    let balance: rust_decimal::Decimal =
        sqlx::query_scalar("SELECT sum(current_balance) FROM accounts").fetch_one(&db).await.unwrap();
    let expected: rust_decimal::Decimal =
        (0..ROWS).map(|n| rust_decimal::Decimal::new(((10 + n % 900) * 100 + n % 100) as i64, 2)).sum();
    assert_eq!(balance, expected, "every balance once");
}
