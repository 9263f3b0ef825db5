//! `debtflow-fanout URL DATABASE_URL --token T [--token T …] [--streams N] [--writes W]
//! [--rate R] [--pid PID]`: the live notification stream under load, for `make bench`.
//!
//! Opens N streams (`GET /api/v1/notifications/stream`), spread round-robin over the
//! tokens' users, and waits until each has said `ready`. Then writes W notifications
//! straight into the database, R per second, each to the next of those users in its
//! own transaction, as any replica's service would. The latency of a receipt is from
//! the moment the writer sent COMMIT to the moment a stream parsed the event; every
//! stream of the recipient must receive it. Prints one markdown row: streams, writes,
//! receipts (of expected), p50/p95/p99/max in ms, and with `--pid` the server's
//! resident memory before the streams opened and with them open.

use debtflow_tests::{percentile_ms, proc_status_kib, sse::EventStream};
use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};
use uuid::Uuid;

struct Args {
    url: String,
    database_url: String,
    tokens: Vec<String>,
    streams: usize,
    writes: usize,
    rate: f64,
    pid: Option<u32>,
}

fn parse_args() -> Result<Args, String> {
    let mut raw = std::env::args().skip(1);
    let url = raw.next().ok_or("URL first")?;
    let database_url = raw.next().ok_or("DATABASE_URL second")?;
    let mut args = Args { url, database_url, tokens: vec![], streams: 200, writes: 300, rate: 30.0, pid: None };
    while let Some(flag) = raw.next() {
        let value = raw.next().ok_or(format!("{flag} wants a value"))?;
        match flag.as_str() {
            "--token" => args.tokens.push(value),
            "--streams" => args.streams = value.parse().map_err(|e| format!("--streams: {e}"))?,
            "--writes" => args.writes = value.parse().map_err(|e| format!("--writes: {e}"))?,
            "--rate" => args.rate = value.parse().map_err(|e| format!("--rate: {e}"))?,
            "--pid" => args.pid = Some(value.parse().map_err(|e| format!("--pid: {e}"))?),
            other => return Err(format!("unknown flag {other}")),
        }
    }
    if args.tokens.is_empty() {
        return Err("at least one --token".into());
    }
    Ok(args)
}

fn rss_mb(pid: Option<u32>) -> Option<f64> {
    Some(proc_status_kib(pid?, "VmRSS")? as f64 / 1024.0)
}

#[tokio::main]
async fn main() {
    let args = parse_args().unwrap_or_else(|e| {
        eprintln!("debtflow-fanout: {e}");
        std::process::exit(2);
    });
    let client = reqwest::Client::new();
    let mut users = Vec::new();
    for token in &args.tokens {
        let me: serde_json::Value = client
            .get(format!("{}/api/v1/auth/me", args.url))
            .bearer_auth(token)
            .send()
            .await
            .and_then(|r| r.error_for_status())
            .expect("GET /auth/me")
            .json()
            .await
            .expect("a user");
        let id: Uuid = me["id"].as_str().and_then(|s| s.parse().ok()).expect("the user's id");
        let agency: Uuid = me["agency"]["id"].as_str().and_then(|s| s.parse().ok()).expect("an agency user");
        users.push((token.clone(), id, agency));
    }
    let rss_before = rss_mb(args.pid);

    // Streams, each ready before any write.
    let written: Arc<Mutex<HashMap<String, Instant>>> = Arc::default();
    let receipts: Arc<Mutex<Vec<Duration>>> = Arc::default();
    let mut streams_of = HashMap::<Uuid, usize>::new();
    let mut readers = Vec::new();
    let stream_url = format!("{}/api/v1/notifications/stream", args.url);
    for n in 0..args.streams {
        let (token, user, _) = &users[n % users.len()];
        *streams_of.entry(*user).or_default() += 1;
        let mut stream = EventStream::open(&client, &stream_url, token, None).await;
        let ready = stream.next(Duration::from_secs(10)).await.expect("a ready event");
        assert_eq!(ready.event, "ready");
        let (written, receipts) = (written.clone(), receipts.clone());
        readers.push(tokio::spawn(async move {
            while let Some(event) = stream.next(Duration::from_secs(5)).await {
                let Some(id) = event.data["id"].as_str() else { continue };
                let sent = written.lock().unwrap().get(id).copied();
                if let Some(sent) = sent {
                    receipts.lock().unwrap().push(sent.elapsed());
                }
            }
        }));
    }
    let rss_open = rss_mb(args.pid);

    let db = sqlx::postgres::PgPoolOptions::new().max_connections(2).connect(&args.database_url).await.expect("DB");
    let mut expected = 0;
    let pace = Duration::from_secs_f64(1.0 / args.rate);
    let mut tick = tokio::time::interval(pace);
    for n in 0..args.writes {
        tick.tick().await;
        let (_, recipient, agency) = users[n % users.len()];
        let id = Uuid::now_v7();
        let mut tx = db.begin().await.expect("BEGIN");
        sqlx::query(
            "INSERT INTO notifications (agency_id, id, recipient_id, kind, title, body, idempotency_key)
             VALUES ($1, $2, $3, 'payment_received', 'Payment received', 'bench', $4)",
        )
        .bind(agency)
        .bind(id)
        .bind(recipient)
        .bind(format!("bench:fanout:{id}"))
        .execute(&mut *tx)
        .await
        .expect("a notification");
        written.lock().unwrap().insert(id.to_string(), Instant::now());
        tx.commit().await.expect("COMMIT");
        expected += streams_of[&recipient];
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    let rss_after = rss_mb(args.pid);
    let mut latencies = receipts.lock().unwrap().clone();
    latencies.sort_unstable();
    let mb = |v: Option<f64>| v.map_or("n/a".to_owned(), |v| format!("{v:.1}"));
    println!("| streams | writes | receipts / expected | p50 ms | p95 ms | p99 ms | max ms | RSS MB: before / streams open / after writes |");
    println!("|---|---|---|---|---|---|---|---|");
    println!(
        "| {} | {} | {} / {} | {:.1} | {:.1} | {:.1} | {:.1} | {} / {} / {} |",
        args.streams,
        args.writes,
        latencies.len(),
        expected,
        percentile_ms(&latencies, 50.0),
        percentile_ms(&latencies, 95.0),
        percentile_ms(&latencies, 99.0),
        latencies.last().map_or(f64::NAN, |d| d.as_secs_f64() * 1000.0),
        mb(rss_before),
        mb(rss_open),
        mb(rss_after),
    );
    for reader in readers {
        reader.abort();
    }
}
