//! `renum logs partitions | purge`: API log retention by hand (the server also runs it daily).

use std::process::ExitCode;

use clap::{Args, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use renum_db::retention::{self, PurgeProgress};
use renum_db::sql_types::Timestamp;

use renum::api_log::retention::{DEFAULT_MONTHS_AHEAD, DEFAULT_PURGE_BATCH, Window};
use renum::config::DatabaseArgs;

#[derive(Args, Debug)]
pub struct LogsArgs {
    #[command(subcommand)]
    action: Action,
}

#[derive(Subcommand, Debug)]
enum Action {
    /// Create the api_logs partitions of this month and the next ones (PostgreSQL).
    Partitions {
        /// Months to create ahead of the current one.
        #[arg(long, default_value_t = DEFAULT_MONTHS_AHEAD)]
        ahead: u32,
    },
    /// Delete API logs older than the retention window: whole partitions are dropped
    /// (PostgreSQL), the rest is deleted in bounded batches.
    Purge {
        /// The retention window: a number and a unit s, m, h, d or w (e.g. 90d, 12h).
        #[arg(long, env = "RENUM_LOG_RETENTION", default_value = "90d")]
        older_than: String,
        /// Rows per DELETE statement (each its own short transaction).
        #[arg(long, default_value_t = DEFAULT_PURGE_BATCH)]
        batch_size: i64,
    },
}

pub async fn run(db_args: &DatabaseArgs, args: LogsArgs) -> anyhow::Result<ExitCode> {
    // Parsed here rather than by clap so a bad value is a one-line error.
    if let Action::Purge {
        older_than,
        batch_size,
    } = &args.action
    {
        older_than.parse::<Window>()?;
        anyhow::ensure!(*batch_size > 0, "--batch-size must be positive");
    }
    let db = db_args.connect().await?;
    match args.action {
        Action::Partitions { ahead } => {
            if db.engine() == renum_db::Engine::Sqlite {
                println!("SQLite has no partitions: nothing to create");
            } else {
                let created = retention::ensure_partitions(&db, Timestamp::now(), ahead).await?;
                for c in &created {
                    println!(
                        "created {} (moved {} rows from api_logs_default)",
                        c.name, c.moved_from_default
                    );
                }
                println!(
                    "partitions: {}",
                    retention::partitions(&db).await?.join(", ")
                );
            }
        }
        Action::Purge {
            older_than,
            batch_size,
        } => {
            let window: Window = older_than.parse()?;
            let cutoff = window.cutoff(Timestamp::now());
            let bar = ProgressBar::hidden();
            let started = std::time::Instant::now();
            let report = retention::purge(&db, cutoff, batch_size, &mut |p| match p {
                PurgeProgress::Counted(total) => {
                    bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
                    bar.set_length(total);
                    bar.set_style(
                        ProgressStyle::with_template(
                            "{bar:40} {pos}/{len} rows deleted ({per_sec}, {eta} left)",
                        )
                        .expect("a valid template"),
                    );
                }
                PurgeProgress::Deleted(n) => bar.inc(n),
            })
            .await?;
            bar.finish_and_clear();
            for name in &report.partitions_dropped {
                println!("dropped partition {name}");
            }
            println!(
                "purged logs older than {window} (before {cutoff}): {} partitions dropped, \
                 {} rows deleted in {} batches, {:.2}s",
                report.partitions_dropped.len(),
                report.rows_deleted,
                report.batches,
                started.elapsed().as_secs_f64()
            );
        }
    }
    db.close().await;
    Ok(ExitCode::SUCCESS)
}
