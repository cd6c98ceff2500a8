//! Stopping as a process manager does: a real SIGTERM to a `renum serve` under load, with one
//! client stuck mid-request. The stop is bounded by `--shutdown-grace` (the stuck request
//! cannot hold it), the process exits 0, and every request that got an answer has its API log
//! row. `renum worker` stops on SIGTERM the same way.

use std::collections::HashSet;
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use renum_db::testing::TestDb;
use renum_db::{Db, Engine};
use serde_json::json;
use tokio::io::AsyncWriteExt;

use crate::process::{comes_up, command, free_bind};

const MASTER_KEY: &str = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
const PASSWORD: &str = "correct horse battery staple";
const GRACE: Duration = Duration::from_secs(3);

/// `cmd` started with the shared master key and a data directory of its own, its stderr kept
/// for the failure message.
fn started(mut cmd: tokio::process::Command, data: &std::path::Path) -> tokio::process::Child {
    cmd.env("RENUM_MASTER_KEY", MASTER_KEY)
        .env("RENUM_DATA_DIR", data)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("start renum")
}

fn sigterm(pid: u32) {
    let status = std::process::Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status()
        .expect("run kill");
    assert!(status.success(), "kill -TERM {pid}");
}

/// The request ids of the answers one client loop got, until the server went away.
async fn hammer(api: String, token: String, kind: usize, answered: Arc<Mutex<Vec<String>>>) {
    let http = reqwest::Client::new();
    let started = Instant::now();
    for n in 0.. {
        let request = match kind % 3 {
            0 => http.get(format!("{api}/v1/me")).bearer_auth(&token),
            1 => http
                .post(format!("{api}/v1/videos"))
                .bearer_auth(&token)
                .json(&json!({"title": format!("loop {kind} video {n}")})),
            // Sign-in hashes a password: the slowest request, most likely in flight.
            _ => http
                .post(format!("{api}/v1/auth/signin"))
                .json(&json!({"email": "stop@example.com", "password": PASSWORD})),
        };
        let Ok(response) = request.send().await else {
            return;
        };
        let id = response.headers()["x-request-id"]
            .to_str()
            .unwrap()
            .to_owned();
        assert!(
            response.status().is_success(),
            "{} during the stop",
            response.status()
        );
        answered.lock().unwrap().push(id);
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the server never stopped"
        );
    }
}

async fn logged_request_ids(db: &Db) -> HashSet<String> {
    const SQL: &str = "SELECT request_id FROM api_logs WHERE request_id IS NOT NULL";
    let ids: Vec<String> = match db {
        Db::Postgres(pool) => sqlx::query_scalar(SQL).fetch_all(pool).await.unwrap(),
        Db::Sqlite(pool) => sqlx::query_scalar(SQL).fetch_all(pool).await.unwrap(),
    };
    ids.into_iter().collect()
}

async fn sigterm_under_load_stops_within_the_grace_period_and_logs_every_answer(engine: Engine) {
    let t = TestDb::new(engine).await;
    let data = tempfile::tempdir().unwrap();
    let bind = free_bind();
    let grace = format!("{}s", GRACE.as_secs());
    let serve = command(
        &t.url,
        &[
            "serve",
            "--bind",
            &bind,
            "--shutdown-grace",
            &grace,
            "--signin-per-minute",
            "100000",
            "--signin-burst",
            "100000",
            // Sign-ins are unauthenticated requests: every one is to be logged, not counted.
            "--log-unauthenticated-per-minute",
            "100000",
        ],
    );
    let serve = started(serve, data.path());
    let api = format!("http://{bind}");
    let http = reqwest::Client::new();
    assert!(
        comes_up(&http, &format!("{api}/readyz"), Duration::from_secs(30)).await,
        "renum serve did not come up"
    );
    let signup = http
        .post(format!("{api}/v1/auth/signup"))
        .json(&json!({"email": "stop@example.com", "password": PASSWORD,
            "full_name": "Stop", "organization_name": "Stop"}))
        .send()
        .await
        .unwrap();
    assert_eq!(signup.status(), 201);
    let token = signup.json::<serde_json::Value>().await.unwrap()["session"]["token"]
        .as_str()
        .unwrap()
        .to_owned();

    // A client that sends half a request and waits: an in-flight request that never ends.
    let mut stuck = tokio::net::TcpStream::connect(&bind).await.unwrap();
    stuck
        .write_all(
            format!(
                "POST /v1/videos HTTP/1.1\r\nhost: {bind}\r\nauthorization: Bearer {token}\r\n\
                 content-type: application/json\r\ncontent-length: 100\r\n\r\n{{\"title\""
            )
            .as_bytes(),
        )
        .await
        .unwrap();

    let answered = Arc::new(Mutex::new(Vec::new()));
    let loops: Vec<_> = (0..6)
        .map(|kind| tokio::spawn(hammer(api.clone(), token.clone(), kind, answered.clone())))
        .collect();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let before_stop = answered.lock().unwrap().len();
    let stop = Instant::now();
    sigterm(serve.id().unwrap());
    let out = tokio::time::timeout(GRACE * 4, serve.wait_with_output())
        .await
        .expect("renum serve did not exit after SIGTERM")
        .unwrap();
    let took = stop.elapsed();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{:?}: {stderr}", out.status);
    // The stuck request holds the drain until the tasks' share of the grace period is over.
    assert!(
        took >= GRACE / 2,
        "stopped in {took:?}: the stuck request was not waited for"
    );
    assert!(took < GRACE + Duration::from_secs(2), "stopped in {took:?}");
    for l in loops {
        l.await.unwrap();
    }
    drop(stuck);

    let answered = answered.lock().unwrap().clone();
    assert!(
        before_stop >= 10,
        "only {before_stop} requests before the stop"
    );
    let logged = logged_request_ids(&t.db).await;
    let missing: Vec<_> = answered.iter().filter(|id| !logged.contains(*id)).collect();
    assert!(
        missing.is_empty(),
        "{} of {} answered requests have no API log row: {missing:?}\n{stderr}",
        missing.len(),
        answered.len()
    );
    println!(
        "{engine:?}: {} requests answered ({before_stop} before SIGTERM), all logged; stopped in {took:?}",
        answered.len()
    );
}

#[tokio::test]
async fn sigterm_stops_serve_on_sqlite_within_the_grace_period_and_loses_no_log() {
    sigterm_under_load_stops_within_the_grace_period_and_logs_every_answer(Engine::Sqlite).await;
}

#[tokio::test]
async fn sigterm_stops_serve_on_postgres_within_the_grace_period_and_loses_no_log() {
    sigterm_under_load_stops_within_the_grace_period_and_logs_every_answer(Engine::Postgres).await;
}

#[tokio::test]
async fn sigterm_stops_a_worker_with_exit_status_zero() {
    let t = TestDb::new(Engine::Postgres).await;
    let data = tempfile::tempdir().unwrap();
    let worker = started(
        command(&t.url, &["worker", "--worker-poll", "50ms"]),
        data.path(),
    );
    // Let it start its loops (a signal before the handler is installed would kill it).
    tokio::time::sleep(Duration::from_millis(1500)).await;
    sigterm(worker.id().unwrap());
    let out = tokio::time::timeout(Duration::from_secs(10), worker.wait_with_output())
        .await
        .expect("renum worker did not exit after SIGTERM")
        .unwrap();
    assert!(
        out.status.success(),
        "{:?}: {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
}
