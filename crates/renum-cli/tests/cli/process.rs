//! Running the `renum` binary as an operator would, against one database.

use std::process::Output;
use std::time::{Duration, Instant};

/// The binary with `DATABASE_URL` set and logs quiet, not yet started.
pub fn command(url: &str, args: &[&str]) -> tokio::process::Command {
    let mut cmd = tokio::process::Command::new(env!("CARGO_BIN_EXE_renum"));
    cmd.args(args)
        .env("DATABASE_URL", url)
        .env("RUST_LOG", "warn");
    cmd
}

/// Runs the binary to completion.
pub async fn renum(url: &str, args: &[&str]) -> Output {
    command(url, args).output().await.expect("run renum")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Polls `url` (a server's `/healthz` or `/readyz`) every 50 ms until it answers 2xx; false
/// when it has not by `within`.
pub async fn comes_up(http: &reqwest::Client, url: &str, within: Duration) -> bool {
    let started = Instant::now();
    loop {
        let answer = http.get(url).send().await;
        if answer.is_ok_and(|r| r.status().is_success()) {
            return true;
        }
        if started.elapsed() >= within {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// A port nobody listens on at the moment of asking (the server under test binds it next).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

/// `127.0.0.1:<free port>`, for `--bind`.
pub fn free_bind() -> String {
    format!("127.0.0.1:{}", free_port())
}

/// Signs up the operator account every end-to-end test starts from; the signup's JSON
/// answer (organization, user, session).
pub async fn sign_up_ops(http: &reqwest::Client, api: &str) -> serde_json::Value {
    let signup = http
        .post(format!("{api}/v1/auth/signup"))
        .json(&serde_json::json!({
            "email": "ops@example.com", "password": "correct horse battery staple",
            "full_name": "Ops", "organization_name": "Ops"
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(signup.status(), 201);
    signup.json().await.unwrap()
}
