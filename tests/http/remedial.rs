//! Remedial recovery over HTTP: a legal case through its lifecycle and its hearings,
//! a recovery action through its milestones, write-offs decided by the board (the
//! ledger effect of an approval, nothing posted by a rejection), the records made
//! final by the database, and the three daily jobs replayed.

use crate::{accounts::create_account, jobs::ctx, payments::ok};
use chrono::{DateTime, NaiveDate, Utc};
use debtflow_api::jobs::{self, Job, JobContext, RunRequest, Tally};
use debtflow_tests::{assert_problem, spawn_app_at, TestApp};
use reqwest::Method;
use serde_json::{json, Value};

fn at(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

/// 10:00 on Tuesday 1 December 2026 in New York, the demo agency's zone.
const NOW: &str = "2026-12-01T15:00:00Z";

async fn post(app: &TestApp, token: &str, path: &str, body: Value) -> reqwest::Response {
    app.send(Method::POST, path, token, Some(&body)).await
}

/// A field named by a 422.
async fn invalid(response: reqwest::Response, field: &str) {
    let problem = assert_problem(response, 422).await;
    assert!(problem["errors"][field].is_array(), "{field} named: {problem}");
}

/// A 409 of this type.
async fn refused(response: reqwest::Response, code: &str) -> Value {
    let problem = assert_problem(response, 409).await;
    assert_eq!(problem["type"], format!("urn:debtflow:problem:{code}"), "{problem}");
    problem
}

/// An account of 1250.50 assigned to Sarah; its id.
async fn assigned_account(app: &TestApp, reference: &str, sarah: uuid::Uuid) -> String {
    let manager = app.token("demo.manager").await;
    let id = create_account(app, &manager, reference).await["id"].as_str().unwrap().to_owned();
    let path = format!("/api/v1/accounts/{id}/assign");
    assert_eq!(app.send(Method::POST, &path, &manager, Some(&json!({"collector_id": sarah}))).await.status(), 200);
    id
}

async fn run(app: &TestApp, job: Job, agency: uuid::Uuid, as_of: &str) -> Tally {
    let ctx = JobContext { clock: app.clock.clone(), ..ctx() };
    let as_of: NaiveDate = as_of.parse().unwrap();
    let request = RunRequest { agency_id: Some(agency), as_of: Some(as_of), force: true };
    jobs::run(&app.db, &ctx, job, request).await.expect("the run").remove(0).tally
}

async fn timeline_steps(app: &TestApp, token: &str, account: &str, kind: &str) -> Vec<String> {
    let events: Value =
        app.get_as(token, &format!("/api/v1/accounts/{account}/timeline?limit=100")).await.json().await.unwrap();
    let mut steps: Vec<String> = events["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == kind)
        .map(|e| e["data"]["step"].as_str().unwrap().to_owned())
        .collect();
    steps.reverse();
    steps
}

#[tokio::test]
async fn a_legal_case_is_drafted_filed_heard_judged_and_closed_and_then_final() {
    let app = spawn_app_at(at(NOW)).await;
    let demo = app.seed().await;
    let account = assigned_account(&app, "LEGAL-1", demo.sarah).await;
    let (manager, sarah) = (app.token("demo.manager").await, app.token("sarah.mitchell").await);
    let cases = format!("/api/v1/accounts/{account}/legal-cases");

    let draft =
        json!({"court": "Circuit Court of Cook County", "amount_claimed": "1250.50", "counsel": "Hollis & Reed"});
    assert_problem(post(&app, &sarah, &cases, draft.clone()).await, 403).await;
    invalid(post(&app, &manager, &cases, json!({"court": "Court", "amount_claimed": "0"})).await, "amount_claimed")
        .await;
    invalid(post(&app, &manager, &cases, json!({"court": "Court", "amount_claimed": "1.001"})).await, "amount_claimed")
        .await;
    let case = ok(post(&app, &manager, &cases, draft).await, 201, "draft").await;
    assert_eq!((case["status"].as_str(), case["amount_claimed"].as_str()), (Some("draft"), Some("1250.50")));
    let id = case["id"].as_str().unwrap();
    let path = |tail: &str| format!("/api/v1/legal-cases/{id}{tail}");

    // Steps a draft cannot take, with what they need.
    let hearing = json!({"starts_at": "2026-12-10T15:00:00Z", "venue": "Courtroom 1402", "purpose": "Pre-trial"});
    let early = refused(post(&app, &manager, &path("/hearings"), hearing.clone()).await, "wrong-status").await;
    assert_eq!(early["allowed_statuses"], json!(["filed", "in_hearing"]), "{early}");
    refused(post(&app, &manager, &path("/close"), json!({"outcome": "withdrawn"})).await, "wrong-status").await;

    // Filing needs a case number and a date not in the future.
    invalid(post(&app, &manager, &path("/file"), json!({"filed_on": "2026-11-30"})).await, "case_number").await;
    let future = json!({"case_number": "2026-M1-4512", "filed_on": "2026-12-02"});
    invalid(post(&app, &manager, &path("/file"), future).await, "filed_on").await;
    let filed = ok(
        post(&app, &manager, &path("/file"), json!({"case_number": "2026-M1-4512", "filed_on": "2026-11-30"})).await,
        200,
        "file",
    )
    .await;
    assert_eq!((filed["status"].as_str(), filed["filed_on"].as_str()), (Some("filed"), Some("2026-11-30")));
    let in_legal = |d: Value| d["accounts_in_legal"].as_i64();
    assert_eq!(in_legal(app.get_as(&manager, "/api/v1/analytics/dashboard").await.json().await.unwrap()), Some(1));
    let edit = app.send(Method::PATCH, &path(""), &manager, Some(&json!({"counsel": "Someone else"}))).await;
    refused(edit, "wrong-status").await;

    // The first hearing puts the case in hearing; its outcome waits until it has taken place.
    let heard = ok(post(&app, &manager, &path("/hearings"), hearing).await, 201, "hearing").await;
    assert_eq!(heard["status"], "in_hearing");
    let hearing_id = heard["hearings"][0]["id"].as_str().unwrap();
    let outcome = format!("/api/v1/legal-cases/{id}/hearings/{hearing_id}/outcome");
    let said = json!({"outcome": "Continued to January", "next_step": "File the motion"});
    invalid(post(&app, &manager, &outcome, said.clone()).await, "outcome").await;
    app.clock.set(at("2026-12-10T18:00:00Z"));
    let held = ok(post(&app, &manager, &outcome, said.clone()).await, 200, "outcome").await;
    assert_eq!(held["hearings"][0]["next_step"], "File the motion");
    invalid(post(&app, &manager, &outcome, said).await, "outcome").await;

    // A judgment, then the case closes with it (and only with it).
    let settled = json!({"outcome": "settled", "judgment_on": "2026-12-10"});
    invalid(post(&app, &manager, &path("/judgment"), settled).await, "outcome").await;
    let judged = json!({"outcome": "judgment_for_creditor", "judgment_on": "2026-12-10"});
    assert_eq!(ok(post(&app, &manager, &path("/judgment"), judged).await, 200, "judge").await["status"], "judgment");
    invalid(post(&app, &manager, &path("/close"), json!({"outcome": "withdrawn"})).await, "outcome").await;
    let closed = ok(post(&app, &manager, &path("/close"), json!({})).await, 200, "close").await;
    assert_eq!(
        (closed["status"].as_str(), closed["outcome"].as_str()),
        (Some("closed"), Some("judgment_for_creditor"))
    );
    assert_eq!(closed["closed_on"], "2026-12-10");
    refused(post(&app, &manager, &path("/close"), json!({})).await, "wrong-status").await;
    assert_eq!(in_legal(app.get_as(&manager, "/api/v1/analytics/dashboard").await.json().await.unwrap()), Some(0));

    // The collector reads it; the timeline and the audit trail have every step.
    let seen = ok(app.get_as(&sarah, &path("")).await, 200, "read").await;
    assert_eq!(seen["hearings"].as_array().unwrap().len(), 1);
    let steps = timeline_steps(&app, &manager, &account, "legal").await;
    assert_eq!(steps, ["drafted", "filed", "hearing_scheduled", "hearing_held", "judged", "closed"]);
    let admin = app.token("demo.admin").await;
    let trail: Value = app
        .get_as(&admin, &format!("/api/v1/audit-logs?entity_type=legal_case&entity_id={id}"))
        .await
        .json()
        .await
        .unwrap();
    let filing = trail["items"].as_array().unwrap().iter().find(|e| e["action"] == "legal_case.file").expect("filed");
    assert_eq!(filing["before"]["status"], "draft");
    assert_eq!(
        (filing["after"]["status"].as_str(), filing["after"]["case_number"].as_str()),
        (Some("filed"), Some("2026-M1-4512"))
    );

    // The database keeps a closed case and a hearing with its outcome as they are.
    for sql in [
        "UPDATE legal_cases SET notes = 'changed'",
        "DELETE FROM legal_cases",
        "UPDATE hearings SET venue = 'elsewhere'",
    ] {
        let err = sqlx::query(sql).execute(&app.db).await.expect_err(sql);
        assert!(err.to_string().contains("immutable") || err.to_string().contains("never deleted"), "{sql}: {err}");
    }
}

#[tokio::test]
async fn a_draft_case_is_edited_or_deleted_and_a_case_number_is_the_courts_once() {
    let app = spawn_app_at(at(NOW)).await;
    let demo = app.seed().await;
    let account = assigned_account(&app, "LEGAL-2", demo.sarah).await;
    let manager = app.token("demo.manager").await;
    let cases = format!("/api/v1/accounts/{account}/legal-cases");
    let draft = json!({"court": "District Court", "amount_claimed": "500", "case_number": "CV-1"});
    let first = ok(post(&app, &manager, &cases, draft.clone()).await, 201, "first").await;
    let second = ok(post(&app, &manager, &cases, draft).await, 201, "second").await;
    let (first, second) = (first["id"].as_str().unwrap(), second["id"].as_str().unwrap());

    let edited = app
        .send(
            Method::PATCH,
            &format!("/api/v1/legal-cases/{second}"),
            &manager,
            Some(&json!({"counsel": "", "notes": " Assets found "})),
        )
        .await;
    let edited = ok(edited, 200, "edit").await;
    assert_eq!((edited["notes"].as_str(), edited["counsel"].as_str()), (Some("Assets found"), None));

    let file = json!({"filed_on": "2026-11-02"});
    ok(post(&app, &manager, &format!("/api/v1/legal-cases/{first}/file"), file.clone()).await, 200, "file").await;
    invalid(post(&app, &manager, &format!("/api/v1/legal-cases/{second}/file"), file).await, "case_number").await;

    let gone = app.send(Method::DELETE, &format!("/api/v1/legal-cases/{second}"), &manager, None).await;
    assert_eq!(gone.status(), 204);
    assert_problem(app.get_as(&manager, &format!("/api/v1/legal-cases/{second}")).await, 404).await;
    let left: Value = app.get_as(&manager, &cases).await.json().await.unwrap();
    assert_eq!(left.as_array().unwrap().len(), 1, "the deleted draft is hidden");
    let kept: i64 = sqlx::query_scalar("SELECT count(*) FROM legal_cases WHERE deleted_at IS NOT NULL")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(kept, 1, "kept, hidden");
    let filed = app.send(Method::DELETE, &format!("/api/v1/legal-cases/{first}"), &manager, None).await;
    refused(filed, "wrong-status").await;

    // Another collector's account is not reachable, nor its cases.
    let james = app.token("james.carter").await;
    assert_problem(app.get_as(&james, &cases).await, 404).await;
    assert_problem(app.get_as(&james, &format!("/api/v1/legal-cases/{first}")).await, 404).await;
}

#[tokio::test]
async fn a_recovery_action_follows_its_milestones_to_completion() {
    let app = spawn_app_at(at(NOW)).await;
    let demo = app.seed().await;
    let account = assigned_account(&app, "RECOVER-1", demo.sarah).await;
    let (manager, sarah) = (app.token("demo.manager").await, app.token("sarah.mitchell").await);
    let actions = format!("/api/v1/accounts/{account}/recovery-actions");
    let milestones = json!([{"name": "Writ obtained", "target_on": "2026-12-05"}, {"name": "Writ served on employer", "target_on": "2026-12-20"}]);
    let body = json!({"kind": "garnishment", "milestones": milestones});
    assert_problem(post(&app, &sarah, &actions, body.clone()).await, 403).await;
    let twice = json!({"kind": "garnishment", "milestones": [{"name": "A", "target_on": "2026-12-05"}, {"name": " a ", "target_on": "2026-12-06"}]});
    invalid(post(&app, &manager, &actions, twice).await, "milestones.name").await;
    let past = json!({"kind": "garnishment", "milestones": [{"name": "A", "target_on": "2026-11-30"}]});
    invalid(post(&app, &manager, &actions, past).await, "milestones.target_on").await;
    let action = ok(post(&app, &manager, &actions, body).await, 201, "initiate").await;
    assert_eq!((action["status"].as_str(), action["initiated_on"].as_str()), (Some("initiated"), Some("2026-12-01")));
    let id = action["id"].as_str().unwrap();
    let m = |i: usize| action["milestones"][i]["id"].as_str().unwrap().to_owned();
    let path = |tail: &str| format!("/api/v1/recovery-actions/{id}{tail}");

    refused(post(&app, &manager, &path("/complete"), json!({})).await, "wrong-status").await;
    let done = |milestone: String, on: &str| {
        (format!("/api/v1/recovery-actions/{id}/milestones/{milestone}/done"), json!({"done_on": on}))
    };
    let (first, on) = done(m(0), "2026-12-02");
    invalid(post(&app, &manager, &first, on).await, "done_on").await;
    let (first, on) = done(m(0), "2026-12-01");
    let started = ok(post(&app, &manager, &first, on.clone()).await, 200, "done").await;
    assert_eq!(started["status"], "in_progress");
    invalid(post(&app, &manager, &first, on).await, "done_on").await;
    invalid(post(&app, &manager, &path("/complete"), json!({})).await, "milestones").await;

    let more = json!({"milestones": [{"name": "First deduction received", "target_on": "2027-01-15"}]});
    let added = ok(post(&app, &manager, &path("/milestones"), more).await, 200, "add").await;
    assert_eq!(added["milestones"][2]["position"], 3);
    app.clock.set(at("2027-01-16T15:00:00Z"));
    for i in 1..3 {
        let (p, on) = done(added["milestones"][i]["id"].as_str().unwrap().to_owned(), "2027-01-16");
        ok(post(&app, &manager, &p, on).await, 200, "done").await;
    }
    let completed = ok(post(&app, &manager, &path("/complete"), json!({})).await, 200, "complete").await;
    assert_eq!((completed["status"].as_str(), completed["ended_on"].as_str()), (Some("completed"), Some("2027-01-16")));
    refused(post(&app, &manager, &path("/cancel"), json!({"reason": "late"})).await, "wrong-status").await;
    let steps = timeline_steps(&app, &manager, &account, "recovery").await;
    assert_eq!(
        steps,
        ["initiated", "milestone_done", "milestones_added", "milestone_done", "milestone_done", "completed"]
    );
    let err = sqlx::query("UPDATE recovery_actions SET notes = 'x'").execute(&app.db).await.expect_err("final");
    assert!(err.to_string().contains("immutable"), "{err}");
}

/// Recommends a write-off of the account's whole balance as `who`; its id.
async fn recommended(app: &TestApp, who: &str, account: &str, amount: &str) -> String {
    let token = app.token(who).await;
    let body = json!({"amount": amount, "reason": "Debtor deceased; the estate has no assets."});
    let draft =
        ok(post(app, &token, &format!("/api/v1/accounts/{account}/write-offs"), body).await, 201, "draft").await;
    let id = draft["id"].as_str().unwrap().to_owned();
    let done =
        ok(post(app, &token, &format!("/api/v1/write-offs/{id}/recommend"), json!({})).await, 200, "recommend").await;
    assert_eq!(done["status"], "recommended");
    id
}

async fn ledger(app: &TestApp, token: &str, account: &str) -> Vec<Value> {
    let ledger: Value = app.get_as(token, &format!("/api/v1/accounts/{account}/ledger")).await.json().await.unwrap();
    ledger["items"].as_array().expect("entries").clone()
}

#[tokio::test]
async fn the_board_approves_a_write_off_which_clears_the_balance_on_the_ledger_and_closes_the_account() {
    let app = spawn_app_at(at(NOW)).await;
    let demo = app.seed().await;
    let account = assigned_account(&app, "WOFF-1", demo.sarah).await;
    let (manager, compliance) = (app.token("demo.manager").await, app.token("demo.compliance").await);
    let requests = format!("/api/v1/accounts/{account}/write-offs");

    // For the whole balance only, one open request at a time.
    let partial = json!({"amount": "1000.00", "reason": "Uncollectible"});
    invalid(post(&app, &manager, &requests, partial).await, "amount").await;
    assert_problem(post(&app, &compliance, &requests, json!({"amount": "1250.50", "reason": "x"})).await, 403).await;
    let id = recommended(&app, "demo.manager", &account, "1250.50").await;
    let again = refused(
        post(&app, &manager, &requests, json!({"amount": "1250.50", "reason": "again"})).await,
        "write-off-open",
    )
    .await;
    assert_eq!(again["existing_id"], id.as_str());

    // The board's queue; the manager who recommended it cannot decide it.
    let queue: Value = app.get_as(&compliance, "/api/v1/write-offs?status=recommended").await.json().await.unwrap();
    assert_eq!(queue.as_array().unwrap().iter().map(|w| w["id"].as_str().unwrap()).collect::<Vec<_>>(), [id.as_str()]);
    let approve = format!("/api/v1/write-offs/{id}/approve");
    assert_problem(post(&app, &manager, &approve, json!({"minutes": "approved"})).await, 403).await;
    invalid(post(&app, &compliance, &approve, json!({"minutes": " "})).await, "minutes").await;
    let minutes = json!({"minutes": "Board meeting of 1 December 2026: approved."});
    let key = "approve-woff-1";
    let approved =
        ok(app.send_with_key(Method::POST, &approve, &compliance, Some(key), Some(&minutes)).await, 200, "approve")
            .await;
    assert_eq!((approved["status"].as_str(), approved["decided_on"].as_str()), (Some("approved"), Some("2026-12-01")));
    assert_eq!(approved["current_balance"], "0.00");
    // A retry replays the decision; another decision is refused.
    let replay =
        ok(app.send_with_key(Method::POST, &approve, &compliance, Some(key), Some(&minutes)).await, 200, "replay")
            .await;
    assert_eq!(replay, approved);
    refused(post(&app, &compliance, &approve, minutes).await, "wrong-status").await;

    // Exactly one write-off entry for the balance, balanced, and the account closed at zero.
    let entries = ledger(&app, &manager, &account).await;
    let write_offs: Vec<&Value> = entries.iter().filter(|e| e["kind"] == "write_off").collect();
    assert_eq!(write_offs.len(), 1, "{entries:?}");
    assert_eq!(write_offs[0]["entry_id"], approved["entry_id"]);
    let lines: Vec<(&str, &str, &str)> = write_offs[0]["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| (l["ledger_account"].as_str().unwrap(), l["debit"].as_str().unwrap(), l["credit"].as_str().unwrap()))
        .collect();
    assert_eq!(
        lines,
        [("write_off", "1250.50", "0.00"), ("receivable", "0.00", "1250.50")],
        "balanced: debit write-off, credit receivable"
    );
    let account_now: Value = app.get_as(&manager, &format!("/api/v1/accounts/{account}")).await.json().await.unwrap();
    assert_eq!(
        (account_now["status"].as_str(), account_now["current_balance"].as_str()),
        (Some("closed"), Some("0.00"))
    );
    let receivable: rust_decimal::Decimal = sqlx::query_scalar(
        "SELECT coalesce(sum(l.debit - l.credit), 0) FROM journal_lines l JOIN journal_entries e
           ON e.agency_id = l.agency_id AND e.id = l.entry_id
         WHERE e.account_id = $1::uuid AND l.ledger_account = 'receivable'",
    )
    .bind(&account)
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert!(receivable.is_zero(), "the receivable is zero on the ledger: {receivable}");
    assert_eq!(timeline_steps(&app, &manager, &account, "write_off").await, ["drafted", "recommended", "approved"]);
    let dashboard = "/api/v1/analytics/dashboard?from=2026-12-01&to=2026-12-01";
    let figures: Value = app.get_as(&manager, dashboard).await.json().await.unwrap();
    assert_eq!(
        (figures["current"]["write_offs"].as_i64(), figures["current"]["written_off"].as_str()),
        (Some(1), Some("1250.50"))
    );

    // Decided is final, in the database too.
    let err =
        sqlx::query("UPDATE write_off_requests SET reason = 'changed'").execute(&app.db).await.expect_err("final");
    assert!(err.to_string().contains("immutable"), "{err}");
}

#[tokio::test]
async fn a_rejected_write_off_posts_nothing_and_a_changed_balance_or_the_recommender_cannot_approve() {
    let app = spawn_app_at(at(NOW)).await;
    let demo = app.seed().await;
    let (admin, compliance) = (app.token("demo.admin").await, app.token("demo.compliance").await);

    // Rejected: nothing on the ledger, the account as it was.
    let kept = assigned_account(&app, "WOFF-2", demo.sarah).await;
    let id = recommended(&app, "demo.manager", &kept, "1250.50").await;
    let rejected = ok(
        post(&app, &compliance, &format!("/api/v1/write-offs/{id}/reject"), json!({"minutes": "Assets found."})).await,
        200,
        "reject",
    )
    .await;
    assert_eq!((rejected["status"].as_str(), rejected["entry_id"].as_null()), (Some("rejected"), Some(())));
    assert!(ledger(&app, &admin, &kept).await.iter().all(|e| e["kind"] != "write_off"));
    let account: Value = app.get_as(&admin, &format!("/api/v1/accounts/{kept}")).await.json().await.unwrap();
    assert_eq!((account["status"].as_str(), account["current_balance"].as_str()), (Some("assigned"), Some("1250.50")));

    // An agency admin who recommended a request does not decide it (four eyes).
    let own = assigned_account(&app, "WOFF-3", demo.sarah).await;
    let id = recommended(&app, "demo.admin", &own, "1250.50").await;
    invalid(
        post(&app, &admin, &format!("/api/v1/write-offs/{id}/approve"), json!({"minutes": "ok"})).await,
        "decision",
    )
    .await;

    // A payment since the recommendation: approval is refused, nothing posted.
    let body = json!({"account_id": own, "amount": "50.00", "method": "cash", "paid_on": "2026-12-01"});
    ok(crate::payments::pay(&app, &admin, "woff-3-pay", &body).await, 201, "payment").await;
    let stale = refused(
        post(&app, &compliance, &format!("/api/v1/write-offs/{id}/approve"), json!({"minutes": "ok"})).await,
        "write-off-balance-changed",
    )
    .await;
    assert!(stale["detail"].as_str().unwrap().contains("1200.50"), "{stale}");
    assert!(ledger(&app, &admin, &own).await.iter().all(|e| e["kind"] != "write_off"));

    // A plan's account is not written off (the plan is cancelled first).
    let plan_account = assigned_account(&app, "WOFF-4", demo.sarah).await;
    sqlx::query("UPDATE accounts SET status = 'payment_plan' WHERE id = $1::uuid")
        .bind(&plan_account)
        .execute(&app.db)
        .await
        .unwrap();
    let manager = app.token("demo.manager").await;
    let refusal = refused(
        post(
            &app,
            &manager,
            &format!("/api/v1/accounts/{plan_account}/write-offs"),
            json!({"amount": "1250.50", "reason": "x"}),
        )
        .await,
        "wrong-status",
    )
    .await;
    assert_eq!(refusal["allowed_statuses"], json!(["new", "assigned", "in_contact", "negotiating"]));
}

#[tokio::test]
async fn the_remedial_jobs_remind_flag_and_roll_up_once_per_date() {
    let app = spawn_app_at(at(NOW)).await;
    let demo = app.seed().await;
    let account = assigned_account(&app, "JOBS-1", demo.sarah).await;
    let manager = app.token("demo.manager").await;
    let case = ok(
        post(
            &app,
            &manager,
            &format!("/api/v1/accounts/{account}/legal-cases"),
            json!({"court": "Court", "amount_claimed": "100", "case_number": "J-1"}),
        )
        .await,
        201,
        "draft",
    )
    .await;
    let case = case["id"].as_str().unwrap();
    ok(
        post(&app, &manager, &format!("/api/v1/legal-cases/{case}/file"), json!({"filed_on": "2026-11-20"})).await,
        200,
        "file",
    )
    .await;
    for (starts_at, purpose) in [("2026-12-03T15:00:00Z", "Pre-trial"), ("2026-12-09T15:00:00Z", "Trial")] {
        let hearing = json!({"starts_at": starts_at, "venue": "Room 2", "purpose": purpose});
        ok(post(&app, &manager, &format!("/api/v1/legal-cases/{case}/hearings"), hearing).await, 201, "hearing").await;
    }

    // Hearings within 3 days: the pre-trial, to the manager and the collector, once.
    let reminded = run(&app, Job::HearingReminders, demo.agency, "2026-12-01").await;
    assert_eq!((reminded.records_scanned, reminded.notifications_sent), (1, 2));
    let again = run(&app, Job::HearingReminders, demo.agency, "2026-12-02").await;
    assert_eq!((again.records_scanned, again.notifications_sent), (1, 0), "each hearing once");
    let trial = run(&app, Job::HearingReminders, demo.agency, "2026-12-06").await;
    assert_eq!(trial.notifications_sent, 2, "the trial, three days ahead");
    let sarah = app.token("sarah.mitchell").await;
    let notes: Value = app.get_as(&sarah, "/api/v1/notifications").await.json().await.unwrap();
    let hearing_notes: Vec<&Value> =
        notes["items"].as_array().unwrap().iter().filter(|n| n["kind"] == "hearing_reminder").collect();
    assert_eq!(hearing_notes.len(), 2);
    assert!(hearing_notes.iter().any(|n| n["title"] == "Hearing on 2026-12-03 at 10:00"), "{hearing_notes:?}");

    // The roll-up: the next hearing from the date on; a re-run changes nothing; a later date moves it.
    let rolled = run(&app, Job::NextHearingRollup, demo.agency, "2026-12-01").await;
    assert_eq!((rolled.records_scanned, rolled.records_updated), (1, 1));
    let read: Value = app.get_as(&manager, &format!("/api/v1/legal-cases/{case}")).await.json().await.unwrap();
    assert_eq!(
        read["next_hearing_at"].as_str().map(|s| s.parse::<DateTime<Utc>>().unwrap()),
        Some(at("2026-12-03T15:00:00Z"))
    );
    assert_eq!(run(&app, Job::NextHearingRollup, demo.agency, "2026-12-01").await.records_updated, 0);
    assert_eq!(run(&app, Job::NextHearingRollup, demo.agency, "2026-12-04").await.records_updated, 1);
    let read: Value = app.get_as(&manager, &format!("/api/v1/legal-cases/{case}")).await.json().await.unwrap();
    assert_eq!(
        read["next_hearing_at"].as_str().map(|s| s.parse::<DateTime<Utc>>().unwrap()),
        Some(at("2026-12-09T15:00:00Z"))
    );

    // Milestones past their target and not done: flagged once, the initiator told once.
    let body = json!({"kind": "repossession", "milestones": [
        {"name": "Notice served", "target_on": "2026-12-02"}, {"name": "Asset recovered", "target_on": "2026-12-20"}]});
    ok(post(&app, &manager, &format!("/api/v1/accounts/{account}/recovery-actions"), body).await, 201, "initiate")
        .await;
    let none = run(&app, Job::MilestoneOverdueScan, demo.agency, "2026-12-02").await;
    assert_eq!(none.records_updated, 0, "due today is not overdue");
    let flagged = run(&app, Job::MilestoneOverdueScan, demo.agency, "2026-12-03").await;
    assert_eq!((flagged.records_updated, flagged.notifications_sent), (1, 1));
    let replayed = run(&app, Job::MilestoneOverdueScan, demo.agency, "2026-12-04").await;
    assert_eq!((replayed.records_updated, replayed.notifications_sent), (0, 0), "flagged once");
    let actions: Value =
        app.get_as(&manager, &format!("/api/v1/accounts/{account}/recovery-actions")).await.json().await.unwrap();
    assert_eq!(actions[0]["milestones"][0]["overdue_since"], "2026-12-03");
    assert_eq!(actions[0]["milestones"][1]["overdue_since"], Value::Null);
    assert_eq!(timeline_steps(&app, &manager, &account, "recovery").await, ["initiated", "milestone_overdue"]);
}
