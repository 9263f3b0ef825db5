//! Test support: a real server on a random port over a fresh PostgreSQL database.
//!
//! `DATABASE_URL` (set by `make test`) points at the test cluster. The first test
//! that needs it creates a template database with every migration applied (named by
//! the migrations' checksums, so a changed migration makes a new one); each test then
//! gets its own `CREATE DATABASE … TEMPLATE …` copy, dropped when the test ends.
//! Tests run in parallel and never see each other's rows.

pub mod pdf;
pub mod ports;
pub mod replica;
pub mod smtp;
pub mod sse;
pub mod sshd;

use debtflow_api::{clock::Clock, config::Config, db, startup::Application};
use sqlx::{
    postgres::{PgConnectOptions, PgPoolOptions},
    ConnectOptions, Connection, PgConnection, PgPool,
};
use std::{collections::HashMap, str::FromStr};

/// A running app and a handle on its database.
pub struct TestApp {
    /// `http://127.0.0.1:<port>`
    pub address: String,
    pub db: PgPool,
    pub client: reqwest::Client,
    pub database: TestDatabase,
    /// The server's clock: the system's, or frozen ([`spawn_app_at`]).
    pub clock: Clock,
    /// The configuration the server runs with (say, its mail settings).
    pub config: Config,
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).send().await.expect("request failed")
    }

    /// An authenticated request.
    /// A request as `token`; a POST carries a fresh `Idempotency-Key` (money tests that
    /// care about the key use [`TestApp::send_with_key`]).
    pub async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        token: &str,
        body: Option<&serde_json::Value>,
    ) -> reqwest::Response {
        let key = (method == reqwest::Method::POST).then(|| uuid::Uuid::now_v7().to_string());
        self.send_with_key(method, path, token, key.as_deref(), body).await
    }

    /// A request with the given `Idempotency-Key` (or none).
    pub async fn send_with_key(
        &self,
        method: reqwest::Method,
        path: &str,
        token: &str,
        key: Option<&str>,
        body: Option<&serde_json::Value>,
    ) -> reqwest::Response {
        let mut request = self.client.request(method, self.url(path)).bearer_auth(token);
        if let Some(key) = key {
            request = request.header("Idempotency-Key", key);
        }
        if let Some(body) = body {
            request = request.json(body);
        }
        request.send().await.expect("request failed")
    }

    pub async fn get_as(&self, token: &str, path: &str) -> reqwest::Response {
        self.send(reqwest::Method::GET, path, token, None).await
    }

    /// `POST /api/v1/auth/token`, as it answered.
    pub async fn login_response(&self, username: &str, password: &str) -> reqwest::Response {
        self.client
            .post(self.url("/api/v1/auth/token"))
            .json(&serde_json::json!({ "username": username, "password": password }))
            .send()
            .await
            .expect("request failed")
    }

    /// Logs in and returns `{access, refresh, …}`; panics unless 200.
    pub async fn login(&self, username: &str, password: &str) -> serde_json::Value {
        let response = self.login_response(username, password).await;
        assert_eq!(response.status(), 200, "login of {username} failed");
        response.json().await.expect("a token pair")
    }

    /// An access token of a seeded user (see [`demo_password`]).
    pub async fn token(&self, username: &str) -> String {
        self.login(username, demo_password(username)).await["access"].as_str().unwrap().to_owned()
    }

    /// Seeds the demo agencies and users, plus a platform admin (`platform.admin`)
    /// and an auditor (`demo.auditor`), so every role has a user.
    pub async fn seed(&self) -> Demo {
        debtflow_api::seed::seed_demo(&self.db).await.expect("seed the demo");
        let demo = self.id_of("SELECT id FROM agencies WHERE name = $1", "Demo Recovery Agency").await;
        let northwind = self.id_of("SELECT id FROM agencies WHERE name = $1", "Northwind Collections").await;
        for (username, agency_id, role) in [
            ("platform.admin", None, debtflow_domain::Role::Admin),
            ("demo.auditor", Some(demo), debtflow_domain::Role::Auditor),
        ] {
            let hash = debtflow_api::auth::password::hash(demo_password(username)).unwrap();
            let user = debtflow_api::store::users::NewUser {
                agency_id,
                username,
                full_name: username,
                email: None,
                role,
                password_hash: &hash,
                password_change_required: false,
                commission_rate: None,
                account_limit: None,
            };
            debtflow_api::store::users::insert_if_absent(&self.db, &user).await.unwrap();
        }
        let user = "SELECT id FROM users WHERE username = $1";
        Demo {
            agency: demo,
            northwind,
            sarah: self.id_of(user, "sarah.mitchell").await,
            james: self.id_of(user, "james.carter").await,
        }
    }

    /// Starts another server process's worth of the app (its own pool, hub and
    /// listeners) on the same database: a second replica. Returns its address.
    pub async fn replica(&self) -> String {
        let app = Application::build_with_clock(&test_config(&[]), self.database.pool(), self.clock.clone())
            .expect("the replica binds a port");
        let address = format!("http://127.0.0.1:{}", app.port());
        tokio::spawn(app.run_until_stopped());
        address
    }

    async fn id_of(&self, sql: &str, key: &str) -> uuid::Uuid {
        sqlx::query_scalar(sql).bind(key).fetch_one(&self.db).await.expect("a seeded row")
    }
}

/// Ids of the seeded demo data.
#[derive(Debug, Clone, Copy)]
pub struct Demo {
    /// "Demo Recovery Agency".
    pub agency: uuid::Uuid,
    /// "Northwind Collections".
    pub northwind: uuid::Uuid,
    /// Collector `sarah.mitchell`.
    pub sarah: uuid::Uuid,
    /// Collector `james.carter`.
    pub james: uuid::Uuid,
}

/// The `p`th percentile (nearest rank) of `sorted`, in milliseconds; NaN for none.
/// The load generators' (`tests/load`) one way of reading their latencies.
pub fn percentile_ms(sorted: &[std::time::Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1].as_secs_f64() * 1000.0
}

/// The password of a user [`TestApp::seed`] creates.
pub fn demo_password(username: &str) -> &'static str {
    match username {
        "demo.admin" => "Demo@2026",
        "demo.manager" => "Manager@2026",
        "demo.compliance" => "Compliance@2026",
        "nw.admin" => "Northwind@2026",
        "platform.admin" => "Platform-admin@2026",
        "demo.auditor" => "Auditor-demo@2026",
        _ => "Collector@2026",
    }
}

/// A seeded user of each role.
pub const USER_OF_ROLE: [(debtflow_domain::Role, &str); 6] = [
    (debtflow_domain::Role::Admin, "platform.admin"),
    (debtflow_domain::Role::AgencyAdmin, "demo.admin"),
    (debtflow_domain::Role::Manager, "demo.manager"),
    (debtflow_domain::Role::Collector, "sarah.mitchell"),
    (debtflow_domain::Role::Compliance, "demo.compliance"),
    (debtflow_domain::Role::Auditor, "demo.auditor"),
];

/// The admin connection options, from `DATABASE_URL`.
pub fn admin_options() -> PgConnectOptions {
    let url = std::env::var("DATABASE_URL")
        .expect("DATABASE_URL must point at the test PostgreSQL (run the tests with `make test`)");
    PgConnectOptions::from_str(&url).expect("DATABASE_URL is a valid PostgreSQL URL")
}

/// The HMAC key of test servers, so tests can forge tokens of every kind.
pub const JWT_SECRET: &str = "test-secret-for-debtflow-integration-tests";

/// A configuration for tests: port 0, generous rate limits, then `overrides`.
pub fn test_config(overrides: &[(&str, &str)]) -> Config {
    let mut vars: HashMap<String, String> = HashMap::from([
        ("BIND_ADDR".into(), "127.0.0.1:0".into()),
        ("WORKERS".into(), "2".into()),
        ("RATE_LIMIT_PER_IP".into(), "100000".into()),
        ("RATE_LIMIT_PER_TOKEN".into(), "100000".into()),
        ("JWT_SECRET".into(), JWT_SECRET.into()),
        ("IMPORT_STORAGE".into(), import_storage()),
        // Webhook receivers of tests listen on http://127.0.0.1.
        ("WEBHOOKS_ALLOW_HTTP".into(), "true".into()),
    ]);
    vars.extend(overrides.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    Config::from_lookup(|k| vars.get(k).cloned()).expect("test configuration is valid")
}

/// Where test servers keep imported files (keys are unique per agency and import).
pub fn import_storage() -> String {
    std::env::temp_dir().join("debtflow-test-imports").display().to_string()
}

/// Spawns the app on a fresh migrated database.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(&[]).await
}

/// Spawns the app with configuration `overrides` on a fresh migrated database.
pub async fn spawn_app_with(overrides: &[(&str, &str)]) -> TestApp {
    let database = TestDatabase::migrated().await;
    spawn_on(database, overrides).await
}

/// Spawns the app on a fresh migrated database with its clock frozen at `at`
/// ([`TestApp::clock`] moves it).
pub async fn spawn_app_at(at: chrono::DateTime<chrono::Utc>) -> TestApp {
    spawn_with_clock(TestDatabase::migrated().await, &[], Clock::frozen(at)).await
}

/// [`spawn_app_at`] with configuration `overrides`.
pub async fn spawn_app_at_with(at: chrono::DateTime<chrono::Utc>, overrides: &[(&str, &str)]) -> TestApp {
    spawn_with_clock(TestDatabase::migrated().await, overrides, Clock::frozen(at)).await
}

/// Spawns the app on `database` as it is.
pub async fn spawn_on(database: TestDatabase, overrides: &[(&str, &str)]) -> TestApp {
    spawn_with_clock(database, overrides, Clock::system()).await
}

async fn spawn_with_clock(database: TestDatabase, overrides: &[(&str, &str)], clock: Clock) -> TestApp {
    let config = test_config(overrides);
    let db = database.pool();
    let app = Application::build_with_clock(&config, db.clone(), clock.clone()).expect("the app binds a port");
    let address = format!("http://127.0.0.1:{}", app.port());
    tokio::spawn(app.run_until_stopped());
    // An idle connection is dropped before the server's keep-alive (5 s) would close it:
    // otherwise a request sent after a pause of about 5 s can meet the server closing
    // the very connection it was sent on (an `IncompleteMessage`, not the app's doing).
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .pool_idle_timeout(std::time::Duration::from_secs(2))
        .build()
        .expect("a reqwest client");
    TestApp { address, db, client, database, clock, config }
}

/// A database of its own for one test, dropped when the test ends.
pub struct TestDatabase {
    pub name: String,
}

impl TestDatabase {
    /// A copy of the migrated template.
    pub async fn migrated() -> Self {
        let template = ensure_template().await;
        Self::create(&format!("TEMPLATE \"{template}\"")).await
    }

    /// An empty database: no migrations applied.
    pub async fn empty() -> Self {
        Self::create("").await
    }

    async fn create(clause: &str) -> Self {
        let name = format!("t_{}", uuid::Uuid::now_v7().simple());
        let mut admin = admin_connection().await;
        sqlx::query(&format!("CREATE DATABASE \"{name}\" {clause}"))
            .execute(&mut admin)
            .await
            .expect("CREATE DATABASE for a test");
        TestDatabase { name }
    }

    pub fn options(&self) -> PgConnectOptions {
        admin_options().database(&self.name)
    }

    /// A pool for the app under test and the test's own statements: the API's policy
    /// of checking connections (`db::ping_when_idle`), its own size.
    pub fn pool(&self) -> PgPool {
        debtflow_api::db::ping_when_idle(PgPoolOptions::new().max_connections(5)).connect_lazy_with(self.options())
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let name = std::mem::take(&mut self.name);
        // Drop runs inside the test's runtime: use a thread with a runtime of its own.
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().ok()?;
            runtime.block_on(async {
                let mut admin = admin_options().connect().await.ok()?;
                sqlx::query(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)")).execute(&mut admin).await.ok()
            })
        })
        .join();
        if !matches!(dropped, Ok(Some(_))) {
            eprintln!("warning: a test database was not dropped (make test drops leftovers)");
        }
    }
}

async fn admin_connection() -> PgConnection {
    PgConnection::connect_with(&admin_options()).await.expect("connect to the test PostgreSQL")
}

/// Creates, once per migration set, the migrated template database; returns its name.
async fn ensure_template() -> String {
    let fingerprint = db::MIGRATOR
        .iter()
        .flat_map(|m| m.checksum.iter().copied())
        .fold(0xcbf2_9ce4_8422_2325_u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3));
    let template = format!("debtflow_template_{fingerprint:016x}");
    let mut admin = admin_connection().await;
    // Test processes start together: one builds the template, the others wait.
    sqlx::query("SELECT pg_advisory_lock(727001)").execute(&mut admin).await.expect("lock");
    let exists: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)")
        .bind(&template)
        .fetch_one(&mut admin)
        .await
        .expect("look up the template");
    if !exists {
        let building = format!("{template}_building");
        sqlx::query(&format!("DROP DATABASE IF EXISTS \"{building}\" WITH (FORCE)"))
            .execute(&mut admin)
            .await
            .expect("drop a half-built template");
        sqlx::query(&format!("CREATE DATABASE \"{building}\"")).execute(&mut admin).await.expect("create template");
        let mut conn =
            PgConnection::connect_with(&admin_options().database(&building)).await.expect("connect to the template");
        db::MIGRATOR.run(&mut conn).await.expect("migrate the template");
        conn.close().await.expect("close the template connection");
        sqlx::query(&format!("ALTER DATABASE \"{building}\" RENAME TO \"{template}\""))
            .execute(&mut admin)
            .await
            .expect("publish the template");
    }
    sqlx::query("SELECT pg_advisory_unlock(727001)").execute(&mut admin).await.expect("unlock");
    template
}

/// Asserts a problem+json response with `status` and returns its body.
pub async fn assert_problem(response: reqwest::Response, status: u16) -> serde_json::Value {
    assert_eq!(response.status().as_u16(), status, "unexpected status for {}", response.url());
    let content_type = response.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
    assert_eq!(content_type, "application/problem+json", "not a problem document");
    let body: serde_json::Value = response.json().await.expect("a JSON problem body");
    assert_eq!(body["status"], status, "problem status field: {body}");
    assert!(body["type"].as_str().is_some_and(|t| t.starts_with("urn:debtflow:problem:")), "{body}");
    assert!(body["title"].is_string() && body["detail"].is_string(), "{body}");
    body
}

impl TestDatabase {
    /// The database's URL, for a server process.
    pub fn url(&self) -> String {
        let admin = std::env::var("DATABASE_URL").expect("DATABASE_URL");
        let (scheme, rest) = admin.split_once("://").expect("a URL");
        let (authority, tail) = rest.split_once('/').unwrap_or((rest, ""));
        let query = tail.split_once('?').map(|(_, q)| format!("?{q}")).unwrap_or_default();
        format!("{scheme}://{authority}/{}{query}", self.name)
    }
}

/// The `debtflow` binary of this build: `DEBTFLOW_BIN`, or the one beside the test
/// executable (`make test` builds it first).
pub fn debtflow_bin() -> std::path::PathBuf {
    if let Ok(bin) = std::env::var("DEBTFLOW_BIN") {
        return bin.into();
    }
    let exe = std::env::current_exe().expect("the test executable");
    let bin = exe.parent().and_then(|deps| deps.parent()).expect("target/<profile>/deps").join("debtflow");
    assert!(bin.exists(), "{} is missing: run `cargo build -p debtflow-api` (make test does)", bin.display());
    bin
}

/// A memory figure of process `pid` in KiB, from `/proc/<pid>/status`: `VmRSS` (resident
/// now) or `VmHWM` (the most it has been resident); `None` once the process is gone.
pub fn proc_status_kib(pid: u32, field: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let value = status.lines().find_map(|line| line.strip_prefix(field)?.strip_prefix(':'))?;
    value.trim().trim_end_matches("kB").trim().parse().ok()
}

/// A real `debtflow serve` process, killed when dropped.
pub struct ServerProcess {
    child: std::process::Child,
    pub address: String,
}

impl ServerProcess {
    /// Starts `debtflow serve` on `database` and waits until it is ready.
    pub async fn start(database: &TestDatabase, overrides: &[(&str, &str)]) -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let mut command = std::process::Command::new(debtflow_bin());
        command
            .arg("serve")
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("DATABASE_URL", database.url())
            .env("BIND_ADDR", format!("127.0.0.1:{port}"))
            .env("WORKERS", "2")
            .env("JWT_SECRET", JWT_SECRET)
            .env("RATE_LIMIT_PER_IP", "100000")
            .env("RATE_LIMIT_PER_TOKEN", "100000")
            .env("RUST_LOG", "warn")
            .env("IMPORT_STORAGE", import_storage())
            .stdout(std::process::Stdio::null());
        for (k, v) in overrides {
            command.env(k, v);
        }
        let child = command.spawn().expect("start debtflow serve");
        let server = ServerProcess { child, address: format!("http://127.0.0.1:{port}") };
        let client = reqwest::Client::new();
        for _ in 0..200 {
            let ready = client.get(format!("{}/health/ready", server.address)).send().await;
            if ready.is_ok_and(|r| r.status() == 200) {
                return server;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        panic!("debtflow serve did not become ready on port {port}");
    }

    /// SIGTERM, the graceful stop; the exit status if the process ends within `within`.
    pub async fn terminate(&mut self, within: std::time::Duration) -> Option<std::process::ExitStatus> {
        let sent = std::process::Command::new("kill").args(["-TERM", &self.child.id().to_string()]).status();
        assert!(sent.is_ok_and(|s| s.success()), "kill -TERM");
        let deadline = std::time::Instant::now() + within;
        while std::time::Instant::now() < deadline {
            if let Some(status) = self.child.try_wait().expect("the server's status") {
                return Some(status);
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        None
    }

    /// A memory figure of the process in KiB ([`proc_status_kib`]).
    pub fn memory_kib(&self, field: &str) -> u64 {
        proc_status_kib(self.child.id(), field).unwrap_or_else(|| panic!("a {field} line in /proc/<pid>/status"))
    }

    /// SIGKILL: no graceful anything.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        self.kill();
    }
}
