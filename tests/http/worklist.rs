//! The worklist: filters, sorts, keyset pages that lose and repeat nothing under
//! concurrent inserts, collector visibility, and bad parameters named.

use debtflow_tests::{assert_problem, spawn_app, TestApp};
use reqwest::Method;
use serde_json::{json, Value};
use std::collections::BTreeSet;

async fn create(
    app: &TestApp,
    token: &str,
    n: usize,
    name: &str,
    balance: &str,
    days_ago: u64,
    priority: u8,
) -> String {
    // Days past due count in the agency's time zone.
    let today: chrono::NaiveDate =
        sqlx::query_scalar("SELECT (now() AT TIME ZONE 'America/New_York')::date").fetch_one(&app.db).await.unwrap();
    let delinquent = today - chrono::Duration::days(days_ago as i64 + 1);
    let body = json!({
        "external_ref": format!("WL-{n:04}"), "original_balance": balance, "creditor": "Acme Bank",
        "delinquency_date": delinquent, "priority": priority, "debtor": {"full_name": name}
    });
    let response = app.send(Method::POST, "/api/v1/accounts", token, Some(&body)).await;
    assert_eq!(response.status(), 201);
    response.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_owned()
}

async fn ids(app: &TestApp, token: &str, query: &str) -> Vec<String> {
    let response = app.get_as(token, &format!("/api/v1/accounts?{query}")).await;
    assert_eq!(response.status(), 200, "{query}");
    let page: Value = response.json().await.unwrap();
    page["items"].as_array().unwrap().iter().map(|a| a["external_ref"].as_str().unwrap().to_owned()).collect()
}

/// `GET /accounts/count` for the same query.
async fn total(app: &TestApp, token: &str, query: &str) -> i64 {
    let response = app.get_as(token, &format!("/api/v1/accounts/count?{query}")).await;
    assert_eq!(response.status(), 200, "count {query}");
    response.json::<Value>().await.unwrap()["total"].as_i64().unwrap()
}

/// A search answers an inbound call: an exact reference, phone or email alone; else the
/// names holding every word of the query alone; else the names most like it, best
/// first; one page at most, within the other filters.
#[tokio::test]
async fn a_search_ranks_the_best_matches_first_in_one_page() {
    let app = spawn_app().await;
    let demo = app.seed().await;
    let manager = app.token("demo.manager").await;
    let people = [("Jon Smyth", "300.00"), ("John Smith", "900.00"), ("Smithson Carter", "50.00")];
    for (n, (name, balance)) in people.into_iter().chain([("Maria Lopez", "10.00"), ("Ann Brown", "20.00")]).enumerate()
    {
        create(&app, &manager, n + 1, name, balance, 10, 1).await;
    }
    assert_eq!(ids(&app, &manager, "q=smith").await, ["WL-0002"], "the word itself answers alone");
    assert_eq!(ids(&app, &manager, "q=SMITH%20%20john").await, ["WL-0002"], "in any case and order");
    assert_eq!(ids(&app, &manager, "q=smi").await, ["WL-0002", "WL-0003", "WL-0001"], "the likest first");
    assert_eq!(ids(&app, &manager, "q=smi&sort=balance&order=asc").await, ["WL-0002", "WL-0003", "WL-0001"], "ranked");
    assert_eq!(ids(&app, &manager, "q=smi&limit=1").await, ["WL-0002"], "one page");
    assert_eq!(
        ids(&app, &manager, "q=smi&limit=1&balance_max=100").await,
        ["WL-0003"],
        "filters narrow the likest 200"
    );
    let page: Value = app.get_as(&manager, "/api/v1/accounts?q=smi&limit=1").await.json().await.unwrap();
    assert!(page["next_cursor"].is_null(), "a search is one page: {page}");
    assert_eq!(ids(&app, &manager, "q=smyth").await, ["WL-0001"], "Smith is not Smyth while Smyth is there");
    assert_eq!(ids(&app, &manager, "q=smith%20cart").await, ["WL-0003"], "each word like a word of the name");
    assert_eq!(ids(&app, &manager, "q=brwon").await, ["WL-0005"], "a typo with no closer name, looser");
    assert_eq!(ids(&app, &manager, "q=lopes").await, ["WL-0004"], "misspelt");
    assert_eq!(ids(&app, &manager, "q=maria%20lopez").await, ["WL-0004"]);
    assert_eq!(ids(&app, &manager, "q=maria%20brown").await, Vec::<String>::new(), "every word must match");
    assert_eq!(ids(&app, &manager, "q=WL-0005").await, ["WL-0005"], "an exact reference");
    assert_eq!(ids(&app, &manager, "q=smith&priority=0").await, Vec::<String>::new(), "the other filters narrow it");

    // An exact phone or email, ahead of any name.
    let owner = json!({"debtor": {"full_name": "Smith Phoneowner", "phone": "+1 555 0199", "email": "Pay.Me@Example.com"},
        "external_ref": "WL-0006", "original_balance": "50.00", "creditor": "Acme Bank",
        "delinquency_date": "2026-10-01"});
    assert_eq!(app.send(Method::POST, "/api/v1/accounts", &manager, Some(&owner)).await.status(), 201);
    assert_eq!(ids(&app, &manager, "q=%2B1%20555%200199").await, ["WL-0006"]);
    assert_eq!(ids(&app, &manager, "q=pay.me%40example.com").await, ["WL-0006"], "email in any case");

    // A collector finds their own accounts, however many better matches others hold.
    let found: Value = app.get_as(&manager, "/api/v1/accounts?q=Smithson").await.json().await.unwrap();
    let smithson = found["items"][0]["id"].as_str().unwrap().to_owned();
    let assign = json!({"collector_id": demo.sarah});
    app.send(Method::POST, &format!("/api/v1/accounts/{smithson}/assign"), &manager, Some(&assign)).await;
    let sarah = app.token("sarah.mitchell").await;
    assert_eq!(ids(&app, &sarah, "q=smith").await, ["WL-0003"]);
    assert_eq!(total(&app, &manager, "q=smith").await, 2, "the count selects what the search does");
    assert_eq!(total(&app, &manager, "q=smi").await, 4);

    // An exact reference answers alone, however many names are like it.
    let named = json!({"debtor": {"full_name": "Ann Other"}, "external_ref": "Smith", "original_balance": "50.00",
        "creditor": "Acme Bank", "delinquency_date": "2026-10-01"});
    assert_eq!(app.send(Method::POST, "/api/v1/accounts", &manager, Some(&named)).await.status(), 201);
    assert_eq!(ids(&app, &manager, "q=Smith").await, ["Smith"]);

    // A name rewritten (as an import's update does) is found by its new words, whole or not.
    sqlx::query("UPDATE debtors SET full_name = 'Ann Zebedee' WHERE full_name = 'Ann Brown'")
        .execute(&app.db)
        .await
        .unwrap();
    assert_eq!(ids(&app, &manager, "q=zebedee").await, ["WL-0005"]);
    assert_eq!(ids(&app, &manager, "q=zebde").await, ["WL-0005"]);
    assert_eq!(ids(&app, &manager, "q=brown").await, Vec::<String>::new());
}

#[tokio::test]
async fn filters_and_sorts_select_the_right_accounts() {
    let app = spawn_app().await;
    let demo = app.seed().await;
    let manager = app.token("demo.manager").await;
    let a = create(&app, &manager, 1, "Maria Lopez", "100.00", 10, 0).await;
    create(&app, &manager, 2, "John Smith", "5000.00", 45, 3).await;
    create(&app, &manager, 3, "Jon Smyth", "750.00", 75, 1).await;
    create(&app, &manager, 4, "Ann Brown", "20000.00", 200, 2).await;
    app.send(
        Method::POST,
        &format!("/api/v1/accounts/{a}/assign"),
        &manager,
        Some(&json!({"collector_id": demo.sarah})),
    )
    .await;

    assert_eq!(ids(&app, &manager, "sort=balance&order=asc").await, ["WL-0001", "WL-0003", "WL-0002", "WL-0004"]);
    assert_eq!(ids(&app, &manager, "sort=days_past_due").await, ["WL-0004", "WL-0003", "WL-0002", "WL-0001"]);
    assert_eq!(ids(&app, &manager, "sort=priority").await, ["WL-0002", "WL-0004", "WL-0003", "WL-0001"]);
    assert_eq!(ids(&app, &manager, "status=ASSIGNED").await, ["WL-0001"]);
    assert_eq!(ids(&app, &manager, "status=new,assigned&sort=balance&order=asc").await.len(), 4);
    assert_eq!(ids(&app, &manager, "priority=2,3&sort=balance").await, ["WL-0004", "WL-0002"]);
    assert_eq!(ids(&app, &manager, "balance_min=500&balance_max=5000&sort=balance").await, ["WL-0002", "WL-0003"]);
    assert_eq!(ids(&app, &manager, "bucket=31-60").await, ["WL-0002"]);
    assert_eq!(ids(&app, &manager, "bucket=61-90,90%2B&sort=balance").await, ["WL-0004", "WL-0003"]);
    assert_eq!(ids(&app, &manager, "collector=me").await, Vec::<String>::new());
    assert_eq!(ids(&app, &manager, &format!("collector={}", demo.sarah)).await, ["WL-0001"]);
    assert_eq!(ids(&app, &manager, "collector=none&sort=balance&order=asc").await, ["WL-0003", "WL-0002", "WL-0004"]);
    assert_eq!(ids(&app, &manager, "q=smith").await, ["WL-0002"], "the closest names (a_search_ranks_…)");
    assert_eq!(ids(&app, &manager, "q=WL-0004").await, ["WL-0004"], "exact reference");

    let sarah = app.token("sarah.mitchell").await;
    assert_eq!(ids(&app, &sarah, "").await, ["WL-0001"], "a collector sees only their own");
    assert_eq!(ids(&app, &sarah, &format!("collector={}", demo.james)).await, ["WL-0001"]);
    let page: Value = app.get_as(&manager, "/api/v1/accounts?bucket=90%2B").await.json().await.unwrap();
    assert_eq!(page["items"][0]["bucket"], "90+");
    assert_eq!(page["items"][0]["days_past_due"], 201);

    // The count selects what the list does, whatever the list's page size.
    for (query, expected) in [
        ("", 4),
        ("limit=1&sort=balance", 4),
        ("status=ASSIGNED", 1),
        ("priority=2,3", 2),
        ("balance_min=500&balance_max=5000", 2),
        ("bucket=61-90,90%2B", 2),
        ("collector=none", 3),
        ("q=smith", 1),
        ("q=WL-0004", 1),
        ("q=nobody-at-all", 0),
    ] {
        assert_eq!(total(&app, &manager, query).await, expected, "{query}");
    }
    assert_eq!(total(&app, &sarah, "").await, 1, "a collector counts only their own");
    assert_eq!(total(&app, &sarah, &format!("collector={}", demo.james)).await, 1);
}

#[tokio::test]
async fn pages_lose_and_repeat_nothing_while_accounts_are_added() {
    let app = spawn_app().await;
    app.seed().await;
    let manager = app.token("demo.manager").await;
    let mut originals = BTreeSet::new();
    for n in 0..23 {
        create(&app, &manager, n, "Pat Doe", &format!("{}.00", 100 + (n * 37) % 50), n as u64, (n % 4) as u8).await;
        originals.insert(format!("WL-{n:04}"));
    }

    let mut extra = 1000;
    for (sort, order) in [("created", "desc"), ("balance", "asc"), ("priority", "desc"), ("days_past_due", "asc")] {
        let mut seen = Vec::new();
        let mut query = format!("sort={sort}&order={order}&limit=5");
        loop {
            let page: Value = app.get_as(&manager, &format!("/api/v1/accounts?{query}")).await.json().await.unwrap();
            seen.extend(
                page["items"].as_array().unwrap().iter().map(|a| a["external_ref"].as_str().unwrap().to_owned()),
            );
            // Someone imports an account between two pages.
            create(&app, &manager, extra, "New Comer", "120.00", 3, 1).await;
            extra += 1;
            match page["next_cursor"].as_str() {
                Some(cursor) => query = format!("sort={sort}&order={order}&limit=5&cursor={cursor}"),
                None => break,
            }
        }
        let unique: BTreeSet<&String> = seen.iter().collect();
        assert_eq!(unique.len(), seen.len(), "{sort} {order}: a row repeated");
        let seen_originals: BTreeSet<String> = seen.into_iter().filter(|r| originals.contains(r)).collect();
        assert_eq!(seen_originals, originals, "{sort} {order}: a row lost");
    }
}

#[tokio::test]
async fn bad_parameters_are_named() {
    let app = spawn_app().await;
    app.seed().await;
    let manager = app.token("demo.manager").await;
    create(&app, &manager, 1, "Pat Doe", "10.00", 1, 0).await;
    create(&app, &manager, 2, "Pat Doe", "10.00", 1, 0).await;
    let page: Value = app.get_as(&manager, "/api/v1/accounts?sort=balance&limit=1").await.json().await.unwrap();
    let balance_cursor = page["next_cursor"].as_str().unwrap().to_owned();

    for (query, field) in [
        ("status=paid", "status"),
        ("priority=7", "priority"),
        ("bucket=100%2B", "bucket"),
        ("sort=name", "sort"),
        ("order=up", "order"),
        ("collector=someone", "collector"),
        ("balance_min=abc", "balance_min"),
        ("limit=0", "limit"),
        ("limit=201", "limit"),
        (&format!("sort=created&cursor={balance_cursor}") as &str, "cursor"),
        ("cursor=zzzz", "cursor"),
        ("colour=red", "colour"),
    ] {
        let problem = assert_problem(app.get_as(&manager, &format!("/api/v1/accounts?{query}")).await, 422).await;
        assert!(problem["errors"][field].is_array(), "{query}: {problem}");
    }
    for (query, field) in [("status=paid", "status"), ("bucket=100%2B", "bucket"), ("colour=red", "colour")] {
        let path = format!("/api/v1/accounts/count?{query}");
        let problem = assert_problem(app.get_as(&manager, &path).await, 422).await;
        assert!(problem["errors"][field].is_array(), "count {query}: {problem}");
    }
}
