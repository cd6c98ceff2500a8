//! A running server per test (port 0, its own database) and typed request helpers.

use clap::Parser;
use renum::cli::serve::{self, ServeArgs};
use renum_db::testing::TestDb;
use renum_db::{Db, Engine};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use tokio::sync::oneshot;

/// Later flags override earlier ones, so a test can tighten the generous defaults.
#[derive(Parser)]
#[command(args_override_self = true)]
struct Args {
    #[command(flatten)]
    serve: ServeArgs,
}

pub struct TestApp {
    pub base: String,
    pub client: reqwest::Client,
    pub t: TestDb,
    stop: Option<oneshot::Sender<()>>,
    server: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
    background: Option<serve::Background>,
    _data: tempfile::TempDir,
}

/// A signed-up owner: token, ids and credentials.
pub struct Account {
    pub token: String,
    pub user_id: String,
    pub organization_id: String,
    pub slug: String,
    pub email: String,
    pub password: String,
}

impl Account {
    /// The same organization and user ids, for building another member's account.
    pub fn clone_ids(other: &Account) -> Account {
        Account {
            token: other.token.clone(),
            user_id: other.user_id.clone(),
            organization_id: other.organization_id.clone(),
            slug: other.slug.clone(),
            email: other.email.clone(),
            password: other.password.clone(),
        }
    }
}

/// A pseudo-flag for `TestApp::spawn`: run the server as configured by default, without
/// `--allow-member-passwords`.
pub const NO_MEMBER_PASSWORDS: &str = "{no-member-passwords}";

pub const PASSWORD: &str = "correct horse battery staple";

/// 32 zero bytes, base64: the master key of every PostgreSQL test server.
const MASTER_KEY: &str = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";

impl TestApp {
    /// Throttles and the unauthenticated log budget high enough not to interfere; `extra` flags override (`{base}` in them
    /// becomes the server's own URL, e.g. for `--public-url`).
    pub async fn spawn(engine: Engine, extra: &[&str]) -> TestApp {
        let t = TestDb::new(engine).await;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let data = tempfile::tempdir().unwrap();
        let mut argv = vec![
            "renum".to_owned(),
            "--data-dir".to_owned(),
            data.path().display().to_string(),
            "--signup-per-minute".into(),
            "10000".into(),
            "--signup-burst".into(),
            "10000".into(),
            "--signin-per-minute".into(),
            "10000".into(),
            "--signin-burst".into(),
            "10000".into(),
            "--log-unauthenticated-per-minute".into(),
            "10000".into(),
            "--password-hash-queue".into(),
            "1000".into(),
        ];
        // Most tests add members with a chosen password, the quickest way to a member; a
        // test of the server's default, where that route is off, passes NO_MEMBER_PASSWORDS.
        if !extra.contains(&NO_MEMBER_PASSWORDS) {
            argv.push("--allow-member-passwords".into());
        }
        if engine == Engine::Postgres {
            // Required there, as in production (the key file is SQLite's development default).
            argv.extend(["--master-key".into(), MASTER_KEY.into()]);
        }
        argv.extend(
            extra
                .iter()
                .filter(|s| **s != NO_MEMBER_PASSWORDS)
                .map(|s| s.replace("{base}", &base)),
        );
        let args = Args::parse_from(argv).serve;
        let (app, background) = serve::build(t.db.clone(), &args).unwrap();
        let (stop, stopped) = oneshot::channel();
        let server = tokio::spawn(renum::http::serve(listener, app, async {
            let _ = stopped.await;
        }));
        TestApp {
            base,
            client: reqwest::Client::new(),
            t,
            stop: Some(stop),
            server: Some(server),
            background: Some(background),
            _data: data,
        }
    }

    pub fn db(&self) -> &Db {
        &self.t.db
    }

    /// The clip pipeline the server uses (tests drive its poller with `poll_once`).
    pub fn clips(&self) -> renum::app::clips::ClipService {
        self.background.as_ref().expect("running").clips.clone()
    }

    /// The server's metrics (tests attach the workers they drive to its `worker` families).
    pub fn metrics(&self) -> renum::metrics::Metrics {
        self.background.as_ref().expect("running").metrics.clone()
    }

    /// Sends a request; returns the status and the JSON body (Null when empty).
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut req = self.client.request(method, format!("{}{path}", self.base));
        if let Some(token) = token {
            req = req.bearer_auth(token);
        }
        if let Some(body) = body {
            req = req.json(&body);
        }
        let resp = req.send().await.unwrap();
        let status = resp.status();
        let text = resp.text().await.unwrap();
        let json = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or(Value::String(text))
        };
        (status, json)
    }

    pub async fn signup(&self, email: &str, org: &str) -> Account {
        let (status, body) = self
            .call(
                Method::POST,
                "/v1/auth/signup",
                None,
                Some(json!({"email": email, "password": PASSWORD, "full_name": "Ada Lovelace", "organization_name": org})),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        // As if the owner had followed the verification link (tests/api/verification.rs
        // follows it for real): most tests add members or set the OpusClip key.
        renum_db::raw!(
            &self.t.db,
            "UPDATE users SET email_verified_at = $1 WHERE email = $2",
            renum_db::sql_types::Timestamp::now(),
            email.to_lowercase()
        )
        .unwrap();
        Account {
            token: body["session"]["token"].as_str().unwrap().to_owned(),
            user_id: body["user"]["id"].as_str().unwrap().to_owned(),
            organization_id: body["organization"]["id"].as_str().unwrap().to_owned(),
            slug: body["organization"]["slug"].as_str().unwrap().to_owned(),
            email: email.to_owned(),
            password: PASSWORD.to_owned(),
        }
    }

    /// Stops the server gracefully, drains the API log queue and drops the database.
    pub async fn stop(mut self) {
        self.shutdown().await;
        self.t.cleanup().await;
    }

    /// Stops the server gracefully (in-flight requests finish) and drains the API log queue,
    /// keeping the database for inspection; returns the final log counters.
    pub async fn shutdown(&mut self) -> Option<renum::api_log::ApiLogMetrics> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(server) = self.server.take() {
            server.await.unwrap().unwrap();
        }
        match self.background.take() {
            Some(background) => Some(background.shutdown().await),
            None => None,
        }
    }
}

/// Asserts the API's error shape and returns its code.
#[track_caller]
pub fn error_code(status: StatusCode, body: &Value, expected: StatusCode) -> String {
    assert_eq!(status, expected, "{body}");
    let code = body["error"]["code"]
        .as_str()
        .unwrap_or_else(|| panic!("not an API error: {body}"));
    assert!(body["error"]["message"].is_string(), "{body}");
    code.to_owned()
}

/// Counts rows with raw SQL (tests only).
pub async fn count(db: &Db, sql: &'static str) -> i64 {
    match db {
        Db::Postgres(pool) => sqlx::query_scalar(sql).fetch_one(pool).await.unwrap(),
        Db::Sqlite(pool) => sqlx::query_scalar(sql).fetch_one(pool).await.unwrap(),
    }
}

/// `mod <name> { postgres, sqlite }`, each with its own server and database;
/// `async fn name(app, ["--flag", "value"])` starts the servers with extra flags.
macro_rules! api_test {
    ($($(#[$meta:meta])* async fn $name:ident($app:ident $(, [$($flag:expr),* $(,)?])?) $body:block)*) => {$(
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            async fn body($app: &mut $crate::helpers::TestApp) $body

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let mut app = $crate::helpers::TestApp::spawn(renum_db::Engine::Postgres, &[$($($flag),*)?]).await;
                body(&mut app).await;
                app.stop().await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let mut app = $crate::helpers::TestApp::spawn(renum_db::Engine::Sqlite, &[$($($flag),*)?]).await;
                body(&mut app).await;
                app.stop().await;
            }
        }
    )*};
}
