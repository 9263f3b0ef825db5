//! Mail, delivered to a real SMTP server (`aiosmtpd` as a sink, `support/smtp.rs`):
//! an escalation mailed at once to its recipient's address; the daily digest, nothing
//! before its 07:00 slot and exactly one after; a server that is down (the event
//! succeeds, the mail waits for its next attempt, then goes out) with the mailer that
//! `serve` runs by itself; two mailers (two replicas) sending the same outbox at once,
//! each mail going out once; and the sent-mail log for the roles that may read it.
//!
//! Most tests drive the mailer with `Mailer::tick` on the app's frozen clock (the
//! server's own mailer then ticks only once an hour); the test of a server that is
//! down lets the worker inside the server do everything.

use crate::payments::{ok, post};
use crate::plans::negotiating_account;
use debtflow_api::{
    jobs::{scheduler, JobContext},
    mail::{Mailer, TickReport},
    messages::Messenger,
};
use debtflow_tests::{assert_problem, ports::free_port, smtp::SmtpSink, spawn_app_at_with, Demo, TestApp};
use serde_json::{json, Value};
use std::time::Duration;

/// The app on a clock frozen at `at`, mailing to `port` (its own mailer ticking every
/// `poll_secs`), seeded.
async fn mailing_app(at: chrono::DateTime<chrono::Utc>, port: u16, poll_secs: u64) -> (TestApp, Demo) {
    let settings = SmtpSink::settings(port, poll_secs);
    let overrides: Vec<(&str, &str)> = settings.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let app = spawn_app_at_with(at, &overrides).await;
    let demo = app.seed().await;
    (app, demo)
}

/// A mailer like the server's, to tick by hand.
fn mailer(app: &TestApp) -> Mailer {
    let config = app.config.mail.as_ref().expect("mail is configured");
    Mailer::new(config, app.db.clone(), app.clock.clone()).expect("a mailer")
}

async fn tick(app: &TestApp) -> TickReport {
    mailer(app).tick(app.clock.now()).await.expect("a mailer tick")
}

/// Gives `username` an address (the API edits only collectors' addresses; the demo's
/// managers and admins have none).
async fn give_address(app: &TestApp, username: &str) -> String {
    let address = format!("{username}@agency.test");
    sqlx::query("UPDATE users SET email = $2 WHERE username = $1")
        .bind(username)
        .bind(&address)
        .execute(&app.db)
        .await
        .unwrap();
    address
}

async fn user_id(app: &TestApp, username: &str) -> uuid::Uuid {
    sqlx::query_scalar("SELECT id FROM users WHERE username = $1").bind(username).fetch_one(&app.db).await.unwrap()
}

/// (status, attempts, next_attempt_at, last_error, sent_at) of the recipient's mails, oldest first.
type DeliveryState =
    (String, i32, chrono::DateTime<chrono::Utc>, Option<String>, Option<chrono::DateTime<chrono::Utc>>);

async fn deliveries_of(app: &TestApp, recipient: uuid::Uuid) -> Vec<DeliveryState> {
    sqlx::query_as(
        "SELECT status::text, attempts, next_attempt_at, last_error, sent_at FROM mail_deliveries
         WHERE recipient_id = $1 ORDER BY created_at, id",
    )
    .bind(recipient)
    .fetch_all(&app.db)
    .await
    .unwrap()
}

/// 2026-11-24 at `local` in New York, the demo agency's time zone (EST, UTC-5).
fn new_york(local: &str) -> chrono::DateTime<chrono::Utc> {
    let local: chrono::NaiveDateTime = format!("2026-11-24T{local}").parse().unwrap();
    (local + chrono::TimeDelta::hours(5)).and_utc()
}

/// The daily job fails twice at 07:00 and 07:05 in New York (the scheduler's retry),
/// so the agency's admins are told at once (`job_failed`, mailed immediately by
/// default). Returns the job run the notification links to.
async fn fail_a_job_twice(app: &TestApp) -> uuid::Uuid {
    let ctx = JobContext {
        idempotency_ttl_secs: 86_400,
        login_window_secs: 900,
        clock: app.clock.clone(),
        messenger: Messenger::log(),
    };
    sqlx::query("REVOKE SELECT ON plan_installments FROM debtflow_app").execute(&app.db).await.unwrap();
    for local in ["07:00:00", "07:05:00"] {
        app.clock.set(new_york(local));
        scheduler::tick(&app.db, &ctx).await.expect("a scheduler minute");
    }
    sqlx::query("GRANT SELECT ON plan_installments TO debtflow_app").execute(&app.db).await.unwrap();
    sqlx::query_scalar(
        "SELECT entity_id::uuid FROM notifications WHERE idempotency_key LIKE 'job_failed:installment_reminders:%'",
    )
    .fetch_one(&app.db)
    .await
    .expect("the escalation was written")
}

/// A plan on a fresh account of sarah's, proposed and submitted by her: it waits for
/// the agency's deciders (`plan_pending_approval`). Returns the plan's id.
async fn submit_a_plan(app: &TestApp, external_ref: &str, first_due: chrono::NaiveDate) -> String {
    let manager = app.token("demo.manager").await;
    let sarah = app.token("sarah.mitchell").await;
    let account = negotiating_account(app, &manager, external_ref).await;
    let terms = json!({"total": "600.00", "installments": 3, "frequency": "monthly", "first_due_date": first_due});
    let path = format!("/api/v1/accounts/{account}/plans");
    let plan = ok(post(app, &sarah, &path, &format!("p-{external_ref}"), &terms).await, 201, "propose").await;
    let id = plan["id"].as_str().unwrap().to_owned();
    let path = format!("/api/v1/plans/{id}/submit");
    ok(post(app, &sarah, &path, &format!("s-{external_ref}"), &json!({})).await, 200, "submit").await;
    id
}

#[tokio::test]
async fn an_escalation_is_mailed_at_once_to_its_recipients_address() {
    let sink = SmtpSink::start().await;
    let (app, _demo) = mailing_app(new_york("06:59:00"), sink.port(), 3600).await;
    let address = give_address(&app, "demo.admin").await;
    let admin = user_id(&app, "demo.admin").await;

    let run = fail_a_job_twice(&app).await;
    let report = tick(&app).await;

    assert_eq!((report.immediate, report.sent, report.failed), (1, 1, 0), "{report:?}");
    let messages = sink.wait_for(1, Duration::from_secs(5)).await;
    assert_eq!(messages.len(), 1, "one mail: the agency's one admin with an address");
    let mail = &messages[0];
    assert_eq!(mail.rcpt_tos, [address.as_str()]);
    assert_eq!(mail.mail_from, "mailer@debtflow.test");
    assert_eq!(mail.subject, "[DebtFlow] A daily job failed twice");
    assert!(mail.body.contains("installment_reminders failed 2 times for 2026-11-24"), "{}", mail.body);
    assert!(mail.body.contains(&format!("last run {run}")), "{}", mail.body);
    assert!(mail.data.contains(&format!("To: {address}")), "{}", mail.data);

    let deliveries = deliveries_of(&app, admin).await;
    assert_eq!(deliveries.len(), 1);
    assert_eq!((deliveries[0].0.as_str(), deliveries[0].1), ("sent", 1));
    assert_eq!(deliveries[0].4, Some(new_york("07:05:00")), "sent at the clock's instant");
    assert!(mail.message_id.contains(&deliveries_id(&app, admin).await.to_string()), "the Message-ID is the mail's id");
    let mailed_in: Vec<(uuid::Uuid, Option<uuid::Uuid>)> =
        sqlx::query_as("SELECT recipient_id, mailed_in FROM notifications WHERE kind = 'job_failed'")
            .fetch_all(&app.db)
            .await
            .unwrap();
    assert!(mailed_in.len() > 1, "the other agency's admin is told too: {mailed_in:?}");
    for (recipient, mail) in mailed_in {
        if recipient == admin {
            assert_eq!(mail, Some(deliveries_id(&app, admin).await), "the notification is marked with its mail");
        } else {
            assert_eq!(mail, None, "no address, no mail");
        }
    }
    let all: i64 = sqlx::query_scalar("SELECT count(*) FROM mail_deliveries").fetch_one(&app.db).await.unwrap();
    assert_eq!(all, 1);

    assert_eq!(tick(&app).await, TickReport::default(), "a second tick has nothing to do");
    assert_eq!(sink.messages().len(), 1, "nothing is mailed twice");
}

async fn deliveries_id(app: &TestApp, recipient: uuid::Uuid) -> uuid::Uuid {
    sqlx::query_scalar("SELECT id FROM mail_deliveries WHERE recipient_id = $1")
        .bind(recipient)
        .fetch_one(&app.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn the_daily_digest_goes_out_once_at_seven_holding_what_was_written_before() {
    // Notifications are stamped by the database's clock: the app's clock is frozen at
    // the real instant, and the demo agency is moved to a time zone where it is now
    // between 05:00 and 06:00, so today's 07:00 slot is ahead of everything written.
    let sink = SmtpSink::start().await;
    let (app, demo) = mailing_app(chrono::Utc::now(), sink.port(), 3600).await;
    let zone: String = sqlx::query_scalar(
        "SELECT name FROM pg_timezone_names
         WHERE name LIKE 'Etc/GMT%' AND extract(hour FROM $1::timestamptz AT TIME ZONE name) = 5
         ORDER BY name LIMIT 1",
    )
    .bind(app.clock.now())
    .fetch_one(&app.db)
    .await
    .expect("some zone is at 05:00");
    sqlx::query("UPDATE agencies SET time_zone = $2 WHERE id = $1")
        .bind(demo.agency)
        .bind(&zone)
        .execute(&app.db)
        .await
        .unwrap();
    let slot: chrono::DateTime<chrono::Utc> =
        sqlx::query_scalar("SELECT ((($1::timestamptz AT TIME ZONE $2)::date + time '07:00') AT TIME ZONE $2)")
            .bind(app.clock.now())
            .bind(&zone)
            .fetch_one(&app.db)
            .await
            .unwrap();
    let address = give_address(&app, "demo.manager").await;
    let manager = user_id(&app, "demo.manager").await;
    let local_today: chrono::NaiveDate = sqlx::query_scalar("SELECT ($1::timestamptz AT TIME ZONE $2)::date")
        .bind(slot)
        .bind(&zone)
        .fetch_one(&app.db)
        .await
        .unwrap();

    let first = submit_a_plan(&app, "DIGEST-1", local_today + chrono::Days::new(2)).await;
    let second = submit_a_plan(&app, "DIGEST-2", local_today + chrono::Days::new(3)).await;

    let before = tick(&app).await;
    app.clock.set(slot - chrono::TimeDelta::seconds(1));
    let just_before = tick(&app).await;
    assert_eq!((before.digests, just_before.digests), (0, 0), "no digest before 07:00");
    assert!(sink.messages().is_empty(), "nothing mailed before the slot");

    app.clock.set(slot + chrono::TimeDelta::minutes(1));
    let at_seven = tick(&app).await;
    assert_eq!((at_seven.digests, at_seven.sent), (1, 1), "{at_seven:?}");
    let messages = sink.wait_for(1, Duration::from_secs(5)).await;
    assert_eq!(messages.len(), 1, "one digest: the manager's (the admin has no address)");
    let digest = &messages[0];
    assert_eq!(digest.rcpt_tos, [address]);
    let carried: Vec<(String, String)> = sqlx::query_as(
        "SELECT n.kind, coalesce(n.entity_id, '') FROM notifications n
         JOIN mail_deliveries d ON d.id = n.mailed_in WHERE d.recipient_id = $1 ORDER BY n.created_at",
    )
    .bind(manager)
    .fetch_all(&app.db)
    .await
    .unwrap();
    assert_eq!(digest.subject, format!("[DebtFlow] Your daily digest: {} notifications", carried.len()));
    for plan in [&first, &second] {
        assert!(carried.contains(&("plan_pending_approval".into(), plan.clone())), "{plan} is in the digest");
    }
    let opens = digest.body.lines().filter(|line| line.trim() == "/approvals").count();
    assert_eq!(opens, 2, "each plan opens the approvals queue:\n{}", digest.body);
    assert!(digest.body.contains("Payment plans waiting for approval ("), "{}", digest.body);
    let waiting: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM notifications WHERE recipient_id = $1 AND email = 'daily_digest' AND mailed_in IS NULL",
    )
    .bind(manager)
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(waiting, 0, "everything written before the slot is in its digest");
    let slots: Vec<(String, Option<chrono::NaiveDateTime>)> =
        sqlx::query_as("SELECT delivery::text, slot FROM mail_deliveries WHERE recipient_id = $1")
            .bind(manager)
            .fetch_all(&app.db)
            .await
            .unwrap();
    assert_eq!(slots, [("daily_digest".to_owned(), Some(local_today.and_hms_opt(7, 0, 0).unwrap()))]);

    assert_eq!(tick(&app).await, TickReport::default(), "a second tick sends nothing more");
    app.clock.set(slot + chrono::TimeDelta::hours(5));
    assert_eq!(tick(&app).await, TickReport::default(), "nor does a later one the same day");
    assert_eq!(sink.messages().len(), 1);
}

#[tokio::test]
async fn with_the_smtp_server_down_the_event_succeeds_and_serve_mails_it_once_the_server_is_back() {
    let port = free_port();
    let start = new_york("10:00:00");
    // The server's own mailer, every second: nothing here ticks by hand.
    let (app, _) = mailing_app(start, port, 1).await;
    let address = give_address(&app, "demo.manager").await;
    let manager = user_id(&app, "demo.manager").await;
    // The manager wants plans to approve at once.
    let at_once = json!({ "plan_pending_approval": { "in_app": true, "email": "immediately" } });
    let token = app.token("demo.manager").await;
    let set = app.send(reqwest::Method::PUT, "/api/v1/notifications/preferences", &token, Some(&at_once)).await;
    assert_eq!(set.status(), 200);

    submit_a_plan(&app, "DOWN-1", "2026-11-26".parse().unwrap()).await;

    // Claimed (attempts 1, leased for five minutes), then the failure recorded.
    let failed =
        wait_until(|| async { deliveries_of(&app, manager).await.first().is_some_and(|d| d.3.is_some()) }).await;
    assert!(failed, "the worker tried to send it");
    let after_one = deliveries_of(&app, manager).await;
    assert_eq!(after_one.len(), 1);
    let (status, attempts, next_attempt_at, last_error, sent_at) = after_one[0].clone();
    assert_eq!((status.as_str(), attempts, sent_at), ("pending", 1, None));
    assert_eq!(next_attempt_at, start + chrono::TimeDelta::minutes(1), "retried a minute later");
    assert!(last_error.is_some_and(|e| !e.is_empty()), "the failure is recorded");
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert_eq!(deliveries_of(&app, manager).await[0].1, 1, "not tried again before its time");

    let sink = SmtpSink::start_on(port).await;
    app.clock.set(start + chrono::TimeDelta::minutes(1));
    let messages = sink.wait_for(1, Duration::from_secs(15)).await;
    assert_eq!(messages[0].rcpt_tos, [address]);
    assert_eq!(messages[0].subject, "[DebtFlow] Payment plan to approve");
    assert!(messages[0].body.contains("Open in DebtFlow: /approvals"), "{}", messages[0].body);
    let sent = wait_until(|| async { deliveries_of(&app, manager).await[0].0 == "sent" }).await;
    assert!(sent, "the mail is recorded as sent");
    let (_, attempts, _, _, sent_at) = deliveries_of(&app, manager).await[0].clone();
    assert_eq!((attempts, sent_at), (2, Some(start + chrono::TimeDelta::minutes(1))));
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert_eq!(sink.messages().len(), 1, "sent once");
}

/// Polls `check` for up to 15 s.
async fn wait_until<F, Fut>(check: F) -> bool
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = std::time::Instant::now() + Duration::from_secs(15);
    while std::time::Instant::now() < deadline {
        if check().await {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    false
}

#[tokio::test]
async fn the_sent_mail_log_is_read_by_admins_compliance_and_auditors_only() {
    let sink = SmtpSink::start().await;
    let (app, _demo) = mailing_app(new_york("06:59:00"), sink.port(), 3600).await;
    let address = give_address(&app, "demo.admin").await;
    let admin = user_id(&app, "demo.admin").await;
    fail_a_job_twice(&app).await;
    tick(&app).await;
    sink.wait_for(1, Duration::from_secs(5)).await;

    let token = app.token("demo.admin").await;
    let log: Value = ok(app.get_as(&token, "/api/v1/mail/deliveries").await, 200, "the log").await;
    let items = log["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{log}");
    let mail = &items[0];
    assert_eq!(mail["to_address"], address.as_str());
    assert_eq!(mail["recipient_id"], admin.to_string());
    assert_eq!((mail["status"].as_str(), mail["delivery"].as_str()), (Some("sent"), Some("immediately")));
    assert_eq!((mail["attempts"].as_i64(), mail["notifications"].as_i64()), (Some(1), Some(1)));
    assert_eq!(mail["subject"], "[DebtFlow] A daily job failed twice");
    assert_eq!(mail["slot"], Value::Null);
    assert_eq!(log["next_cursor"], Value::Null);

    let pending: Value = ok(app.get_as(&token, "/api/v1/mail/deliveries?status=pending").await, 200, "pending").await;
    assert!(pending["items"].as_array().unwrap().is_empty(), "{pending}");
    let path = format!("/api/v1/mail/deliveries?recipient={}", uuid::Uuid::now_v7());
    let nobody: Value = ok(app.get_as(&token, &path).await, 200, "another recipient").await;
    assert!(nobody["items"].as_array().unwrap().is_empty(), "{nobody}");
    let path = format!("/api/v1/mail/deliveries?recipient={admin}&status=sent");
    let theirs: Value = ok(app.get_as(&token, &path).await, 200, "the admin's").await;
    assert_eq!(theirs["items"].as_array().unwrap().len(), 1, "{theirs}");
    let bad = assert_problem(app.get_as(&token, "/api/v1/mail/deliveries?status=bounced").await, 422).await;
    assert!(bad["errors"]["status"].is_array(), "{bad}");

    for reader in ["demo.compliance", "demo.auditor", "platform.admin"] {
        let log: Value = ok(app.get_as(&app.token(reader).await, "/api/v1/mail/deliveries").await, 200, reader).await;
        assert_eq!(log["items"].as_array().unwrap().len(), 1, "{reader}: {log}");
    }
    let northwind: Value =
        ok(app.get_as(&app.token("nw.admin").await, "/api/v1/mail/deliveries").await, 200, "nw.admin").await;
    assert!(northwind["items"].as_array().unwrap().is_empty(), "another agency's log is its own: {northwind}");
    for denied in ["sarah.mitchell", "demo.manager"] {
        assert_problem(app.get_as(&app.token(denied).await, "/api/v1/mail/deliveries").await, 403).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_mailers_sending_together_send_every_mail_exactly_once() {
    // The server is down at first: forty mails wait in the outbox for their second
    // attempt, which two mailers then make at the same time.
    let port = free_port();
    let start = new_york("09:00:00");
    let (app, demo) = mailing_app(start, port, 3600).await;
    let address = give_address(&app, "demo.admin").await;
    let admin = user_id(&app, "demo.admin").await;
    // Forty escalations (mailed at once by default), written as the jobs write them.
    sqlx::query(
        "INSERT INTO notifications (agency_id, id, recipient_id, kind, title, body, idempotency_key)
         SELECT $1, gen_random_uuid(), $2, 'job_failed', 'Escalation ' || n, 'Body ' || n, 'test:' || n
         FROM generate_series(1, 40) n",
    )
    .bind(demo.agency)
    .bind(admin)
    .execute(&app.db)
    .await
    .unwrap();
    // The live dispatcher may hold some of them for an instant (a tick skips rows
    // another transaction holds): tick until all forty are in the outbox.
    let (mut enqueued, mut failed) = (0, 0);
    for _ in 0..50 {
        let report = tick(&app).await;
        assert_eq!(report.sent, 0, "{report:?}");
        (enqueued, failed) = (enqueued + report.immediate, failed + report.failed);
        if enqueued == 40 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!((enqueued, failed), (40, 40), "each mail written once and tried once");

    let sink = SmtpSink::start_on(port).await;
    app.clock.set(start + chrono::TimeDelta::minutes(1));
    // Two replicas: a mailer each, on pools of their own, ticking at once.
    let config = app.config.mail.as_ref().unwrap();
    let a = Mailer::new(config, app.database.pool(), app.clock.clone()).unwrap();
    let b = Mailer::new(config, app.database.pool(), app.clock.clone()).unwrap();
    for mailer in [&a, &b] {
        // Connected before the race starts, so neither is done before the other begins.
        sqlx::query("SELECT 1").execute(&mailer.db).await.unwrap();
    }
    let now = app.clock.now();
    let (ra, rb) =
        tokio::join!(tokio::spawn(async move { a.tick(now).await }), tokio::spawn(async move { b.tick(now).await }));
    let (ra, rb) = (ra.unwrap().unwrap(), rb.unwrap().unwrap());

    assert_eq!(ra.sent + rb.sent, 40, "each mail sent by one of them: {ra:?} {rb:?}");
    assert!(ra.sent > 0 && rb.sent > 0, "both mailers sent some: {ra:?} {rb:?}");
    assert_eq!(ra.failed + rb.failed, 0, "{ra:?} {rb:?}");
    sink.wait_for(40, Duration::from_secs(10)).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let messages = sink.messages();
    assert_eq!(messages.len(), 40, "no mail twice");
    let subjects: std::collections::BTreeSet<&str> = messages.iter().map(|m| m.subject.as_str()).collect();
    assert_eq!(subjects.len(), 40, "forty different mails");
    assert!(messages.iter().all(|m| m.rcpt_tos == [address.as_str()]));
    let states = deliveries_of(&app, admin).await;
    assert_eq!(states.len(), 40);
    assert!(states.iter().all(|s| s.0 == "sent" && s.1 == 2), "sent at the second attempt each: {states:?}");

    // The log pages through them, newest first.
    let token = app.token("demo.admin").await;
    let first: Value = ok(app.get_as(&token, "/api/v1/mail/deliveries?limit=25").await, 200, "page 1").await;
    let cursor = first["next_cursor"].as_str().expect("a second page");
    let path = format!("/api/v1/mail/deliveries?limit=25&cursor={cursor}");
    let second: Value = ok(app.get_as(&token, &path).await, 200, "page 2").await;
    assert_eq!(second["next_cursor"], Value::Null);
    let ids: Vec<&str> = [&first, &second]
        .iter()
        .flat_map(|page| page["items"].as_array().unwrap().iter().map(|m| m["id"].as_str().unwrap()))
        .collect();
    assert_eq!(ids.len(), 40);
    let mut newest_first = ids.clone();
    newest_first.sort_unstable_by(|x, y| y.cmp(x));
    assert_eq!(ids, newest_first, "newest first (ids are UUID v7, written in order)");
}
