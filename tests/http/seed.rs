use debtflow_api::seed::seed_demo;
use debtflow_tests::TestDatabase;

#[tokio::test]
async fn seeding_the_demo_twice_changes_nothing() {
    let database = TestDatabase::migrated().await;
    let db = database.pool();

    let first = seed_demo(&db).await.unwrap();
    let snapshot = || async {
        sqlx::query_as::<_, (String, String, String, String)>(
            "SELECT u.username, u.role::text, a.name, u.password_hash
             FROM users u JOIN agencies a ON a.id = u.agency_id ORDER BY u.username",
        )
        .fetch_all(&db)
        .await
        .unwrap()
    };
    let before = snapshot().await;
    let second = seed_demo(&db).await.unwrap();

    assert_eq!(first.users_created, 8);
    assert_eq!(second.users_created, 0);
    assert_eq!(snapshot().await, before, "a second run changes no row");
    let agencies: Vec<String> = before.iter().map(|(_, _, a, _)| a.clone()).collect();
    assert!(agencies.contains(&"Demo Recovery Agency".into()) && agencies.contains(&"Northwind Collections".into()));
    let sarah = before.iter().find(|(u, ..)| u == "sarah.mitchell").unwrap();
    assert_eq!(sarah.1, "collector");
    assert!(debtflow_api::auth::password::verify("Collector@2026", &sarah.3));
}
