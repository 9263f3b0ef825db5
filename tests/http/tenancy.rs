//! One agency never sees another's rows: the application scopes every query, and
//! PostgreSQL row-level security is the second wall.

use debtflow_api::db::{self, Scope};
use debtflow_tests::{assert_problem, spawn_app};
use reqwest::Method;
use serde_json::{json, Value};

#[tokio::test]
async fn another_agencys_rows_are_404_on_every_read_and_write() {
    let app = spawn_app().await;
    let demo = app.seed().await;
    let northwind = app.token("nw.admin").await;

    let cases = [
        (Method::GET, format!("/api/v1/agencies/{}", demo.agency), None),
        (Method::PATCH, format!("/api/v1/agencies/{}", demo.agency), Some(json!({"name": "Taken over"}))),
        (Method::GET, format!("/api/v1/collectors/{}", demo.sarah), None),
        (Method::PATCH, format!("/api/v1/collectors/{}", demo.sarah), Some(json!({"is_active": false}))),
    ];
    for (method, path, body) in cases {
        let response = app.send(method.clone(), &path, &northwind, body.as_ref()).await;
        assert_problem(response, 404).await;
    }

    // Nothing changed, and the lists show Northwind's rows only.
    let admin = app.token("demo.admin").await;
    let agency: Value = app.get_as(&admin, &format!("/api/v1/agencies/{}", demo.agency)).await.json().await.unwrap();
    assert_eq!(agency["name"], "Demo Recovery Agency");
    assert_eq!(app.login_response("sarah.mitchell", "Collector@2026").await.status(), 200);
    let agencies: Value = app.get_as(&northwind, "/api/v1/agencies").await.json().await.unwrap();
    let names: Vec<&str> = agencies["items"].as_array().unwrap().iter().map(|a| a["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["Northwind Collections"]);
    let users: Value = app.get_as(&northwind, "/api/v1/users").await.json().await.unwrap();
    let usernames: Vec<&str> =
        users["items"].as_array().unwrap().iter().map(|u| u["username"].as_str().unwrap()).collect();
    assert_eq!(usernames, ["nw.admin"]);
    let collectors: Value = app.get_as(&northwind, "/api/v1/collectors").await.json().await.unwrap();
    assert_eq!(collectors["items"], json!([]));
}

#[tokio::test]
async fn a_platform_admin_sees_every_agency() {
    let app = spawn_app().await;
    app.seed().await;
    let admin = app.token("platform.admin").await;

    let agencies: Value = app.get_as(&admin, "/api/v1/agencies").await.json().await.unwrap();

    assert_eq!(agencies["items"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn row_level_security_hides_rows_outside_the_transactions_scope() {
    let app = spawn_app().await;
    let demo = app.seed().await;

    // Scoped to Northwind: only its rows, even with no WHERE clause at all.
    let mut tx = db::begin(&app.db, Scope::Agency(demo.northwind)).await.unwrap();
    let users: Vec<String> = sqlx::query_scalar("SELECT username FROM users").fetch_all(&mut *tx).await.unwrap();
    let agencies: i64 = sqlx::query_scalar("SELECT count(*) FROM agencies").fetch_one(&mut *tx).await.unwrap();
    tx.rollback().await.unwrap();
    assert_eq!(users, ["nw.admin"]);
    assert_eq!(agencies, 1);

    // The application role without a scope sees nothing.
    let mut tx = app.db.begin().await.unwrap();
    sqlx::query("SET LOCAL ROLE debtflow_app").execute(&mut *tx).await.unwrap();
    let users: i64 = sqlx::query_scalar("SELECT count(*) FROM users").fetch_one(&mut *tx).await.unwrap();
    let audit: i64 = sqlx::query_scalar("SELECT count(*) FROM audit_logs").fetch_one(&mut *tx).await.unwrap();
    tx.rollback().await.unwrap();
    assert_eq!((users, audit), (0, 0));

    // Nor can it write into another agency.
    let mut tx = db::begin(&app.db, Scope::Agency(demo.northwind)).await.unwrap();
    let updated = sqlx::query("UPDATE users SET full_name = 'x' WHERE id = $1")
        .bind(demo.sarah)
        .execute(&mut *tx)
        .await
        .unwrap()
        .rows_affected();
    assert_eq!(updated, 0);
}

/// The scope holds inside a query's parallel workers (migrations/0039): a batch job's
/// scan spread over the cores sees the transaction's agency only, as the leader does.
/// A request's transaction plans on one core.
#[tokio::test]
async fn row_level_security_holds_in_parallel_workers() {
    let app = spawn_app().await;
    let demo = app.seed().await;

    let mut tx = db::begin(&app.db, Scope::Agency(demo.northwind)).await.unwrap();
    let request: String = sqlx::query_scalar("SHOW max_parallel_workers_per_gather").fetch_one(&mut *tx).await.unwrap();
    assert_eq!(request, "0");
    // Every row read by the workers, none by the leader.
    sqlx::raw_sql(
        "SET LOCAL max_parallel_workers_per_gather = 2; SET LOCAL parallel_leader_participation = off;
         SET LOCAL parallel_setup_cost = 0; SET LOCAL parallel_tuple_cost = 0;
         SET LOCAL min_parallel_table_scan_size = 0",
    )
    .execute(&mut *tx)
    .await
    .unwrap();
    let query = "SELECT array_agg(username ORDER BY username) FROM users";
    let plan: serde_json::Value =
        sqlx::query_scalar(&format!("EXPLAIN (ANALYZE, FORMAT JSON) {query}")).fetch_one(&mut *tx).await.unwrap();
    let users: Vec<String> = sqlx::query_scalar(query).fetch_one(&mut *tx).await.unwrap();
    tx.rollback().await.unwrap();
    let launched = plan.to_string().matches("\"Workers Launched\":").count();
    assert!(launched > 0 && !plan.to_string().contains("\"Workers Launched\":0"), "{plan}");
    assert_eq!(users, ["nw.admin"]);

    let mut batch = db::begin_batch(&app.db).await.unwrap();
    let server: String =
        sqlx::query_scalar("SHOW max_parallel_workers_per_gather").fetch_one(&mut *batch).await.unwrap();
    assert_ne!(server, "0", "a batch job keeps the server's parallel workers");
}

/// Every table that holds an agency's rows has the tenant policy, and every policy reads
/// the caller's agency once per statement (migrations/0015), not once per row.
#[tokio::test]
async fn every_tenant_policy_reads_the_callers_agency_once_per_statement() {
    let app = spawn_app().await;
    let unguarded: Vec<String> = sqlx::query_scalar(
        "SELECT c.relname::text FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'agency_id'
         WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'p') AND NOT c.relispartition
           AND NOT (c.relrowsecurity AND EXISTS (SELECT 1 FROM pg_policies p
                                                 WHERE p.tablename = c.relname AND p.policyname = 'tenant'))
         ORDER BY 1",
    )
    .fetch_all(&app.db)
    .await
    .unwrap();
    assert_eq!(unguarded, Vec::<String>::new(), "tables without the tenant policy (partitions: their parent's)");
    let per_row: Vec<String> = sqlx::query_scalar(
        "SELECT tablename::text FROM pg_policies
         WHERE schemaname = current_schema()
           AND replace(replace(qual, '( SELECT app_agency() AS app_agency)', ''),
                       '( SELECT app_platform() AS app_platform)', '') ~ 'app_(agency|platform)\\(\\)'
         ORDER BY 1",
    )
    .fetch_all(&app.db)
    .await
    .unwrap();
    assert_eq!(per_row, Vec::<String>::new(), "policies that call app_agency() or app_platform() per row");
    let policies: i64 = sqlx::query_scalar("SELECT count(*) FROM pg_policies WHERE schemaname = current_schema()")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert!(policies >= 34, "{policies}");
}

/// A name search (`search_debtors`, which runs as its owner for its indexes) reads the
/// transaction's own agency only, and every agency for the platform: by whole words and
/// by words like them.
#[tokio::test]
async fn a_name_search_reads_its_own_scope_only() {
    let app = spawn_app().await;
    let demo = app.seed().await;
    for (user, reference) in [("demo.manager", "SCOPE-1"), ("nw.admin", "SCOPE-2")] {
        let body = json!({"external_ref": reference, "original_balance": "10.00", "creditor": "Acme Bank",
            "delinquency_date": "2026-10-01", "debtor": {"full_name": "Zacharias Quillfeather"}});
        let response = app.send(Method::POST, "/api/v1/accounts", &app.token(user).await, Some(&body)).await;
        assert_eq!(response.status(), 201);
    }
    for (scope, query, expected) in [
        (Scope::Agency(demo.northwind), "quillfeather zacharias", 1),
        (Scope::Agency(demo.northwind), "quilfeather", 1),
        (Scope::Agency(demo.northwind), "zacharia quilfeather", 1),
        (Scope::Platform, "quillfeather zacharias", 2),
        (Scope::Platform, "quilfeather", 2),
        (Scope::Platform, "zacharia quilfeather", 2),
    ] {
        let mut tx = db::begin(&app.db, scope).await.unwrap();
        let found: i64 = sqlx::query_scalar("SELECT count(*) FROM search_debtors($1, 10, NULL)")
            .bind(query)
            .fetch_one(&mut *tx)
            .await
            .unwrap();
        tx.rollback().await.unwrap();
        assert_eq!(found, expected, "{query}");
    }
}
