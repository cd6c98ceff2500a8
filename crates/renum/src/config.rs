//! Configuration shared by subcommands: flags with environment fallbacks.

use std::convert::Infallible;
use std::fmt;
use std::str::FromStr;

use clap::Args;
use renum_db::{Db, PoolSettings};

/// A flag's value that may carry a credential (a database or SMTP URL with its password, a
/// key, a signing secret). Its `Debug` shows none of it, so a derived `Debug` of an argument
/// struct, or an `{args:?}` in a log line, cannot leak one; `expose` is the way to the text.
#[derive(Clone)]
pub struct Secret(String);

impl Secret {
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(..)")
    }
}

impl FromStr for Secret {
    type Err = Infallible;

    fn from_str(s: &str) -> Result<Self, Infallible> {
        Ok(Self(s.to_owned()))
    }
}

/// Where the data lives. The default is an embedded SQLite file in the working directory,
/// so `renum serve` runs with no configuration at all.
#[derive(Args, Clone, Debug)]
pub struct DatabaseArgs {
    /// sqlite://PATH (created if missing) or postgres://USER:PASSWORD@HOST:PORT/DB
    #[arg(
        long,
        global = true,
        env = "DATABASE_URL",
        default_value = "sqlite://renum.db",
        hide_env_values = true
    )]
    pub database_url: Secret,

    /// Maximum connections in the pool (SQLite caps it at 8).
    #[arg(
        long,
        global = true,
        env = "RENUM_DB_MAX_CONNECTIONS",
        default_value_t = 16
    )]
    pub db_max_connections: u32,
}

impl DatabaseArgs {
    pub async fn connect(&self) -> anyhow::Result<Db> {
        let settings = PoolSettings {
            max_connections: self.db_max_connections,
            ..PoolSettings::default()
        };
        Db::connect_with(self.database_url.expose(), &settings)
            .await
            .map_err(|err| match err {
                renum_db::Error::Config(_) => anyhow::anyhow!(err),
                _ => anyhow::anyhow!(
                    "cannot open database {}: {err}",
                    renum_db::redact_url(self.database_url.expose())
                ),
            })
    }
}

/// Where outbound HTTP may go (`docs/SECURITY.md`, "Outbound URLs").
#[derive(Args, Clone, Debug)]
pub struct OutboundArgs {
    /// Let video URLs, the publish webhook and the OpusClip API point at loopback and private
    /// networks (local development with the OpusClip simulator); refused by default.
    #[arg(long, env = "RENUM_ALLOW_PRIVATE_URLS")]
    pub allow_private_urls: bool,
}

impl OutboundArgs {
    pub fn policy(&self) -> crate::app::outbound::OutboundPolicy {
        crate::app::outbound::OutboundPolicy {
            allow_private: self.allow_private_urls,
        }
    }
}

/// How long a stop may take (`serve`, `worker`): see [`crate::supervisor`].
#[derive(Args, Clone, Debug)]
pub struct ShutdownArgs {
    /// After SIGTERM or Ctrl-C: in-flight requests and the scheduler's round get this long
    /// less a reserve (a quarter, at most 5 s) in which the API log queue is flushed; then the
    /// process exits. Keep it below the process manager's own grace period.
    #[arg(long, env = "RENUM_SHUTDOWN_GRACE", default_value = "20s", value_parser = humantime::parse_duration)]
    pub shutdown_grace: std::time::Duration,
}
