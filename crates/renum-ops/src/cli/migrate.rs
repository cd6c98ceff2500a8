//! `renum migrate up | down [--to VERSION] | status | lint [FILES]`.

use std::process::ExitCode;

use clap::{Args, Subcommand};
use renum_db::migrate::{self, State};

use renum::config::DatabaseArgs;

#[derive(Args, Debug)]
pub struct MigrateArgs {
    #[command(subcommand)]
    action: Action,
}

#[derive(Subcommand, Debug)]
enum Action {
    /// Apply every pending migration (safe to run from several processes at once).
    Up {
        /// Longest wait for another process's migration lock (PostgreSQL) before giving up.
        #[arg(long, default_value = "5m", value_parser = humantime::parse_duration)]
        lock_wait: std::time::Duration,
    },
    /// Revert migrations: the latest one, or every one newer than --to (0 reverts all).
    Down {
        #[arg(long)]
        to: Option<i64>,
    },
    /// List migrations as applied / pending / checksum mismatch; exit 1 on a mismatch.
    Status,
    /// Check PostgreSQL migrations for locking and downtime hazards (default: the shipped
    /// ones); exit 1 on any error. With a postgres:// --database-url, a statement that blocks
    /// a table while it scans, builds or rewrites it is an error only on a table above the
    /// size threshold and a warning below it; without one (or with SQLite's), every finding is
    /// an error. Needs a binary built with `--features migration-lint`.
    Lint(super::lint::LintArgs),
}

/// The actions that need a database.
enum OnDatabase {
    Up { lock_wait: std::time::Duration },
    Down { to: Option<i64> },
    Status,
}

pub async fn run(db_args: &DatabaseArgs, args: MigrateArgs) -> anyhow::Result<ExitCode> {
    let action = match args.action {
        // Linting reads files; a PostgreSQL database only for its table sizes (it never
        // opens, let alone creates, a SQLite file).
        Action::Lint(lint) => return super::lint::run(db_args, &lint).await,
        Action::Up { lock_wait } => OnDatabase::Up { lock_wait },
        Action::Down { to } => OnDatabase::Down { to },
        Action::Status => OnDatabase::Status,
    };
    let db = db_args.connect().await?;
    let code = match action {
        OnDatabase::Up { lock_wait } => {
            migrate::up_with(&db, migrate::migrator(db.engine()), lock_wait).await?;
            let statuses = migrate::status(&db).await?;
            println!("schema is current: {}", version_line(&statuses));
            ExitCode::SUCCESS
        }
        OnDatabase::Down { to } => {
            let statuses = migrate::status(&db).await?;
            let target = match to {
                Some(to) => to,
                None => previous_version(&statuses),
            };
            migrate::down(&db, target).await?;
            let statuses = migrate::status(&db).await?;
            println!("reverted to {}", version_line(&statuses));
            ExitCode::SUCCESS
        }
        OnDatabase::Status => {
            let statuses = migrate::status(&db).await?;
            println!("{:<16} {:<24} description", "version", "state");
            for s in &statuses {
                println!(
                    "{:<16} {:<24} {}",
                    s.version,
                    s.state.as_str(),
                    s.description
                );
            }
            let mismatches = statuses
                .iter()
                .filter(|s| s.state == State::ChecksumMismatch)
                .count();
            if mismatches > 0 {
                eprintln!(
                    "renum: {mismatches} applied migration(s) differ from this binary's files; \
                     restore the original files (never edit an applied migration: add a new one)"
                );
                ExitCode::FAILURE
            } else {
                ExitCode::SUCCESS
            }
        }
    };
    db.close().await;
    Ok(code)
}

/// "version V (N of M applied)" for the newest applied migration.
fn version_line(statuses: &[migrate::MigrationStatus]) -> String {
    let applied: Vec<_> = statuses
        .iter()
        .filter(|s| s.state != State::Pending)
        .collect();
    let version = applied.last().map_or(0, |s| s.version);
    format!(
        "version {version} ({} of {} applied)",
        applied.len(),
        statuses.len()
    )
}

/// The version to revert to when `down` is given no target: the one below the newest applied.
fn previous_version(statuses: &[migrate::MigrationStatus]) -> i64 {
    let applied: Vec<i64> = statuses
        .iter()
        .filter(|s| s.state != State::Pending)
        .map(|s| s.version)
        .collect();
    match applied.as_slice() {
        [.., before, _last] => *before,
        _ => 0,
    }
}
