//! `renum opusclip-sim` as a developer runs it: it prints its base URL and serves the API.

use std::process::Stdio;

use tokio::io::{AsyncBufReadExt, BufReader};

use crate::process::command;

#[tokio::test]
async fn the_simulator_serves_the_api_with_the_key_it_was_given() {
    let mut child = command(
        "sqlite://unused.db",
        &[
            "opusclip-sim",
            "--bind",
            "127.0.0.1:0",
            "--key",
            "dev-key",
            "--stage-interval",
            "10ms",
        ],
    )
    .stdout(Stdio::piped())
    .kill_on_drop(true)
    .spawn()
    .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let line = lines.next_line().await.unwrap().unwrap();
    let base = line
        .split("RENUM_OPUSCLIP_BASE_URL=")
        .nth(1)
        .unwrap()
        .to_owned();
    assert!(
        base.starts_with("http://127.0.0.1:") && base.ends_with("/api"),
        "{line}"
    );

    let http = reqwest::Client::new();
    let body = serde_json::json!({"videoUrl": "https://media.example/v.mp4"});
    let refused = http
        .post(format!("{base}/clip-projects"))
        .bearer_auth("other-key")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 401);
    let created = http
        .post(format!("{base}/clip-projects"))
        .bearer_auth("dev-key")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    let project: serde_json::Value = created.json().await.unwrap();
    assert_eq!(project["stage"], "PENDING");
    child.kill().await.unwrap();
}
