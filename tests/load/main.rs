//! `debtflow-load`: the HTTP load generator of `make bench`.
//!
//! `debtflow-load NAME URL [--concurrency N] [--seconds S] [--warmup W] [--max-requests R]
//! [--header 'Name: value'] [--paths FILE] [--bodies FILE]` keeps N requests in flight
//! (keep-alive connections) for S seconds or R requests, whichever ends first, then
//! prints one table row: scenario, concurrency, requests, throughput, p50/p95/p99
//! latency, the tail's ratio p99/p50 and the non-2xx count. With `--warmup`, the same
//! load runs W seconds first, unrecorded: what is measured is the steady state, not the
//! first touch of pages and prepared statements. With `--paths`, requests cycle through
//! the file's paths (one per line) appended to URL. With `--bodies`, each request is a
//! POST of the next line of the file (a JSON document) with a fresh `Idempotency-Key`.
//! Traffic goes only to the URL given, which `make bench` points at 127.0.0.1.

use debtflow_tests::percentile_ms;
use std::{
    sync::Arc,
    time::{Duration, Instant},
};

struct Args {
    name: String,
    url: String,
    concurrency: usize,
    seconds: u64,
    warmup: u64,
    max_requests: usize,
    headers: Vec<(String, String)>,
    paths: Vec<String>,
    bodies: Vec<String>,
}

fn parse_args() -> Result<Args, String> {
    let mut raw = std::env::args().skip(1);
    let name = raw.next().ok_or("missing scenario name")?;
    let url = raw.next().ok_or("missing URL")?;
    let mut args = Args {
        name,
        url,
        concurrency: 16,
        seconds: 10,
        warmup: 0,
        max_requests: 2_000_000,
        headers: vec![],
        paths: vec![],
        bodies: vec![],
    };
    while let Some(flag) = raw.next() {
        let value = raw.next().ok_or(format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--concurrency" => args.concurrency = value.parse().map_err(|e| format!("--concurrency: {e}"))?,
            "--seconds" => args.seconds = value.parse().map_err(|e| format!("--seconds: {e}"))?,
            "--warmup" => args.warmup = value.parse().map_err(|e| format!("--warmup: {e}"))?,
            "--max-requests" => args.max_requests = value.parse().map_err(|e| format!("--max-requests: {e}"))?,
            "--header" => {
                let (k, v) = value.split_once(':').ok_or("--header wants 'Name: value'")?;
                args.headers.push((k.trim().to_owned(), v.trim().to_owned()));
            }
            "--paths" => {
                let text = std::fs::read_to_string(&value).map_err(|e| format!("--paths {value}: {e}"))?;
                args.paths = text.lines().filter(|l| !l.trim().is_empty()).map(str::to_owned).collect();
            }
            "--bodies" => {
                let text = std::fs::read_to_string(&value).map_err(|e| format!("--bodies {value}: {e}"))?;
                args.bodies = text.lines().filter(|l| !l.trim().is_empty()).map(str::to_owned).collect();
            }
            other => return Err(format!("unknown flag {other}")),
        }
    }
    Ok(args)
}

/// Latencies and failures of one worker.
#[derive(Default)]
struct Tally {
    latencies: Vec<Duration>,
    failures: usize,
}

#[tokio::main]
async fn main() {
    let args = match parse_args() {
        Ok(args) => args,
        Err(e) => {
            eprintln!("debtflow-load: {e}");
            std::process::exit(2);
        }
    };
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(args.concurrency)
        .timeout(Duration::from_secs(10))
        .build()
        .expect("an HTTP client");
    let args = Arc::new(args);
    if args.warmup > 0 {
        drive(&client, &args, "warmup", Duration::from_secs(args.warmup)).await;
    }
    let started = Instant::now();
    let (mut latencies, failures) = drive(&client, &args, "load", Duration::from_secs(args.seconds)).await;
    let elapsed = started.elapsed().as_secs_f64();
    latencies.sort_unstable();
    let (p50, p99) = (percentile_ms(&latencies, 50.0), percentile_ms(&latencies, 99.0));
    println!(
        "| {:<40} | {:>4} | {:>8} | {:>9.0} | {:>7.2} | {:>7.2} | {:>7.2} | {:>7.1} | {:>6} |",
        args.name,
        args.concurrency,
        latencies.len(),
        latencies.len() as f64 / elapsed,
        p50,
        percentile_ms(&latencies, 95.0),
        p99,
        if p50 > 0.0 { p99 / p50 } else { 0.0 },
        failures,
    );
}

/// Keeps `args.concurrency` requests in flight for `length` (or `args.max_requests`);
/// returns every request's latency and the number that failed. `phase` keeps the
/// idempotency keys of a warm-up apart from the measured run's.
async fn drive(
    client: &reqwest::Client,
    args: &Arc<Args>,
    phase: &'static str,
    length: Duration,
) -> (Vec<Duration>, usize) {
    let deadline = Instant::now() + length;
    let per_worker = args.max_requests.div_ceil(args.concurrency);
    let urls: Vec<String> = if args.paths.is_empty() {
        vec![args.url.clone()]
    } else {
        args.paths.iter().map(|p| format!("{}{p}", args.url)).collect()
    };
    let urls = Arc::new(urls);
    let workers: Vec<_> = (0..args.concurrency)
        .map(|worker| {
            let (client, args, urls) = (client.clone(), args.clone(), urls.clone());
            tokio::spawn(async move {
                let mut tally = Tally::default();
                while Instant::now() < deadline && tally.latencies.len() < per_worker {
                    let n = worker + tally.latencies.len() * 7;
                    let url = &urls[n % urls.len()];
                    let mut request = if args.bodies.is_empty() {
                        client.get(url)
                    } else {
                        let key = format!("{phase}-{worker}-{}-{}", tally.latencies.len(), std::process::id());
                        client
                            .post(url)
                            .header("Content-Type", "application/json")
                            .header("Idempotency-Key", key)
                            .body(args.bodies[(n * 7919) % args.bodies.len()].clone())
                    };
                    for (k, v) in &args.headers {
                        request = request.header(k, v);
                    }
                    let sent = Instant::now();
                    let ok = match request.send().await {
                        Ok(response) => {
                            let ok = response.status().is_success();
                            ok && response.bytes().await.is_ok()
                        }
                        Err(_) => false,
                    };
                    tally.latencies.push(sent.elapsed());
                    tally.failures += usize::from(!ok);
                }
                tally
            })
        })
        .collect();
    let mut latencies = Vec::new();
    let mut failures = 0;
    for worker in workers {
        let tally = worker.await.expect("a load worker");
        latencies.extend(tally.latencies);
        failures += tally.failures;
    }
    (latencies, failures)
}
