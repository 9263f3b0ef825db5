//! Documents over HTTP: uploaded to an account or one of its records, versioned (a new
//! upload is version n+1, the old ones stay downloadable), refused by their content
//! (a `.pdf` that is an executable or a PNG, an empty file: 415; too big: 413), every
//! download on the audit trail; auditors read but do not upload, collectors reach only
//! their own accounts.

use crate::{
    accounts::create_account,
    payments::{ok, today, working_account},
};
use debtflow_tests::{assert_problem, import_storage, spawn_app, spawn_app_with, TestApp};
use reqwest::{multipart, Method};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

const PDF: &[u8] = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n";
const ELF: &[u8] = b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x02\0\x3e\0\x01\0\0\0";

/// The smallest PNG the content check takes: signature, IHDR, IEND.
fn png() -> Vec<u8> {
    let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
    png.extend([0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0]); // 1×1, RGBA
    png.extend([0x1f, 0x15, 0xc4, 0x89]); // IHDR's CRC
    png.extend(b"\0\0\0\0IEND\xae\x42\x60\x82");
    png
}

fn sha256(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Posts `bytes` named `name` as the form's `file`, with its other parts, to `path`.
async fn send_file(
    app: &TestApp,
    token: &str,
    path: &str,
    name: &str,
    bytes: &[u8],
    extra: &[(&str, &str)],
) -> reqwest::Response {
    // The client's Content-Type is a lie on purpose: the server never reads it.
    let part = multipart::Part::bytes(bytes.to_vec()).file_name(name.to_owned()).mime_str("application/pdf").unwrap();
    let mut form = multipart::Form::new().part("file", part);
    for (k, v) in extra {
        form = form.text(k.to_string(), v.to_string());
    }
    app.client.post(app.url(path)).bearer_auth(token).multipart(form).send().await.expect("upload")
}

async fn upload(app: &TestApp, token: &str, account: &str, name: &str, bytes: &[u8]) -> reqwest::Response {
    send_file(app, token, &format!("/api/v1/accounts/{account}/documents"), name, bytes, &[]).await
}

async fn documents(app: &TestApp, token: &str, account: &str) -> Value {
    ok(app.get_as(token, &format!("/api/v1/accounts/{account}/documents")).await, 200, "list").await
}

async fn download(app: &TestApp, token: &str, account: &str, document: &str, version: i64) -> reqwest::Response {
    app.get_as(token, &format!("/api/v1/accounts/{account}/documents/{document}/versions/{version}")).await
}

/// The audit entries of `action`, newest first.
async fn audited(app: &TestApp, action: &str) -> Vec<Value> {
    let compliance = app.token("demo.compliance").await;
    let page = ok(app.get_as(&compliance, &format!("/api/v1/audit-logs?action={action}")).await, 200, "audit").await;
    page["items"].as_array().unwrap().clone()
}

#[tokio::test]
async fn a_new_upload_is_the_next_version_and_every_download_is_audited() {
    let app = spawn_app().await;
    app.seed().await;
    let manager = app.token("demo.manager").await;
    let account = create_account(&app, &manager, "DOC-1").await["id"].as_str().unwrap().to_owned();

    let path = format!("/api/v1/accounts/{account}/documents");
    let response = send_file(&app, &manager, &path, "claim.pdf", PDF, &[("title", " Statement of claim ")]).await;
    let location = response.headers().get("location").map(|l| l.to_str().unwrap().to_owned());
    let first = ok(response, 201, "upload").await;
    let id = first["id"].as_str().unwrap().to_owned();
    assert_eq!(location, Some(format!("{path}/{id}")));
    assert_eq!(
        (&first["title"], &first["subject_type"], &first["subject_id"], &first["latest_version"]),
        (&json!("Statement of claim"), &json!("account"), &json!(account), &json!(1))
    );
    let v1 = &first["versions"][0];
    assert_eq!(first["versions"].as_array().unwrap().len(), 1);
    assert_eq!(
        (&v1["version"], &v1["file_name"], &v1["document_type"]),
        (&json!(1), &json!("claim.pdf"), &json!("pdf"))
    );
    assert_eq!((&v1["content_type"], &v1["size_bytes"]), (&json!("application/pdf"), &json!(PDF.len())));
    assert_eq!(v1["sha256"], sha256(PDF));
    assert_eq!(v1["uploaded_by_name"], first["created_by_name"]);

    // A new version of another accepted type: the title and subject stay.
    let second =
        ok(send_file(&app, &manager, &format!("{path}/{id}/versions"), "scan.png", &png(), &[]).await, 201, "v2").await;
    assert_eq!((&second["id"], &second["latest_version"], &second["title"]), (&json!(id), &json!(2), &first["title"]));
    let versions: Vec<_> = second["versions"].as_array().unwrap().iter().map(|v| v["version"].clone()).collect();
    assert_eq!(versions, [json!(2), json!(1)], "the latest first");
    assert_eq!(
        (&second["versions"][0]["document_type"], &second["versions"][0]["sha256"]),
        (&json!("png"), &json!(sha256(&png())))
    );
    let listed = documents(&app, &manager, &account).await;
    assert_eq!(listed.as_array().unwrap().len(), 1);
    assert_eq!(listed[0], second);
    assert_eq!(ok(app.get_as(&manager, &format!("{path}/{id}")).await, 200, "get").await, second);

    // Each version comes back byte for byte, with its own type.
    let compliance = app.token("demo.compliance").await;
    let got = download(&app, &compliance, &account, &id, 1).await;
    assert_eq!(got.status(), 200);
    let header = |name: &str| got.headers().get(name).map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default();
    assert_eq!(header("content-type"), "application/pdf");
    assert_eq!(header("content-disposition"), "attachment; filename=\"claim.pdf\"; filename*=UTF-8''claim.pdf");
    assert_eq!((header("x-content-type-options"), header("cache-control")), ("nosniff".into(), "no-store".into()));
    assert_eq!(header("etag"), format!("\"{}\"", sha256(PDF)));
    assert_eq!(got.bytes().await.unwrap().as_ref(), PDF);
    let got = download(&app, &manager, &account, &id, 2).await;
    assert_eq!(got.headers()["content-type"], "image/png");
    assert_eq!(got.bytes().await.unwrap().as_ref(), png().as_slice());
    assert_problem(download(&app, &manager, &account, &id, 3).await, 404).await;
    let word = app.get_as(&manager, &format!("{path}/{id}/versions/latest")).await;
    assert!(assert_problem(word, 422).await["errors"]["version"].is_array());

    // One audit entry per download, naming the version, its digest and file name.
    let downloads = audited(&app, "document.download").await;
    assert_eq!(downloads.len(), 2, "the 404 downloaded nothing: {downloads:?}");
    assert_eq!((&downloads[0]["entity_type"], &downloads[0]["entity_id"]), (&json!("document"), &json!(id)));
    let after = |i: usize| downloads[i]["after"].clone();
    assert_eq!(
        (&after(0)["version"], &after(0)["sha256"], &after(0)["file_name"]),
        (&json!(2), &json!(sha256(&png())), &json!("scan.png"))
    );
    assert_eq!((&after(1)["version"], &after(1)["sha256"]), (&json!(1), &json!(sha256(PDF))));
    assert_eq!((&downloads[1]["actor_role"], &downloads[0]["actor_role"]), (&json!("compliance"), &json!("manager")));
    let (uploads, versions) = (audited(&app, "document.upload").await, audited(&app, "document.version").await);
    assert_eq!((uploads.len(), versions.len()), (1, 1));
    assert_eq!((&uploads[0]["after"]["version"], &versions[0]["after"]["version"]), (&json!(1), &json!(2)));

    // Both uploads are on the account's timeline.
    let timeline =
        ok(app.get_as(&manager, &format!("/api/v1/accounts/{account}/timeline")).await, 200, "timeline").await;
    let events: Vec<&Value> =
        timeline["items"].as_array().unwrap().iter().filter(|e| e["kind"] == "document").collect();
    assert_eq!(events.len(), 2, "{timeline}");
    assert_eq!((&events[0]["data"]["version"], &events[0]["data"]["file_name"]), (&json!(2), &json!("scan.png")));
    assert_eq!((&events[1]["data"]["title"], &events[1]["data"]["version"]), (&json!("Statement of claim"), &json!(1)));
}

#[tokio::test]
async fn a_file_whose_content_is_not_what_its_name_says_is_refused_and_nothing_is_written() {
    let app = spawn_app_with(&[("DOCUMENT_MAX_BYTES", "1024")]).await;
    let demo = app.seed().await;
    let manager = app.token("demo.manager").await;
    let account = create_account(&app, &manager, "DOC-2").await["id"].as_str().unwrap().to_owned();

    for (name, bytes, rule, says) in [
        ("statement.pdf", ELF.to_vec(), "document-content", "is not a PDF document"),
        ("court-filing.pdf", png(), "document-mismatch", "its content is a PNG image"),
        ("empty.pdf", Vec::new(), "document-empty", "the file is empty"),
        ("statement.pdf.exe", PDF.to_vec(), "document-extension", ".exe files are not accepted"),
    ] {
        let problem = assert_problem(upload(&app, &manager, &account, name, &bytes).await, 415).await;
        assert_eq!(problem["type"], "urn:debtflow:problem:unsupported-media-type", "{name}: {problem}");
        assert_eq!(problem["rule"], rule, "{name}: {problem}");
        let detail = problem["detail"].as_str().unwrap();
        assert!(detail.contains(says), "{name}: {detail}");
        assert_eq!(problem["errors"]["file"], json!([detail]), "the field is named: {problem}");
    }
    let mut big = b"%PDF-1.7\n".to_vec();
    big.resize(1024, b' ');
    big.extend(b"%%EOF\n");
    let too_big = assert_problem(upload(&app, &manager, &account, "big.pdf", &big).await, 413).await;
    assert!(too_big["detail"].as_str().unwrap().contains("1024 bytes"), "{too_big}");
    let path = format!("/api/v1/accounts/{account}/documents");
    let not_a_form = app.send(Method::POST, &path, &manager, Some(&json!({"file": "x"}))).await;
    assert!(assert_problem(not_a_form, 415).await["detail"].as_str().unwrap().contains("multipart/form-data"));
    let no_file = multipart::Form::new().text("title", "A title alone");
    let response = app.client.post(app.url(&path)).bearer_auth(&manager).multipart(no_file).send().await.unwrap();
    assert!(assert_problem(response, 422).await["errors"]["file"].is_array());
    let stray = send_file(&app, &manager, &path, "a.pdf", PDF, &[("owner", "me")]).await;
    assert!(assert_problem(stray, 422).await["errors"]["owner"].is_array());

    assert_eq!(documents(&app, &manager, &account).await, json!([]), "no document row");
    let rows: i64 = sqlx::query_scalar("SELECT count(*) FROM document_versions").fetch_one(&app.db).await.unwrap();
    assert_eq!(rows, 0);
    let stored = std::path::Path::new(&import_storage()).join(demo.agency.to_string()).join("documents");
    assert!(!stored.exists(), "no bytes stored at {}", stored.display());
    assert!(audited(&app, "document.upload").await.is_empty());

    // A refused new version leaves the document as it was.
    let first = ok(upload(&app, &manager, &account, "claim.pdf", PDF).await, 201, "upload").await;
    let id = first["id"].as_str().unwrap();
    let version = format!("{path}/{id}/versions");
    assert_problem(send_file(&app, &manager, &version, "claim-v2.pdf", ELF, &[]).await, 415).await;
    assert_problem(send_file(&app, &manager, &version, "claim-v2.pdf", &big, &[]).await, 413).await;
    let extra = send_file(&app, &manager, &version, "claim-v2.pdf", PDF, &[("title", "renamed")]).await;
    assert!(assert_problem(extra, 422).await["errors"]["title"].is_array(), "a version takes a file only");
    assert_eq!(documents(&app, &manager, &account).await, json!([first]));
}

#[tokio::test]
async fn auditors_read_but_do_not_upload_and_collectors_reach_only_their_own_accounts() {
    let app = spawn_app().await;
    app.seed().await;
    let manager = app.token("demo.manager").await;
    // Sarah's account; and James's, with a draft plan.
    let sarahs = working_account(&app, &manager, "DOC-3").await;
    let james: uuid::Uuid =
        sqlx::query_scalar("SELECT id FROM users WHERE username = 'james.carter'").fetch_one(&app.db).await.unwrap();
    let jamess = create_account(&app, &manager, "DOC-4").await["id"].as_str().unwrap().to_owned();
    let assign = app
        .send(
            Method::POST,
            &format!("/api/v1/accounts/{jamess}/assign"),
            &manager,
            Some(&json!({"collector_id": james})),
        )
        .await;
    assert_eq!(assign.status(), 200);
    let terms = json!({"total": "100.00", "installments": 2, "frequency": "monthly",
                       "first_due_date": today(&app).await + chrono::Days::new(2)});
    let plan = app.send(Method::POST, &format!("/api/v1/accounts/{jamess}/plans"), &manager, Some(&terms)).await;
    let plan = ok(plan, 201, "plan").await["id"].as_str().unwrap().to_owned();

    let auditor = app.token("demo.auditor").await;
    assert_problem(upload(&app, &auditor, &sarahs, "claim.pdf", PDF).await, 403).await;
    let sarah = app.token("sarah.mitchell").await;
    let document = ok(upload(&app, &sarah, &sarahs, "claim.pdf", PDF).await, 201, "a collector uploads").await;
    let id = document["id"].as_str().unwrap();
    let version = format!("/api/v1/accounts/{sarahs}/documents/{id}/versions");
    assert_problem(send_file(&app, &auditor, &version, "claim.pdf", PDF, &[]).await, 403).await;
    assert_eq!(documents(&app, &auditor, &sarahs).await, json!([document]), "auditors read");
    let got = download(&app, &auditor, &sarahs, id, 1).await;
    assert_eq!(got.status(), 200);
    assert_eq!(got.bytes().await.unwrap().as_ref(), PDF);

    // James reaches nothing of Sarah's account.
    let james = app.token("james.carter").await;
    assert_problem(app.get_as(&james, &format!("/api/v1/accounts/{sarahs}/documents")).await, 404).await;
    assert_problem(app.get_as(&james, &format!("/api/v1/accounts/{sarahs}/documents/{id}")).await, 404).await;
    assert_problem(download(&app, &james, &sarahs, id, 1).await, 404).await;
    assert_problem(upload(&app, &james, &sarahs, "claim.pdf", PDF).await, 404).await;
    assert_problem(send_file(&app, &james, &version, "claim.pdf", PDF, &[]).await, 404).await;
    assert_eq!(audited(&app, "document.download").await.len(), 1, "only the auditor's download");

    // A subject must be one of the account's own records.
    let to_sarahs = format!("/api/v1/accounts/{sarahs}/documents");
    let theirs =
        send_file(&app, &manager, &to_sarahs, "plan.pdf", PDF, &[("subject_type", "plan"), ("subject_id", &plan)])
            .await;
    let problem = assert_problem(theirs, 422).await;
    assert_eq!(problem["errors"]["subject_id"], json!(["is not a plan of this account"]), "{problem}");
    let missing = send_file(&app, &manager, &to_sarahs, "plan.pdf", PDF, &[("subject_type", "legal_case")]).await;
    assert!(assert_problem(missing, 422).await["errors"]["subject_id"].is_array());
    let unknown = send_file(&app, &manager, &to_sarahs, "plan.pdf", PDF, &[("subject_type", "lawsuit")]).await;
    assert!(assert_problem(unknown, 422).await["errors"]["subject_type"].is_array());
    let to_jamess = format!("/api/v1/accounts/{jamess}/documents");
    let on_plan =
        send_file(&app, &manager, &to_jamess, "plan.pdf", PDF, &[("subject_type", "plan"), ("subject_id", &plan)])
            .await;
    let on_plan = ok(on_plan, 201, "a document on the plan").await;
    assert_eq!((&on_plan["subject_type"], &on_plan["subject_id"]), (&json!("plan"), &json!(plan)));
    let filtered = |query: String| {
        let (app, manager) = (&app, &manager);
        let path = format!("{to_jamess}?{query}");
        async move { ok(app.get_as(manager, &path).await, 200, "filter").await }
    };
    assert_eq!(filtered(format!("subject_type=plan&subject_id={plan}")).await, json!([on_plan]));
    assert_eq!(filtered("subject_type=account".into()).await, json!([]));
    assert!(assert_problem(app.get_as(&manager, &format!("{to_jamess}?subject_type=case")).await, 422).await["errors"]
        ["subject_type"]
        .is_array());
}
