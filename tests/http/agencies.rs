//! The platform's agencies: a platform admin opens one with its first agency admin
//! (who must change the temporary password first), and closes or reopens it.

use debtflow_tests::{assert_problem, spawn_app};
use reqwest::Method;
use serde_json::{json, Value};

fn new_agency(licence: &str) -> Value {
    json!({
        "name": "Acme Recoveries", "licence_number": licence, "currency": "EUR", "time_zone": "Europe/Madrid",
        "admin": {"username": "acme.admin", "full_name": "Alex Admin", "email": "alex@acme.example"}
    })
}

#[tokio::test]
async fn a_platform_admin_opens_an_agency_whose_first_admin_takes_it_from_there() {
    let app = spawn_app().await;
    app.seed().await;
    let platform = app.token("platform.admin").await;

    let response = app.send(Method::POST, "/api/v1/agencies", &platform, Some(&new_agency("ACME-1"))).await;
    assert_eq!(response.status(), 201);
    assert_eq!(response.headers()["cache-control"], "no-store");
    let created: Value = response.json().await.unwrap();
    assert_eq!(
        (created["agency"]["currency"].as_str(), created["agency"]["is_active"].as_bool()),
        (Some("EUR"), Some(true))
    );
    assert_eq!(created["admin"]["role"], "agency_admin");
    assert_eq!(created["admin"]["agency_id"], created["agency"]["id"]);
    let temporary = created["temporary_password"].as_str().unwrap();

    let pair = app.login("acme.admin", temporary).await;
    let change = json!({"current_password": temporary, "new_password": "alex runs acme now"});
    assert_eq!(
        app.send(Method::POST, "/api/v1/auth/password", pair["access"].as_str().unwrap(), Some(&change)).await.status(),
        204
    );
    let admin = app.login("acme.admin", "alex runs acme now").await["access"].as_str().unwrap().to_owned();
    let me: Value = app.get_as(&admin, "/api/v1/auth/me").await.json().await.unwrap();
    assert_eq!(me["agency"]["name"], "Acme Recoveries");
    let staff = json!({"username": "acme.manager", "full_name": "Mo Manager", "role": "manager"});
    assert_eq!(app.send(Method::POST, "/api/v1/users", &admin, Some(&staff)).await.status(), 201);
    let trail: Value = app.get_as(&admin, "/api/v1/audit-logs?action=agency.create").await.json().await.unwrap();
    assert_eq!(trail["items"][0]["entity_id"], created["agency"]["id"], "on the new agency's own trail");
}

#[tokio::test]
async fn bad_agencies_are_refused_and_only_platform_admins_open_them() {
    let app = spawn_app().await;
    app.seed().await;
    let platform = app.token("platform.admin").await;
    let mut zone = new_agency("ACME-2");
    zone["time_zone"] = json!("Mars/Olympus_Mons");
    let problem = assert_problem(app.send(Method::POST, "/api/v1/agencies", &platform, Some(&zone)).await, 422).await;
    assert!(problem["errors"]["time_zone"].is_array(), "{problem}");
    for code in ["usd", "XYZ"] {
        let mut currency = new_agency("ACME-2");
        currency["currency"] = json!(code);
        let problem =
            assert_problem(app.send(Method::POST, "/api/v1/agencies", &platform, Some(&currency)).await, 422).await;
        assert!(problem["errors"]["currency"].is_array(), "{code}: {problem}");
    }
    let taken = new_agency("DRA-2026-0001");
    let problem = assert_problem(app.send(Method::POST, "/api/v1/agencies", &platform, Some(&taken)).await, 409).await;
    assert_eq!(problem["type"], "urn:debtflow:problem:duplicate-licence");
    let mut username = new_agency("ACME-3");
    username["admin"]["username"] = json!("sarah.mitchell");
    let problem =
        assert_problem(app.send(Method::POST, "/api/v1/agencies", &platform, Some(&username)).await, 409).await;
    assert_eq!(problem["type"], "urn:debtflow:problem:username-taken");
    let admin = app.token("demo.admin").await;
    assert_problem(app.send(Method::POST, "/api/v1/agencies", &admin, Some(&new_agency("ACME-4"))).await, 403).await;

    let count: i64 = sqlx::query_scalar("SELECT count(*) FROM agencies WHERE licence_number LIKE 'ACME-%'")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(count, 0, "nothing refused was written, not even the agency of a refused admin");
}

#[tokio::test]
async fn a_closed_agency_signs_its_users_out_and_stops_its_jobs_until_reopened() {
    let app = spawn_app().await;
    let demo = app.seed().await;
    let platform = app.token("platform.admin").await;
    let sarah = app.token("sarah.mitchell").await;

    let path = format!("/api/v1/agencies/{}/deactivate", demo.agency);
    assert_problem(app.send(Method::POST, &path, &app.token("demo.admin").await, None).await, 403).await;
    let closed: Value = app.send(Method::POST, &path, &platform, None).await.json().await.unwrap();
    assert_eq!(closed["is_active"], false);
    assert_problem(app.get_as(&sarah, "/api/v1/accounts").await, 401).await;
    assert_eq!(app.login_response("sarah.mitchell", "Collector@2026").await.status(), 401);
    let dates = debtflow_api::store::job_runs::agency_dates(&app.db, chrono::Utc::now(), None).await.unwrap();
    assert!(dates.iter().all(|d| d.agency_id != demo.agency), "no jobs for a closed agency");
    app.token("nw.admin").await; // other agencies carry on

    let path = format!("/api/v1/agencies/{}/reactivate", demo.agency);
    assert_eq!(app.send(Method::POST, &path, &platform, None).await.status(), 200);
    app.token("sarah.mitchell").await;
    let trail: Value = app.get_as(&platform, "/api/v1/audit-logs?entity_type=agency").await.json().await.unwrap();
    let actions: Vec<&str> = trail["items"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert!(actions.starts_with(&["agency.reactivate", "agency.deactivate"]), "{actions:?}");
}

/// `debtflow create-admin` against the test's database: its exit code, stdout, stderr.
fn create_admin(app: &debtflow_tests::TestApp, args: &[&str]) -> (i32, String, String) {
    let output = std::process::Command::new(debtflow_tests::debtflow_bin())
        .arg("create-admin")
        .args(args)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("DATABASE_URL", app.database.url())
        .env("RUST_LOG", "warn")
        .output()
        .expect("run debtflow create-admin");
    let text = |b: Vec<u8>| String::from_utf8(b).unwrap();
    (output.status.code().expect("an exit code"), text(output.stdout), text(output.stderr))
}

#[tokio::test]
async fn on_a_fresh_install_create_admin_makes_the_first_platform_admin_who_opens_an_agency() {
    let app = spawn_app().await;
    let (code, stdout, stderr) = create_admin(&app, &["first.admin", "--full-name", "Fran First"]);
    assert_eq!(code, 0, "{stderr}");
    let temporary = stdout.trim();
    assert_eq!(temporary.len(), 23, "four groups of five: {stdout:?}");

    // The temporary password opens only the password change.
    let pair = app.login("first.admin", temporary).await;
    let access = pair["access"].as_str().unwrap();
    let me: Value = app.get_as(access, "/api/v1/auth/me").await.json().await.unwrap();
    assert_eq!((me["role"].as_str(), me["password_change_required"].as_bool()), (Some("admin"), Some(true)));
    assert_eq!(me["agency"], Value::Null);
    assert_problem(app.send(Method::POST, "/api/v1/agencies", access, Some(&new_agency("F-1"))).await, 403).await;
    let change = json!({"current_password": temporary, "new_password": "fran opens the platform"});
    assert_eq!(app.send(Method::POST, "/api/v1/auth/password", access, Some(&change)).await.status(), 204);
    let admin = app.login("first.admin", "fran opens the platform").await["access"].as_str().unwrap().to_owned();
    assert_eq!(app.send(Method::POST, "/api/v1/agencies", &admin, Some(&new_agency("F-1"))).await.status(), 201);
    let audited: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM audit_logs WHERE action = 'user.create' AND actor_id IS NULL AND after->>'username' = 'first.admin'",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(audited, 1);

    // A taken username or a bad one: a non-zero exit that says why, and nothing written.
    let (code, _, stderr) = create_admin(&app, &["first.admin", "--full-name", "Again"]);
    assert_ne!(code, 0);
    assert!(stderr.contains("the username `first.admin` is taken"), "{stderr}");
    let (code, _, stderr) = create_admin(&app, &["Bad Name", "--full-name", "X"]);
    assert_ne!(code, 0);
    assert!(stderr.contains("username"), "{stderr}");
    let admins: i64 =
        sqlx::query_scalar("SELECT count(*) FROM users WHERE role = 'admin'").fetch_one(&app.db).await.unwrap();
    assert_eq!(admins, 1);
}
