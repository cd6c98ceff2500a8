//! `renum backfill NAME [--batch-size N] [--throttle-ms MS] [--dry-run]`: runs one of the
//! shipped backfills in key-ordered batches from its checkpoint, with a progress bar (rate
//! and ETA) on a terminal. Killed at any point, the next run resumes after the last batch.

use std::process::ExitCode;
use std::time::Duration;

use crate::backfill::{self, Backfill};
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};

use renum::config::DatabaseArgs;

#[derive(Args, Debug)]
pub struct BackfillArgs {
    /// The backfill to run (users_email_domain).
    name: String,
    /// Keys per batch: each batch is one short transaction.
    #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(i64).range(1..=100_000))]
    batch_size: i64,
    /// Pause between batches, to leave room for production traffic.
    #[arg(long, default_value_t = 0)]
    throttle_ms: u64,
    /// Report what the run would do, without writing anything.
    #[arg(long)]
    dry_run: bool,
}

pub async fn run(db_args: &DatabaseArgs, args: BackfillArgs) -> anyhow::Result<ExitCode> {
    let Some(b) = Backfill::from_name(&args.name) else {
        let names: Vec<_> = Backfill::ALL.iter().map(|b| b.name()).collect();
        anyhow::bail!(
            "unknown backfill {:?}; this binary ships: {}",
            args.name,
            names.join(", ")
        );
    };
    let db = db_args.connect().await?;
    let result = run_on(&db, b, &args).await;
    db.close().await;
    result
}

async fn run_on(db: &renum_db::Db, b: Backfill, args: &BackfillArgs) -> anyhow::Result<ExitCode> {
    let checkpoint = backfill::checkpoint(db, b).await?;
    let mut after = checkpoint.as_ref().and_then(|c| c.last_key.clone());
    let left = backfill::remaining(db, b, after.as_deref()).await?;
    if args.dry_run {
        let pending = backfill::pending(db, b).await?;
        let batches = (left + args.batch_size - 1) / args.batch_size;
        println!(
            "{}: {pending} row(s) to fill; would visit {left} key(s) {} in {batches} batch(es) of {} (dry run: nothing written)",
            b.name(),
            after
                .as_deref()
                .map_or("from the start".to_owned(), |k| format!("after {k}")),
            args.batch_size
        );
        return Ok(ExitCode::SUCCESS);
    }
    backfill::start(db, b).await?;
    let done_before = checkpoint.as_ref().map_or(0, |c| c.rows_done);
    if let Some(key) = &after {
        eprintln!(
            "{}: resuming after {key} ({done_before} row(s) already filled)",
            b.name()
        );
    }
    let bar = ProgressBar::new(left as u64).with_style(
        ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} keys, {per_sec}, ETA {eta}")
            .expect("static template")
            .progress_chars("=> "),
    );
    bar.set_message(b.name());
    let mut filled = 0u64;
    while let Some(batch) = backfill::next_batch(db, b, after.as_deref(), args.batch_size).await? {
        filled += batch.rows;
        after = Some(batch.last_key);
        bar.inc(args.batch_size as u64);
        if args.throttle_ms > 0 {
            tokio::time::sleep(Duration::from_millis(args.throttle_ms)).await;
        }
    }
    bar.finish_and_clear();
    backfill::finish(db, b).await?;
    println!(
        "{}: done, {filled} row(s) filled by this run, {} in all",
        b.name(),
        done_before.saturating_add_unsigned(filled)
    );
    Ok(ExitCode::SUCCESS)
}
