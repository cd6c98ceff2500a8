//! The command line: one module per subcommand, each with `run(args) -> ExitCode`.

mod backfill;
mod doctor;
mod lint;
mod migrate;
mod types;

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
    /// Run a resumable, batched backfill (the middle step of expand/contract).
    Backfill(backfill::BackfillArgs),
    /// Report integrity, index, plan and drift problems; exit 1 on any error.
    Doctor(doctor::DoctorArgs),
    /// Generate or check the schema contract (TypeScript, Rust models).
    Types(types::TypesArgs),
}

pub async fn run() -> anyhow::Result<ExitCode> {
    let cli = Cli::parse();
    match cli.command {
        Command::Migrate(args) => migrate::run(&cli.db, args).await,
        Command::Backfill(args) => backfill::run(&cli.db, args).await,
        Command::Doctor(args) => doctor::run(&cli.db, args).await,
        Command::Types(args) => types::run(&cli.db, args).await,
    }
}
