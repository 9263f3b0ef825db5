//! The scheduler's retry policy on a frozen clock, one minute at a time
//! (`scheduler::tick`): a due job runs at its time and once; a failure is retried once,
//! five minutes later, and a second failure is escalated to the agency's admins once
//! and not run again; a disabled job is recorded once a day; a lock-skip is not
//! retried.
//!
//! The demo agency is in New York: on Tuesday 2026-11-24 (EST, UTC-5) its 07:00, when
//! `installment_reminders` is due, is 12:00 UTC.

use debtflow_api::jobs::{self, scheduler, Job, JobContext, RunRequest, RunStatus as Status};
use debtflow_api::messages::Messenger;
use debtflow_domain::permission::Operation;
use debtflow_tests::{spawn_app_at, Demo, TestApp};

const JOB: Job = Job::InstallmentReminders;

fn at(local_ny: &str) -> chrono::DateTime<chrono::Utc> {
    let local: chrono::NaiveDateTime = format!("2026-11-24T{local_ny}").parse().unwrap();
    (local + chrono::TimeDelta::hours(5)).and_utc()
}

fn day() -> chrono::NaiveDate {
    "2026-11-24".parse().unwrap()
}

/// The app on a clock frozen at 06:59 in New York, seeded, and the jobs' context on
/// the same clock.
async fn frozen() -> (TestApp, Demo, JobContext) {
    let app = spawn_app_at(at("06:59:00")).await;
    let demo = app.seed().await;
    let ctx = JobContext {
        idempotency_ttl_secs: 86_400,
        login_window_secs: 900,
        clock: app.clock.clone(),
        messenger: Messenger::log(),
    };
    (app, demo, ctx)
}

/// Moves the clock to `local_ny` and runs one scheduler minute.
async fn tick_at(app: &TestApp, ctx: &JobContext, local_ny: &str) {
    app.clock.set(at(local_ny));
    scheduler::tick(&app.db, ctx).await.expect("a scheduler minute");
}

/// The job's runs for the demo agency: (status, started_at, as_of_date), in order.
async fn runs(app: &TestApp, demo: &Demo) -> Vec<(Status, chrono::DateTime<chrono::Utc>, chrono::NaiveDate)> {
    sqlx::query_as(
        "SELECT status, started_at, as_of_date FROM job_runs WHERE job = $1 AND agency_id = $2
         ORDER BY started_at, id",
    )
    .bind(JOB.name())
    .bind(demo.agency)
    .fetch_all(&app.db)
    .await
    .unwrap()
}

async fn statuses(app: &TestApp, demo: &Demo) -> Vec<Status> {
    runs(app, demo).await.into_iter().map(|r| r.0).collect()
}

/// The recipients of the job's escalations in the agency, sorted.
async fn escalated_to(app: &TestApp, agency: uuid::Uuid) -> Vec<uuid::Uuid> {
    sqlx::query_scalar(
        "SELECT recipient_id FROM notifications WHERE agency_id = $1 AND kind = 'job_failed'
           AND idempotency_key LIKE $2 ORDER BY recipient_id",
    )
    .bind(agency)
    .bind(format!("job_failed:{}:%", JOB.name()))
    .fetch_all(&app.db)
    .await
    .unwrap()
}

/// The agency's active users whose role may run jobs, sorted.
async fn admins(app: &TestApp, agency: uuid::Uuid) -> Vec<uuid::Uuid> {
    let roles: Vec<&str> = Operation::RunJobs.deciders().map(|r| r.as_str()).collect();
    sqlx::query_scalar("SELECT id FROM users WHERE agency_id = $1 AND is_active AND role::text = ANY($2) ORDER BY id")
        .bind(agency)
        .bind(&roles)
        .fetch_all(&app.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_due_job_runs_at_its_time_and_once() {
    let (app, demo, ctx) = frozen().await;
    tick_at(&app, &ctx, "06:59:00").await;
    assert!(statuses(&app, &demo).await.is_empty(), "not due before 07:00");

    tick_at(&app, &ctx, "07:00:00").await;
    assert_eq!(runs(&app, &demo).await, [(Status::Succeeded, at("07:00:00"), day())], "due at 07:00, on the clock");
    for minute in 1..=10 {
        tick_at(&app, &ctx, &format!("07:{minute:02}:00")).await;
    }
    assert_eq!(statuses(&app, &demo).await, [Status::Succeeded], "a success ends the day");
}

#[tokio::test]
async fn a_failure_is_retried_once_five_minutes_later_and_a_second_one_is_escalated_once() {
    let (app, demo, ctx) = frozen().await;
    // The job reads installments as the application's role: without the privilege,
    // every run of it fails (and nothing else this test looks at).
    sqlx::query("REVOKE SELECT ON plan_installments FROM debtflow_app").execute(&app.db).await.unwrap();

    tick_at(&app, &ctx, "07:00:00").await;
    assert_eq!(statuses(&app, &demo).await, [Status::Failed]);
    for minute in 1..=4 {
        tick_at(&app, &ctx, &format!("07:{minute:02}:00")).await;
        assert_eq!(statuses(&app, &demo).await, [Status::Failed], "no retry at 07:0{minute}");
    }
    assert!(escalated_to(&app, demo.agency).await.is_empty(), "one failure is not escalated");

    tick_at(&app, &ctx, "07:05:00").await;
    let runs = runs(&app, &demo).await;
    assert_eq!(
        runs.iter().map(|r| (r.0, r.1)).collect::<Vec<_>>(),
        [(Status::Failed, at("07:00:00")), (Status::Failed, at("07:05:00"))]
    );
    let admins = admins(&app, demo.agency).await;
    assert!(!admins.is_empty(), "the demo agency has an admin");
    assert_eq!(escalated_to(&app, demo.agency).await, admins, "one notification per admin of the agency");
    let others: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM notifications n JOIN users u ON u.id = n.recipient_id
         WHERE n.kind = 'job_failed' AND n.agency_id = $1 AND NOT (u.id = ANY($2))",
    )
    .bind(demo.agency)
    .bind(&admins)
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(others, 0, "nobody else in the agency is told");

    for minute in 6..=9 {
        tick_at(&app, &ctx, &format!("07:{minute:02}:00")).await;
    }
    tick_at(&app, &ctx, "12:00:00").await;
    assert_eq!(statuses(&app, &demo).await, [Status::Failed, Status::Failed], "no third run that day");

    // An operator's forced re-run that fails again notifies nobody twice.
    let request = RunRequest { agency_id: Some(demo.agency), as_of: Some(day()), force: true };
    let again = jobs::run(&app.db, &ctx, JOB, request).await.unwrap();
    assert_eq!(again[0].status, Status::Failed);
    assert_eq!(escalated_to(&app, demo.agency).await, admins, "the idempotency key holds");
}

#[tokio::test]
async fn a_disabled_job_is_recorded_once_a_day_and_runs_once_switched_back_on() {
    let (app, demo, ctx) = frozen().await;
    let switch = |on: bool| {
        sqlx::query(
            "INSERT INTO job_settings (agency_id, reminders_enabled) VALUES ($1, $2)
             ON CONFLICT (agency_id) DO UPDATE SET reminders_enabled = $2",
        )
        .bind(demo.agency)
        .bind(on)
        .execute(&app.db)
    };
    switch(false).await.unwrap();
    for minute in 0..=10 {
        tick_at(&app, &ctx, &format!("07:{minute:02}:00")).await;
    }
    tick_at(&app, &ctx, "18:00:00").await;
    assert_eq!(statuses(&app, &demo).await, [Status::Disabled], "one row however many minutes");

    switch(true).await.unwrap();
    tick_at(&app, &ctx, "18:01:00").await;
    tick_at(&app, &ctx, "18:02:00").await;
    assert_eq!(statuses(&app, &demo).await, [Status::Disabled, Status::Succeeded], "on again: it runs, once");

    // The next day, switched off: one row for that day.
    switch(false).await.unwrap();
    for minute in 0..=3 {
        app.clock.set(at(&format!("07:{minute:02}:00")) + chrono::TimeDelta::days(1));
        scheduler::tick(&app.db, &ctx).await.unwrap();
    }
    let next_day = runs(&app, &demo).await.into_iter().filter(|r| r.2 == day().succ_opt().unwrap());
    assert_eq!(next_day.map(|r| r.0).collect::<Vec<_>>(), [Status::Disabled]);
}

#[tokio::test]
async fn a_job_whose_lock_another_holds_is_skipped_once_and_not_retried() {
    let (app, demo, ctx) = frozen().await;
    let mut holder = app.db.acquire().await.unwrap();
    let locked: bool = sqlx::query_scalar("SELECT pg_try_advisory_lock(hashtext('debtflow:job:' || $1))")
        .bind(JOB.name())
        .fetch_one(&mut *holder)
        .await
        .unwrap();
    assert!(locked);

    for minute in 0..=10 {
        tick_at(&app, &ctx, &format!("07:{minute:02}:00")).await;
    }
    assert_eq!(runs(&app, &demo).await, [(Status::SkippedLock, at("07:00:00"), day())]);

    sqlx::query("SELECT pg_advisory_unlock(hashtext('debtflow:job:' || $1))")
        .bind(JOB.name())
        .execute(&mut *holder)
        .await
        .unwrap();
    tick_at(&app, &ctx, "07:11:00").await;
    tick_at(&app, &ctx, "12:00:00").await;
    assert_eq!(statuses(&app, &demo).await, [Status::SkippedLock], "the lock's holder had it: no retry");
}
