//! Riding out PostgreSQL restarts: `renum serve` on a throwaway cluster of its own (PostgreSQL
//! 15's `initdb` and `pg_ctl`, a free loopback port, a temporary directory), under a steady load
//! of reads and writes, through a fast restart and then a 5 s outage. A client may see a 503
//! with `Retry-After` for the few requests that were talking to the database when it went away,
//! never a 500; the pool recovers by itself, without restarting renum; and the API log writer
//! waits the outage out, so every answered request has its `api_logs` row.

use std::collections::{BTreeMap, HashSet};
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::json;

use crate::process::{comes_up, command, free_bind, free_port, sign_up_ops};

const MASTER_KEY: &str = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
/// Concurrent client loops, each one request at a time: at most this many requests can be in
/// flight when the database goes away, which is the bound on failures per event.
const LOOPS: usize = 4;
/// Requests of the warm-up burst: enough to fill `renum serve`'s pool (16 by default), as any
/// busy moment does, so the pool holds idle connections that the restart kills.
const BURST: usize = 16;
const OUTAGE: Duration = Duration::from_secs(5);
/// Load after each event once requests succeed again, so recovery is seen to last.
const SETTLE: Duration = Duration::from_secs(1);
/// Longer than twice the pool's 10 s acquire timeout (renum takes a connection once more when
/// the first was lost while being taken): a request waiting out the outage for a connection is
/// answered by renum, not cut off by the client.
const CLIENT_TIMEOUT: Duration = Duration::from_secs(25);
/// How soon after the cluster is back requests must succeed again: sqlx reconnects with a
/// backoff capped at a fifth of the 10 s acquire timeout, so within about 2 s.
const RECOVERY: Duration = Duration::from_secs(5);

/// A PostgreSQL cluster in a temporary directory on a free loopback port. Dropping it stops the
/// server (`-m immediate`), also when the test panics.
struct Cluster {
    bin: PathBuf,
    data: PathBuf,
    log: PathBuf,
    /// The postmaster's options: its port, the socket in the cluster's directory, loopback only.
    options: String,
    port: u16,
    /// initdb and postgres refuse to run as root; as root the cluster belongs to `postgres`.
    as_postgres: bool,
    /// Last, so the directory goes after `drop` has stopped the server.
    _dir: tempfile::TempDir,
}

impl Cluster {
    /// Creates and starts a cluster, or `None` when PostgreSQL is not installed (a failure
    /// under `CI=true`, where it must be).
    async fn start() -> Option<Cluster> {
        let Some(bin) = bindir() else {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "PostgreSQL's initdb is not installed (pg_config --bindir, /usr/lib/postgresql/15/bin)"
            );
            eprintln!("skipped: PostgreSQL's initdb is not installed");
            return None;
        };
        let as_postgres = std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0);
        let dir = tempfile::Builder::new()
            .prefix("renum-pg-")
            .tempdir_in("/tmp")
            .unwrap();
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
        if as_postgres {
            run(std::process::Command::new("chown")
                .arg("postgres")
                .arg(dir.path()));
        }
        let port = free_port();
        let cluster = Cluster {
            data: dir.path().join("data"),
            log: dir.path().join("postgres.log"),
            options: format!(
                "-p {port} -k {} -c listen_addresses=127.0.0.1",
                dir.path().display()
            ),
            bin,
            port,
            as_postgres,
            _dir: dir,
        };
        let mut initdb = cluster.tool("initdb");
        initdb
            .arg("-D")
            .arg(&cluster.data)
            .args(["--auth=trust", "--username=postgres", "--encoding=UTF8"])
            .arg("--no-sync");
        run(&mut initdb);
        cluster.pg_ctl(&["-w", "start"]).await;
        Some(cluster)
    }

    fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    /// A PostgreSQL program, run as `postgres` when the test runs as root.
    fn tool(&self, program: &str) -> std::process::Command {
        let path = self.bin.join(program);
        if self.as_postgres {
            let mut cmd = std::process::Command::new("runuser");
            cmd.args(["-u", "postgres", "--"]).arg(path);
            cmd
        } else {
            std::process::Command::new(path)
        }
    }

    /// `pg_ctl` on this cluster, awaited without blocking the load's runtime threads.
    async fn pg_ctl(&self, args: &[&str]) {
        let mut cmd = self.tool("pg_ctl");
        cmd.arg("-D")
            .arg(&self.data)
            .arg("-l")
            .arg(&self.log)
            .args(["-o", &self.options])
            .args(args);
        let output = tokio::process::Command::from(cmd)
            .output()
            .await
            .expect("run pg_ctl");
        assert!(
            output.status.success(),
            "pg_ctl {args:?}: {}{}",
            String::from_utf8_lossy(&output.stderr),
            std::fs::read_to_string(&self.log).unwrap_or_default()
        );
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = self
            .tool("pg_ctl")
            .arg("-D")
            .arg(&self.data)
            .args(["-m", "immediate", "stop"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }
}

/// Where `initdb` and `pg_ctl` are: `pg_config --bindir`, else Debian's PostgreSQL 15.
fn bindir() -> Option<PathBuf> {
    let configured = std::process::Command::new("pg_config")
        .arg("--bindir")
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| PathBuf::from(String::from_utf8_lossy(&o.stdout).trim()));
    configured
        .into_iter()
        .chain([PathBuf::from("/usr/lib/postgresql/15/bin")])
        .find(|dir| dir.join("initdb").is_file() && dir.join("pg_ctl").is_file())
}

fn run(cmd: &mut std::process::Command) {
    let output = cmd.output().expect("run a PostgreSQL tool");
    assert!(
        output.status.success(),
        "{cmd:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// What one load request got back.
struct Outcome {
    /// The event under way when the answer came: what a failure is charged to.
    event: Event,
    done: Instant,
    /// `None`: no HTTP answer (the client timed out or lost the connection).
    status: Option<u16>,
    retry_after: bool,
    request_id: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Event {
    Steady,
    Restart,
    Outage,
}

/// The load: `LOOPS` loops alternating `GET /v1/me` (a read on the session check's connection)
/// and `POST /v1/videos` (a write on a connection of its own), until told to stop.
struct Load {
    outcomes: Arc<Mutex<Vec<Outcome>>>,
    event: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
    loops: Vec<tokio::task::JoinHandle<()>>,
}

impl Load {
    fn start(http: &reqwest::Client, api: &str, token: &str) -> Load {
        let outcomes = Arc::new(Mutex::new(Vec::new()));
        let event = Arc::new(AtomicUsize::new(Event::Steady as usize));
        let stop = Arc::new(AtomicBool::new(false));
        let loops = (0..LOOPS)
            .map(|n| {
                let (http, api, token) = (http.clone(), api.to_owned(), token.to_owned());
                let (outcomes, event, stop) = (outcomes.clone(), event.clone(), stop.clone());
                tokio::spawn(async move {
                    let mut i = 0usize;
                    while !stop.load(Ordering::Relaxed) {
                        let request = if i.is_multiple_of(2) {
                            http.get(format!("{api}/v1/me"))
                        } else {
                            http.post(format!("{api}/v1/videos"))
                                .json(&json!({"title": format!("load {n}-{i}")}))
                        };
                        let answer = request.bearer_auth(&token).send().await;
                        let event = match event.load(Ordering::Relaxed) {
                            0 => Event::Steady,
                            1 => Event::Restart,
                            _ => Event::Outage,
                        };
                        let outcome = match answer {
                            Ok(resp) => Outcome {
                                event,
                                done: Instant::now(),
                                status: Some(resp.status().as_u16()),
                                retry_after: resp.headers().contains_key("retry-after"),
                                request_id: resp
                                    .headers()
                                    .get("x-request-id")
                                    .and_then(|v| v.to_str().ok())
                                    .map(str::to_owned),
                            },
                            Err(_) => Outcome {
                                event,
                                done: Instant::now(),
                                status: None,
                                retry_after: false,
                                request_id: None,
                            },
                        };
                        outcomes.lock().unwrap().push(outcome);
                        i += 1;
                    }
                })
            })
            .collect();
        Load {
            outcomes,
            event,
            stop,
            loops,
        }
    }

    fn begin(&self, event: Event) {
        self.event.store(event as usize, Ordering::Relaxed);
    }

    /// How long after `since` the first request succeeded (polled up to `limit`).
    async fn recovered_after(&self, since: Instant, limit: Duration) -> Duration {
        loop {
            let first = self
                .outcomes
                .lock()
                .unwrap()
                .iter()
                .filter(|o| o.done >= since && o.status.is_some_and(|s| s < 300))
                .map(|o| o.done)
                .min();
            if let Some(at) = first {
                return at - since;
            }
            assert!(
                since.elapsed() < limit,
                "no request succeeded within {limit:?} of the cluster being back"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    async fn finish(self) -> Vec<Outcome> {
        self.stop.store(true, Ordering::Relaxed);
        for handle in self.loops {
            handle.await.unwrap();
        }
        Arc::try_unwrap(self.outcomes)
            .ok()
            .unwrap()
            .into_inner()
            .unwrap()
    }
}

/// The `renum_api_logs_*` lines of `/metrics`, by name.
async fn log_metrics(http: &reqwest::Client, api: &str) -> BTreeMap<String, u64> {
    let text = http
        .get(format!("{api}/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    text.lines()
        .filter(|l| l.starts_with("renum_api_logs_"))
        .filter_map(|l| l.split_once(' '))
        .filter_map(|(name, value)| Some((name.to_owned(), value.parse().ok()?)))
        .collect()
}

/// The server connections `renum serve` holds (its pool names itself `renum`).
async fn renum_connections(url: &str) -> i64 {
    use sqlx::Connection;
    let mut conn = sqlx::PgConnection::connect(url).await.unwrap();
    let n = sqlx::query_scalar(
        "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'renum'",
    )
    .fetch_one(&mut conn)
    .await
    .unwrap();
    conn.close().await.unwrap();
    n
}

fn tail(path: &Path, lines: usize) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_postgres_restart_and_a_five_second_outage_cost_a_few_503s_and_no_log_record() {
    let Some(cluster) = Cluster::start().await else {
        return;
    };
    let url = cluster.url();
    let data = tempfile::tempdir().unwrap();
    let server_log = data.path().join("serve.log");
    let bind = free_bind();
    let mut serve = command(&url, &["serve", "--bind", &bind])
        .env("RENUM_MASTER_KEY", MASTER_KEY)
        .env("RENUM_DATA_DIR", data.path())
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&server_log).unwrap())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let api = format!("http://{bind}");
    let http = reqwest::Client::builder()
        .no_proxy()
        .timeout(CLIENT_TIMEOUT)
        .build()
        .unwrap();
    assert!(
        comes_up(&http, &format!("{api}/readyz"), Duration::from_secs(30)).await,
        "renum serve did not come up: {}",
        tail(&server_log, 20)
    );
    let token = sign_up_ops(&http, &api).await["session"]["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut burst = tokio::task::JoinSet::new();
    for _ in 0..BURST {
        let me = http.get(format!("{api}/v1/me")).bearer_auth(&token).send();
        burst.spawn(me);
    }
    while let Some(answer) = burst.join_next().await {
        assert_eq!(answer.unwrap().unwrap().status(), 200);
    }
    let pooled = renum_connections(&url).await;
    assert!(
        pooled > i64::try_from(LOOPS).unwrap(),
        "the burst left {pooled} connections: too few for dead idle ones to show"
    );

    let load = Load::start(&http, &api, &token);
    tokio::time::sleep(SETTLE).await;

    load.begin(Event::Restart);
    cluster.pg_ctl(&["-w", "-m", "fast", "restart"]).await;
    let restart_recovery = load.recovered_after(Instant::now(), RECOVERY).await;
    tokio::time::sleep(SETTLE).await;

    load.begin(Event::Outage);
    cluster.pg_ctl(&["-w", "-m", "fast", "stop"]).await;
    tokio::time::sleep(OUTAGE).await;
    cluster.pg_ctl(&["-w", "start"]).await;
    let outage_recovery = load.recovered_after(Instant::now(), RECOVERY).await;
    tokio::time::sleep(SETTLE).await;
    let outcomes = load.finish().await;

    assert!(
        serve.try_wait().unwrap().is_none(),
        "renum serve exited: {}",
        tail(&server_log, 20)
    );
    for _ in 0..LOOPS {
        let me = http
            .get(format!("{api}/v1/me"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(me.status(), 200, "the pool did not recover");
    }

    let mut counts: BTreeMap<(Event, Option<u16>), usize> = BTreeMap::new();
    for o in &outcomes {
        *counts.entry((o.event, o.status)).or_default() += 1;
    }
    let failed = |event: Event| {
        outcomes
            .iter()
            .filter(|o| o.event == event && o.status.is_none_or(|s| s >= 300))
            .count()
    };
    let unanswered = outcomes.iter().filter(|o| o.status.is_none()).count();
    eprintln!(
        "{pooled} pooled connections before the load; \
         {} requests by (event, status; None = no answer): {counts:?}\n\
         failed across the restart: {}, across the {OUTAGE:?} outage: {} \
         ({unanswered} of them unanswered within {CLIENT_TIMEOUT:?}); \
         recovered {restart_recovery:?} after the restart, {outage_recovery:?} after the outage\n\
         renum serve's log (tail):\n{}",
        outcomes.len(),
        failed(Event::Restart),
        failed(Event::Outage),
        tail(&server_log, 30)
    );
    let refused: Vec<_> = outcomes
        .iter()
        .filter_map(|o| o.status.map(|s| (o.event, s, o.retry_after)))
        .filter(|&(_, s, retry_after)| s >= 300 && !(s == 503 && retry_after))
        .collect();
    assert!(
        refused.is_empty(),
        "answers other than success or 503 with Retry-After (event, status, retry-after): {refused:?}"
    );
    assert_eq!(failed(Event::Steady), 0, "failures before any restart");
    // Each loop has one request at a time, so at most LOOPS of them can be talking to the
    // database when it goes away. A pool that hands out its dead idle connections fails one
    // request per connection it held: up to BURST.
    for event in [Event::Restart, Event::Outage] {
        assert!(
            failed(event) <= LOOPS,
            "{} failed requests across the {event:?}: more than the {LOOPS} that can be in flight",
            failed(event)
        );
    }

    // Every answered request has its record once the queue has drained. The outage is shorter
    // than the pool's 10 s acquire timeout, so the writer mostly waits inside its attempt for a
    // connection; what fails is a batch in flight when the server stops, which is retried.
    let answered: HashSet<String> = outcomes
        .iter()
        .filter(|o| o.status.is_some())
        .map(|o| o.request_id.clone().expect("every answer has x-request-id"))
        .collect();
    let pool = sqlx::PgPool::connect(&url).await.unwrap();
    let started = Instant::now();
    let (missing, rows) = loop {
        let rows: Vec<String> =
            sqlx::query_scalar("SELECT request_id FROM api_logs WHERE request_id IS NOT NULL")
                .fetch_all(&pool)
                .await
                .unwrap();
        let logged: HashSet<&String> = rows.iter().collect();
        let missing = answered.iter().filter(|id| !logged.contains(id)).count();
        if missing == 0 || started.elapsed() > Duration::from_secs(15) {
            break (missing, rows.len());
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    let metrics = log_metrics(&http, &api).await;
    eprintln!(
        "api_logs: {} answered requests, {rows} rows with a request id, {missing} missing; {metrics:?}",
        answered.len()
    );
    assert_eq!(missing, 0, "answered requests without an api_logs row");
    for lost in [
        "renum_api_logs_dropped_total",
        "renum_api_logs_failed_total",
    ] {
        assert_eq!(metrics.get(lost), Some(&0), "{lost}");
    }
    pool.close().await;
    serve.kill().await.unwrap();
}
