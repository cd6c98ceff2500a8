//! The outbound URL rule (`docs/SECURITY.md`, "Outbound URLs"): a video's URLs are refused
//! with a 400 naming the field unless they are http(s) to a public host, on create and on
//! PATCH, on each engine; `--allow-private-urls` admits loopback; the publish webhook and the
//! OpusClip base URL are refused at start-up.

use clap::Parser;
use renum::app::crypto::MasterKey;
use renum::cli::serve::ServeArgs;
use renum_db::Engine;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{Account, TestApp, error_code};

/// One URL of each refused kind.
const REFUSED: &[&str] = &[
    "ftp://media.example/talk.mp4",
    "file:///etc/passwd",
    "javascript:alert(1)",
    "https://bot:s3cret@media.example/talk.mp4",
    "not a url",
    "http://127.0.0.1:8080/talk.mp4",
    "http://2130706433/talk.mp4",
    "http://localhost/talk.mp4",
    "http://media.localhost/talk.mp4",
    "http://0.0.0.0/talk.mp4",
    "http://10.0.0.8/talk.mp4",
    "http://172.20.1.1/talk.mp4",
    "http://192.168.0.10/talk.mp4",
    "http://169.254.169.254/latest/meta-data/",
    "http://100.64.1.1/talk.mp4",
    "http://224.0.0.251/talk.mp4",
    "http://255.255.255.255/talk.mp4",
    "http://192.0.2.7/talk.mp4",
    "http://metadata.google.internal/computeMetadata/v1/",
    "http://[::1]/talk.mp4",
    "http://[fd00:ec2::254]/latest/meta-data/",
    "http://[fe80::1]/talk.mp4",
    "http://[2001:db8::1]/talk.mp4",
    "http://[::ffff:127.0.0.1]/talk.mp4",
    "http://[::ffff:a9fe:a9fe]/latest/meta-data/",
];

async fn create(app: &TestApp, acct: &Account, body: Value) -> (StatusCode, Value) {
    app.call(Method::POST, "/v1/videos", Some(&acct.token), Some(body))
        .await
}

async fn patch(app: &TestApp, acct: &Account, id: &str, body: Value) -> (StatusCode, Value) {
    app.call(
        Method::PATCH,
        &format!("/v1/videos/{id}"),
        Some(&acct.token),
        Some(body),
    )
    .await
}

#[track_caller]
fn assert_refused(status: StatusCode, body: &Value, field: &str, url: &str) {
    assert_eq!(
        error_code(status, body, StatusCode::BAD_REQUEST),
        "invalid_field",
        "{url}"
    );
    let message = body["error"]["message"].as_str().unwrap();
    assert!(
        message.starts_with(&format!("{field}: ")),
        "{url}: {message}"
    );
    assert!(!message.contains("s3cret"), "{message}");
}

api_test! {
    async fn video_urls_to_private_hosts_or_other_schemes_are_refused_naming_the_field(app) {
        let acct = app.signup("urls@example.com", "Urls").await;
        let (status, video) = create(app, &acct, json!({"title": "Talk", "video_raw_url": "https://Media.Example/talk.mp4"})).await;
        assert_eq!(status, StatusCode::CREATED, "{video}");
        assert_eq!(video["video_raw_url"], "https://media.example/talk.mp4", "stored as checked");
        let id = video["id"].as_str().unwrap();
        for &url in REFUSED {
            for field in ["video_raw_url", "thumbnail_url"] {
                let (status, body) = create(app, &acct, json!({"title": "Talk", field: url})).await;
                assert_refused(status, &body, field, url);
            }
            for field in ["video_raw_url", "video_processed_url", "thumbnail_url"] {
                let (status, body) = patch(app, &acct, id, json!({field: url})).await;
                assert_refused(status, &body, field, url);
            }
        }
        let (_, list) = app.call(Method::GET, "/v1/videos", Some(&acct.token), None).await;
        assert_eq!(list["items"].as_array().unwrap().len(), 1, "no refused video was stored");
        let (_, now) = app.call(Method::GET, &format!("/v1/videos/{id}"), Some(&acct.token), None).await;
        assert_eq!(now, video, "no refused PATCH changed the video");
        // Public URLs and clearing still work.
        let (status, body) = patch(app, &acct, id, json!({"video_processed_url": "https://cdn.example/p.mp4", "thumbnail_url": "http://93.184.215.14/t.png", "video_raw_url": null})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["video_processed_url"], "https://cdn.example/p.mp4");
        assert_eq!(body["video_raw_url"], Value::Null);
    }
}

/// `mod <name> { postgres, sqlite }`, each with a server started with `--allow-private-urls`.
macro_rules! private_allowed_test {
    ($($(#[$meta:meta])* async fn $name:ident($app:ident) $body:block)*) => {$(
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            async fn body($app: &TestApp) $body

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let app = TestApp::spawn(Engine::Postgres, &["--allow-private-urls"]).await;
                body(&app).await;
                app.stop().await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let app = TestApp::spawn(Engine::Sqlite, &["--allow-private-urls"]).await;
                body(&app).await;
                app.stop().await;
            }
        }
    )*};
}

private_allowed_test! {
    async fn allow_private_urls_admits_loopback_but_never_credentials_or_other_schemes(app) {
        let acct = app.signup("dev@example.com", "Dev").await;
        let (status, video) = create(app, &acct, json!({"title": "Local", "video_raw_url": "http://127.0.0.1:9000/talk.mp4", "thumbnail_url": "http://localhost:9000/t.png"})).await;
        assert_eq!(status, StatusCode::CREATED, "{video}");
        assert_eq!(video["video_raw_url"], "http://127.0.0.1:9000/talk.mp4");
        let id = video["id"].as_str().unwrap();
        let (status, body) = patch(app, &acct, id, json!({"video_processed_url": "http://[::1]:9000/p.mp4"})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        for url in ["https://bot:s3cret@127.0.0.1/talk.mp4", "file:///etc/passwd"] {
            let (status, body) = patch(app, &acct, id, json!({"video_raw_url": url})).await;
            assert_refused(status, &body, "video_raw_url", url);
        }
    }
}

#[derive(Parser)]
struct Cli {
    #[command(flatten)]
    serve: ServeArgs,
}

fn serve_args(extra: &[&str]) -> (ServeArgs, tempfile::TempDir) {
    let data = tempfile::tempdir().unwrap();
    let mut argv = vec!["renum", "--data-dir", data.path().to_str().unwrap()];
    argv.extend_from_slice(extra);
    (Cli::parse_from(argv).serve, data)
}

#[test]
fn a_private_publish_webhook_url_is_refused_at_start_up_in_one_line_without_its_secrets() {
    let (args, _data) = serve_args(&[
        "--publish-webhook-url",
        "http://hook:pw-s3cret@169.254.169.254/publish?token=q-s3cret",
    ]);
    let err = args
        .worker
        .publisher(None, args.outbound.policy())
        .err()
        .expect("refused");
    let line = err.to_string();
    assert_eq!(
        line,
        "--publish-webhook-url http://169.254.169.254/publish: must not carry credentials \
         (user:password@)"
    );
    let (args, _data) = serve_args(&["--publish-webhook-url", "http://10.1.2.3/publish"]);
    let line = args
        .worker
        .publisher(None, args.outbound.policy())
        .err()
        .expect("refused")
        .to_string();
    assert!(
        line.starts_with(
            "--publish-webhook-url http://10.1.2.3/publish: must point at a public host"
        ),
        "{line}"
    );
    assert!(!line.contains('\n'));
    let (args, _data) = serve_args(&[
        "--allow-private-urls",
        "--publish-webhook-url",
        "http://10.1.2.3/publish",
        "--publish-webhook-secret",
        "a secret of 16+ bytes",
    ]);
    assert!(args.worker.publisher(None, args.outbound.policy()).is_ok());
}

#[test]
fn a_private_opusclip_base_url_is_refused_at_start_up_unless_allowed() {
    let (args, _data) = serve_args(&["--opusclip-base-url", "http://127.0.0.1:9/api"]);
    let key = MasterKey::load(None, &args.data_dir).unwrap();
    let line = args
        .clips
        .service(key.clone(), None, args.outbound.policy())
        .err()
        .expect("refused")
        .to_string();
    assert!(
        line.starts_with("--opusclip-base-url http://127.0.0.1:9/api: must point at a public host"),
        "{line}"
    );
    let (args, _data) = serve_args(&[
        "--allow-private-urls",
        "--opusclip-base-url",
        "http://127.0.0.1:9/api",
    ]);
    assert!(
        args.clips
            .service(key, None, args.outbound.policy())
            .is_ok()
    );
}
