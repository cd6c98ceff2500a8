//! `renum serve`: the HTTP API, with the publishing worker, the clip poller and the mail sender
//! beside it.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use clap::Args;
use renum_db::Db;
use tokio::net::TcpListener;

use renum_db::sql_types::Timestamp;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::api_log::retention::RetentionConfig;
use crate::api_log::{self, ApiLogArgs, ApiLogMetrics, ApiLogSink, WriterHandle};
use crate::app::account::{AccountConfig, AccountService};
use crate::app::auth::{Auth, AuthConfig};
use crate::app::clips::ClipService;
use crate::app::crypto::MasterKey;
use crate::app::passwords;
use crate::app::throttle::AccountPolicy;
use crate::config::{DatabaseArgs, Secret};
use crate::http::{self, AppState, Shared, TrustedProxies, UnauthenticatedBudget};
use crate::metrics::Metrics;
use crate::supervisor::Supervisor;

#[derive(Args, Debug, Clone)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "RENUM_BIND", default_value = "127.0.0.1:8080")]
    pub bind: SocketAddr,
    /// Do not apply pending migrations at start (readiness then reports them).
    #[arg(long)]
    pub no_migrate: bool,
    /// Longest wait for another process's migration lock at start (PostgreSQL).
    #[arg(long, default_value = "5m", value_parser = humantime::parse_duration)]
    pub lock_wait: Duration,
    /// Where the development master key file is generated when RENUM_MASTER_KEY is unset
    /// (SQLite only).
    #[arg(long, env = "RENUM_DATA_DIR", default_value = "data")]
    pub data_dir: PathBuf,
    /// 32 bytes, base64: encrypts stored third-party API keys (`renum key generate`); required
    /// on PostgreSQL.
    #[arg(long, env = "RENUM_MASTER_KEY", hide_env_values = true)]
    pub master_key: Option<Secret>,
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
    /// Failed sign-ins of one account from one source (an IPv4 address, an IPv6 /64) within
    /// 15 minutes that refuse that source for the account.
    #[arg(long, env = "RENUM_SIGNIN_FAILURES_PER_SOURCE", default_value_t = 5)]
    pub signin_failures_per_source: usize,
    /// Failed sign-ins of one account within an hour past which it is slowed (one attempt per
    /// 30 s) for sources its user has no live session from.
    #[arg(long, env = "RENUM_SIGNIN_FAILURES_PER_ACCOUNT", default_value_t = 100)]
    pub signin_failures_per_account: usize,
    /// Password reset requests per minute per client IP (bursts of --password-reset-burst).
    #[arg(long, env = "RENUM_PASSWORD_RESET_PER_MINUTE", default_value_t = 5)]
    pub password_reset_per_minute: u32,
    #[arg(long, env = "RENUM_PASSWORD_RESET_BURST", default_value_t = 5)]
    pub password_reset_burst: u32,
    /// Password reset requests per hour per email address, whether or not an account uses it
    /// (bursts of --password-reset-per-email-burst).
    #[arg(
        long,
        env = "RENUM_PASSWORD_RESET_PER_EMAIL_PER_HOUR",
        default_value_t = 3
    )]
    pub password_reset_per_email_per_hour: u32,
    #[arg(
        long,
        env = "RENUM_PASSWORD_RESET_PER_EMAIL_BURST",
        default_value_t = 3
    )]
    pub password_reset_per_email_burst: u32,
    /// Password hashes (argon2id, 19 MiB each) computed at once; default one per core.
    #[arg(long, env = "RENUM_PASSWORD_HASH_WORKERS")]
    pub password_hash_workers: Option<usize>,
    /// Password hashes waiting for a worker; beyond it sign-in, sign-up and adding a member
    /// answer 429 with Retry-After. Default four per worker.
    #[arg(long, env = "RENUM_PASSWORD_HASH_QUEUE")]
    pub password_hash_queue: Option<usize>,
    /// How long an invitation link works.
    #[arg(long, env = "RENUM_INVITATION_TTL", default_value = "7d", value_parser = humantime::parse_duration)]
    pub invitation_ttl: Duration,
    /// Let the owner add a member with a password the owner chooses (`POST
    /// /v1/organization/members`), beside invitations. Off by default: then that route
    /// answers 404 and members join only by invitation, choosing their own password.
    #[arg(long, env = "RENUM_ALLOW_MEMBER_PASSWORDS")]
    pub allow_member_passwords: bool,
    /// Proxies (CIDRs, comma-separated) whose X-Forwarded-For / Forwarded header gives the
    /// client address; from anyone else the TCP peer is the client. Default: none.
    #[arg(long, env = "RENUM_TRUSTED_PROXIES", value_delimiter = ',')]
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// Origins (comma-separated, exact: https://app.example.com) whose browser scripts may
    /// read the API's answers; `*` is refused. Default: none, and no CORS headers at all.
    #[arg(long, env = "RENUM_CORS_ORIGINS", value_delimiter = ',')]
    pub cors_origins: Vec<crate::http::cors::CorsOrigin>,
    #[command(flatten)]
    pub logs: ApiLogArgs,
    #[command(flatten)]
    pub worker: crate::worker::WorkerArgs,
    #[command(flatten)]
    pub clips: crate::worker::clips::ClipArgs,
    #[command(flatten)]
    pub mail: crate::mail::MailArgs,
    #[command(flatten)]
    pub outbound: crate::config::OutboundArgs,
    #[command(flatten)]
    pub shutdown: crate::config::ShutdownArgs,
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
            account: AccountPolicy {
                per_source_failures: self.signin_failures_per_source,
                total_failures: self.signin_failures_per_account,
                ..AccountPolicy::default()
            },
            hash_workers: self.password_hash_workers,
            hash_queue: self.password_hash_queue,
            links: self.mail.links(),
            ..AuthConfig::default()
        }
    }
}

impl ServeArgs {
    pub fn account_config(&self) -> AccountConfig {
        AccountConfig {
            links: self.mail.links(),
            reset_per_ip_per_minute: self.password_reset_per_minute,
            reset_per_ip_burst: self.password_reset_burst,
            reset_per_email_per_hour: self.password_reset_per_email_per_hour,
            reset_per_email_burst: self.password_reset_per_email_burst,
            invitation_lifetime: self.invitation_ttl,
            ..AccountConfig::default()
        }
    }
}

/// The tasks that run beside the HTTP server: the API log writer, the daily retention and the
/// session cache's listener.
pub struct Background {
    /// Where the worker records its outbound publisher calls.
    pub logs: ApiLogSink,
    /// The clip pipeline the API uses, for the poller beside it.
    pub clips: ClipService,
    /// What the server's `/metrics` reports, for the worker beside it to count into.
    pub metrics: Metrics,
    writer: WriterHandle,
    stop_maintenance: watch::Sender<bool>,
    maintenance: JoinHandle<()>,
    sessions: JoinHandle<()>,
}

impl Background {
    /// Stops the maintenance task and writes every queued API log record; call after the HTTP
    /// server has finished its in-flight requests.
    pub async fn shutdown(self) -> ApiLogMetrics {
        let _ = self.stop_maintenance.send(true);
        let _ = self.maintenance.await;
        // The listener has nothing to finish, and may be waiting on an unreachable database.
        self.sessions.abort();
        self.writer.shutdown().await
    }
}

/// Builds the application and starts its background tasks on an open database (migrations
/// already handled). Call within a tokio runtime.
pub fn build(db: Db, args: &ServeArgs) -> anyhow::Result<(axum::Router, Background)> {
    let master_key = MasterKey::load_for(
        db.engine(),
        args.master_key.as_ref().map(Secret::expose),
        &args.data_dir,
    )?;
    let retention = args.logs.retention()?;
    let (logs, writer) = ApiLogSink::spawn(db.clone(), args.logs.sink_config()?);
    let (stop_maintenance, stopped) = watch::channel(false);
    let maintenance = tokio::spawn(daily_maintenance(db.clone(), retention, stopped));
    let outbound = args.outbound.policy();
    let unauthenticated_logs = Arc::new(UnauthenticatedBudget::new(
        args.logs.log_unauthenticated_per_minute,
    ));
    let metrics = Metrics::new(db.clone(), logs.clone(), unauthenticated_logs.clone());
    let clips = ClipService {
        metrics: metrics.clips.clone(),
        ..args
            .clips
            .service(master_key.clone(), Some(logs.clone()), outbound)?
    };
    let auth = Arc::new(Auth::new(db.clone(), args.auth_config()));
    let sessions = tokio::spawn(auth.session_cache().follow(db.clone()));
    let account = Arc::new(AccountService::new(
        db.clone(),
        auth.hasher().clone(),
        auth.session_cache(),
        args.account_config(),
    ));
    let state = AppState::from(Shared {
        auth,
        account,
        db,
        master_key,
        logs: logs.clone(),
        clips: clips.clone(),
        body_limit: args.body_limit,
        allow_member_passwords: args.allow_member_passwords,
        trusted_proxies: Arc::new(TrustedProxies::new(args.trusted_proxies.clone())),
        unauthenticated_logs,
        cors_origins: args.cors_origins.clone().into(),
        outbound,
        metrics: metrics.clone(),
    });
    Ok((
        http::router(state),
        Background {
            logs,
            clips,
            metrics,
            writer,
            stop_maintenance,
            maintenance,
            sessions,
        },
    ))
}

/// API log partitions ahead and retention, at start and then once a day. Failures are logged
/// and retried the next day; they never take the server down.
async fn daily_maintenance(db: Db, retention: RetentionConfig, mut stop: watch::Receiver<bool>) {
    let mut every_day = tokio::time::interval(Duration::from_secs(24 * 3600));
    loop {
        tokio::select! {
            _ = every_day.tick() => {
                match api_log::retention::maintain(&db, &retention, Timestamp::now()).await {
                    Ok(done) => tracing::info!(
                        partitions_created = done.created.len(),
                        audit_events_deleted = done.audit.deleted,
                        audit_ips_cut = done.audit.ips_cut,
                        "api log and audit trail maintenance done"
                    ),
                    Err(err) => tracing::error!(error = %err, "api log maintenance failed"),
                }
            }
            _ = stop.changed() => return,
        }
    }
}

pub async fn run(db_args: &DatabaseArgs, args: ServeArgs) -> anyhow::Result<ExitCode> {
    // Configuration errors before anything touches the database (`build` checks again).
    args.worker.check_webhook_secret()?;
    let db = db_args.connect().await?;
    crate::app::crypto::require_shared(db.engine(), args.master_key.as_ref().map(Secret::expose))?;
    if !args.no_migrate {
        let migrator = renum_db::migrate::migrator(db.engine());
        renum_db::migrate::up_with(&db, migrator, args.lock_wait).await?;
    }
    passwords::warm_up();
    let (app, background) = build(db.clone(), &args)?;
    let listener = TcpListener::bind(args.bind)
        .await
        .map_err(|err| anyhow::anyhow!("cannot listen on {}: {err}", args.bind))?;
    tracing::info!(address = %listener.local_addr()?, engine = db.engine().as_str(), "renum serving");
    let mut tasks = Supervisor::new();
    let shutdown = tasks.shutdown();
    tasks.spawn("the HTTP server", async move {
        http::serve(listener, app, shutdown.requested()).await?;
        Ok(())
    });
    let worker = crate::worker::Worker::new(
        db.clone(),
        args.worker
            .publisher(Some(background.logs.clone()), args.outbound.policy())?,
        args.worker.config(),
    )
    .with_metrics(background.metrics.worker.clone());
    tasks.spawn(
        "the publishing worker",
        worker.run(tasks.shutdown().requested()),
    );
    tasks.spawn(
        "the clip poller",
        crate::worker::clips::run(
            db.clone(),
            background.clips.clone(),
            args.clips.clip_poll_tick,
            tasks.shutdown().requested(),
        ),
    );
    if let Some(sender) = args.mail.sender(db.clone())? {
        tasks.spawn(
            "the mail sender",
            sender.run(args.mail.mail_tick, tasks.shutdown().requested()),
        );
    }
    let stopped = tasks
        .run(http::shutdown_signal(), args.shutdown.shutdown_grace)
        .await;
    if let Some(logs) = stopped.finish(background.shutdown(), &db).await? {
        tracing::info!(
            written = logs.written,
            dropped = logs.dropped,
            "api logs drained"
        );
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::ServeArgs;
    use crate::config::DatabaseArgs;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        db: DatabaseArgs,
        #[command(flatten)]
        serve: ServeArgs,
    }

    /// Every flag that can carry a credential, given one: none of them shows in `Debug`.
    #[test]
    fn the_arguments_debug_shows_no_secret() {
        let cli = Cli::try_parse_from([
            "serve",
            "--database-url=postgres://renum:hunter2-db@db.internal/renum",
            "--master-key=hunter2-master",
            "--smtp-url=smtp://mailer:hunter2-smtp@smtp.internal:587",
            "--publish-webhook-url=https://hooks.example/renum",
            "--publish-webhook-secret=hunter2-webhook",
        ])
        .unwrap();
        let shown = format!("{:?} {:?}", cli.db, cli.serve);
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(shown.contains("hooks.example"), "{shown}");
        let smtp = cli.serve.mail.smtp_url.as_ref().unwrap();
        assert_eq!(
            smtp.expose(),
            "smtp://mailer:hunter2-smtp@smtp.internal:587"
        );
    }
}
