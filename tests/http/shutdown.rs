//! A graceful stop (SIGTERM) lets the request in flight finish.

use debtflow_api::startup::Application;
use debtflow_tests::{test_config, TestDatabase};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

#[tokio::test]
async fn a_graceful_stop_finishes_the_request_in_flight() {
    let database = TestDatabase::migrated().await;
    let db = database.pool();
    debtflow_api::seed::seed_demo(&db).await.unwrap();
    let app = Application::build(&test_config(&[]), db).unwrap();
    let (port, handle) = (app.port(), app.handle());
    let server = tokio::spawn(app.run_until_stopped());

    // A login whose body is still arriving when the stop comes.
    let body = r#"{"username":"sarah.mitchell","password":"Collector@2026"}"#;
    let (first, rest) = body.split_at(20);
    let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", port)).await.unwrap();
    let head = format!(
        "POST /api/v1/auth/token HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{first}",
        body.len()
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    let stopping = tokio::spawn(handle.stop(true));
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_err(),
        "a stopping server accepts no new connection"
    );
    stream.write_all(rest.as_bytes()).await.unwrap();

    let mut response = String::new();
    stream.read_to_string(&mut response).await.unwrap();
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(response.contains("\"access\""), "{response}");
    tokio::time::timeout(Duration::from_secs(10), stopping).await.unwrap().unwrap();
    server.await.unwrap().unwrap();
}
