//! `renum backup --out PATH [--jobs N]` and `renum restore PATH [--jobs N]`, on the database
//! of `--database-url` (`docs/OPERATIONS.md`).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use renum::config::DatabaseArgs;

use crate::backup;

#[derive(Args, Debug)]
pub struct BackupArgs {
    /// The backup to write, which must not exist: a file on SQLite, a directory
    /// (pg_dump's directory format) on PostgreSQL.
    #[arg(long)]
    out: PathBuf,
    /// PostgreSQL: tables dumped in parallel (pg_dump --jobs).
    #[arg(long, default_value_t = default_jobs(), value_parser = clap::value_parser!(u32).range(1..=64))]
    jobs: u32,
}

#[derive(Args, Debug)]
pub struct RestoreArgs {
    /// A backup written by `renum backup` for the same engine.
    from: PathBuf,
    /// PostgreSQL: tables restored in parallel (pg_restore --jobs).
    #[arg(long, default_value_t = default_jobs(), value_parser = clap::value_parser!(u32).range(1..=64))]
    jobs: u32,
}

/// One job per core, at most four: beyond that the disk, not the CPU, is the limit.
fn default_jobs() -> u32 {
    std::thread::available_parallelism().map_or(1, |n| n.get().min(4) as u32)
}

pub async fn run_backup(db_args: &DatabaseArgs, args: BackupArgs) -> anyhow::Result<ExitCode> {
    let report = backup::backup(db_args.database_url.expose(), &args.out, args.jobs).await?;
    println!(
        "backed up {} to {} ({:.1} MB, integrity checked) in {:.1} s",
        renum_db::redact_url(db_args.database_url.expose()),
        args.out.display(),
        report.bytes as f64 / 1e6,
        report.elapsed.as_secs_f64()
    );
    Ok(ExitCode::SUCCESS)
}

pub async fn run_restore(db_args: &DatabaseArgs, args: RestoreArgs) -> anyhow::Result<ExitCode> {
    let report = backup::restore(&args.from, db_args.database_url.expose(), args.jobs).await?;
    let m = &report.migrations;
    println!(
        "restored {} into {} in {:.1} s; {} migrations verified (checksums match), latest {}",
        args.from.display(),
        renum_db::redact_url(db_args.database_url.expose()),
        report.elapsed.as_secs_f64(),
        m.applied,
        m.latest.unwrap_or_default()
    );
    if m.pending > 0 {
        println!(
            "{} newer migrations pending: run `renum migrate up`",
            m.pending
        );
    }
    Ok(ExitCode::SUCCESS)
}
