//! The command line: the product's processes (`renum::cli`) and the tooling's commands
//! (`renum_ops::cli`) as one `renum`.

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use renum::cli::{serve, worker};
use renum::config::DatabaseArgs;
use renum_ops::cli::{
    backfill, backup, bench, copy, doctor, key, logs, mail, migrate, opusclip_sim, purge_deleted,
    schema, seed, types,
};

#[derive(Parser, Debug)]
#[command(
    name = "renum",
    version,
    about = "Backend and data layer of the renum video platform"
)]
pub struct Cli {
    #[command(flatten)]
    pub db: DatabaseArgs,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Load scenarios against a running server, each beside its pgbench baseline.
    Bench(bench::BenchArgs),
    /// Apply, revert or inspect schema migrations.
    Migrate(migrate::MigrateArgs),
    /// Run the local OpusClip API simulator (for tests and development without an account).
    OpusclipSim(opusclip_sim::OpusClipSimArgs),
    /// Hard-delete organizations and members soft-deleted longer ago than --older-than.
    PurgeDeleted(purge_deleted::PurgeArgs),
    /// Serve the HTTP API (applies pending migrations first unless --no-migrate).
    // Boxed: serve's flags (mail, CORS, throttles) make it ten times the other variants.
    Serve(Box<serve::ServeArgs>),
    /// API log retention: create partitions ahead, purge logs past the window.
    Logs(logs::LogsArgs),
    /// Fill an empty database with realistic, deterministic data (or a --demo dataset).
    Seed(seed::SeedArgs),
    /// Back up the database (SQLite: VACUUM INTO a checked file; PostgreSQL: pg_dump -Fd).
    Backup(backup::BackupArgs),
    /// Restore a backup into an empty database and verify its migrations.
    Restore(backup::RestoreArgs),
    /// Copy a whole database to the other engine (SQLite to PostgreSQL), verified.
    Copy(copy::CopyArgs),
    /// Run a resumable, batched backfill (the middle step of expand/contract).
    Backfill(backfill::BackfillArgs),
    /// Report integrity, index, plan and drift problems; exit 1 on any error.
    Doctor(doctor::DoctorArgs),
    /// Generate or check the contract (TypeScript schema and API types, Rust models).
    Types(types::TypesArgs),
    /// Generate or check docs/schema.md from a live PostgreSQL database.
    Schema(schema::SchemaArgs),
    /// Run the publishing scheduler, the clip poller and the mail sender alone (`serve` runs them too).
    // Boxed like Serve: it carries the mail sender's and the scheduler's flags.
    Worker(Box<worker::WorkerCmdArgs>),
    /// The mail outbox (`mail outbox`: messages not sent yet, with their links).
    Mail(mail::MailArgs),
    /// Generate secrets (`key generate`: a RENUM_MASTER_KEY).
    Key(key::KeyArgs),
}

pub async fn run() -> anyhow::Result<ExitCode> {
    let cli = Cli::parse();
    match cli.command {
        Command::Migrate(args) => migrate::run(&cli.db, args).await,
        Command::Bench(args) => bench::run(&cli.db, args).await,
        Command::Serve(args) => serve::run(&cli.db, *args).await,
        Command::PurgeDeleted(args) => purge_deleted::run(&cli.db, args).await,
        Command::Logs(args) => logs::run(&cli.db, args).await,
        Command::Seed(args) => seed::run(&cli.db, args).await,
        Command::Backup(args) => backup::run_backup(&cli.db, args).await,
        Command::Restore(args) => backup::run_restore(&cli.db, args).await,
        Command::Copy(args) => copy::run(args).await,
        Command::Backfill(args) => backfill::run(&cli.db, args).await,
        Command::Doctor(args) => doctor::run(&cli.db, args).await,
        Command::Types(args) => types::run(&cli.db, args).await,
        Command::Schema(args) => schema::run(&cli.db, args).await,
        Command::Worker(args) => worker::run(&cli.db, *args).await,
        Command::OpusclipSim(args) => opusclip_sim::run(args).await,
        Command::Mail(args) => mail::run(&cli.db, args).await,
        Command::Key(args) => key::run(args),
    }
}
