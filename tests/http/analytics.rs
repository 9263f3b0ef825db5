//! Dashboards and reports over HTTP, on a small fixed data set whose every figure is
//! computed by hand below and compared to the cent: JSON, CSV and the PDF's text.
//!
//! The data set, built through the API on day T (the agency's today) in the Demo
//! Recovery Agency (USD, collectors at 10 % commission):
//!
//! | account | placed | days past due | collector | what happens on T |
//! |---|---|---|---|---|
//! | A1 | 1000.00 | 10 (0-30) | sarah | a note by sarah; 250.00 cash, 50.00 of it refunded |
//! | A2 | 2000.00 | 45 (31-60) | sarah | sarah moves it to negotiating; a plan of 3 × 200.00 monthly from T+5; 200.00 by bank transfer (pays the first installment) |
//! | A3 | 500.00 | 75 (61-90) | james | — |
//! | A4 | 3000.00 | 200 (90+) | none | — |
//! | A5 | 400.00 | 100 (90+) | james | 400.00 cash: settled |
//!
//! So on T: received 850.00 (cash 650.00 in 2 payments, bank transfer 200.00 in 1),
//! refunded 50.00, collected 800.00; commission sarah 25.00 + 20.00 − 5.00 = 40.00,
//! james 40.00. Balances A1 800.00, A2 1800.00, A3 500.00, A4 3000.00, A5 0.00:
//! 4 active accounts, 6100.00 to recover; recovery rate 800 ÷ (800 + 6100) = 0.1159.

use crate::accounts::new_account;
use crate::payments::{ok, pay, post};
use crate::plans::active_plan;
use chrono::{Days, NaiveDate, Utc};
use debtflow_api::jobs::{self, Job, JobContext, RunRequest, Tally};
use debtflow_tests::{assert_problem, pdf, spawn_app_at, TestApp};
use reqwest::Method;
use serde_json::{json, Value};

/// The data set above; returns T.
async fn fixed_data_set(app: &TestApp) -> NaiveDate {
    let today: NaiveDate = sqlx::query_scalar("SELECT ($1::timestamptz AT TIME ZONE 'America/New_York')::date")
        .bind(app.clock.now())
        .fetch_one(&app.db)
        .await
        .unwrap();
    let manager = app.token("demo.manager").await;
    let sarah = app.token("sarah.mitchell").await;
    let collector = |name: &str| {
        let sql = format!("SELECT id::text FROM users WHERE username = '{name}'");
        let db = app.db.clone();
        async move { sqlx::query_scalar::<_, String>(&sql).fetch_one(&db).await.unwrap() }
    };
    let (sarah_id, james_id) = (collector("sarah.mitchell").await, collector("james.carter").await);
    let mut ids = Vec::new();
    for (name, placed, days, to) in [
        ("A1", "1000.00", 10, Some(&sarah_id)),
        ("A2", "2000.00", 45, Some(&sarah_id)),
        ("A3", "500.00", 75, Some(&james_id)),
        ("A4", "3000.00", 200, None),
        ("A5", "400.00", 100, Some(&james_id)),
    ] {
        let mut body = new_account(name);
        body["original_balance"] = json!(placed);
        body["delinquency_date"] = json!(today - Days::new(days));
        let created = ok(app.send(Method::POST, "/api/v1/accounts", &manager, Some(&body)).await, 201, name).await;
        let id = created["id"].as_str().unwrap().to_owned();
        if let Some(collector) = to {
            let assign = app
                .send(
                    Method::POST,
                    &format!("/api/v1/accounts/{id}/assign"),
                    &manager,
                    Some(&json!({"collector_id": collector})),
                )
                .await;
            assert_eq!(assign.status(), 200, "assign {name}");
        }
        ids.push(id);
    }
    let (a1, a2, a5) = (&ids[0], &ids[1], &ids[4]);

    let note =
        app.send(Method::POST, &format!("/api/v1/accounts/{a1}/notes"), &sarah, Some(&json!({"body": "called"}))).await;
    assert_eq!(note.status(), 201);
    for to in ["in_contact", "negotiating"] {
        let path = format!("/api/v1/accounts/{a2}/transition");
        let moved = app.send(Method::POST, &path, &sarah, Some(&json!({"to": to, "reason": "call"}))).await;
        assert_eq!(moved.status(), 200, "→ {to}");
    }
    active_plan(app, a2, "600.00", 3, today + Days::new(5)).await;

    let cash = json!({"account_id": a1, "amount": "250.00", "method": "cash", "paid_on": today});
    let first = ok(pay(app, &manager, "a1", &cash).await, 201, "A1 cash").await;
    let refund = format!("/api/v1/payments/{}/refund", first["id"].as_str().unwrap());
    ok(post(app, &manager, &refund, "a1-r", &json!({"amount": "50.00", "reason": "goodwill"})).await, 200, "refund")
        .await;
    let transfer = json!({"account_id": a2, "amount": "200.00", "method": "bank_transfer", "paid_on": today, "reference": "UTR-A2"});
    ok(pay(app, &manager, "a2", &transfer).await, 201, "A2 transfer").await;
    let settle = json!({"account_id": a5, "amount": "400.00", "method": "cash", "paid_on": today});
    ok(pay(app, &manager, "a5", &settle).await, 201, "A5 cash").await;
    today
}

/// Runs `job` for `agency` as the scheduler would, on the app's clock (forced); its tally.
async fn run_job(app: &TestApp, agency: uuid::Uuid, job: Job) -> Tally {
    let ctx = JobContext { clock: app.clock.clone(), ..crate::jobs::ctx() };
    let request = RunRequest { agency_id: Some(agency), as_of: None, force: true };
    jobs::run(&app.db, &ctx, job, request).await.expect("the run").remove(0).tally
}

/// The agency's admin moves it to another time zone, through the API.
async fn move_time_zone(app: &TestApp, agency: uuid::Uuid, zone: &str) {
    let admin = app.token("demo.admin").await;
    let path = format!("/api/v1/agencies/{agency}");
    let moved = app.send(Method::PATCH, &path, &admin, Some(&json!({ "time_zone": zone }))).await;
    assert_eq!(moved.status(), 200);
}

async fn get(app: &TestApp, token: &str, path: &str) -> Value {
    ok(app.get_as(token, path).await, 200, path).await
}

async fn body_of(app: &TestApp, token: &str, path: &str, content_type: &str) -> Vec<u8> {
    let response = app.get_as(token, path).await;
    assert_eq!(response.status(), 200, "{path}");
    let got = response.headers()["content-type"].to_str().unwrap().to_owned();
    assert!(got.starts_with(content_type), "{path}: {got}");
    response.bytes().await.unwrap().to_vec()
}

fn figure<'a>(rows: &'a Value, key: &str, value: &str) -> &'a Value {
    rows.as_array().unwrap().iter().find(|r| r[key] == value).unwrap_or_else(|| panic!("no {key} = {value}"))
}

#[tokio::test]
async fn the_dashboard_and_collector_figures_match_the_hand_computed_data_set_to_the_cent() {
    let app = spawn_app_at(Utc::now()).await;
    app.seed().await;
    let today = fixed_data_set(&app).await;
    let manager = app.token("demo.manager").await;

    let d = get(&app, &manager, "/api/v1/analytics/dashboard").await;
    assert_eq!(d["period"], json!({"from": today - Days::new(29), "to": today}), "the last 30 days by default");
    let now = &d["current"];
    assert_eq!(
        (&now["received"], &now["refunded"], &now["collected"], &now["payments"]),
        (&json!("850.00"), &json!("50.00"), &json!("800.00"), &json!(3))
    );
    let p = &now["portfolio"];
    assert_eq!((&p["active_accounts"], &p["balance_to_recover"]), (&json!(4), &json!("6100.00")));
    assert_eq!(now["recovery_rate"], "0.1159", "800 / (800 + 6100)");
    for (status, accounts, balance) in
        [("new", 1, "3000.00"), ("assigned", 2, "1300.00"), ("payment_plan", 1, "1800.00"), ("settled", 1, "0.00")]
    {
        let s = figure(&p["by_status"], "status", status);
        assert_eq!((&s["accounts"], &s["balance"]), (&json!(accounts), &json!(balance)), "{status}");
    }
    assert_eq!(figure(&p["by_status"], "status", "closed")["accounts"], 0);
    for (bucket, balance) in [("0-30", "800.00"), ("31-60", "1800.00"), ("61-90", "500.00"), ("90+", "3000.00")] {
        let b = figure(&p["by_bucket"], "bucket", bucket);
        assert_eq!((&b["accounts"], &b["balance"]), (&json!(1), &json!(balance)), "{bucket}: A5 is settled, not 90+");
    }
    assert_eq!((d["plans_on_track"].as_i64(), d["plans_late"].as_i64()), (Some(1), Some(0)));
    assert_eq!((d["payments_awaiting_approval"].as_i64(), d["plans_awaiting_approval"].as_i64()), (Some(0), Some(0)));
    assert_eq!(d["previous"]["collected"], "0.00");
    assert_eq!(d["previous"]["portfolio"], Value::Null, "no day was recorded before T");

    let c = get(&app, &manager, "/api/v1/analytics/collectors").await;
    let of = |name: &str| c["collectors"].as_array().unwrap().iter().find(|r| r["collector"]["name"] == name).unwrap();
    let sarah = of("Sarah Mitchell");
    let expected_sarah = json!({"assigned": 2, "on_plan": 1, "worked": 2, "collected": "400.00", "commission": "40.00",
                                "recovery_rate": "0.1333", "conversion": "1.0000", "average_days_to_first_payment": "0.0"});
    for (key, value) in expected_sarah.as_object().unwrap() {
        assert_eq!(&sarah[key], value, "sarah's {key}");
    }
    let james = of("James Carter");
    let expected_james = json!({"assigned": 2, "on_plan": 0, "worked": 0, "collected": "400.00", "commission": "40.00",
                                "recovery_rate": "0.4444", "conversion": "0.5000", "average_days_to_first_payment": "0.0"});
    for (key, value) in expected_james.as_object().unwrap() {
        assert_eq!(&james[key], value, "james's {key}");
    }
    let expected_totals = json!({"assigned": 4, "on_plan": 1, "worked": 2, "collected": "800.00", "commission": "80.00",
                                 "recovery_rate": "0.2051", "conversion": "0.7500"});
    for (key, value) in expected_totals.as_object().unwrap() {
        assert_eq!(&c["totals"][key], value, "total {key}");
    }

    // The exports show the same figures: the CSV's rows and the PDF's text.
    let csv =
        String::from_utf8(body_of(&app, &manager, "/api/v1/analytics/dashboard?format=csv", "text/csv").await).unwrap();
    assert!(csv.starts_with("Figure,This period,Previous period\n"), "{csv}");
    for line in
        ["Collected,800.00,0.00", "Balance to recover,6100.00,", "Recovery rate,11.59%,", "Balance 90+ days,3000.00,"]
    {
        assert!(csv.lines().any(|l| l == line), "{line} in\n{csv}");
    }
    let csv = String::from_utf8(body_of(&app, &manager, "/api/v1/analytics/collectors?format=csv", "text/csv").await)
        .unwrap();
    assert_eq!(csv.lines().last(), Some("Total,4,2,1,800.00,80.00,20.51%,75.00%,0.0"), "{csv}");
    let accept = app
        .client
        .get(app.url("/api/v1/analytics/collectors"))
        .bearer_auth(&manager)
        .header("Accept", "application/pdf")
        .send()
        .await
        .unwrap();
    assert_eq!(accept.headers()["content-type"], "application/pdf");
    let text = pdf::text(&accept.bytes().await.unwrap());
    assert!(text.contains("Collector performance"), "{text}");
    assert!(text.contains("Demo Recovery Agency"), "{text}");
    assert!(text.contains(&format!("From {}", today - Days::new(29))), "{text}");
    assert!(text.contains("Total 4 2 1 800.00 80.00 20.51% 75.00% 0.0"), "{text}");
    assert!(text.contains("Page 1 of 1"), "{text}");
}

#[tokio::test]
async fn trends_fill_every_bucket_and_the_aging_report_reads_a_past_day_from_the_daily_record() {
    let app = spawn_app_at(Utc::now()).await;
    app.seed().await;
    let today = fixed_data_set(&app).await;
    let manager = app.token("demo.manager").await;

    let year = format!("/api/v1/analytics/payments/trends?interval=day&from={}&to={today}", today - Days::new(364));
    let t = get(&app, &manager, &year).await;
    let buckets = t["buckets"].as_array().unwrap();
    assert_eq!(buckets.len(), 365, "a year of days, zeros included");
    assert_eq!(
        buckets[0],
        json!({"start": today - Days::new(364), "method": null, "payments": 0,
                                  "received": "0.00", "refunded": "0.00", "collected": "0.00"})
    );
    assert_eq!(
        buckets[364],
        json!({"start": today, "method": null, "payments": 3,
                                    "received": "850.00", "refunded": "50.00", "collected": "800.00"})
    );
    assert_eq!(t["totals"]["collected"], "800.00");
    let by_method = get(&app, &manager, "/api/v1/analytics/payments/trends?interval=month&by_method=true").await;
    let this_month: Vec<&Value> = by_method["buckets"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|b| b["payments"] != 0 || b["refunded"] != "0.00")
        .collect();
    assert_eq!(this_month.len(), 2, "cash and bank transfer: {this_month:?}");
    let cash = this_month.iter().find(|b| b["method"] == "cash").unwrap();
    assert_eq!(
        (&cash["payments"], &cash["received"], &cash["collected"]),
        (&json!(2), &json!("650.00"), &json!("600.00"))
    );
    let csv = body_of(&app, &manager, &format!("{year}&format=csv"), "text/csv").await;
    let csv = String::from_utf8(csv).unwrap();
    assert_eq!(csv.lines().count(), 1 + 365 + 1, "header, days, totals");
    assert_eq!(csv.lines().last(), Some("Total,3,850.00,50.00,800.00"));

    let live = get(&app, &manager, "/api/v1/analytics/aging-report?by=collector").await;
    assert_eq!(live["source"], "live");
    let cell = |report: &Value, name: Option<&str>, bucket: &str| {
        let row = report["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["bucket"] == bucket && r["collector"]["name"].as_str() == name);
        row.map(|r| (r["accounts"].as_i64().unwrap(), r["balance"].as_str().unwrap().to_owned()))
    };
    assert_eq!(cell(&live, Some("Sarah Mitchell"), "0-30"), Some((1, "800.00".into())));
    assert_eq!(cell(&live, Some("Sarah Mitchell"), "31-60"), Some((1, "1800.00".into())));
    assert_eq!(cell(&live, Some("Sarah Mitchell"), "90+"), Some((0, "0.00".into())), "every bucket present");
    assert_eq!(cell(&live, Some("James Carter"), "61-90"), Some((1, "500.00".into())));
    assert_eq!(cell(&live, None, "90+"), Some((1, "3000.00".into())), "A4 has no collector");
    let totals: Vec<(&str, i64)> = live["totals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["bucket"].as_str().unwrap(), r["accounts"].as_i64().unwrap()))
        .collect();
    assert_eq!(totals, [("0-30", 1), ("31-60", 1), ("61-90", 1), ("90+", 1)]);

    let yesterday = format!("/api/v1/analytics/aging-report?as_of={}", today - Days::new(1));
    let refused = assert_problem(app.get_as(&manager, &yesterday).await, 422).await;
    assert!(refused["errors"]["as_of"][0].as_str().unwrap().contains("recorded no portfolio"), "{refused}");

    // The daily job records T; forty days later, T is read from that record.
    let admin = app.token("demo.admin").await;
    ok(app.send(Method::POST, "/api/v1/jobs/dpd_aging/run", &admin, None).await, 200, "dpd_aging").await;
    app.clock.advance(chrono::Duration::days(40));
    let manager = app.token("demo.manager").await;
    let recorded = get(&app, &manager, &format!("/api/v1/analytics/aging-report?as_of={today}&by=collector")).await;
    assert_eq!(recorded["source"], "snapshot");
    assert_eq!(recorded["rows"], live["rows"], "the record of T is what T showed");
    let moved = get(&app, &manager, "/api/v1/analytics/aging-report").await;
    let over_90: i64 = moved["totals"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["bucket"] == "90+")
        .map(|r| r["accounts"].as_i64().unwrap())
        .sum();
    assert_eq!(over_90, 2, "40 days on, A3 (75 + 40) is 90+ too");

    // The previous period of a one-day dashboard is T itself: its stock from the record.
    let next_day = today + Days::new(40);
    let d = get(&app, &manager, &format!("/api/v1/analytics/dashboard?from={next_day}&to={next_day}")).await;
    assert_eq!(d["previous_period"], json!({"from": next_day - Days::new(1), "to": next_day - Days::new(1)}));
    let d = get(
        &app,
        &manager,
        &format!("/api/v1/analytics/dashboard?from={}&to={}", today + Days::new(1), today + Days::new(1)),
    )
    .await;
    assert_eq!(d["previous"]["collected"], "800.00");
    assert_eq!(d["previous"]["portfolio"]["balance_to_recover"], "6100.00");
    assert_eq!(d["previous"]["recovery_rate"], "0.1159");
    assert_eq!(d["current"]["portfolio"], Value::Null, "T+1 was never recorded");
}

#[tokio::test]
async fn repayment_compliance_counts_installments_on_time_missed_and_open() {
    let app = spawn_app_at(Utc::now()).await;
    app.seed().await;
    let today = fixed_data_set(&app).await;
    // Forty days on: the first installment (due T+5) was paid on T, the second (due a
    // month later, past its 3 days of grace) is missed, the third is not due yet.
    app.clock.advance(chrono::Duration::days(40));
    let manager = app.token("demo.manager").await;
    let period = format!("from={today}&to={}", today + Days::new(90));

    let by_collector = get(&app, &manager, &format!("/api/v1/reports/repayment-compliance?{period}")).await;
    let expected = json!({"due": 3, "on_time": 1, "late": 0, "missed": 1, "open": 1,
                          "amount_due": "600.00", "amount_paid": "200.00", "on_time_rate": "0.5000"});
    for (key, value) in expected.as_object().unwrap() {
        assert_eq!(&by_collector["totals"][key], value, "total {key}");
        assert_eq!(&by_collector["rows"][0][key], value, "sarah's {key}");
    }
    assert_eq!(by_collector["rows"][0]["collector"]["name"], "Sarah Mitchell");
    assert_eq!(by_collector["rows"].as_array().unwrap().len(), 1);

    let by_plan = get(&app, &manager, &format!("/api/v1/reports/repayment-compliance?{period}&by=plan")).await;
    assert_eq!(by_plan["rows"][0]["account_ref"], "A2");
    assert_eq!((&by_plan["rows"][0]["missed"], &by_plan["next_cursor"]), (&json!(1), &Value::Null));
    let csv = body_of(
        &app,
        &manager,
        &format!("/api/v1/reports/repayment-compliance?{period}&by=plan&format=csv"),
        "text/csv",
    )
    .await;
    let csv = String::from_utf8(csv).unwrap();
    assert_eq!(csv.lines().last(), Some("Total,,,3,1,0,1,1,600.00,200.00,50.00%"), "{csv}");
    let pdf = body_of(
        &app,
        &manager,
        &format!("/api/v1/reports/repayment-compliance?{period}&format=pdf"),
        "application/pdf",
    )
    .await;
    let text = pdf::text(&pdf);
    assert!(text.contains("Repayment compliance") && text.contains("Total 3 1 0 1 1 600.00 200.00 50.00%"), "{text}");

    let d = get(&app, &manager, "/api/v1/analytics/dashboard").await;
    assert_eq!((d["plans_on_track"].as_i64(), d["plans_late"].as_i64()), (Some(0), Some(1)), "the plan is behind");
}

#[tokio::test]
async fn a_collector_sees_only_their_own_figures() {
    let app = spawn_app_at(Utc::now()).await;
    app.seed().await;
    fixed_data_set(&app).await;
    let sarah = app.token("sarah.mitchell").await;
    let james_id: String = sqlx::query_scalar("SELECT id::text FROM users WHERE username = 'james.carter'")
        .fetch_one(&app.db)
        .await
        .unwrap();

    let d = get(&app, &sarah, "/api/v1/analytics/dashboard").await;
    assert_eq!(d["collector"]["name"], "Sarah Mitchell");
    assert_eq!((&d["current"]["collected"], &d["current"]["payments"]), (&json!("400.00"), &json!(2)));
    let p = &d["current"]["portfolio"];
    assert_eq!((&p["active_accounts"], &p["balance_to_recover"]), (&json!(2), &json!("2600.00")));
    assert_eq!(d["current"]["recovery_rate"], "0.1333");
    let c = get(&app, &sarah, "/api/v1/analytics/collectors").await;
    assert_eq!(c["collectors"].as_array().unwrap().len(), 1);
    assert_eq!(c["totals"]["collected"], "400.00");
    let aging = get(&app, &sarah, "/api/v1/analytics/aging-report").await;
    let accounts: i64 = aging["totals"].as_array().unwrap().iter().map(|r| r["accounts"].as_i64().unwrap()).sum();
    assert_eq!(accounts, 2);
    let trends = get(&app, &sarah, "/api/v1/analytics/payments/trends").await;
    assert_eq!(trends["totals"]["collected"], "400.00");

    for path in [
        format!("/api/v1/analytics/dashboard?collector_id={james_id}"),
        format!("/api/v1/analytics/collectors?collector_id={james_id}"),
        "/api/v1/reports/reconciliation".to_owned(),
    ] {
        assert_problem(app.get_as(&sarah, &path).await, 403).await;
    }
    let manager = app.token("demo.manager").await;
    let james = get(&app, &manager, &format!("/api/v1/analytics/dashboard?collector_id={james_id}")).await;
    assert_eq!(james["current"]["collected"], "400.00", "a manager may look at one collector");
}

#[tokio::test]
async fn the_reconciliation_balances_the_day_and_lists_a_planted_variance() {
    let app = spawn_app_at(Utc::now()).await;
    let demo = app.seed().await;
    let today = fixed_data_set(&app).await;
    let manager = app.token("demo.manager").await;

    let r = get(&app, &manager, &format!("/api/v1/reports/reconciliation?date={today}")).await;
    assert_eq!(r["reconciled"], true, "{r}");
    assert_eq!((&r["cash_in"], &r["cash_out"]), (&json!("850.00"), &json!("50.00")));
    let cash = figure(&r["methods"], "method", "cash");
    assert_eq!(
        (&cash["payments"], &cash["received"], &cash["refunded"]),
        (&json!(2), &json!("650.00"), &json!("50.00"))
    );
    let transfer = figure(&r["methods"], "method", "bank_transfer");
    assert_eq!((&transfer["payments"], &transfer["received"]), (&json!(1), &json!("200.00")));
    let clearing = figure(&r["ledger"], "ledger_account", "cash_clearing");
    assert_eq!((&clearing["debit"], &clearing["credit"]), (&json!("850.00"), &json!("50.00")));
    let commission = figure(&r["ledger"], "ledger_account", "commission_expense");
    assert_eq!((&commission["debit"], &commission["credit"]), (&json!("85.00"), &json!("5.00")));

    // A payment marked completed that never reached the ledger.
    let account: uuid::Uuid =
        sqlx::query_scalar("SELECT id FROM accounts WHERE external_ref = 'A3'").fetch_one(&app.db).await.unwrap();
    sqlx::query(
        "INSERT INTO payments (agency_id, id, account_id, amount, currency, method, status, paid_on, reference)
         VALUES ($1, gen_random_uuid(), $2, 75.00, 'USD', 'check', 'completed', $3, 'CHK-LOST')",
    )
    .bind(demo.agency)
    .bind(account)
    .bind(today)
    .execute(&app.db)
    .await
    .unwrap();
    let r = get(&app, &manager, &format!("/api/v1/reports/reconciliation?date={today}")).await;
    assert_eq!(r["reconciled"], false);
    let variances = r["variances"].as_array().unwrap();
    assert_eq!(variances.len(), 1, "{variances:?}");
    let v = &variances[0];
    assert_eq!(
        (&v["check"], &v["reference"], &v["expected"], &v["actual"]),
        (&json!("posted_without_money"), &json!("CHK-LOST"), &json!("75.00"), &json!("0.00"))
    );
    let csv =
        body_of(&app, &manager, &format!("/api/v1/reports/reconciliation?date={today}&format=csv"), "text/csv").await;
    let csv = String::from_utf8(csv).unwrap();
    assert!(
        csv.lines().any(|l| l.starts_with("variance: posted_without_money,") && l.contains(",75.00,0.00,")),
        "{csv}"
    );
    assert_eq!(csv.lines().last(), Some("Total cash,,850.00,50.00,1 variances"));

    let tomorrow = format!("/api/v1/reports/reconciliation?date={}", today + Days::new(1));
    let refused = assert_problem(app.get_as(&manager, &tomorrow).await, 422).await;
    assert!(refused["errors"]["date"].is_array(), "{refused}");
}

#[tokio::test]
async fn the_summaries_equal_their_rows_and_the_data_quality_job_notices_when_they_do_not() {
    let app = spawn_app_at(Utc::now()).await;
    let demo = app.seed().await;
    let today = fixed_data_set(&app).await;
    let totals_differences = || async {
        sqlx::query_scalar::<_, i64>("SELECT count(*) FROM account_totals_differences($1, $2)")
            .bind(demo.agency)
            .bind(today - Days::new(91))
            .fetch_one(&app.db)
            .await
            .unwrap()
    };
    assert_eq!(totals_differences().await, 0);
    let money = "SELECT count(*) FROM ((SELECT * FROM daily_money_summed EXCEPT SELECT * FROM daily_money_ledger)
                                      UNION ALL (SELECT * FROM daily_money_ledger EXCEPT SELECT * FROM daily_money_summed)) x";
    assert_eq!(sqlx::query_scalar::<_, i64>(money).fetch_one(&app.db).await.unwrap(), 0);
    let rows: i64 = sqlx::query_scalar("SELECT count(*) FROM daily_money").fetch_one(&app.db).await.unwrap();
    assert!(rows >= 3, "cash and transfer for two collectors: {rows}");

    assert_eq!(run_job(&app, demo.agency, Job::DataQuality).await.findings, 0);
    // A new time zone days the money again (UTC+14: today's evening may be tomorrow).
    move_time_zone(&app, demo.agency, "Pacific/Kiritimati").await;
    assert_eq!(sqlx::query_scalar::<_, i64>(money).fetch_one(&app.db).await.unwrap(), 0, "still equal after the move");
    assert_eq!(run_job(&app, demo.agency, Job::DataQuality).await.findings, 0);
    sqlx::query(
        "UPDATE daily_money SET received = received + 1 WHERE method = 'cash' AND collector_id IS NOT NULL
                 AND ctid = (SELECT min(ctid) FROM daily_money WHERE method = 'cash' AND collector_id IS NOT NULL)",
    )
    .execute(&app.db)
    .await
    .unwrap();
    assert_eq!(run_job(&app, demo.agency, Job::DataQuality).await.findings, 2, "the summary's row and the ledger's");
    let checks: Vec<String> =
        sqlx::query_scalar("SELECT DISTINCT check_name FROM data_quality_findings WHERE entity_type = 'daily_money'")
            .fetch_all(&app.db)
            .await
            .unwrap();
    assert_eq!(checks, ["summary_matches_rows"]);

    sqlx::query(
        "UPDATE account_totals SET balance = balance - 0.01 WHERE ctid = (SELECT min(ctid) FROM account_totals)",
    )
    .execute(&app.db)
    .await
    .unwrap();
    assert_eq!(totals_differences().await, 1);
    assert_eq!(
        run_job(&app, demo.agency, Job::DataQuality).await.findings,
        3,
        "the money's two rows and the portfolio's one"
    );
    let detail: String =
        sqlx::query_scalar("SELECT detail FROM data_quality_findings WHERE entity_type = 'account_totals'")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert!(detail.starts_with("summary minus accounts: ") && detail.contains(r#""balance":-0.0100"#), "{detail}");
}

/// Two payments on two accounts of one collector, in flight at once, do not wait for
/// each other: each adds to its account's shard of the day's daily_money row
/// (migrations/0037). Before the shards, the second waited for the first to commit.
#[tokio::test]
async fn two_payments_of_one_collector_in_flight_at_once_do_not_wait_for_each_other() {
    use debtflow_api::{
        audit::{Actor, RequestContext},
        db::{self, Scope},
        services::payments::record::{record, RecordPayment},
        store::accounts::Reach,
    };
    use debtflow_domain::{payment::PaymentMethod, Role};

    let app = spawn_app_at(Utc::now()).await;
    let demo = app.seed().await;
    let now = app.clock.now();
    let today: NaiveDate =
        sqlx::query_scalar("SELECT ($1::timestamptz AT TIME ZONE time_zone)::date FROM agencies WHERE id = $2")
            .bind(now)
            .bind(demo.agency)
            .fetch_one(&app.db)
            .await
            .unwrap();
    // Two of sarah's accounts in different shards (their ids are random: placed until
    // two differ), and in different account_totals rows (aging anchors).
    let manager_token = app.token("demo.manager").await;
    let mut placed: Vec<uuid::Uuid> = Vec::new();
    let (first, second) = loop {
        let mut body = new_account(&format!("S{}", placed.len()));
        body["delinquency_date"] = json!(today - Days::new(10 + placed.len() as u64));
        let created = ok(app.send(Method::POST, "/api/v1/accounts", &manager_token, Some(&body)).await, 201, "S").await;
        let id: uuid::Uuid = created["id"].as_str().unwrap().parse().unwrap();
        let path = format!("/api/v1/accounts/{id}/assign");
        let assign = app.send(Method::POST, &path, &manager_token, Some(&json!({"collector_id": demo.sarah}))).await;
        assert_eq!(assign.status(), 200);
        placed.push(id);
        let pair: Option<(uuid::Uuid, uuid::Uuid)> = sqlx::query_as(
            "SELECT p, q FROM unnest($1::uuid[]) p, unnest($1::uuid[]) q
             WHERE daily_money_shard(p) < daily_money_shard(q) LIMIT 1",
        )
        .bind(&placed)
        .fetch_optional(&app.db)
        .await
        .unwrap();
        if let Some(pair) = pair {
            break pair;
        }
        assert!(placed.len() < 40, "forty accounts in one shard");
    };
    let manager: uuid::Uuid =
        sqlx::query_scalar("SELECT id FROM users WHERE username = 'demo.manager'").fetch_one(&app.db).await.unwrap();
    let actor = Actor {
        user_id: Some(manager),
        role: Some(Role::Manager),
        agency_id: Some(demo.agency),
        context: RequestContext::default(),
    };
    let reach = Reach { agency_id: Some(demo.agency), collector_id: None };
    let cash = |account_id| RecordPayment {
        account_id,
        amount: rust_decimal::Decimal::ONE,
        method: PaymentMethod::Cash,
        paid_on: today,
        reference: None,
        metadata: Default::default(),
    };
    let received = || async {
        sqlx::query_scalar::<_, Option<rust_decimal::Decimal>>(
            "SELECT received FROM daily_money_summed WHERE agency_id = $1 AND day = $2 AND collector_id = $3
                 AND method = 'cash'",
        )
        .bind(demo.agency)
        .bind(today)
        .bind(demo.sarah)
        .fetch_optional(&app.db)
        .await
        .unwrap()
        .flatten()
        .unwrap_or_default()
    };
    let before = received().await;

    let mut held = db::begin(&app.db, Scope::Agency(demo.agency)).await.unwrap();
    record(&mut held, &actor, reach, cash(first), 7, now).await.expect("the first payment");
    let mut other = db::begin(&app.db, Scope::Agency(demo.agency)).await.unwrap();
    sqlx::query("SET LOCAL lock_timeout = '2s'").execute(&mut *other).await.unwrap();
    let paid = record(&mut other, &actor, reach, cash(second), 7, now).await;
    assert!(paid.is_ok(), "the second payment waited for the first: {paid:?}");
    other.commit().await.unwrap();
    held.commit().await.unwrap();

    assert_eq!(received().await - before, rust_decimal::Decimal::TWO, "both payments in the day's money");
    assert_eq!(run_job(&app, demo.agency, Job::DataQuality).await.findings, 0);
}

/// The aging run's fold (migrations/0016): anchors 90+ for good kept as one row per
/// collector and status, every figure unchanged, later writes to folded accounts
/// counted, and the summary still equal to its accounts.
#[tokio::test]
async fn the_aging_run_folds_anchors_past_90_days_and_every_figure_stays() {
    let app = spawn_app_at(Utc::now()).await;
    let demo = app.seed().await;
    let today = fixed_data_set(&app).await;
    let manager = app.token("demo.manager").await;
    // A4 (200 days past due) assigned, so that it takes payments.
    let a4: uuid::Uuid =
        sqlx::query_scalar("SELECT id FROM accounts WHERE external_ref = 'A4'").fetch_one(&app.db).await.unwrap();
    let james: uuid::Uuid =
        sqlx::query_scalar("SELECT id FROM users WHERE username = 'james.carter'").fetch_one(&app.db).await.unwrap();
    let assign = json!({"collector_id": james});
    ok(app.send(Method::POST, &format!("/api/v1/accounts/{a4}/assign"), &manager, Some(&assign)).await, 200, "A4")
        .await;
    let reports = || async {
        [
            get(&app, &manager, "/api/v1/analytics/dashboard").await,
            get(&app, &manager, "/api/v1/analytics/collectors").await,
            get(&app, &manager, &format!("/api/v1/analytics/aging-report?as_of={today}&by=collector")).await,
        ]
    };
    let count = |sql: &'static str| {
        let db = app.db.clone();
        async move { sqlx::query_scalar::<_, i64>(sql).bind(today).fetch_one(&db).await.unwrap() }
    };
    let unfolded_past_90 = "SELECT count(*) FROM account_totals
                            WHERE aging_anchor <> '0001-01-01' AND aging_anchor <= $1::date - 91";
    let before = reports().await;
    let rows = count("SELECT count(*) FROM account_totals").await;
    assert_eq!(count("SELECT count(*) FROM account_totals WHERE aging_anchor = '0001-01-01'").await, 0);

    run_job(&app, demo.agency, Job::DpdAging).await;
    let folded = count("SELECT count(*) FROM account_totals WHERE aging_anchor = '0001-01-01'").await;
    assert!(folded >= 2, "A4 (assigned) and A5 (settled), james's, at least: {folded}");
    assert_eq!(count(unfolded_past_90).await, 0, "nothing 91 days past due left unfolded");
    assert!(count("SELECT count(*) FROM account_totals").await < rows);
    assert_eq!(reports().await, before, "the same figures, folded");
    assert_eq!(run_job(&app, demo.agency, Job::DataQuality).await.findings, 0);

    // A payment into A4 (200 days past due, folded) is counted under its own anchor.
    let cash = json!({"account_id": a4, "amount": "100.00", "method": "cash", "paid_on": today});
    ok(pay(&app, &manager, "a4", &cash).await, 201, "A4 cash").await;
    let aging = get(&app, &manager, &format!("/api/v1/analytics/aging-report?as_of={today}")).await;
    let over_90 = figure(&aging["totals"], "bucket", "90+");
    assert_eq!((&over_90["accounts"], &over_90["balance"]), (&json!(1), &json!("2900.00")), "{aging}");
    assert_eq!(count(unfolded_past_90).await, 1, "A4's payment, under its own anchor");
    assert_eq!(run_job(&app, demo.agency, Job::DataQuality).await.findings, 0);
    run_job(&app, demo.agency, Job::DpdAging).await;
    assert_eq!(count(unfolded_past_90).await, 0, "folded by the next run");
    assert_eq!(run_job(&app, demo.agency, Job::DataQuality).await.findings, 0);
}

/// The money's per-day roll-up (migrations/0017): the daily aging run rolls the days
/// before the agency's today up per day and method, the agency-wide figures read it
/// for those days and stay what they were, a posting on a rolled-up day and a change of
/// time zone are counted in it, and the data_quality job proves it equal to
/// daily_money and reports a tampered row.
#[tokio::test]
async fn the_aging_run_rolls_finished_days_up_and_every_money_figure_stays() {
    let app = spawn_app_at(Utc::now()).await;
    let demo = app.seed().await;
    let today = fixed_data_set(&app).await;
    let start = app.clock.now();
    let period = format!("from={}&to={today}", today - Days::new(29));
    let year = format!("from={}&to={today}", today - Days::new(364));
    let reports = |token: String| {
        let (app, period, year) = (&app, period.clone(), year.clone());
        async move {
            [
                get(app, &token, &format!("/api/v1/analytics/dashboard?{period}")).await,
                get(app, &token, &format!("/api/v1/analytics/collectors?{period}")).await,
                get(app, &token, &format!("/api/v1/analytics/payments/trends?interval=day&by_method=true&{year}"))
                    .await,
                get(app, &token, &format!("/api/v1/analytics/payments/trends?interval=month&by_method=true&{year}"))
                    .await,
            ]
        }
    };
    let rolled_through = || async {
        sqlx::query_scalar::<_, NaiveDate>("SELECT through FROM daily_money_rolled WHERE agency_id = $1")
            .bind(demo.agency)
            .fetch_optional(&app.db)
            .await
            .unwrap()
    };
    let differences = || async {
        sqlx::query_scalar::<_, i64>("SELECT count(*) FROM daily_money_days_differences($1)")
            .bind(demo.agency)
            .fetch_one(&app.db)
            .await
            .unwrap()
    };
    // A day's trend per method: (method, payments, received), by method.
    let day_of = |trends: &Value, day: NaiveDate| {
        let buckets = trends["buckets"].as_array().unwrap();
        let mut of_day: Vec<(String, i64, String)> = buckets
            .iter()
            .filter(|b| b["start"] == json!(day) && b["payments"] != 0)
            .map(|b| {
                let text = |v: &Value| v.as_str().unwrap().to_owned();
                (text(&b["method"]), b["payments"].as_i64().unwrap(), text(&b["received"]))
            })
            .collect();
        of_day.sort();
        of_day
    };

    // On T the run rolls up through T - 1: T's money is still read from daily_money.
    let before = reports(app.token("demo.manager").await).await;
    run_job(&app, demo.agency, Job::DpdAging).await;
    assert_eq!(rolled_through().await, Some(today - Days::new(1)));
    assert_eq!(reports(app.token("demo.manager").await).await, before, "the same figures, T not rolled up");

    // Three days on, the run rolls T up: one row per method, the same figures.
    app.clock.advance(chrono::Duration::days(3));
    run_job(&app, demo.agency, Job::DpdAging).await;
    assert_eq!(rolled_through().await, Some(today + Days::new(2)));
    let rolled: Vec<(String, i64, String)> = sqlx::query_as(
        "SELECT method::text, payments, received::text FROM daily_money_days WHERE agency_id = $1 AND day = $2
         ORDER BY method",
    )
    .bind(demo.agency)
    .bind(today)
    .fetch_all(&app.db)
    .await
    .unwrap();
    assert_eq!(rolled, [("bank_transfer".into(), 1, "200.0000".into()), ("cash".into(), 2, "650.0000".into())]);
    let after = reports(app.token("demo.manager").await).await;
    assert_eq!(after, before, "T's figures, read from its roll-up");
    assert_eq!(differences().await, 0);
    assert_eq!(run_job(&app, demo.agency, Job::DataQuality).await.findings, 0);

    // A posting on T (rolled up) is added to T's roll-up in its own transaction.
    app.clock.set(start);
    let manager = app.token("demo.manager").await;
    let a3: uuid::Uuid =
        sqlx::query_scalar("SELECT id FROM accounts WHERE external_ref = 'A3'").fetch_one(&app.db).await.unwrap();
    let cash = json!({"account_id": a3, "amount": "100.00", "method": "cash", "paid_on": today});
    ok(pay(&app, &manager, "a3", &cash).await, 201, "A3 cash").await;
    run_job(&app, demo.agency, Job::DpdAging).await;
    assert_eq!(rolled_through().await, Some(today + Days::new(2)), "a run on T does not move it back");
    app.clock.advance(chrono::Duration::days(3));
    let [dashboard, _, daily, _] = reports(app.token("demo.manager").await).await;
    assert_eq!(
        day_of(&daily, today),
        [("bank_transfer".to_owned(), 1, "200.00".to_owned()), ("cash".to_owned(), 3, "750.00".to_owned())],
        "A3's 100.00 counted on T"
    );
    assert_eq!((&dashboard["current"]["collected"], &dashboard["current"]["payments"]), (&json!("900.00"), &json!(4)));
    assert_eq!(differences().await, 0);
    assert_eq!(run_job(&app, demo.agency, Job::DataQuality).await.findings, 0);

    // A new time zone re-days the money and rewrites the roll-up through T + 2.
    move_time_zone(&app, demo.agency, "Pacific/Kiritimati").await;
    assert_eq!(differences().await, 0, "the roll-up re-dayed with daily_money");
    assert_eq!(run_job(&app, demo.agency, Job::DataQuality).await.findings, 0);
    let manager = app.token("demo.manager").await;
    let around = format!("/api/v1/analytics/payments/trends?interval=day&from={today}&to={}", today + Days::new(1));
    let t = get(&app, &manager, &around).await;
    assert_eq!((&t["totals"]["payments"], &t["totals"]["collected"]), (&json!(4), &json!("900.00")));
    let rolled: String = sqlx::query_scalar("SELECT sum(received)::text FROM daily_money_days WHERE agency_id = $1")
        .bind(demo.agency)
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(rolled, "950.0000", "every day of the money is rolled up");

    // A tampered roll-up row is what the agency-wide figures read, and the job reports it.
    sqlx::query(
        "UPDATE daily_money_days SET received = received + 1 WHERE ctid = (SELECT min(ctid) FROM daily_money_days)",
    )
    .execute(&app.db)
    .await
    .unwrap();
    let t = get(&app, &manager, &around).await;
    assert_eq!(t["totals"]["received"], "951.00", "read from the roll-up");
    assert_eq!(differences().await, 1);
    assert_eq!(run_job(&app, demo.agency, Job::DataQuality).await.findings, 1);
    let (entity_type, detail): (String, String) = sqlx::query_as(
        "SELECT entity_type, detail FROM data_quality_findings WHERE check_name = 'summary_matches_rows'",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(entity_type, "daily_money_days");
    assert!(detail.starts_with("roll-up minus daily_money: ") && detail.contains(r#""received":1.0000"#), "{detail}");
}

#[tokio::test]
async fn bad_filters_are_refused_naming_the_field() {
    let app = spawn_app_at(Utc::now()).await;
    let demo = app.seed().await;
    let manager = app.token("demo.manager").await;
    let cases = [
        ("/api/v1/analytics/dashboard?from=2026-03-02&to=2026-03-01", "from"),
        ("/api/v1/analytics/dashboard?from=2016-01-01&to=2026-03-01", "from"),
        ("/api/v1/analytics/payments/trends?interval=day&from=2024-12-31&to=2026-01-01", "from"),
        ("/api/v1/analytics/payments/trends?interval=hour", "interval"),
        ("/api/v1/analytics/collectors?from=yesterday", "from"),
        ("/api/v1/analytics/aging-report?format=xls", "format"),
        ("/api/v1/analytics/aging-report?by=status", "by"),
        ("/api/v1/reports/repayment-compliance?cursor=zz", "cursor"),
        ("/api/v1/reports/reconciliation?date=2026-02-30", "date"),
        ("/api/v1/analytics/dashboard?mystery=1", "mystery"),
        // Before any date the product holds (and, for some, before PostgreSQL's calendar).
        ("/api/v1/analytics/dashboard?from=-5000-01-01&to=-5000-01-02", "from"),
        ("/api/v1/analytics/collectors?from=1899-12-01&to=1900-01-02", "from"),
        ("/api/v1/analytics/payments/trends?interval=month&from=-5000-01-01&to=-4995-01-01", "from"),
        ("/api/v1/analytics/aging-report?as_of=1899-12-31", "as_of"),
        ("/api/v1/reports/repayment-compliance?from=-5000-01-01&to=-5000-02-01&by=plan", "from"),
        ("/api/v1/reports/reconciliation?date=-5000-01-01", "date"),
    ];
    for (path, field) in cases {
        let problem = assert_problem(app.get_as(&manager, path).await, 422).await;
        assert!(problem["errors"][field].is_array(), "{path}: {problem}");
    }
    let unknown = format!("/api/v1/analytics/collectors?collector_id={}", uuid::Uuid::now_v7());
    let problem = assert_problem(app.get_as(&manager, &unknown).await, 422).await;
    assert_eq!(problem["errors"]["collector_id"][0], "is not a collector of the agency");
    let not_a_collector: String = sqlx::query_scalar("SELECT id::text FROM users WHERE username = 'demo.manager'")
        .fetch_one(&app.db)
        .await
        .unwrap();
    let path = format!("/api/v1/analytics/dashboard?collector_id={not_a_collector}");
    assert_problem(app.get_as(&manager, &path).await, 422).await;
    let northwind = format!("/api/v1/analytics/dashboard?collector_id={}", demo.northwind);
    assert_problem(app.get_as(&manager, &northwind).await, 422).await;
}
