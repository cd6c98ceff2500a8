//! `renum serve`: the HTTP API (and, as later issues add them, the background workers).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use clap::Args;
use renum_db::Db;
use tokio::net::TcpListener;

use crate::app::auth::{Auth, AuthConfig};
use crate::app::crypto::MasterKey;
use crate::app::passwords;
use crate::config::DatabaseArgs;
use crate::http::{self, AppState, HttpConfig};

#[derive(Args, Debug, Clone)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "RENUM_BIND", default_value = "127.0.0.1:8080")]
    pub bind: SocketAddr,
    /// Do not apply pending migrations at start (readiness then reports them).
    #[arg(long)]
    pub no_migrate: bool,
    /// Where the development master key file is generated when RENUM_MASTER_KEY is unset.
    #[arg(long, env = "RENUM_DATA_DIR", default_value = "data")]
    pub data_dir: PathBuf,
    /// 32 bytes, base64: encrypts stored third-party API keys.
    #[arg(long, env = "RENUM_MASTER_KEY", hide_env_values = true)]
    pub master_key: Option<String>,
    /// A session unused for this long is dead.
    #[arg(long, env = "RENUM_SESSION_IDLE_TIMEOUT", default_value = "7d", value_parser = humantime::parse_duration)]
    pub session_idle_timeout: Duration,
    /// A session is dead this long after sign-in, however active.
    #[arg(long, env = "RENUM_SESSION_LIFETIME", default_value = "30d", value_parser = humantime::parse_duration)]
    pub session_lifetime: Duration,
    /// Largest accepted request body, in bytes.
    #[arg(long, env = "RENUM_BODY_LIMIT", default_value_t = 1024 * 1024)]
    pub body_limit: usize,
    /// Sign-in attempts per minute per client IP (bursts of --signin-burst).
    #[arg(long, env = "RENUM_SIGNIN_PER_MINUTE", default_value_t = 30)]
    pub signin_per_minute: u32,
    #[arg(long, env = "RENUM_SIGNIN_BURST", default_value_t = 10)]
    pub signin_burst: u32,
    /// Sign-ups per minute per client IP (bursts of --signup-burst).
    #[arg(long, env = "RENUM_SIGNUP_PER_MINUTE", default_value_t = 5)]
    pub signup_per_minute: u32,
    #[arg(long, env = "RENUM_SIGNUP_BURST", default_value_t = 5)]
    pub signup_burst: u32,
    #[command(flatten)]
    pub worker: crate::worker::WorkerArgs,
}

impl ServeArgs {
    pub fn auth_config(&self) -> AuthConfig {
        AuthConfig {
            idle_timeout: self.session_idle_timeout,
            absolute_lifetime: self.session_lifetime,
            signin_per_ip_per_minute: self.signin_per_minute,
            signin_per_ip_burst: self.signin_burst,
            signup_per_ip_per_minute: self.signup_per_minute,
            signup_per_ip_burst: self.signup_burst,
            ..AuthConfig::default()
        }
    }
}

/// Builds the application on an open database (migrations already handled).
pub fn app(db: Db, args: &ServeArgs) -> anyhow::Result<axum::Router> {
    let master_key = MasterKey::load(args.master_key.as_deref(), &args.data_dir)?;
    let state = AppState {
        auth: Arc::new(Auth::new(db.clone(), args.auth_config())),
        db,
        master_key,
    };
    Ok(http::router(
        state,
        &HttpConfig {
            body_limit: args.body_limit,
        },
    ))
}

pub async fn run(db_args: &DatabaseArgs, args: ServeArgs) -> anyhow::Result<ExitCode> {
    let db = db_args.connect().await?;
    if !args.no_migrate {
        renum_db::migrate::up(&db).await?;
    }
    passwords::warm_up();
    let app = app(db.clone(), &args)?;
    let listener = TcpListener::bind(args.bind)
        .await
        .map_err(|err| anyhow::anyhow!("cannot listen on {}: {err}", args.bind))?;
    tracing::info!(address = %listener.local_addr()?, engine = db.engine().as_str(), "renum serving");
    // The publishing worker runs beside the API and stops with it (after its current round).
    let (stop_worker, worker_stopped) = tokio::sync::oneshot::channel::<()>();
    let worker = crate::worker::Worker::new(
        db.clone(),
        args.worker.publisher(None),
        args.worker.config(),
    );
    let worker = tokio::spawn(worker.run(async {
        let _ = worker_stopped.await;
    }));
    http::serve(listener, app, http::shutdown_signal()).await?;
    let _ = stop_worker.send(());
    worker.await?;
    db.close().await;
    Ok(ExitCode::SUCCESS)
}
