//! What a careless or hostile client sends is a 4xx naming the field, never a 500 and
//! never half-written: loose decimals, dates outside the one range DebtFlow takes,
//! unbounded payment metadata.

use crate::payments::{count, ok, pay, today, working_account};
use debtflow_tests::{assert_problem, spawn_app};
use reqwest::Method;
use serde_json::json;

#[tokio::test]
async fn amounts_are_plain_decimal_strings_and_nothing_looser() {
    let app = spawn_app().await;
    app.seed().await;
    let manager = app.token("demo.manager").await;
    let account = working_account(&app, &manager, "HI-1").await;
    let paid_on = today(&app).await;
    let before = count(&app, "SELECT count(*) FROM payments").await;

    for (i, loose) in [json!("1_000"), json!("1e2"), json!("+10"), json!("10."), json!(".5"), json!(" 5"), json!(10.5)]
        .into_iter()
        .enumerate()
    {
        let body = json!({"account_id": account, "amount": loose, "method": "cash", "paid_on": paid_on});
        let refused = assert_problem(pay(&app, &manager, &format!("loose-{i}"), &body).await, 422).await;
        assert!(refused["errors"]["amount"][0].as_str().unwrap().contains("decimal number"), "{loose}: {refused}");
    }
    assert_eq!(count(&app, "SELECT count(*) FROM payments").await, before, "nothing written");

    // Query parameters too.
    let bounded = app.get_as(&manager, "/api/v1/accounts?balance_min=1e3").await;
    assert!(assert_problem(bounded, 422).await["errors"]["balance_min"].is_array());

    let plain = json!({"account_id": account, "amount": "10.50", "method": "cash", "paid_on": paid_on});
    let paid = ok(pay(&app, &manager, "plain", &plain).await, 201, "a plain amount").await;
    assert_eq!(paid["amount"], "10.50");
}

#[tokio::test]
async fn dates_outside_1900_to_2199_are_refused_by_name_in_bodies_and_queries() {
    let app = spawn_app().await;
    let demo = app.seed().await;
    let manager = app.token("demo.manager").await;
    let account = working_account(&app, &manager, "HI-2").await;
    let before = count(&app, "SELECT count(*) FROM payments").await;

    for (i, date) in ["-5000-01-01", "0000-01-01", "1899-12-31", "2200-01-01", "+262142-12-31"].iter().enumerate() {
        let body = json!({"account_id": account, "amount": "1.00", "method": "cash", "paid_on": date});
        let refused = assert_problem(pay(&app, &manager, &format!("date-{i}"), &body).await, 422).await;
        assert_eq!(refused["errors"]["paid_on"][0], "must be between 1900-01-01 and 2199-12-31", "{date}");

        let mut new_account = crate::accounts::new_account(&format!("HI-D{i}"));
        new_account["delinquency_date"] = json!(date);
        let created = app.send(Method::POST, "/api/v1/accounts", &manager, Some(&new_account)).await;
        assert!(assert_problem(created, 422).await["errors"]["delinquency_date"].is_array(), "{date}");
    }
    assert_eq!(count(&app, "SELECT count(*) FROM payments").await, before, "nothing written");

    // The query that overflowed a date addition and closed the connection unanswered,
    // and the one PostgreSQL refused (a 500).
    let collector = demo.sarah;
    for (query, field) in [("from=2026-01-01&to=%2B262142-12-31", "to"), ("from=-5000-01-01&to=2026-01-01", "from")] {
        let answer = app.get_as(&manager, &format!("/api/v1/collectors/{collector}/commission?{query}")).await;
        assert!(assert_problem(answer, 422).await["errors"][field].is_array(), "{query}");
    }
    let listed = app.get_as(&manager, "/api/v1/payments?paid_from=-5000-01-01").await;
    assert!(assert_problem(listed, 422).await["errors"]["paid_from"].is_array());
    let audited = app.get_as(&app.token("demo.admin").await, "/api/v1/audit-logs?from=-5000-01-01T00:00:00Z").await;
    assert!(assert_problem(audited, 422).await["errors"]["from"].is_array());
}

#[tokio::test]
async fn payment_metadata_is_a_few_short_strings() {
    let app = spawn_app().await;
    app.seed().await;
    let manager = app.token("demo.manager").await;
    let account = working_account(&app, &manager, "HI-3").await;
    let paid_on = today(&app).await;
    let before = count(&app, "SELECT count(*) FROM payments").await;

    let many: serde_json::Map<_, _> = (0..21).map(|i| (format!("k{i}"), json!("v"))).collect();
    for (i, metadata) in [
        json!(many),
        json!({"note": "x".repeat(501)}),
        json!({"k".repeat(41): "v"}),
        json!({"nested": {"a": "b"}}),
        json!({"count": 3}),
        json!(["a"]),
    ]
    .into_iter()
    .enumerate()
    {
        let body = json!({"account_id": account, "amount": "1.00", "method": "cash", "paid_on": paid_on, "metadata": metadata});
        let refused = assert_problem(pay(&app, &manager, &format!("meta-{i}"), &body).await, 422).await;
        let fields = refused["errors"].as_object().unwrap();
        let named = !fields.is_empty() && fields.keys().all(|field| field.starts_with("metadata"));
        assert!(named, "{i}: {refused}");
    }
    assert_eq!(count(&app, "SELECT count(*) FROM payments").await, before, "nothing written");

    let metadata = json!({"order": "A-17", "terminal": "t3"});
    let body =
        json!({"account_id": account, "amount": "1.00", "method": "cash", "paid_on": paid_on, "metadata": metadata});
    let paid = ok(pay(&app, &manager, "meta-ok", &body).await, 201, "metadata within bounds").await;
    assert_eq!(paid["metadata"], metadata);
}
