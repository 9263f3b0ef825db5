//! The server's memory under a burst of logins: each hashes a password with argon2id
//! (19 MiB); at most one hash per core runs at once (`auth::password`), and their
//! memory goes back to the system afterwards (`debtflow_api::memory`).

use debtflow_tests::{ServerProcess, TestDatabase};
use futures_util::{stream, StreamExt};

/// One argon2id hash's memory, in KiB.
const ONE_HASH_KIB: u64 = 19 * 1024;

#[tokio::test]
async fn a_burst_of_logins_hashes_one_per_core_and_gives_the_memory_back() {
    let database = TestDatabase::migrated().await;
    debtflow_api::seed::seed_demo(&database.pool()).await.unwrap();
    let server = ServerProcess::start(&database, &[]).await;
    let client = reqwest::Client::new();
    let login = |_| {
        let client = client.clone();
        let url = format!("{}/api/v1/auth/token", server.address);
        async move {
            let response = client
                .post(url)
                .json(&serde_json::json!({"username": "sarah.mitchell", "password": "Collector@2026"}))
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), 200);
        }
    };
    // The connections, pool and caches a login touches, set up by one of them.
    login(0).await;
    let before = server.memory_kib("VmRSS");

    stream::iter(0..32).map(login).buffer_unordered(16).collect::<Vec<()>>().await;
    let (peak, after) = (server.memory_kib("VmHWM"), server.memory_kib("VmRSS"));
    let cores = std::thread::available_parallelism().unwrap().get() as u64;
    assert!(
        peak < before + (cores + 1) * ONE_HASH_KIB,
        "32 logins, 16 at a time, took the server to {peak} KiB resident from {before} KiB: \
         more than one hash per core ({cores}) ran at once"
    );
    assert!(
        after < before + ONE_HASH_KIB,
        "32 logins left the server at {after} KiB resident, from {before} KiB: their hashes' memory was kept"
    );
}
