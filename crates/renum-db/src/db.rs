//! Engine selection, pools, connections and transactions.
//!
//! Repository bodies are written once and compiled for each engine by [`on_engine!`], which
//! also brings that engine's catalogue into scope: the same code, the engine's own SQL.

use std::str::FromStr;
use std::sync::LazyLock;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use sqlx::pool::PoolConnection;
use sqlx::postgres::{PgConnectOptions, PgConnection, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteConnection, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{PgPool, Postgres, Sqlite, SqlitePool, Transaction};

use crate::catalogue;
use crate::error::{Error, Result};
use crate::repo;
use crate::scope::OrgScope;

/// The two engines renum runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Engine {
    Postgres,
    Sqlite,
}

impl Engine {
    /// Picks the engine from the URL scheme; anything else is refused rather than guessed
    /// (a typo must not silently create an empty SQLite file).
    pub fn from_url(url: &str) -> Result<Engine> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Engine::Postgres)
        } else if url.starts_with("sqlite:") {
            Ok(Engine::Sqlite)
        } else {
            Err(Error::Config(format!(
                "unsupported database URL scheme in {:?}: expected sqlite://PATH or postgres://...",
                redact_url(url)
            )))
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Engine::Postgres => "postgres",
            Engine::Sqlite => "sqlite",
        }
    }
}

/// The URL with any password replaced, for messages and logs.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let userinfo = &url[scheme_end + 3..at];
            match userinfo.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme_end + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

/// Pool settings that callers may tune.
#[derive(Clone, Debug)]
pub struct PoolSettings {
    pub max_connections: u32,
    pub acquire_timeout: Duration,
    /// SQLite: how long a writer waits for the lock before failing with "database is locked".
    pub sqlite_busy_timeout: Duration,
}

impl Default for PoolSettings {
    fn default() -> Self {
        Self {
            max_connections: 16,
            acquire_timeout: Duration::from_secs(10),
            sqlite_busy_timeout: Duration::from_secs(5),
        }
    }
}

/// A pooled connection idle longer than this is pinged before use. sqlx's default pings on
/// every acquire: a round trip per acquire, which doubled the statements of an authenticated
/// request (docs/BENCHMARKS.md); a connection that was just in use is known to be alive.
const PING_AFTER_IDLE: Duration = Duration::from_secs(30);

/// When a statement last found its connection gone ([`connection_lost`]), in nanoseconds since
/// [`CLOCK`] plus one; 0 while none has. Process-wide rather than per pool: a pool cannot tell
/// which pool an error came from, and a false alarm costs one ping per idle connection.
static LOST_AT: AtomicU64 = AtomicU64::new(0);
static CLOCK: LazyLock<Instant> = LazyLock::new(Instant::now);

fn clock_now() -> u64 {
    u64::try_from(CLOCK.elapsed().as_nanos()).unwrap_or(u64::MAX) + 1
}

/// Called when a statement found its connection gone (`error.rs`). A database that restarts
/// or fails over ends every connection at once, yet a connection idle in the pool shows it only
/// when a request runs a statement on it, so without this each pooled connection would fail one
/// request. From now on, a connection that went idle before this moment is pinged before it is
/// handed out, and replaced when the ping fails.
pub(crate) fn connection_lost() {
    LOST_AT.fetch_max(clock_now(), Ordering::Relaxed);
}

/// The pool's check before handing out an idle connection: a ping when it has been idle long
/// ([`PING_AFTER_IDLE`]) or since before a connection was last lost; otherwise none.
async fn ping_if_suspect<C: sqlx::Connection>(
    conn: &mut C,
    meta: sqlx::pool::PoolConnectionMetadata,
) -> std::result::Result<bool, sqlx::Error> {
    let lost = LOST_AT.load(Ordering::Relaxed);
    let idle_nanos = u64::try_from(meta.idle_for.as_nanos()).unwrap_or(u64::MAX);
    let idle_before_loss = lost != 0 && clock_now().saturating_sub(idle_nanos) <= lost;
    if meta.idle_for >= PING_AFTER_IDLE || idle_before_loss {
        conn.ping().await?;
    }
    Ok(true)
}

/// Takes a connection (or begins a transaction on one) once more when the first attempt lost
/// its connection: a server shutting down resets the connections it accepted but will not
/// serve, and sqlx's pool retries only refused ones; `BEGIN` on an idle connection the server
/// ended shows it too. No statement of the caller has run yet, so nothing is repeated, and the
/// second attempt waits for the server like any other (up to the acquire timeout).
async fn once_more_if_lost<T, F, Fut>(mut open: F) -> std::result::Result<T, sqlx::Error>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = std::result::Result<T, sqlx::Error>>,
{
    match open().await {
        Err(err) if crate::error::lost_connection(&err) => {
            tracing::warn!(error = %err, "lost the connection before any statement; taking another");
            connection_lost();
            open().await
        }
        done => done,
    }
}

/// Every pool checkout is a TRACE event on `sqlx::pool::acquire` (with its wait), filtered
/// out unless `RUST_LOG` asks for it: how an operator sees acquire waits, and how the tests
/// count the checkouts of one request.
const ACQUIRE_EVENT: log::LevelFilter = log::LevelFilter::Trace;

/// A connection pool on one engine. Cheap to clone.
#[derive(Clone, Debug)]
pub enum Db {
    Postgres(PgPool),
    Sqlite(SqlitePool),
}

impl Db {
    pub async fn connect(url: &str) -> Result<Db> {
        Self::connect_with(url, &PoolSettings::default()).await
    }

    pub async fn connect_with(url: &str, settings: &PoolSettings) -> Result<Db> {
        match Engine::from_url(url)? {
            Engine::Postgres => {
                let options = PgConnectOptions::from_str(url)?.application_name("renum");
                let pool = PgPoolOptions::new()
                    .max_connections(settings.max_connections)
                    .acquire_timeout(settings.acquire_timeout)
                    .test_before_acquire(false)
                    .before_acquire(|conn, meta| Box::pin(ping_if_suspect(conn, meta)))
                    .acquire_time_level(ACQUIRE_EVENT)
                    .connect_with(options)
                    .await?;
                Ok(Db::Postgres(pool))
            }
            Engine::Sqlite => {
                // WAL lets readers run beside the single writer; NORMAL sync is durable in WAL
                // mode except for the last transactions on power loss, the usual trade-off.
                let options = SqliteConnectOptions::from_str(url)?
                    .create_if_missing(true)
                    .journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Normal)
                    .foreign_keys(true)
                    .busy_timeout(settings.sqlite_busy_timeout);
                let pool = SqlitePoolOptions::new()
                    .max_connections(settings.max_connections.min(8))
                    .acquire_timeout(settings.acquire_timeout)
                    .test_before_acquire(false)
                    .before_acquire(|conn, meta| Box::pin(ping_if_suspect(conn, meta)))
                    .acquire_time_level(ACQUIRE_EVENT)
                    .connect_with(options)
                    .await?;
                Ok(Db::Sqlite(pool))
            }
        }
    }

    pub fn engine(&self) -> Engine {
        match self {
            Db::Postgres(_) => Engine::Postgres,
            Db::Sqlite(_) => Engine::Sqlite,
        }
    }

    /// A pooled connection for reads and single-statement writes.
    pub async fn conn(&self) -> Result<Conn> {
        let _waiting = Waiting::start();
        Ok(match self {
            Db::Postgres(pool) => Conn::Postgres(once_more_if_lost(|| pool.acquire()).await?),
            Db::Sqlite(pool) => Conn::Sqlite(once_more_if_lost(|| pool.acquire()).await?),
        })
    }

    /// A transaction for writes that touch several rows or tables. On SQLite it starts with
    /// `BEGIN IMMEDIATE`, taking the write lock up front so two writers queue on the busy
    /// timeout instead of failing when a read lock cannot be upgraded.
    pub async fn begin(&self) -> Result<Tx> {
        let _waiting = Waiting::start();
        Ok(match self {
            Db::Postgres(pool) => Tx::Postgres(once_more_if_lost(|| pool.begin()).await?),
            Db::Sqlite(pool) => {
                Tx::Sqlite(once_more_if_lost(|| pool.begin_with("BEGIN IMMEDIATE")).await?)
            }
        })
    }

    /// The server's version (PostgreSQL's `server_version`, the SQLite library's), for
    /// reports that say what they measured.
    pub async fn server_version(&self) -> Result<String> {
        Ok(match self {
            Db::Postgres(pool) => {
                sqlx::query_scalar(catalogue::postgres::server::VERSION)
                    .fetch_one(pool)
                    .await?
            }
            Db::Sqlite(pool) => {
                sqlx::query_scalar(catalogue::sqlite::server::VERSION)
                    .fetch_one(pool)
                    .await?
            }
        })
    }

    pub async fn close(&self) {
        match self {
            Db::Postgres(pool) => pool.close().await,
            Db::Sqlite(pool) => pool.close().await,
        }
    }

    /// How busy the pool is now, for metrics: cheap (no I/O, no lock held).
    pub fn pool_stats(&self) -> PoolStats {
        let (size, idle, max) = match self {
            Db::Postgres(pool) => (
                pool.size(),
                pool.num_idle(),
                pool.options().get_max_connections(),
            ),
            Db::Sqlite(pool) => (
                pool.size(),
                pool.num_idle(),
                pool.options().get_max_connections(),
            ),
        };
        PoolStats {
            size,
            idle,
            max,
            waiting: WAITING.load(Ordering::Relaxed),
        }
    }
}

/// A snapshot of [`Db::pool_stats`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PoolStats {
    /// Open connections, idle ones included.
    pub size: u32,
    /// Open connections not in use.
    pub idle: usize,
    /// The most connections the pool opens.
    pub max: u32,
    /// Callers of [`Db::conn`] and [`Db::begin`] waiting for a connection (or for one to be
    /// opened; in `begin`, until its BEGIN has run, which on SQLite includes the wait for the
    /// write lock). sqlx does not count its waiters, so renum does, per process rather than per
    /// pool: a renum process opens one pool.
    pub waiting: usize,
}

/// Callers waiting in [`Db::conn`] or [`Db::begin`] (see [`PoolStats::waiting`]).
static WAITING: AtomicUsize = AtomicUsize::new(0);

/// Counts one waiter until dropped, so an acquire that fails or is cancelled is uncounted too.
struct Waiting;

impl Waiting {
    fn start() -> Waiting {
        WAITING.fetch_add(1, Ordering::Relaxed);
        Waiting
    }
}

impl Drop for Waiting {
    fn drop(&mut self) {
        WAITING.fetch_sub(1, Ordering::Relaxed);
    }
}

/// A pooled connection (see [`Db::conn`]).
pub enum Conn {
    Postgres(PoolConnection<Postgres>),
    Sqlite(PoolConnection<Sqlite>),
}

/// An open transaction (see [`Db::begin`]); dropped without `commit`, it rolls back.
pub enum Tx {
    Postgres(Transaction<'static, Postgres>),
    Sqlite(Transaction<'static, Sqlite>),
}

impl Tx {
    pub async fn commit(self) -> Result<()> {
        match self {
            Tx::Postgres(tx) => tx.commit().await?,
            Tx::Sqlite(tx) => tx.commit().await?,
        }
        Ok(())
    }

    pub async fn rollback(self) -> Result<()> {
        match self {
            Tx::Postgres(tx) => tx.rollback().await?,
            Tx::Sqlite(tx) => tx.rollback().await?,
        }
        Ok(())
    }
}

/// A borrowed connection of either engine: what repositories run their statements on.
pub enum Executor<'c> {
    Postgres(&'c mut PgConnection),
    Sqlite(&'c mut SqliteConnection),
}

/// Entry points to the repositories, for connections and transactions alike.
///
/// Global tables (organizations at signup, sessions, the account lookup by email, api_logs
/// ingestion) are reached directly; tenant tables only through an [`OrgScope`].
pub trait Access {
    fn executor(&mut self) -> Executor<'_>;

    fn organizations(&mut self) -> repo::Organizations<'_> {
        repo::Organizations::new(self.executor())
    }
    fn accounts(&mut self) -> repo::Accounts<'_> {
        repo::Accounts::new(self.executor())
    }
    fn sessions(&mut self) -> repo::Sessions<'_> {
        repo::Sessions::new(self.executor())
    }
    /// The operator's purge of soft-deleted tenants and members (`renum purge-deleted`).
    fn purge(&mut self) -> repo::Purge<'_> {
        repo::Purge::new(self.executor())
    }
    /// The publishing scheduler: claims due posts of every organization under a lease.
    fn scheduler(&mut self) -> repo::Scheduler<'_> {
        repo::Scheduler::new(self.executor())
    }
    /// The clip poller: claims due OpusClip projects of every organization.
    fn clip_poller(&mut self) -> repo::ClipPoller<'_> {
        repo::ClipPoller::new(self.executor())
    }
    /// Single-use tokens mailed to a user (password reset, email verification).
    fn email_tokens(&mut self) -> repo::EmailTokens<'_> {
        repo::EmailTokens::new(self.executor())
    }
    /// Invitations by token, before any organization is known (accepting one).
    fn invitation_tokens(&mut self) -> repo::InvitationTokens<'_> {
        repo::InvitationTokens::new(self.executor())
    }
    /// The mail outbox: enqueued in the action's transaction, claimed by the sender.
    fn mail_outbox(&mut self) -> repo::MailOutbox<'_> {
        repo::MailOutbox::new(self.executor())
    }
    fn auth_events(&mut self) -> repo::AuthEvents<'_> {
        repo::AuthEvents::new(self.executor())
    }
    fn api_logs(&mut self) -> repo::ApiLogs<'_> {
        repo::ApiLogs::new(self.executor())
    }
    fn organization<'a>(&'a mut self, scope: &'a OrgScope) -> repo::Organization<'a> {
        repo::Organization::new(self.executor(), scope)
    }
    fn users<'a>(&'a mut self, scope: &'a OrgScope) -> repo::Users<'a> {
        repo::Users::new(self.executor(), scope)
    }
    fn invitations<'a>(&'a mut self, scope: &'a OrgScope) -> repo::Invitations<'a> {
        repo::Invitations::new(self.executor(), scope)
    }
    fn videos<'a>(&'a mut self, scope: &'a OrgScope) -> repo::Videos<'a> {
        repo::Videos::new(self.executor(), scope)
    }
    fn clip_projects<'a>(&'a mut self, scope: &'a OrgScope) -> repo::ClipProjects<'a> {
        repo::ClipProjects::new(self.executor(), scope)
    }
    fn posts<'a>(&'a mut self, scope: &'a OrgScope) -> repo::Posts<'a> {
        repo::Posts::new(self.executor(), scope)
    }
    fn api_logs_of<'a>(&'a mut self, scope: &'a OrgScope) -> repo::OrgApiLogs<'a> {
        repo::OrgApiLogs::new(self.executor(), scope)
    }
    fn auth_events_of<'a>(&'a mut self, scope: &'a OrgScope) -> repo::OrgAuthEvents<'a> {
        repo::OrgAuthEvents::new(self.executor(), scope)
    }
}

impl Access for Conn {
    fn executor(&mut self) -> Executor<'_> {
        match self {
            Conn::Postgres(c) => Executor::Postgres(c),
            Conn::Sqlite(c) => Executor::Sqlite(c),
        }
    }
}

impl Access for Tx {
    fn executor(&mut self) -> Executor<'_> {
        match self {
            Tx::Postgres(tx) => Executor::Postgres(tx),
            Tx::Sqlite(tx) => Executor::Sqlite(tx),
        }
    }
}

/// Runs `$body` with `$c` bound to the engine's connection and `$q` to its catalogue.
/// The body is compiled once per engine, so it must be engine-neutral Rust.
macro_rules! on_engine {
    ($ex:expr, |$c:ident, $q:ident| $body:expr) => {
        match $ex {
            $crate::db::Executor::Postgres($c) => {
                #[allow(unused_imports)]
                use $crate::catalogue::postgres as $q;
                $body
            }
            $crate::db::Executor::Sqlite($c) => {
                #[allow(unused_imports)]
                use $crate::catalogue::sqlite as $q;
                $body
            }
        }
    };
}
pub(crate) use on_engine;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn engine_comes_from_the_scheme_and_unknown_schemes_are_refused() {
        assert_eq!(
            Engine::from_url("sqlite://renum.db").unwrap(),
            Engine::Sqlite
        );
        assert_eq!(
            Engine::from_url("postgres://u@h/db").unwrap(),
            Engine::Postgres
        );
        assert_eq!(
            Engine::from_url("postgresql://u@h/db").unwrap(),
            Engine::Postgres
        );
        let err = Engine::from_url("mysql://u:hunter2@h/db")
            .unwrap_err()
            .to_string();
        assert!(err.contains("unsupported database URL"), "{err}");
        assert!(!err.contains("hunter2"), "the password leaked: {err}");
    }

    #[test]
    fn redact_url_masks_only_the_password() {
        assert_eq!(
            redact_url("postgres://renum:secret@127.0.0.1:5432/renum"),
            "postgres://renum:***@127.0.0.1:5432/renum"
        );
        assert_eq!(redact_url("sqlite://renum.db"), "sqlite://renum.db");
    }
}
