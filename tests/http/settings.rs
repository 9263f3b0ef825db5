//! Settings: the agency's typed settings (`PATCH /agencies/{id} {"settings"}`) —
//! unknown keys and values out of range refused naming them, valid ones kept and
//! audited key by key, and followed by plans, payments and `/auth/me` — the job kill
//! switches with who changed each last and when, and migration 0022, which normalised
//! the free settings stored before and filled who/when from the audit trail.

use crate::payments::{ok, pay, today, working_account};
use crate::plans::{active_plan, negotiating_account};
use debtflow_api::{
    db,
    jobs::{self, Job, RunRequest},
};
use debtflow_tests::{assert_problem, spawn_app, spawn_app_with, TestApp, TestDatabase};
use reqwest::Method;
use serde_json::{json, Value};
use sqlx::{migrate::Migrator, Connection, PgConnection};
use std::borrow::Cow;

async fn patch_settings(app: &TestApp, token: &str, agency: uuid::Uuid, settings: Value) -> reqwest::Response {
    let body = json!({ "settings": settings });
    app.send(Method::PATCH, &format!("/api/v1/agencies/{agency}"), token, Some(&body)).await
}

/// The field a 422 names (the only one), and its message.
async fn refused_field(response: reqwest::Response) -> (String, String) {
    let problem = assert_problem(response, 422).await;
    let errors = problem["errors"].as_object().unwrap_or_else(|| panic!("field errors: {problem}"));
    assert_eq!(errors.len(), 1, "one field named: {problem}");
    let (field, messages) = errors.iter().next().unwrap();
    (field.clone(), messages[0].as_str().unwrap().to_owned())
}

#[tokio::test]
async fn unknown_keys_and_values_out_of_range_are_refused_naming_the_field() {
    let app = spawn_app().await;
    let demo = app.seed().await;
    let admin = app.token("demo.admin").await;
    let before: Value = app.get_as(&admin, &format!("/api/v1/agencies/{}", demo.agency)).await.json().await.unwrap();

    let cases = [
        (json!({"grace_days": 5}), "settings.grace_days", "unknown field"),
        (json!({"touched_by": "x".repeat(100_000)}), "settings.touched_by", "unknown field"),
        (json!({"plan_grace_days": 400}), "settings.plan_grace_days", "must be between 0 and 364 days"),
        (json!({"plan_grace_days": -1}), "settings.plan_grace_days", "invalid value"),
        (json!({"plan_grace_days": "5"}), "settings.plan_grace_days", "invalid type"),
        (json!({"plan_grace_days": 30}), "settings.plan_grace_days", "fewer than the default threshold (30 days)"),
        (
            json!({"plan_default_threshold_days": 3}),
            "settings.plan_default_threshold_days",
            "more than the grace days (3)",
        ),
        (json!({"plan_default_threshold_days": 0}), "settings.plan_default_threshold_days", "between 1 and 365"),
        (json!({"payment_approval_after_days": 366}), "settings.payment_approval_after_days", "between 0 and 365"),
        (json!({"reminder_days_before": 61}), "settings.reminder_days_before", "between 0 and 60"),
        (json!({"stale_after_days": 0}), "settings.stale_after_days", "between 1 and 365"),
        (json!({"payment_allocation": "whatever"}), "settings.payment_allocation", "unknown variant"),
    ];
    for (settings, field, message) in cases {
        let (named, said) = refused_field(patch_settings(&app, &admin, demo.agency, settings.clone()).await).await;
        assert_eq!(named, field, "{settings}");
        assert!(said.contains(message), "{settings}: {said:?} should say {message:?}");
    }

    let after: Value = app.get_as(&admin, &format!("/api/v1/agencies/{}", demo.agency)).await.json().await.unwrap();
    assert_eq!(after["settings"], before["settings"], "nothing refused was kept");
    let audited: i64 = sqlx::query_scalar("SELECT count(*) FROM audit_logs WHERE action = 'agency.update'")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(audited, 0, "nothing refused was audited");
    // A manager may not change them at all, whatever the body.
    let manager = app.token("demo.manager").await;
    assert_problem(patch_settings(&app, &manager, demo.agency, json!({"plan_grace_days": 5})).await, 403).await;
}

#[tokio::test]
async fn a_valid_patch_is_kept_merged_and_audited_key_by_key() {
    let app = spawn_app().await;
    let demo = app.seed().await;
    let admin = app.token("demo.admin").await;
    let path = format!("/api/v1/agencies/{}", demo.agency);
    let fresh: Value = app.get_as(&admin, &path).await.json().await.unwrap();
    assert_eq!(
        fresh["settings"],
        json!({"payment_allocation": "principal_first", "payment_approval_after_days": null, "plan_grace_days": 3,
               "plan_default_threshold_days": 30, "reminder_days_before": 3, "stale_after_days": 14,
               "hearing_reminder_days": 3, "contact_guardrails": null}),
        "every setting, defaults filled in"
    );

    let both = json!({"plan_grace_days": 5, "plan_default_threshold_days": 45});
    let changed = ok(patch_settings(&app, &admin, demo.agency, both).await, 200, "patch").await;
    assert_eq!(
        (changed["settings"]["plan_grace_days"].as_u64(), changed["settings"]["plan_default_threshold_days"].as_u64()),
        (Some(5), Some(45))
    );
    let merged =
        ok(patch_settings(&app, &admin, demo.agency, json!({"stale_after_days": 21})).await, 200, "patch").await;
    assert_eq!(merged["settings"]["plan_grace_days"], 5, "a key left out keeps its value");
    assert_eq!(merged["settings"]["stale_after_days"], 21);
    let read: Value = app.get_as(&app.token("sarah.mitchell").await, &path).await.json().await.unwrap();
    assert_eq!(read["settings"], merged["settings"], "kept, and read by everyone of the agency");
    let reset =
        ok(patch_settings(&app, &admin, demo.agency, json!({"stale_after_days": null})).await, 200, "reset").await;
    assert_eq!(reset["settings"]["stale_after_days"], 14, "null: back to the default");

    let compliance = app.token("demo.compliance").await;
    let trail: Value =
        app.get_as(&compliance, "/api/v1/audit-logs?action=agency.update&limit=10").await.json().await.unwrap();
    let entries = trail["items"].as_array().unwrap();
    assert_eq!(entries.len(), 3, "{trail}");
    let first = &entries[2];
    assert_eq!(first["before"], json!({"settings": {"plan_grace_days": 3, "plan_default_threshold_days": 30}}));
    assert_eq!(first["after"], json!({"settings": {"plan_grace_days": 5, "plan_default_threshold_days": 45}}));
    assert_eq!(entries[1]["after"], json!({"settings": {"stale_after_days": 21}}), "only what changed");
    assert_eq!(entries[0]["before"], json!({"settings": {"stale_after_days": 21}}));
    assert_eq!(first["actor_role"], "agency_admin");
}

#[tokio::test]
async fn new_plans_start_with_the_agencys_grace_and_default_days() {
    let app = spawn_app().await;
    let demo = app.seed().await;
    let admin = app.token("demo.admin").await;
    let manager = app.token("demo.manager").await;
    let account = negotiating_account(&app, &manager, "SET-PLAN-1").await;
    let first = today(&app).await + chrono::Days::new(10);
    let terms = json!({"total": "600.00", "installments": 2, "frequency": "monthly", "first_due_date": first});
    let path = format!("/api/v1/accounts/{account}/plans");

    let settings = json!({"plan_grace_days": 7, "plan_default_threshold_days": 40});
    ok(patch_settings(&app, &admin, demo.agency, settings).await, 200, "settings").await;
    let plan =
        ok(app.send_with_key(Method::POST, &path, &manager, Some("plan-1"), Some(&terms)).await, 201, "propose").await;
    assert_eq!((plan["grace_days"].as_u64(), plan["default_threshold_days"].as_u64()), (Some(7), Some(40)));

    // The plan's own terms still win over the agency's.
    let edited = json!({"total": "600.00", "installments": 2, "frequency": "monthly", "first_due_date": first,
                        "grace_days": 2, "default_threshold_days": 20});
    let plan_path = format!("/api/v1/plans/{}", plan["id"].as_str().unwrap());
    let own = ok(app.send(Method::PATCH, &plan_path, &manager, Some(&edited)).await, 200, "edit").await;
    assert_eq!((own["grace_days"].as_u64(), own["default_threshold_days"].as_u64()), (Some(2), Some(20)));
}

#[tokio::test]
async fn the_agencys_approval_window_decides_which_payments_wait_and_me_tells_it() {
    let app = spawn_app_with(&[("PAYMENT_APPROVAL_AFTER_DAYS", "7")]).await;
    let demo = app.seed().await;
    let admin = app.token("demo.admin").await;
    let manager = app.token("demo.manager").await;
    let sarah = app.token("sarah.mitchell").await;
    let account = working_account(&app, &manager, "SET-PAY-1").await;
    let four_days_ago = today(&app).await - chrono::Days::new(4);
    let body = |reference: &str| json!({"account_id": account, "amount": "10.00", "method": "check", "paid_on": four_days_ago, "reference": reference});
    let policy = |token: String| {
        let app = &app;
        async move {
            let me: Value = app.get_as(&token, "/api/v1/auth/me").await.json().await.unwrap();
            me["policy"].clone()
        }
    };
    assert_eq!(
        policy(sarah.clone()).await,
        json!({"payment_approval_after_days": 7, "default_payment_approval_after_days": 7})
    );
    let posted = ok(pay(&app, &sarah, "pay-1", &body("CHK-1")).await, 201, "within the server's window").await;
    assert_eq!(posted["status"], "completed");

    ok(patch_settings(&app, &admin, demo.agency, json!({"payment_approval_after_days": 3})).await, 200, "window").await;
    assert_eq!(
        policy(sarah.clone()).await,
        json!({"payment_approval_after_days": 3, "default_payment_approval_after_days": 7}),
        "the agency's window, as every client of the agency must announce it"
    );
    let waiting = ok(pay(&app, &sarah, "pay-2", &body("CHK-2")).await, 201, "beyond the agency's window").await;
    assert_eq!(waiting["status"], "pending_approval");
    let northwind = app.token("nw.admin").await;
    assert_eq!(policy(northwind).await["payment_approval_after_days"], 7, "another agency keeps the server's");
    assert_eq!(policy(app.token("platform.admin").await).await["payment_approval_after_days"], 7);

    ok(patch_settings(&app, &admin, demo.agency, json!({"payment_approval_after_days": null})).await, 200, "reset")
        .await;
    assert_eq!(policy(sarah.clone()).await["payment_approval_after_days"], 7, "back to the server's");
    let posted = ok(pay(&app, &sarah, "pay-3", &body("CHK-3")).await, 201, "within the server's window again").await;
    assert_eq!(posted["status"], "completed");
}

#[tokio::test]
async fn the_reminder_job_counts_the_agencys_days() {
    let app = spawn_app().await;
    let demo = app.seed().await;
    let admin = app.token("demo.admin").await;
    let manager = app.token("demo.manager").await;
    let account = negotiating_account(&app, &manager, "SET-JOB-1").await;
    let today = today(&app).await;
    active_plan(&app, &account, "600.00", 2, today + chrono::Days::new(5)).await;
    let ctx = crate::jobs::ctx();
    let run = |as_of| {
        let request = RunRequest { agency_id: Some(demo.agency), as_of: Some(as_of), force: true };
        jobs::run(&app.db, &ctx, Job::InstallmentReminders, request)
    };

    let by_default = run(today).await.expect("the run").remove(0);
    assert_eq!(by_default.tally.notifications_sent, 0, "3 days before by default: not yet");
    ok(patch_settings(&app, &admin, demo.agency, json!({"reminder_days_before": 5})).await, 200, "setting").await;
    let by_setting = run(today).await.expect("the run").remove(0);
    assert_eq!(by_setting.tally.notifications_sent, 1, "5 days before, as the agency says");
}

#[tokio::test]
async fn each_switch_says_who_changed_it_last_and_when() {
    let app = spawn_app().await;
    app.seed().await;
    let admin = app.token("demo.admin").await;
    let manager = app.token("demo.manager").await;
    let admin_id: uuid::Uuid =
        sqlx::query_scalar("SELECT id FROM users WHERE username = 'demo.admin'").fetch_one(&app.db).await.unwrap();

    let never: Value = ok(app.get_as(&manager, "/api/v1/settings").await, 200, "read").await;
    assert_eq!(
        never,
        json!({"jobs_enabled": true, "reminders_enabled": true, "escalation_enabled": true, "defaults_enabled": true,
               "last_changed": {"jobs_enabled": null, "reminders_enabled": null, "escalation_enabled": null,
                                "defaults_enabled": null}})
    );

    let off = app.send(Method::PATCH, "/api/v1/settings", &admin, Some(&json!({"reminders_enabled": false}))).await;
    let off = ok(off, 200, "switch off").await;
    assert_eq!(off["reminders_enabled"], false);
    let change = &off["last_changed"]["reminders_enabled"];
    assert_eq!(change["changed_by"], admin_id.to_string());
    assert_eq!(change["changed_by_name"], "Demo Admin");
    assert_eq!(off["last_changed"]["jobs_enabled"], Value::Null, "a switch not changed has no change");
    let audited_at: chrono::DateTime<chrono::Utc> = sqlx::query_scalar(
        "SELECT occurred_at FROM audit_logs WHERE action = 'settings.update' AND after ? 'reminders_enabled'",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    let when: chrono::DateTime<chrono::Utc> = change["changed_at"].as_str().unwrap().parse().unwrap();
    assert_eq!(when, audited_at, "the time of its audit row");
    let read: Value = ok(app.get_as(&manager, "/api/v1/settings").await, 200, "read").await;
    assert_eq!(read, off, "a manager reads who and when too");

    // Sent again with the same value, nothing changed: who and when stay.
    let same = app.send(Method::PATCH, "/api/v1/settings", &admin, Some(&json!({"reminders_enabled": false}))).await;
    assert_eq!(ok(same, 200, "same").await["last_changed"], off["last_changed"]);
    let unknown = app.send(Method::PATCH, "/api/v1/settings", &admin, Some(&json!({"reminders": false}))).await;
    assert!(assert_problem(unknown, 422).await["errors"]["reminders"].is_array());
    assert_problem(app.send(Method::PATCH, "/api/v1/settings", &manager, Some(&json!({}))).await, 403).await;

    // Another agency's switches are its own.
    let northwind: Value = ok(app.get_as(&app.token("nw.admin").await, "/api/v1/settings").await, 200, "nw").await;
    assert_eq!(northwind["last_changed"]["reminders_enabled"], Value::Null);
    assert_eq!(northwind["reminders_enabled"], true);
}

/// Migration 0022 on data written before it: free settings normalised (known keys
/// kept when valid, others dropped, the loss audited), and who/when of each switch
/// taken from the audit trail.
#[tokio::test]
async fn migration_0022_normalises_stored_settings_and_fills_switch_changes_from_the_trail() {
    let database = TestDatabase::empty().await;
    let mut conn = PgConnection::connect_with(&database.options()).await.unwrap();
    let before_0022 = Migrator {
        migrations: Cow::Owned(db::MIGRATOR.iter().filter(|m| m.version < 22).cloned().collect()),
        ..Migrator::DEFAULT
    };
    before_0022.run(&mut conn).await.expect("migrations up to 0021");

    let (clean, messy) = (uuid::Uuid::now_v7(), uuid::Uuid::now_v7());
    for (id, name, settings) in [
        (clean, "Clean", json!({"payment_allocation": "fees_first", "plan_grace_days": 5})),
        (
            messy,
            "Messy",
            json!({"a": 1, "touched_by": "x", "plan_grace_days": 40, "plan_default_threshold_days": 20,
                                "reminder_days_before": "5", "stale_after_days": -3, "payment_allocation": "whatever"}),
        ),
    ] {
        sqlx::query("INSERT INTO agencies (id, name, licence_number, currency, time_zone, settings) VALUES ($1, $2, $2, 'USD', 'UTC', $3)")
            .bind(id)
            .bind(name)
            .bind(&settings)
            .execute(&mut conn)
            .await
            .unwrap();
    }
    let admin = uuid::Uuid::now_v7();
    sqlx::query("INSERT INTO users (id, agency_id, username, full_name, role, password_hash) VALUES ($1, $2, 'old.admin', 'Old Admin', 'agency_admin', 'x')")
        .bind(admin)
        .bind(clean)
        .execute(&mut conn)
        .await
        .unwrap();
    sqlx::query("INSERT INTO job_settings (agency_id, jobs_enabled) VALUES ($1, false)")
        .bind(clean)
        .execute(&mut conn)
        .await
        .unwrap();
    for (at, after) in [
        ("2026-03-01T10:00:00Z", json!({"jobs_enabled": true})),
        ("2026-03-02T10:00:00Z", json!({"jobs_enabled": false})),
    ] {
        sqlx::query(
            "INSERT INTO audit_logs (id, occurred_at, agency_id, actor_id, action, entity_type, entity_id, after)
             VALUES (gen_random_uuid(), $1::timestamptz, $2, $3, 'settings.update', 'job_settings', $2::text, $4)",
        )
        .bind(at)
        .bind(clean)
        .bind(admin)
        .bind(&after)
        .execute(&mut conn)
        .await
        .unwrap();
    }

    db::MIGRATOR.run(&mut conn).await.expect("0022 and after");

    let settings = |id| sqlx::query_scalar::<_, Value>("SELECT settings FROM agencies WHERE id = $1").bind(id);
    assert_eq!(
        settings(clean).fetch_one(&mut conn).await.unwrap(),
        json!({"payment_allocation": "fees_first", "payment_approval_after_days": null, "plan_grace_days": 5,
               "plan_default_threshold_days": 30, "reminder_days_before": 3, "stale_after_days": 14})
    );
    assert_eq!(
        settings(messy).fetch_one(&mut conn).await.unwrap(),
        json!({"payment_allocation": "principal_first", "payment_approval_after_days": null, "plan_grace_days": 19,
               "plan_default_threshold_days": 20, "reminder_days_before": 5, "stale_after_days": 14}),
        "valid values kept (a string of digits too), the grace made shorter than the threshold, the rest defaults"
    );
    let normalised: Vec<(String, Value)> = sqlx::query_as(
        "SELECT entity_id, before FROM audit_logs WHERE action = 'agency.settings_normalised' ORDER BY entity_id",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap();
    assert_eq!(normalised.len(), 1, "only the agency that lost something: {normalised:?}");
    assert_eq!(normalised[0].0, messy.to_string());
    assert_eq!(normalised[0].1["touched_by"], "x", "what was dropped is in the trail");

    let (by, at): (Option<uuid::Uuid>, Option<chrono::DateTime<chrono::Utc>>) =
        sqlx::query_as("SELECT jobs_enabled_by, jobs_enabled_at FROM job_settings WHERE agency_id = $1")
            .bind(clean)
            .fetch_one(&mut conn)
            .await
            .unwrap();
    assert_eq!(by, Some(admin));
    assert_eq!(at, Some("2026-03-02T10:00:00Z".parse().unwrap()), "the latest change");
    let other: Option<uuid::Uuid> =
        sqlx::query_scalar("SELECT reminders_enabled_by FROM job_settings WHERE agency_id = $1")
            .bind(clean)
            .fetch_one(&mut conn)
            .await
            .unwrap();
    assert_eq!(other, None, "never changed");
    let too_big =
        sqlx::query("UPDATE agencies SET settings = jsonb_build_object('x', repeat('y', 3000)) WHERE id = $1")
            .bind(clean)
            .execute(&mut conn)
            .await;
    assert!(too_big.is_err(), "the size bound is the database's too");
    conn.close().await.unwrap();
}
