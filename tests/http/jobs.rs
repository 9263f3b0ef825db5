//! The daily jobs: aging at every bucket boundary, frozen while disputed or paused;
//! idempotent re-runs; the advisory lock; replays; partial failures with the exit
//! code of the command; kill switches; data-quality findings; the jobs API.

use crate::payments::{ok, today};
use crate::plans::{active_plan, negotiating_account as negotiating};
use debtflow_api::{
    clock::Clock,
    jobs::{self, Job, JobContext, RunRequest, RunStatus},
    messages::Messenger,
};
use debtflow_tests::{debtflow_bin, spawn_app, TestApp};
use reqwest::Method;
use serde_json::{json, Value};

/// The jobs' context of these tests, on the system clock.
pub fn ctx() -> JobContext {
    JobContext {
        idempotency_ttl_secs: 86_400,
        login_window_secs: 900,
        clock: Clock::system(),
        messenger: Messenger::log(),
    }
}

async fn run(app: &TestApp, job: Job, as_of: chrono::NaiveDate, force: bool) -> jobs::RunReport {
    let request = RunRequest { agency_id: Some(demo_agency(app).await), as_of: Some(as_of), force };
    let mut reports = jobs::run(&app.db, &ctx(), job, request).await.expect("the run");
    assert_eq!(reports.len(), 1);
    reports.remove(0)
}

/// An active plan of two monthly installments of 300.00 from `first`; its id.
async fn active_plan_due(app: &TestApp, account: &str, first: chrono::NaiveDate) -> String {
    active_plan(app, account, "600.00", 2, first).await["id"].as_str().unwrap().to_owned()
}

async fn demo_agency(app: &TestApp) -> uuid::Uuid {
    sqlx::query_scalar("SELECT id FROM agencies WHERE name = 'Demo Recovery Agency'").fetch_one(&app.db).await.unwrap()
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(&app.db).await.unwrap()
}

/// An account of the demo agency delinquent since `delinquent`.
async fn account(app: &TestApp, manager: &str, external_ref: &str, delinquent: chrono::NaiveDate) -> String {
    let mut body = crate::accounts::new_account(external_ref);
    body["delinquency_date"] = json!(delinquent);
    let created = app.send(Method::POST, "/api/v1/accounts", manager, Some(&body)).await;
    ok(created, 201, "account").await["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn aging_moves_accounts_between_buckets_at_every_boundary_and_once() {
    let app = spawn_app().await;
    app.seed().await;
    let manager = app.token("demo.manager").await;
    let today = today(&app).await;
    let mut ids = Vec::new();
    for dpd in [0u64, 30, 31, 60, 61, 90, 91] {
        ids.push((dpd, account(&app, &manager, &format!("AGE-{dpd}"), today - chrono::Days::new(dpd)).await));
    }

    let report = run(&app, Job::DpdAging, today, false).await;
    assert_eq!(report.status, RunStatus::Succeeded);
    assert_eq!(report.tally.records_scanned, 7);
    let moves: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT a.external_ref, h.from_bucket, h.to_bucket FROM aging_history h JOIN accounts a ON a.id = h.account_id
         WHERE h.as_of_date = $1 ORDER BY a.external_ref",
    )
    .bind(today)
    .fetch_all(&app.db)
    .await
    .unwrap();
    let expected = [("AGE-31", "0-30", "31-60"), ("AGE-61", "31-60", "61-90"), ("AGE-91", "61-90", "90+")];
    let expected: Vec<(String, String, String)> =
        expected.iter().map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string())).collect();
    assert_eq!(moves, expected, "only the accounts that crossed a boundary today moved");
    for (dpd, id) in &ids {
        let detail: Value = app.get_as(&manager, &format!("/api/v1/accounts/{id}")).await.json().await.unwrap();
        assert_eq!(detail["days_past_due"], *dpd, "AGE-{dpd}");
    }

    let again = run(&app, Job::DpdAging, today, false).await;
    assert_eq!(again.status, RunStatus::SkippedDone, "one success per date");
    let forced = run(&app, Job::DpdAging, today, true).await;
    assert_eq!(forced.status, RunStatus::Succeeded);
    assert_eq!(forced.tally.records_updated, 0, "a forced re-run changes nothing");
    assert_eq!(count(&app, "SELECT count(*) FROM aging_history").await, 3);
}

#[tokio::test]
async fn days_disputed_or_paused_do_not_age_and_a_replay_matches_the_live_run() {
    let app = spawn_app().await;
    app.seed().await;
    let manager = app.token("demo.manager").await;
    let today = today(&app).await;
    let disputed = account(&app, &manager, "FROZEN-1", today - chrono::Days::new(40)).await;
    let paused = account(&app, &manager, "FROZEN-2", today - chrono::Days::new(40)).await;
    // Disputed from 10 days ago to 4 days ago (6 days), in the agency's time zone.
    sqlx::query(
        "INSERT INTO disputes (agency_id, id, account_id, reason, opened_by, opened_at, outcome, resolution,
                               resolved_by, resolved_at)
         SELECT a.agency_id, gen_random_uuid(), a.id, 'not mine', u.id,
                (($2 - 10)::timestamp + interval '12 hours') AT TIME ZONE 'America/New_York', 'negotiating', 'ok',
                u.id, (($2 - 4)::timestamp + interval '12 hours') AT TIME ZONE 'America/New_York'
         FROM accounts a, users u WHERE a.id = $1 AND u.username = 'demo.manager'",
    )
    .bind(uuid::Uuid::parse_str(&disputed).unwrap())
    .bind(today)
    .execute(&app.db)
    .await
    .unwrap();
    let pause = json!({"starts_on": today - chrono::Days::new(2), "ends_on": today + chrono::Days::new(5), "reason": "hardship"});
    let path = format!("/api/v1/accounts/{paused}/pauses");
    ok(app.send(Method::POST, &path, &manager, Some(&pause)).await, 201, "pause").await;
    let sarah = app.token("sarah.mitchell").await;
    assert_eq!(app.send(Method::POST, &path, &sarah, Some(&pause)).await.status(), 403);

    run(&app, Job::DpdAging, today, false).await;
    let dpd = |id: String| {
        let app = &app;
        let manager = &manager;
        async move {
            let detail: Value = app.get_as(manager, &format!("/api/v1/accounts/{id}")).await.json().await.unwrap();
            detail["days_past_due"].as_u64().unwrap()
        }
    };
    assert_eq!(dpd(disputed.clone()).await, 34, "40 days less the 6 disputed");
    assert_eq!(dpd(paused.clone()).await, 37, "40 days less the 3 paused so far, today included");

    // Replay: the same date again from scratch gives the same anchors and moves.
    let live: Vec<(uuid::Uuid, chrono::NaiveDate)> =
        sqlx::query_as("SELECT id, aging_anchor FROM accounts ORDER BY id").fetch_all(&app.db).await.unwrap();
    sqlx::query("UPDATE accounts SET aging_anchor = delinquency_date").execute(&app.db).await.unwrap();
    sqlx::query("DELETE FROM aging_history").execute(&app.db).await.unwrap();
    assert_eq!(run(&app, Job::DpdAging, today, true).await.status, RunStatus::Succeeded);
    let replayed: Vec<(uuid::Uuid, chrono::NaiveDate)> =
        sqlx::query_as("SELECT id, aging_anchor FROM accounts ORDER BY id").fetch_all(&app.db).await.unwrap();
    assert_eq!(replayed, live);
    // A past date replayed leaves today's anchors alone.
    run(&app, Job::DpdAging, today - chrono::Days::new(20), false).await;
    let after: Vec<(uuid::Uuid, chrono::NaiveDate)> =
        sqlx::query_as("SELECT id, aging_anchor FROM accounts ORDER BY id").fetch_all(&app.db).await.unwrap();
    assert_eq!(after, live);
}

#[tokio::test]
async fn a_second_runner_skips_while_the_first_holds_the_lock() {
    let app = spawn_app().await;
    app.seed().await;
    let mut holder = app.db.acquire().await.unwrap();
    let locked: bool = sqlx::query_scalar("SELECT pg_try_advisory_lock(hashtext('debtflow:job:dpd_aging'))")
        .fetch_one(&mut *holder)
        .await
        .unwrap();
    assert!(locked);
    let today = today(&app).await;
    assert_eq!(run(&app, Job::DpdAging, today, false).await.status, RunStatus::SkippedLock);
    sqlx::query("SELECT pg_advisory_unlock(hashtext('debtflow:job:dpd_aging'))").execute(&mut *holder).await.unwrap();
    assert_eq!(run(&app, Job::DpdAging, today, false).await.status, RunStatus::Succeeded);
    let statuses: Vec<String> =
        sqlx::query_scalar("SELECT status FROM job_runs ORDER BY started_at").fetch_all(&app.db).await.unwrap();
    assert_eq!(statuses, ["skipped_lock", "succeeded"]);
}

#[tokio::test]
async fn one_failing_plan_makes_the_run_partial_and_the_command_exit_2() {
    let app = spawn_app().await;
    app.seed().await;
    let manager = app.token("demo.manager").await;
    let today = today(&app).await;
    let mut plans = Vec::new();
    for n in 0..3 {
        let account = negotiating(&app, &manager, &format!("DEF-{n}")).await;
        plans.push(active_plan_due(&app, &account, today).await);
    }
    // The second plan cannot be changed: its default fails, the others go through.
    sqlx::query(&format!(
        "CREATE FUNCTION fail_plan() RETURNS trigger LANGUAGE plpgsql AS $$
         BEGIN IF NEW.id = '{}' THEN RAISE EXCEPTION 'injected failure'; END IF; RETURN NEW; END $$",
        plans[1]
    ))
    .execute(&app.db)
    .await
    .unwrap();
    sqlx::query("CREATE TRIGGER fail_plan BEFORE UPDATE ON plans FOR EACH ROW EXECUTE FUNCTION fail_plan()")
        .execute(&app.db)
        .await
        .unwrap();

    let as_of = today + chrono::Days::new(30);
    let output = std::process::Command::new(debtflow_bin())
        .args(["job", "run", "overdue_default_scan", "--as-of-date", &as_of.to_string()])
        .env("DATABASE_URL", app.database.url())
        .env("RUST_LOG", "warn")
        .output()
        .expect("debtflow job run");
    assert_eq!(output.status.code(), Some(2), "{}", String::from_utf8_lossy(&output.stderr));
    let stdout = String::from_utf8_lossy(&output.stdout);
    let line: Value = stdout
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .find(|l: &Value| l["status"] == "partial")
        .expect("a partial run's JSON line");
    for field in [
        "ts",
        "level",
        "job",
        "run_id",
        "as_of_date",
        "status",
        "duration_ms",
        "records_scanned",
        "records_updated",
        "notifications_sent",
        "notifications_failed",
        "errors_count",
        "host",
        "pid",
    ] {
        assert!(!line[field].is_null(), "the JSON line has {field}: {line}");
    }
    assert_eq!((line["records_updated"].as_i64(), line["errors_count"].as_i64()), (Some(2), Some(1)));
    let defaulted: i64 = count(&app, "SELECT count(*) FROM plans WHERE status = 'defaulted'").await;
    assert_eq!(defaulted, 2, "the others are committed");
}

#[tokio::test]
async fn kill_switches_take_effect_on_the_next_run() {
    let app = spawn_app().await;
    app.seed().await;
    let manager = app.token("demo.manager").await;
    let admin = app.token("demo.admin").await;
    let today = today(&app).await;
    let account = negotiating(&app, &manager, "REM-1").await;
    active_plan_due(&app, &account, today + chrono::Days::new(3)).await;

    assert_eq!(
        app.send(Method::PATCH, "/api/v1/settings", &manager, Some(&json!({"reminders_enabled": false})))
            .await
            .status(),
        403
    );
    let off = app.send(Method::PATCH, "/api/v1/settings", &admin, Some(&json!({"reminders_enabled": false}))).await;
    assert_eq!(ok(off, 200, "switch off").await["reminders_enabled"], false);
    assert_eq!(run(&app, Job::InstallmentReminders, today, false).await.status, RunStatus::Disabled);
    assert_eq!(count(&app, "SELECT count(*) FROM notifications WHERE kind = 'installment_due'").await, 0);

    app.send(Method::PATCH, "/api/v1/settings", &admin, Some(&json!({"reminders_enabled": true}))).await;
    let report = run(&app, Job::InstallmentReminders, today, false).await;
    assert_eq!((report.status, report.tally.notifications_sent), (RunStatus::Succeeded, 1));
    let again = run(&app, Job::InstallmentReminders, today, true).await;
    assert_eq!(again.tally.notifications_sent, 0, "nothing is sent twice");
    let audited = count(&app, "SELECT count(*) FROM audit_logs WHERE action = 'settings.update'").await;
    assert_eq!(audited, 2);
}

#[tokio::test]
async fn data_quality_reports_each_problem_without_failing() {
    let app = spawn_app().await;
    app.seed().await;
    let manager = app.token("demo.manager").await;
    let today = today(&app).await;
    let good = account(&app, &manager, "DQ-1", today).await;
    let bad = account(&app, &manager, "DQ-2", today).await;
    sqlx::query("UPDATE accounts SET current_balance = current_balance + 1 WHERE id = $1")
        .bind(uuid::Uuid::parse_str(&bad).unwrap())
        .execute(&app.db)
        .await
        .unwrap();

    let report = run(&app, Job::DataQuality, today, false).await;
    assert_eq!((report.status, report.tally.findings), (RunStatus::Succeeded, 1));
    let findings: Vec<(String, String)> =
        sqlx::query_as("SELECT check_name, entity_id FROM data_quality_findings").fetch_all(&app.db).await.unwrap();
    assert_eq!(findings, [("balance_matches_ledger".to_owned(), bad.clone())]);
    assert_ne!(good, bad);
}

#[tokio::test]
async fn the_jobs_api_runs_a_job_and_lists_the_runs() {
    let app = spawn_app().await;
    app.seed().await;
    let admin = app.token("demo.admin").await;
    let manager = app.token("demo.manager").await;
    assert_eq!(app.send(Method::POST, "/api/v1/jobs/dpd_aging/run", &manager, None).await.status(), 403);
    assert_eq!(app.send(Method::POST, "/api/v1/jobs/nope/run", &admin, None).await.status(), 404);
    let ran = ok(app.send(Method::POST, "/api/v1/jobs/dpd_aging/run", &admin, None).await, 200, "run").await;
    assert_eq!(ran["runs"][0]["status"], "succeeded");
    let runs = ok(app.get_as(&manager, "/api/v1/jobs/runs?job=dpd_aging").await, 200, "runs").await;
    assert_eq!(runs["items"][0]["run_id"], ran["runs"][0]["run_id"]);
    let nw = app.token("nw.admin").await;
    let theirs = ok(app.get_as(&nw, "/api/v1/jobs/runs").await, 200, "another agency").await;
    assert_eq!(theirs["items"], json!([]), "another agency's runs are not shown");
}

#[tokio::test]
async fn maintenance_keeps_the_audit_trail_partitioned_and_purges_old_failed_logins() {
    let app = spawn_app().await;
    let demo = app.seed().await;
    sqlx::query(
        "INSERT INTO login_failures (username, failed_at) VALUES ('x', now() - interval '1 day'), ('y', now())",
    )
    .execute(&app.db)
    .await
    .unwrap();
    // Read 91 days ago, read 89 days ago, unread for a year: only the first goes.
    sqlx::query(
        "INSERT INTO notifications (agency_id, id, recipient_id, kind, title, idempotency_key, created_at, read_at)
         VALUES ($1, gen_random_uuid(), $2, 'account_assigned', 'old', 'old', now() - interval '1 year',
                 now() - interval '91 days'),
                ($1, gen_random_uuid(), $2, 'account_assigned', 'recent', 'recent', now() - interval '1 year',
                 now() - interval '89 days'),
                ($1, gen_random_uuid(), $2, 'account_assigned', 'unread', 'unread', now() - interval '1 year', NULL)",
    )
    .bind(demo.agency)
    .bind(demo.sarah)
    .execute(&app.db)
    .await
    .unwrap();
    let partitions = |app: &TestApp| {
        let db = app.db.clone();
        async move {
            let names: Vec<String> = sqlx::query_scalar(
                "SELECT c.relname::text FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
                 WHERE i.inhparent = 'audit_logs'::regclass ORDER BY 1",
            )
            .fetch_all(&db)
            .await
            .unwrap();
            names
        }
    };
    let date = |s: &str| s.parse::<chrono::NaiveDate>().unwrap();
    let request = RunRequest { agency_id: None, as_of: Some(date("2028-12-15")), force: false };
    let report = jobs::run(&app.db, &ctx(), Job::Maintenance, request).await.unwrap().remove(0);
    assert_eq!(report.status, RunStatus::Succeeded);
    let names = partitions(&app).await;
    assert!(names.contains(&"audit_logs_2029_03".to_owned()), "three months ahead: {names:?}");
    assert!(!names.contains(&"audit_logs_2026_11".to_owned()), "older than 24 months, detached: {names:?}");
    assert!(names.contains(&"audit_logs_2026_12".to_owned()), "24 months kept: {names:?}");
    assert_eq!(count(&app, "SELECT count(*) FROM login_failures").await, 1);
    let kept: Vec<String> =
        sqlx::query_scalar("SELECT title FROM notifications ORDER BY title").fetch_all(&app.db).await.unwrap();
    assert_eq!(kept, ["recent", "unread"], "read over 90 days ago: purged");
    let again = RunRequest { agency_id: None, as_of: Some(date("2028-12-15")), force: true };
    let report = jobs::run(&app.db, &ctx(), Job::Maintenance, again).await.unwrap().remove(0);
    assert_eq!(report.tally.records_updated, 0, "a second run has nothing to do");
}

#[tokio::test]
async fn stale_accounts_reach_the_managers_once_and_late_installments_their_collector() {
    let app = spawn_app().await;
    app.seed().await;
    let manager = app.token("demo.manager").await;
    let today = today(&app).await;
    let quiet = negotiating(&app, &manager, "STALE-1").await;
    let busy = negotiating(&app, &manager, "STALE-2").await;
    // The quiet account's last event was 20 days ago (the test moves it back, past the
    // append-only trigger); the busy one's is today.
    sqlx::query("ALTER TABLE account_events DISABLE TRIGGER account_events_append_only")
        .execute(&app.db)
        .await
        .unwrap();
    sqlx::query("UPDATE account_events SET occurred_at = now() - interval '20 days' WHERE account_id = $1")
        .bind(uuid::Uuid::parse_str(&quiet).unwrap())
        .execute(&app.db)
        .await
        .unwrap();
    assert_ne!(quiet, busy);

    let report = run(&app, Job::StaleAccountEscalation, today, false).await;
    assert_eq!((report.tally.records_scanned, report.tally.records_updated), (2, 1), "one of two is stale");
    assert_eq!(report.tally.notifications_sent, 1, "one digest for the one manager");
    let again = run(&app, Job::StaleAccountEscalation, today, true).await;
    assert_eq!(again.tally.notifications_sent, 0, "nothing twice for the date");

    // An installment due 4 days ago (grace 3) is late: its collector hears once.
    active_plan_due(&app, &busy, today).await;
    let late_day = today + chrono::Days::new(4);
    let report = run(&app, Job::OverdueDefaultScan, late_day, false).await;
    assert_eq!((report.tally.records_scanned, report.tally.notifications_sent), (1, 1));
    assert_eq!(report.tally.records_updated, 0, "not defaulted before the threshold");
    let sarah = app.token("sarah.mitchell").await;
    let notes: Value = app.get_as(&sarah, "/api/v1/notifications").await.json().await.unwrap();
    assert_eq!(notes["items"][0]["kind"], "installment_late");
    // It opens the account, whose page shows the plan.
    assert_eq!(notes["items"][0]["link"], format!("/accounts/{busy}"));
    let on_grace_day = run(&app, Job::OverdueDefaultScan, today + chrono::Days::new(3), false).await;
    assert_eq!(on_grace_day.tally.records_scanned, 0, "still within grace");
}

#[tokio::test]
async fn the_latest_run_of_each_job_per_day_pages_by_date_and_job() {
    let app = spawn_app().await;
    app.seed().await;
    let day = |d| chrono::NaiveDate::from_ymd_opt(2026, 11, d).unwrap();
    // Nov 2: dpd_aging twice (the second skipped: done), data_quality once; Nov 3: dpd_aging.
    run(&app, Job::DpdAging, day(2), false).await;
    let skipped = run(&app, Job::DpdAging, day(2), false).await;
    assert_eq!(skipped.status, RunStatus::SkippedDone);
    run(&app, Job::DataQuality, day(2), false).await;
    let latest = run(&app, Job::DpdAging, day(3), false).await;
    let manager = app.token("demo.manager").await;

    let page = ok(app.get_as(&manager, "/api/v1/jobs/runs?latest=true").await, 200, "latest").await;
    let rows: Vec<(&str, &str, &str, i64)> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let day = r["as_of_date"].as_str().unwrap();
            (day, r["job"].as_str().unwrap(), r["status"].as_str().unwrap(), r["runs_that_day"].as_i64().unwrap())
        })
        .collect();
    assert_eq!(
        rows,
        [
            ("2026-11-03", "dpd_aging", "succeeded", 1),
            ("2026-11-02", "data_quality", "succeeded", 1),
            ("2026-11-02", "dpd_aging", "skipped_done", 2),
        ]
    );
    assert_eq!(page["items"][0]["run_id"], latest.run_id.to_string());
    assert!(page["items"][0]["duration_ms"].as_i64().unwrap() >= 0);

    // One row a page, then by job: the same rows, none twice.
    let mut seen = Vec::new();
    let mut path = "/api/v1/jobs/runs?latest=true&limit=1".to_owned();
    loop {
        let page = ok(app.get_as(&manager, &path).await, 200, "a page").await;
        seen.extend(page["items"].as_array().unwrap().iter().map(|r| r["run_id"].as_str().unwrap().to_owned()));
        match page["next_cursor"].as_str() {
            Some(cursor) => path = format!("/api/v1/jobs/runs?latest=true&limit=1&cursor={cursor}"),
            None => break,
        }
    }
    let all: Vec<String> =
        page["items"].as_array().unwrap().iter().map(|r| r["run_id"].as_str().unwrap().into()).collect();
    assert_eq!(seen, all);
    let only = ok(app.get_as(&manager, "/api/v1/jobs/runs?latest=true&job=data_quality").await, 200, "job").await;
    assert_eq!(only["items"].as_array().unwrap().len(), 1);

    // Every run, newest first, as before; a cursor of one list is refused by the other.
    let every = ok(app.get_as(&manager, "/api/v1/jobs/runs?limit=1").await, 200, "every run").await;
    assert_eq!(every["items"][0]["runs_that_day"], Value::Null);
    let crossed = app
        .get_as(&manager, &format!("/api/v1/jobs/runs?latest=true&cursor={}", every["next_cursor"].as_str().unwrap()))
        .await;
    assert_eq!(crossed.status(), 422);
    let bad_job = app.get_as(&manager, "/api/v1/jobs/runs?latest=true&job=nope").await;
    assert_eq!(bad_job.status(), 422);
}

#[tokio::test]
async fn running_a_job_now_is_audited_with_who_asked() {
    let app = spawn_app().await;
    app.seed().await;
    let admin = app.token("demo.admin").await;
    let ran = ok(app.send(Method::POST, "/api/v1/jobs/data_quality/run", &admin, None).await, 200, "run").await;
    let run_id = ran["runs"][0]["run_id"].as_str().unwrap();
    let compliance = app.token("demo.compliance").await;
    let trail = ok(app.get_as(&compliance, "/api/v1/audit-logs?action=job.run").await, 200, "trail").await;
    let entry = &trail["items"][0];
    assert_eq!(entry["entity_type"], "job_run");
    assert_eq!(entry["entity_id"], run_id);
    assert_eq!(entry["actor_name"], "Demo Admin");
    assert_eq!(entry["after"]["job"], "data_quality");
    assert_eq!(entry["after"]["status"], ran["runs"][0]["status"]);
}
