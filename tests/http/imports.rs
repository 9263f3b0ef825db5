//! CSV imports over HTTP: upload → 202 → background run → progress, row errors, the
//! duplicate-file rule, updates by external reference, mappings, and bad input.

use debtflow_tests::{assert_problem, spawn_app, spawn_app_with, TestApp};
use reqwest::{multipart, Method};
use serde_json::{json, Value};
use std::time::Duration;

const SAMPLE: &str = include_str!("../fixtures/placements.csv");
const HEADER: &str = "external_ref,creditor,original_balance,delinquency_date,debtor_name";

/// Uploads `csv` as `name`, with the form's other parts.
pub async fn upload(app: &TestApp, token: &str, name: &str, csv: &[u8], extra: &[(&str, &str)]) -> reqwest::Response {
    let mut form = multipart::Form::new()
        .part("file", multipart::Part::bytes(csv.to_vec()).file_name(name.to_owned()).mime_str("text/csv").unwrap());
    for (k, v) in extra {
        form = form.text(k.to_string(), v.to_string());
    }
    app.client.post(app.url("/api/v1/imports")).bearer_auth(token).multipart(form).send().await.expect("upload")
}

/// Uploads and waits for the import to finish; returns it.
pub async fn import(app: &TestApp, token: &str, name: &str, csv: &[u8], extra: &[(&str, &str)]) -> Value {
    let response = upload(app, token, name, csv, extra).await;
    assert_eq!(response.status(), 202, "upload {name}");
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let queued: Value = response.json().await.unwrap();
    assert_eq!(location, format!("/api/v1/imports/{}", queued["id"].as_str().unwrap()));
    finished(app, token, &location).await
}

async fn finished(app: &TestApp, token: &str, location: &str) -> Value {
    for _ in 0..400 {
        let import: Value = app.get_as(token, location).await.json().await.unwrap();
        if !["queued", "running"].contains(&import["status"].as_str().unwrap()) {
            return import;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("the import at {location} did not finish");
}

pub fn counts(import: &Value) -> [i64; 6] {
    ["total_rows", "processed", "created", "updated", "skipped", "failed"].map(|k| import[k].as_i64().unwrap_or(-1))
}

async fn account_by_ref(app: &TestApp, token: &str, external_ref: &str) -> Value {
    let page: Value = app.get_as(token, &format!("/api/v1/accounts?q={external_ref}")).await.json().await.unwrap();
    let items = page["items"].as_array().unwrap();
    let found =
        items.iter().find(|a| a["external_ref"] == external_ref).unwrap_or_else(|| panic!("{external_ref}: {page}"));
    let id = found["id"].as_str().unwrap();
    app.get_as(token, &format!("/api/v1/accounts/{id}")).await.json().await.unwrap()
}

#[tokio::test]
async fn the_sample_file_places_new_accounts_with_their_opening_entries_and_timeline() {
    let app = spawn_app().await;
    app.seed().await;
    let manager = app.token("demo.manager").await;

    let import = import(&app, &manager, "placements.csv", SAMPLE.as_bytes(), &[]).await;

    assert_eq!(import["status"], "completed", "{import}");
    assert_eq!(counts(&import), [5, 5, 5, 0, 0, 0]);
    assert_eq!(import["source"], "upload");
    assert_eq!(import["sha256"].as_str().unwrap().len(), 64);
    assert_eq!(import["size_bytes"], SAMPLE.len());
    let account = account_by_ref(&app, &manager, "FB-10001").await;
    assert_eq!(account["status"], "new");
    assert_eq!(
        (account["original_balance"].as_str(), account["current_balance"].as_str()),
        (Some("1250.00"), Some("1250.00"))
    );
    assert_eq!(account["debtor"]["full_name"], "Ann Lee");
    assert_eq!(account["debtor"]["address"], "12 Main St\nApt 4\nSpringfield, IL 62701");
    assert_eq!(account["debtor"]["ssn_last4"], "***-**-1234");
    assert_eq!(account["priority"], 1);
    let id = account["id"].as_str().unwrap();
    let timeline: Value = app.get_as(&manager, &format!("/api/v1/accounts/{id}/timeline")).await.json().await.unwrap();
    let event = &timeline["items"][0];
    assert_eq!(
        (event["kind"].as_str(), event["data"]["import_id"].as_str()),
        (Some("imported"), import["id"].as_str())
    );
    let ledger: Value = app.get_as(&manager, &format!("/api/v1/accounts/{id}/ledger")).await.json().await.unwrap();
    let kinds: Vec<&str> = ledger["items"].as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["opening"], "{ledger}");
    // No currency given: the agency's.
    assert_eq!(account_by_ref(&app, &manager, "FB-10003").await["currency"], "USD");
    let audit: i64 =
        sqlx::query_scalar("SELECT count(*) FROM audit_logs WHERE entity_id = $1 AND action LIKE 'import.%'")
            .bind(import["id"].as_str().unwrap())
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(audit, 3, "import.create, one import.batch, import.finish");
    let told: Value = app.get_as(&manager, "/api/v1/notifications").await.json().await.unwrap();
    let told = &told["items"][0];
    assert_eq!((told["kind"].as_str(), told["entity_id"].as_str()), (Some("import_finished"), import["id"].as_str()));
    assert_eq!(told["body"], "5 rows: 5 created, 0 updated, 0 unchanged, 0 refused.");
}

#[tokio::test]
async fn bad_rows_are_reported_by_line_and_column_and_never_stop_the_others() {
    let app = spawn_app().await;
    app.seed().await;
    let admin = app.token("demo.admin").await;
    let mut csv = format!(
        "{HEADER}\n\
         OK-1,Bank,100.00,2026-01-05,Good One\n\
         BAD-1,Bank,\"1,234.5.6\",31/02/2026,Bad Amount And Date\n\
         OK-2,Bank,5,2026-01-05,=cmd|' /C calc'!A0\n\
         BAD-2,Bank,5,2026-01-05\n\
         OK-1,Bank,7,2026-01-05,Repeat\n\
         ,Bank,5,2030-01-01,\n"
    )
    .into_bytes();
    csv.extend_from_slice(b"BAD-3,Bank,5,2026-01-05,Jos\xe9\n");

    let import = import(&app, &admin, "messy.csv", &csv, &[]).await;

    assert_eq!(import["status"], "completed_with_errors");
    assert_eq!(counts(&import), [7, 7, 2, 0, 0, 5]);
    let id = import["id"].as_str().unwrap();
    let errors: Value = app.get_as(&admin, &format!("/api/v1/imports/{id}/errors")).await.json().await.unwrap();
    let got: Vec<(i64, Option<&str>, &str)> = errors["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["row"].as_i64().unwrap(), e["column"].as_str(), e["value"].as_str().unwrap()))
        .collect();
    assert_eq!(
        got,
        [
            (3, Some("original_balance"), "1,234.5.6"),
            (3, Some("delinquency_date"), "31/02/2026"),
            (5, None, "BAD-2,Bank,5,2026-01-05"),
            (6, Some("external_ref"), "OK-1"),
            (7, Some("external_ref"), ""),
            (7, Some("delinquency_date"), "2030-01-01"),
            (7, Some("debtor_name"), ""),
            (8, Some("debtor_name"), "Jos\u{fffd}"),
        ]
    );
    let messages: Vec<&str> =
        errors["items"].as_array().unwrap().iter().map(|e| e["message"].as_str().unwrap()).collect();
    assert!(messages[0].contains("is not an amount"), "{messages:?}");
    assert!(messages[3].contains("repeats the external reference of row 2"), "{messages:?}");
    // The formula stays text in the account, and comes out neutralised in CSV exports.
    assert_eq!(account_by_ref(&app, &admin, "OK-2").await["debtor"]["full_name"], "=cmd|' /C calc'!A0");
    let csv = app.get_as(&admin, &format!("/api/v1/imports/{id}/errors?format=csv")).await;
    assert_eq!(csv.headers()["content-type"], "text/csv; charset=utf-8");
    let text = csv.text().await.unwrap();
    assert!(text.starts_with("row,column,value,message\n3,original_balance,\"1,234.5.6\","), "{text}");
    assert_eq!(text.lines().count(), 1 + 8);
    // Nothing half-written: no account for a refused row.
    let placed: i64 = sqlx::query_scalar("SELECT count(*) FROM accounts WHERE external_ref LIKE 'BAD-%'")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(placed, 0);
}

#[tokio::test]
async fn the_same_file_twice_is_refused_unless_forced() {
    let app = spawn_app().await;
    app.seed().await;
    let manager = app.token("demo.manager").await;
    let first = import(&app, &manager, "placements.csv", SAMPLE.as_bytes(), &[]).await;

    let again = upload(&app, &manager, "renamed.csv", SAMPLE.as_bytes(), &[]).await;
    let problem = assert_problem(again, 409).await;
    assert_eq!(problem["type"], "urn:debtflow:problem:duplicate-import");
    assert_eq!(problem["existing_id"], first["id"]);

    let forced = import(&app, &manager, "placements.csv", SAMPLE.as_bytes(), &[("force", "true")]).await;
    assert_eq!(forced["forced"], true);
    assert_eq!(counts(&forced), [5, 5, 0, 0, 5, 0], "nothing changed: every row skipped");
    let accounts: i64 = sqlx::query_scalar("SELECT count(*) FROM accounts").fetch_one(&app.db).await.unwrap();
    assert_eq!(accounts, 5);
}

#[tokio::test]
async fn a_later_file_updates_what_an_import_may_change_and_never_status_or_balance() {
    let app = spawn_app().await;
    let demo = app.seed().await;
    let manager = app.token("demo.manager").await;
    import(&app, &manager, "placements.csv", SAMPLE.as_bytes(), &[]).await;
    let before = account_by_ref(&app, &manager, "FB-10002").await;
    let id = before["id"].as_str().unwrap();
    let assign = json!({"collector_id": demo.sarah});
    let assigned = app.send(Method::POST, &format!("/api/v1/accounts/{id}/assign"), &manager, Some(&assign)).await;
    assert_eq!(assigned.status(), 200);

    let update = "external_ref,creditor,original_balance,delinquency_date,debtor_name,phone,email\n\
                  FB-10002,First Bank,999.99,2020-01-01,Brian O'Neil,555-010-9999,brian@example.com\n\
                  FB-10004,Lakeside Utilities,89.10,2026-09-30,Dana Ruiz,,\n";
    let import = import(&app, &manager, "update.csv", update.as_bytes(), &[]).await;

    assert_eq!(counts(&import), [2, 2, 0, 1, 1, 0]);
    let after = account_by_ref(&app, &manager, "FB-10002").await;
    assert_eq!(after["debtor"]["phone"], "555-010-9999");
    assert_eq!(after["debtor"]["email"], "brian@example.com");
    assert_eq!(after["status"], "assigned", "status is the collectors'");
    assert_eq!(after["current_balance"], before["current_balance"]);
    assert_eq!(after["original_balance"], before["original_balance"]);
    assert_eq!(after["delinquency_date"], before["delinquency_date"]);
    assert_eq!(after["debtor"]["address"], before["debtor"]["address"], "an absent cell keeps what is there");
    let timeline: Value = app.get_as(&manager, &format!("/api/v1/accounts/{id}/timeline")).await.json().await.unwrap();
    let event = &timeline["items"][0];
    assert_eq!(event["kind"], "import_update");
    assert_eq!(event["data"]["fields"], json!(["phone", "email"]));
}

#[tokio::test]
async fn a_mapping_reads_a_creditors_own_layout() {
    let app = spawn_app().await;
    app.seed().await;
    let admin = app.token("demo.admin").await;
    let mapping = json!({
        "columns": {"Acct No": "external_ref", "Client": "creditor", "Amt Due": "original_balance",
                    "Charged Off": "delinquency_date", "Customer": "debtor_name", "Notes": null},
        "date_format": "eu",
    });
    let put = app.send(Method::PUT, "/api/v1/imports/mappings/northern-bank", &admin, Some(&mapping)).await;
    assert_eq!(put.status(), 200, "{}", put.text().await.unwrap());
    let listed: Value = app.get_as(&admin, "/api/v1/imports/mappings").await.json().await.unwrap();
    assert_eq!(listed["items"][0]["name"], "northern-bank");
    assert_eq!(listed["items"][0]["columns"]["Notes"], Value::Null);

    let csv =
        "Acct No;Client;Amt Due;Charged Off;Customer;Notes\nNB-1;Northern Bank;\"1,000.00\";03/02/2026;Ann;call\n\
               NB-2;Northern Bank;5;31/02/2026;Bo;\n";
    let import = import(&app, &admin, "northern.csv", csv.as_bytes(), &[("mapping", "northern-bank")]).await;

    assert_eq!(import["mapping"], "northern-bank");
    assert_eq!(counts(&import), [2, 2, 1, 0, 0, 1]);
    assert_eq!(account_by_ref(&app, &admin, "NB-1").await["delinquency_date"], "2026-02-03");
    let errors: Value = app
        .get_as(&admin, &format!("/api/v1/imports/{}/errors", import["id"].as_str().unwrap()))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(errors["items"][0]["column"], "Charged Off", "the creditor's own header");
    assert_eq!(errors["items"][0]["message"], "`31/02/2026` is not a day of the calendar");

    // A mapping that names a field twice, or an unknown field, is refused naming it.
    let twice = json!({"columns": {"A": "external_ref", "B": "external_ref"}});
    let problem =
        assert_problem(app.send(Method::PUT, "/api/v1/imports/mappings/x", &admin, Some(&twice)).await, 422).await;
    assert!(problem["errors"]["columns"].is_array(), "{problem}");
    let unknown = json!({"columns": {"A": "favourite_colour"}});
    let response = app.send(Method::PUT, "/api/v1/imports/mappings/x", &admin, Some(&unknown)).await;
    let problem = assert_problem(response, 422).await;
    assert!(problem["errors"].as_object().unwrap().keys().any(|k| k.starts_with("columns")), "{problem}");
    // An upload naming a mapping the agency does not have.
    let problem =
        assert_problem(upload(&app, &admin, "x.csv", SAMPLE.as_bytes(), &[("mapping", "nope")]).await, 422).await;
    assert!(problem["errors"]["mapping"].is_array(), "{problem}");
    let deleted = app.send(Method::DELETE, "/api/v1/imports/mappings/northern-bank", &admin, None).await;
    assert_eq!(deleted.status(), 204);
}

#[tokio::test]
async fn a_file_that_cannot_be_read_fails_whole_with_its_reason() {
    let app = spawn_app().await;
    app.seed().await;
    let manager = app.token("demo.manager").await;
    let cases: [(&str, &[u8], &str); 5] = [
        ("empty.csv", b"", "the file is empty"),
        ("headerless.csv", b"A-1,Bank,5,2026-01-01,Ann\n", "unknown column `A-1`"),
        (
            "short.csv",
            b"external_ref,creditor\nA-1,Bank\n",
            "missing required column(s): original_balance, delinquency_date, debtor_name",
        ),
        ("tabs.csv", b"external_ref\tcreditor\toriginal_balance\tdelinquency_date\tdebtor_name\n", "unknown column"),
        ("latin1.csv", b"external_ref,cr\xe9ditor\n", "the header row is not UTF-8 text"),
    ];
    for (name, bytes, reason) in cases {
        let import = import(&app, &manager, name, bytes, &[]).await;
        assert_eq!(import["status"], "failed", "{name}");
        assert!(import["error"].as_str().unwrap().contains(reason), "{name}: {}", import["error"]);
    }
    let accounts: i64 = sqlx::query_scalar("SELECT count(*) FROM accounts").fetch_one(&app.db).await.unwrap();
    assert_eq!(accounts, 0);
    // A failed import does not count as "imported already".
    assert_eq!(upload(&app, &manager, "empty.csv", b"", &[]).await.status(), 202);
}

#[tokio::test]
async fn uploads_that_are_not_a_csv_form_get_a_clear_4xx() {
    let app = spawn_app_with(&[("IMPORT_MAX_BYTES", "200")]).await;
    app.seed().await;
    let manager = app.token("demo.manager").await;

    let too_big = assert_problem(upload(&app, &manager, "big.csv", &[b'x'; 201], &[]).await, 413).await;
    assert!(too_big["detail"].as_str().unwrap().contains("200 bytes"), "{too_big}");
    let json_body = app.send(Method::POST, "/api/v1/imports", &manager, Some(&json!({"file": "x"}))).await;
    let problem = assert_problem(json_body, 415).await;
    assert!(problem["detail"].as_str().unwrap().contains("multipart/form-data"), "{problem}");
    let no_file = multipart::Form::new().text("mapping", "x");
    let response =
        app.client.post(app.url("/api/v1/imports")).bearer_auth(&manager).multipart(no_file).send().await.unwrap();
    assert!(assert_problem(response, 422).await["errors"]["file"].is_array());
    let bad_force = assert_problem(upload(&app, &manager, "a.csv", b"x", &[("force", "maybe")]).await, 422).await;
    assert!(bad_force["errors"]["force"].is_array());
    let imports: i64 = sqlx::query_scalar("SELECT count(*) FROM imports").fetch_one(&app.db).await.unwrap();
    assert_eq!(imports, 0, "nothing half-written");
}

#[tokio::test]
async fn collectors_cannot_import_and_another_agency_sees_nothing() {
    let app = spawn_app().await;
    app.seed().await;
    let collector = app.token("sarah.mitchell").await;
    assert_problem(upload(&app, &collector, "p.csv", SAMPLE.as_bytes(), &[]).await, 403).await;
    let manager = app.token("demo.manager").await;
    let import = import(&app, &manager, "placements.csv", SAMPLE.as_bytes(), &[]).await;
    let compliance = app.token("demo.compliance").await;
    let history: Value = app.get_as(&compliance, "/api/v1/imports").await.json().await.unwrap();
    assert_eq!(history["items"][0]["id"], import["id"]);
    let northwind = app.token("nw.admin").await;
    let path = format!("/api/v1/imports/{}", import["id"].as_str().unwrap());
    assert_problem(app.get_as(&northwind, &path).await, 404).await;
    let theirs: Value = app.get_as(&northwind, "/api/v1/imports").await.json().await.unwrap();
    assert_eq!(theirs["items"], json!([]));
}

#[tokio::test]
async fn history_pages_newest_first() {
    let app = spawn_app().await;
    app.seed().await;
    let manager = app.token("demo.manager").await;
    let mut ids = Vec::new();
    for n in 0..3 {
        let csv = format!("{HEADER}\nP-{n},Bank,5,2026-01-01,Ann\n");
        ids.push(import(&app, &manager, &format!("{n}.csv"), csv.as_bytes(), &[]).await["id"].clone());
    }
    let first: Value = app.get_as(&manager, "/api/v1/imports?limit=2").await.json().await.unwrap();
    assert_eq!(
        first["items"].as_array().unwrap().iter().map(|i| i["id"].clone()).collect::<Vec<_>>(),
        [ids[2].clone(), ids[1].clone()]
    );
    let cursor = first["next_cursor"].as_str().unwrap();
    let second: Value =
        app.get_as(&manager, &format!("/api/v1/imports?limit=2&cursor={cursor}")).await.json().await.unwrap();
    assert_eq!(second["items"][0]["id"], ids[0]);
    assert_eq!(second["next_cursor"], Value::Null);
    // Who sent each one, by name (the history says it).
    assert_eq!(second["items"][0]["created_by_name"], "Morgan Reyes");
}

#[tokio::test]
async fn nul_characters_are_refused_by_name_never_a_500() {
    let app = spawn_app().await;
    app.seed().await;
    let admin = app.token("demo.admin").await;
    let body = json!({"columns": {"A": "external_ref"}});
    assert_problem(app.send(Method::PUT, "/api/v1/imports/mappings/a%00b", &admin, Some(&body)).await, 400).await;
    let body = json!({"columns": {"A\u{0}": "external_ref"}});
    let problem =
        assert_problem(app.send(Method::PUT, "/api/v1/imports/mappings/x", &admin, Some(&body)).await, 422).await;
    assert!(problem["errors"]["columns.A\\u0000"].is_array(), "{problem}");
    let problem = assert_problem(app.get_as(&admin, "/api/v1/imports?cursor=%00").await, 422).await;
    assert!(problem["errors"]["cursor"].is_array(), "{problem}");
    let csv = format!("{HEADER}\nZ-1,Ba\0nk,5,2026-01-01,Ann\nZ-2,Bank,5,2026-01-01,Bo\n");
    let import = import(&app, &admin, "nul.csv", csv.as_bytes(), &[]).await;
    assert_eq!(counts(&import), [2, 2, 1, 0, 0, 1]);
    let errors: Value = app
        .get_as(&admin, &format!("/api/v1/imports/{}/errors", import["id"].as_str().unwrap()))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(errors["items"][0]["message"], "contains a NUL character");
    assert_eq!(errors["items"][0]["value"], "Ba\u{fffd}nk");
}

#[tokio::test]
async fn the_worklist_filtered_by_an_import_lists_exactly_the_accounts_it_placed() {
    let app = spawn_app().await;
    app.seed().await;
    let manager = app.token("demo.manager").await;
    let first = import(&app, &manager, "placements.csv", SAMPLE.as_bytes(), &[]).await;
    let csv = format!("{HEADER}\nIMP-F-1,Acme,100.00,2026-01-15,Ann One\nIMP-F-2,Acme,200.00,2026-01-15,Bob Two\n");
    let second = import(&app, &manager, "second.csv", csv.as_bytes(), &[]).await;
    assert_eq!(counts(&second)[2], 2, "two new accounts: {second}");

    let refs_of = |import: &Value| {
        let id = import["id"].as_str().unwrap().to_owned();
        let (app, manager) = (&app, &manager);
        async move {
            let page: Value =
                app.get_as(manager, &format!("/api/v1/accounts?import={id}&limit=200")).await.json().await.unwrap();
            let mut refs: Vec<String> = page["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|a| a["external_ref"].as_str().unwrap().to_owned())
                .collect();
            refs.sort();
            refs
        }
    };
    assert_eq!(refs_of(&second).await, ["IMP-F-1", "IMP-F-2"], "only the second file's accounts");
    let firsts = refs_of(&first).await;
    assert_eq!(firsts.len(), 5, "the sample's five accounts: {firsts:?}");
    assert!(firsts.iter().all(|r| !r.starts_with("IMP-F-")), "{firsts:?}");
    let unknown = uuid::Uuid::now_v7();
    let none: Value = app.get_as(&manager, &format!("/api/v1/accounts?import={unknown}")).await.json().await.unwrap();
    assert_eq!(none["items"], json!([]), "an import no account came from: none");

    let bad = app.get_as(&manager, "/api/v1/accounts?import=not-a-uuid").await;
    let problem = assert_problem(bad, 422).await;
    assert!(problem["errors"]["import"].is_array(), "the field is named: {problem}");
}
