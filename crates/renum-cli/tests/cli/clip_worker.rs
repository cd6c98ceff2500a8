//! The clip poller in real processes: `renum serve` takes the clip project, a separate
//! `renum worker` (sharing the master key) follows it to the end against the simulator.

use std::net::SocketAddr;
use std::process::Stdio;
use std::time::{Duration, Instant};

use renum::opusclip::sim::{OpusClipSim, SimConfig};
use renum_db::Engine;
use renum_db::testing::TestDb;
use serde_json::{Value, json};

use crate::process::{comes_up, command, free_port, sign_up_ops};

/// 32 zero bytes, base64: both processes must decrypt the same organization key.
const MASTER_KEY: &str = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";

async fn call(
    http: &reqwest::Client,
    method: reqwest::Method,
    url: String,
    token: Option<&str>,
    body: Option<Value>,
) -> (u16, Value) {
    let mut req = http.request(method, url);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    if let Some(b) = body {
        req = req.json(&b);
    }
    let resp = req.send().await.unwrap();
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn renum_worker_follows_the_projects_renum_serve_started() {
    let t = TestDb::new(Engine::Postgres).await;
    let sim = OpusClipSim::spawn(
        SimConfig {
            stage_interval: Duration::from_millis(20),
            clips_per_project: 3,
            ..SimConfig::default()
        },
        "127.0.0.1:0".parse::<SocketAddr>().unwrap(),
    )
    .await
    .unwrap();
    let data = tempfile::tempdir().unwrap();
    let base_url = sim.base_url();
    let port = free_port().to_string();
    let bind = format!("127.0.0.1:{port}");
    let common = [
        // The simulator is on loopback.
        "--allow-private-urls",
        "--opusclip-base-url",
        base_url.as_str(),
        "--clip-poll-interval",
        "50ms",
    ];
    // The server's own poller looks once at start, then not for an hour.
    let mut serve_args = vec!["serve", "--bind", bind.as_str(), "--clip-poll-tick", "1h"];
    serve_args.extend(common);
    let mut serve = command(&t.url, &serve_args)
        .env("RENUM_MASTER_KEY", MASTER_KEY)
        .env("RENUM_DATA_DIR", data.path())
        .stdout(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let api = format!("http://{bind}");
    let http = reqwest::Client::new();
    assert!(
        comes_up(&http, &format!("{api}/readyz"), Duration::from_secs(20)).await,
        "renum serve did not come up"
    );
    let acct = sign_up_ops(&http, &api).await;
    // As if the verification link had been followed: an unverified owner may not set the key.
    renum_db::raw!(
        &t.db,
        "UPDATE users SET email_verified_at = $1 WHERE email = $2",
        renum_db::sql_types::Timestamp::now(),
        "ops@example.com"
    )
    .unwrap();
    let token = acct["session"]["token"].as_str().unwrap().to_owned();
    let (status, _) = call(
        &http,
        reqwest::Method::PUT,
        format!("{api}/v1/organization/integrations/opusclip"),
        Some(&token),
        Some(json!({"api_key": "ops-key"})),
    )
    .await;
    assert_eq!(status, 204);
    let (_, video) = call(
        &http,
        reqwest::Method::POST,
        format!("{api}/v1/videos"),
        Some(&token),
        Some(json!({"title": "Talk", "video_raw_url": "https://media.example/talk.mp4"})),
    )
    .await;
    let video = video["id"].as_str().unwrap().to_owned();
    let (status, project) = call(
        &http,
        reqwest::Method::POST,
        format!("{api}/v1/videos/{video}/clip-projects"),
        Some(&token),
        Some(json!({})),
    )
    .await;
    assert_eq!(status, 201, "{project}");
    let project = project["id"].as_str().unwrap().to_owned();

    let mut worker_args = vec!["worker", "--clip-poll-tick", "20ms"];
    worker_args.extend(common);
    let mut worker = command(&t.url, &worker_args)
        .env("RENUM_MASTER_KEY", MASTER_KEY)
        .stdout(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let started = Instant::now();
    loop {
        let (_, p) = call(
            &http,
            reqwest::Method::GET,
            format!("{api}/v1/clip-projects/{project}"),
            Some(&token),
            None,
        )
        .await;
        if p["status"] == "completed" {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "the worker did not complete it: {p}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let (_, clips) = call(
        &http,
        reqwest::Method::GET,
        format!("{api}/v1/videos/{video}/clips"),
        Some(&token),
        None,
    )
    .await;
    assert_eq!(clips["items"].as_array().unwrap().len(), 3);
    worker.kill().await.unwrap();
    serve.kill().await.unwrap();
    sim.shutdown();
    t.cleanup().await;
}
