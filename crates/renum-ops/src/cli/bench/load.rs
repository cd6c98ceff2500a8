//! The HTTP load generator: a fixed number of keep-alive connections, each a loop of the same
//! request until the deadline; latencies of successful requests give the percentiles.
//!
//! Each loop drives one hyper HTTP/1 client connection directly, the way pgbench drives one
//! libpq connection: no pool lookup, URL parsing or redirect policy per request, so the
//! generator's own CPU (which shares the machine with the server) stays near pgbench's.

use std::future::Future;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use axum::body::Bytes;
use axum::http::{HeaderValue, Method, Request, Uri, header};
use http_body_util::{BodyExt, Full};
use hyper_util::rt::TokioIo;
use serde::Serialize;

#[derive(Debug, Serialize)]
pub struct Measured {
    pub requests: usize,
    pub errors: usize,
    pub rps: f64,
    pub p50_ms: f64,
    pub p95_ms: f64,
    pub p99_ms: f64,
    /// CPU milliseconds per request of the server (`--server-pid`) and of this load
    /// generator, from `/proc` before and after the run.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub server_cpu_ms: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub generator_cpu_ms: Option<f64>,
    /// Busy CPU milliseconds per request of the whole machine (server, database, generator
    /// and anything else running), from `/proc/stat`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub machine_cpu_ms: Option<f64>,
}

/// The one request a scenario repeats.
#[derive(Clone)]
pub struct Target {
    method: Method,
    /// Absolute URL of a loopback server.
    url: Uri,
    bearer: Option<HeaderValue>,
    json: Option<Bytes>,
}

impl Target {
    pub fn get(url: &str) -> anyhow::Result<Target> {
        Ok(Target {
            method: Method::GET,
            url: url.parse().with_context(|| format!("bad URL {url}"))?,
            bearer: None,
            json: None,
        })
    }

    pub fn post_json(url: &str, body: &serde_json::Value) -> anyhow::Result<Target> {
        Ok(Target {
            method: Method::POST,
            json: Some(serde_json::to_vec(body)?.into()),
            ..Target::get(url)?
        })
    }

    pub fn bearer(self, token: &str) -> anyhow::Result<Target> {
        Ok(Target {
            bearer: Some(format!("Bearer {token}").parse()?),
            ..self
        })
    }

    fn request(&self) -> anyhow::Result<Request<Full<Bytes>>> {
        let path = self.url.path_and_query().map_or("/", |p| p.as_str());
        let host = self
            .url
            .authority()
            .context("the URL has no host")?
            .as_str();
        let mut req = Request::builder()
            .method(self.method.clone())
            .uri(path)
            .header(header::HOST, host);
        if let Some(bearer) = &self.bearer {
            req = req.header(header::AUTHORIZATION, bearer.clone());
        }
        if self.json.is_some() {
            req = req.header(header::CONTENT_TYPE, "application/json");
        }
        Ok(req.body(Full::new(self.json.clone().unwrap_or_default()))?)
    }
}

/// Runs `connections` loops of `target` for `duration`.
pub async fn run(
    connections: usize,
    duration: Duration,
    target: &Target,
) -> anyhow::Result<Measured> {
    let deadline = Instant::now() + duration;
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..connections.max(1) {
        let target = target.clone();
        tasks.push(tokio::spawn(async move {
            let mut conn = connect(&target).await?;
            let mut latencies = Vec::new();
            let mut errors = 0usize;
            while Instant::now() < deadline {
                let t = Instant::now();
                let ok = match conn.send_request(target.request()?).await {
                    Ok(resp) => {
                        let success = resp.status().is_success();
                        // The whole body is read, as a client would.
                        resp.into_body().collect().await.is_ok() && success
                    }
                    Err(_) => {
                        // The connection broke (or the server closed it): a fresh one.
                        conn = connect(&target).await?;
                        false
                    }
                };
                if ok {
                    latencies.push(t.elapsed());
                } else {
                    errors += 1;
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
        server_cpu_ms: None,
        generator_cpu_ms: None,
        machine_cpu_ms: None,
    })
}

type Sender = hyper::client::conn::http1::SendRequest<Full<Bytes>>;

/// One keep-alive HTTP/1 connection to the target's server, its I/O driven by its own task.
async fn connect(target: &Target) -> anyhow::Result<Sender> {
    let host = target.url.host().context("the URL has no host")?;
    let port = target.url.port_u16().unwrap_or(80);
    let stream = tokio::net::TcpStream::connect((host.trim_matches(['[', ']']), port))
        .await
        .with_context(|| format!("cannot reach {}", target.url))?;
    stream.set_nodelay(true)?;
    let (sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await?;
    tokio::spawn(conn);
    Ok(sender)
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
