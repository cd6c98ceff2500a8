//! The command line: one module per subcommand, each with `run(args) -> ExitCode`.

mod logs;
mod migrate;
pub mod purge_deleted;
pub mod serve;
mod worker;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::config::DatabaseArgs;

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
    /// Apply, revert or inspect schema migrations.
    Migrate(migrate::MigrateArgs),
    /// Hard-delete organizations and members soft-deleted longer ago than --older-than.
    PurgeDeleted(purge_deleted::PurgeArgs),
    /// Serve the HTTP API (applies pending migrations first unless --no-migrate).
    Serve(serve::ServeArgs),
    /// API log retention: create partitions ahead, purge logs past the window.
    Logs(logs::LogsArgs),
    /// Run the publishing scheduler alone (`serve` runs one too).
    Worker(worker::WorkerCmdArgs),
}

pub async fn run() -> anyhow::Result<ExitCode> {
    let cli = Cli::parse();
    match cli.command {
        Command::Migrate(args) => migrate::run(&cli.db, args).await,
        Command::Serve(args) => serve::run(&cli.db, args).await,
        Command::PurgeDeleted(args) => purge_deleted::run(&cli.db, args).await,
        Command::Logs(args) => logs::run(&cli.db, args).await,
        Command::Worker(args) => worker::run(&cli.db, args).await,
    }
}
