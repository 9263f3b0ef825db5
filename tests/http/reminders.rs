//! Reminders to debtors over HTTP and the job runner: before an installment is due and
//! on the 3rd and 7th days late, from the agency's templates, recorded as contact
//! attempts the guardrails judge, handed to the messenger once per installment and kind.

use crate::{
    jobs::ctx,
    payments::ok,
    plans::{active_plan, negotiating_account},
};
use chrono::{DateTime, NaiveDate, Utc};
use debtflow_api::{
    jobs::{self, Job, JobContext, RunRequest, Tally},
    messages::{Carrier, Message, Messenger},
};
use debtflow_tests::{assert_problem, spawn_app_at, TestApp};
use futures_util::future::BoxFuture;
use reqwest::Method;
use serde_json::json;
use std::sync::{Arc, Mutex};

fn at(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

/// A carrier that keeps what it is given.
#[derive(Clone, Default)]
struct Outbox(Arc<Mutex<Vec<Message>>>);

impl Carrier for Outbox {
    fn send<'a>(&'a self, message: &'a Message) -> BoxFuture<'a, Result<(), String>> {
        Box::pin(async move {
            self.0.lock().unwrap().push(message.clone());
            Ok(())
        })
    }
}

impl Outbox {
    fn subjects(&self) -> Vec<String> {
        self.0.lock().unwrap().iter().map(|m| m.subject.clone()).collect()
    }
}

async fn remind(app: &TestApp, agency: uuid::Uuid, outbox: &Outbox) -> Tally {
    let ctx = JobContext { clock: app.clock.clone(), messenger: Messenger::new(outbox.clone()), ..ctx() };
    let request = RunRequest { agency_id: Some(agency), as_of: None, force: true };
    jobs::run(&app.db, &ctx, Job::DebtorReminders, request).await.expect("the run").remove(0).tally
}

#[tokio::test]
async fn debtors_are_reminded_before_and_after_the_due_date_once_each_within_the_guardrails() {
    // 09:00 on Tuesday 1 December 2026 in New York; the first installment is due on the 4th.
    let app = spawn_app_at(at("2026-12-01T14:00:00Z")).await;
    let demo = app.seed().await;
    let manager = app.token("demo.manager").await;
    let account = negotiating_account(&app, &manager, "REMIND-1").await;
    let first: NaiveDate = "2026-12-04".parse().unwrap();
    active_plan(&app, &account, "600.00", 2, first).await;
    let outbox = Outbox::default();

    let upcoming = remind(&app, demo.agency, &outbox).await;
    assert_eq!((upcoming.notifications_sent, upcoming.records_updated), (1, 1));
    let sent = outbox.0.lock().unwrap()[0].clone();
    assert_eq!((sent.channel.as_str(), sent.to.as_str()), ("email", "john@example.com"));
    assert_eq!(sent.subject, "Your payment of 300.00 USD is due on 2026-12-04");
    assert!(sent.body.starts_with("Dear John Doe,"), "{}", sent.body);
    assert_eq!(remind(&app, demo.agency, &outbox).await.notifications_sent, 0, "once per installment and kind");
    let contacts =
        ok(app.get_as(&manager, &format!("/api/v1/accounts/{account}/contacts")).await, 200, "contacts").await;
    let attempt = &contacts["items"][0];
    assert_eq!((attempt["channel"].as_str(), attempt["outcome"].as_str()), (Some("email"), Some("sent")));
    assert_eq!(attempt["recorded_by"], serde_json::Value::Null, "the system sent it");

    // The agency words its own late reminder; only known placeholders pass.
    let admin = app.token("demo.admin").await;
    let late_three = "/api/v1/reminder-templates/late_three";
    let wording =
        json!({"subject": "Overdue: {amount}", "body": "Dear {debtor_name}, {amount} was due on {due_date}. {agency}"});
    assert_problem(app.send(Method::PUT, late_three, &manager, Some(&wording)).await, 403).await;
    let typo = json!({"subject": "Overdue", "body": "Pay {amout}"});
    let problem = assert_problem(app.send(Method::PUT, late_three, &admin, Some(&typo)).await, 422).await;
    assert!(problem["errors"]["body"].is_array(), "{problem}");
    let templates = ok(app.send(Method::PUT, late_three, &admin, Some(&wording)).await, 200, "template").await;
    let custom: Vec<bool> = templates.as_array().unwrap().iter().map(|t| t["is_custom"].as_bool().unwrap()).collect();
    assert_eq!(custom, [false, true, false]);
    assert_problem(app.send(Method::PUT, "/api/v1/reminder-templates/late_nine", &admin, Some(&wording)).await, 404)
        .await;

    app.clock.set(at("2026-12-07T14:00:00Z"));
    assert_eq!(remind(&app, demo.agency, &outbox).await.notifications_sent, 1);
    assert_eq!(outbox.subjects().last().map(String::as_str), Some("Overdue: 300.00 USD"));

    // On the 7th day late the debtor is in Honolulu, where it is 04:00: not sent, recorded.
    let hawaii = json!({"time_zone": "Pacific/Honolulu"});
    ok(app.send(Method::PATCH, &format!("/api/v1/accounts/{account}"), &manager, Some(&hawaii)).await, 200, "zone")
        .await;
    app.clock.set(at("2026-12-11T14:00:00Z"));
    let night = remind(&app, demo.agency, &outbox).await;
    assert_eq!((night.notifications_sent, night.records_updated), (0, 1));
    assert_eq!(outbox.subjects().len(), 2);
    let (status, rule): (String, Option<String>) =
        sqlx::query_as("SELECT status, rule FROM debtor_reminders WHERE kind = 'late_seven'")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!((status.as_str(), rule.as_deref()), ("blocked", Some("calling-hours")));
    let sent: i64 = sqlx::query_scalar("SELECT count(*) FROM debtor_reminders WHERE status = 'sent'")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(sent, 2);

    let reset = ok(app.send(Method::DELETE, late_three, &admin, None).await, 200, "reset").await;
    assert_eq!(reset[1]["is_custom"], false);
}
