//! Keys replicas can share: `renum key generate`, PostgreSQL refusing to start `serve` or
//! `worker` without `RENUM_MASTER_KEY` (SQLite keeps its development key file), and a publish
//! webhook refused at start without a secret of at least 16 bytes.

use std::process::{Output, Stdio};
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use renum_db::Engine;
use renum_db::testing::TestDb;

use crate::process::{comes_up, command, free_bind, stdout};

/// Runs the binary with a data directory of its own; `None` when it is still running after
/// `within` (it started instead of refusing) and was killed.
async fn exit_of(
    url: &str,
    args: &[&str],
    data: &std::path::Path,
    within: Duration,
) -> Option<Output> {
    let child = command(url, args)
        .env_remove("RENUM_MASTER_KEY")
        .env_remove("RENUM_PUBLISH_WEBHOOK_SECRET")
        .env("RENUM_DATA_DIR", data)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("start renum");
    tokio::time::timeout(within, child.wait_with_output())
        .await
        .ok()
        .map(|out| out.expect("renum's output"))
}

/// The one line a refused start prints on stderr.
fn refusal(out: &Output) -> String {
    assert!(!out.status.success(), "{out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "one line: {stderr}");
    lines[0].to_owned()
}

#[tokio::test]
async fn key_generate_prints_one_fresh_32_byte_base64_key() {
    let mut keys = Vec::new();
    for _ in 0..2 {
        let out = command("sqlite::memory:", &["key", "generate"])
            .output()
            .await
            .expect("run renum");
        assert!(out.status.success(), "{out:?}");
        let printed = stdout(&out);
        let key = printed.strip_suffix('\n').expect("one line");
        assert!(!key.contains('\n'), "nothing else on stdout: {printed:?}");
        assert_eq!(key.len(), 44, "{key}");
        assert_eq!(STANDARD.decode(key).expect("base64").len(), 32);
        keys.push(key.to_owned());
    }
    assert_ne!(keys[0], keys[1], "each run draws a new key");
}

#[tokio::test]
async fn postgres_refuses_to_start_without_a_master_key_and_sqlite_uses_its_key_file() {
    let pg = TestDb::new(Engine::Postgres).await;
    let data = tempfile::tempdir().unwrap();
    let bind = free_bind();
    for args in [&["serve", "--bind", bind.as_str()][..], &["worker"][..]] {
        let out = exit_of(&pg.url, args, data.path(), Duration::from_secs(30))
            .await
            .unwrap_or_else(|| panic!("{args:?} started on PostgreSQL without a master key"));
        let line = refusal(&out);
        assert!(line.contains("RENUM_MASTER_KEY"), "{args:?}: {line}");
        assert!(line.contains("renum key generate"), "{args:?}: {line}");
    }
    assert!(
        !data.path().join("master.key").exists(),
        "no per-host key file on PostgreSQL"
    );

    // SQLite: no key needed; the development key file is generated and the server serves.
    let lite = TestDb::new(Engine::Sqlite).await;
    let bind = free_bind();
    let mut serve = command(&lite.url, &["serve", "--bind", bind.as_str()])
        .env_remove("RENUM_MASTER_KEY")
        .env("RENUM_DATA_DIR", data.path())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("start renum serve");
    let client = reqwest::Client::new();
    let up = comes_up(
        &client,
        &format!("http://{bind}/healthz"),
        Duration::from_secs(10),
    )
    .await;
    serve.kill().await.unwrap();
    assert!(up, "serve on SQLite without a key did not come up");
    assert!(data.path().join("master.key").exists());
}

#[tokio::test]
async fn a_publish_webhook_without_a_long_enough_secret_is_refused_at_start() {
    let lite = TestDb::new(Engine::Sqlite).await;
    let data = tempfile::tempdir().unwrap();
    let bind = free_bind();
    let hook = ["--publish-webhook-url", "https://hooks.example.com/publish"];
    for (cmd, secret) in [
        (&["serve", "--bind", bind.as_str()][..], None),
        (&["worker"][..], None),
        (
            &["serve", "--bind", bind.as_str()][..],
            Some("fifteen-bytes!!"),
        ),
    ] {
        let mut args = [cmd, &hook[..]].concat();
        if let Some(secret) = secret {
            args.extend(["--publish-webhook-secret", secret]);
        }
        let out = exit_of(&lite.url, &args, data.path(), Duration::from_secs(30))
            .await
            .unwrap_or_else(|| panic!("{args:?} started with a webhook and no usable secret"));
        let line = refusal(&out);
        assert!(line.contains("--publish-webhook-secret"), "{line}");
        assert!(line.contains("at least 16 bytes"), "{line}");
        if let Some(secret) = secret {
            assert!(
                !line.contains(secret),
                "the secret is never printed: {line}"
            );
        }
    }
}
