//! The HTTP load generator: a fixed number of connections, each a loop of requests until the
//! deadline; latencies of successful requests give the percentiles.

use std::future::Future;
use std::time::{Duration, Instant};

use anyhow::bail;
use serde::Serialize;

#[derive(Debug, Serialize)]
pub struct Measured {
    pub requests: usize,
    pub errors: usize,
    pub rps: f64,
    pub p50_ms: f64,
    pub p95_ms: f64,
    pub p99_ms: f64,
}

/// Runs `connections` loops of `request` for `duration`.
pub async fn run<F>(connections: usize, duration: Duration, request: F) -> anyhow::Result<Measured>
where
    F: Fn(&reqwest::Client) -> reqwest::RequestBuilder + Clone + Send + 'static,
{
    let deadline = Instant::now() + duration;
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..connections.max(1) {
        let request = request.clone();
        tasks.push(tokio::spawn(async move {
            // One client per loop: its own keep-alive connection.
            let client = reqwest::Client::builder()
                .pool_max_idle_per_host(1)
                .build()?;
            let mut latencies = Vec::new();
            let mut errors = 0usize;
            while Instant::now() < deadline {
                let t = Instant::now();
                match request(&client).send().await {
                    Ok(resp) if resp.status().is_success() => {
                        let _ = resp.bytes().await;
                        latencies.push(t.elapsed());
                    }
                    _ => errors += 1,
                }
            }
            anyhow::Ok((latencies, errors))
        }));
    }
    let mut latencies = Vec::new();
    let mut errors = 0;
    for task in tasks {
        let (l, e) = task.await??;
        latencies.extend(l);
        errors += e;
    }
    let elapsed = started.elapsed().as_secs_f64();
    if latencies.is_empty() {
        bail!(
            "no request succeeded ({errors} errors): is the server up, and its throttles raised for benchmarking?"
        );
    }
    latencies.sort();
    let pct = |p: f64| {
        latencies[((latencies.len() - 1) as f64 * p).round() as usize].as_secs_f64() * 1000.0
    };
    Ok(Measured {
        requests: latencies.len(),
        errors,
        rps: latencies.len() as f64 / elapsed,
        p50_ms: pct(0.50),
        p95_ms: pct(0.95),
        p99_ms: pct(0.99),
    })
}

/// `connections` loops of `call` for `duration`; returns calls per second. The baseline where
/// pgbench cannot run (SQLite): the same statement through renum_db.
pub async fn repeat<F, Fut>(connections: usize, duration: Duration, call: F) -> anyhow::Result<f64>
where
    F: Fn() -> Fut + Clone + Send + 'static,
    Fut: Future<Output = anyhow::Result<()>> + Send,
{
    let deadline = Instant::now() + duration;
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..connections.max(1) {
        let call = call.clone();
        tasks.push(tokio::spawn(async move {
            let mut n = 0u64;
            while Instant::now() < deadline {
                call().await?;
                n += 1;
            }
            anyhow::Ok(n)
        }));
    }
    let mut calls = 0;
    for task in tasks {
        calls += task.await??;
    }
    Ok(calls as f64 / started.elapsed().as_secs_f64())
}
