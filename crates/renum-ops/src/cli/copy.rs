//! `renum copy --from URL --to URL`: move a renum database to the other engine
//! (`docs/OPERATIONS.md`), then print what was verified.

use std::process::ExitCode;

use clap::Args;

use crate::{copy, seed};

#[derive(Args, Debug)]
pub struct CopyArgs {
    /// The database to copy: sqlite://PATH or postgres://... (left untouched).
    #[arg(long)]
    from: String,
    /// An empty database, migrated here to the source's version if it has no schema.
    #[arg(long)]
    to: String,
}

pub async fn run(args: CopyArgs) -> anyhow::Result<ExitCode> {
    let options = copy::Options {
        from: args.from.clone(),
        to: args.to.clone(),
        progress: seed::progress_wanted(),
    };
    let report = copy::run(&options).await?;
    println!(
        "copied {} to {} at migration {} in {:.1} s",
        renum_db::redact_url(&args.from),
        renum_db::redact_url(&args.to),
        report.version,
        report.elapsed.as_secs_f64()
    );
    println!(
        "{:<16} {:>10} {:>9} {:>10}  checksum (source = target)",
        "table", "rows", "seconds", "rows/s"
    );
    for t in &report.tables {
        let secs = t.elapsed.as_secs_f64();
        println!(
            "{:<16} {:>10} {secs:>9.2} {:>10.0}  {}",
            t.table,
            t.rows,
            t.rows as f64 / secs.max(1e-9),
            t.checksum
        );
    }
    println!(
        "verified: row counts and checksums of {} tables match ({:.1} s); indexes and \
         foreign keys rebuilt in {:.1} s; doctor: no errors, {} warning(s)",
        report.tables.len(),
        report.verify.as_secs_f64(),
        report.rebuild.as_secs_f64(),
        report.doctor_warnings
    );
    Ok(ExitCode::SUCCESS)
}
