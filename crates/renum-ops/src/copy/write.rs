//! Writing the copy into the target in one transaction: COPY on PostgreSQL (foreign keys
//! and non-unique indexes dropped inside the transaction and rebuilt after the data, as
//! `renum seed` loads, so the dependency order of self-referencing videos does not matter
//! and the keys are validated once), one reused INSERT on SQLite with foreign keys checked
//! at commit. Nothing is visible until the commit; an error rolls everything back.

use std::time::{Duration, Instant};

use indicatif::MultiProgress;
use renum_db::Db;
use sqlx::Connection;
use tokio::sync::mpsc::Receiver;

use super::cell;
use super::queries::{self, ALL};
use super::{Checksum, Msg};
use crate::seed::{self, load};

/// Per table: rows written, the source's checksum, the time; and the rebuild's time.
pub type Written = (Vec<(u64, Checksum, Duration)>, Duration);

pub async fn all(
    target: &Db,
    mut rows: Receiver<Msg>,
    bars: &MultiProgress,
    totals: &[u64],
) -> anyhow::Result<Written> {
    let mut written = Vec::with_capacity(ALL.len());
    match target {
        Db::Postgres(pool) => {
            let mut tx = pool.begin().await?;
            let deferred = load::defer_schema(&mut tx, &super::table_names()).await?;
            let mut chunk = Vec::new();
            for (table, total) in ALL.iter().zip(totals) {
                let bar = seed::progress_bar(bars, table.table, *total);
                let started = Instant::now();
                let mut copy = tx.copy_in_raw(table.pg_copy).await?;
                let (rows_sent, checksum) = loop {
                    match rows.recv().await {
                        Some(Msg::Rows(batch)) => {
                            chunk.clear();
                            for row in &batch {
                                cell::write_copy_row(row, &mut chunk);
                            }
                            copy.send(chunk.as_slice()).await?;
                            bar.inc(batch.len() as u64);
                        }
                        Some(Msg::End { rows, checksum }) => break (rows, checksum),
                        None => {
                            copy.abort("renum copy: the source read failed").await.ok();
                            anyhow::bail!("the source read ended before {}", table.table);
                        }
                    }
                };
                let copied = copy.finish().await?;
                anyhow::ensure!(
                    copied == rows_sent,
                    "COPY {} wrote {copied} rows, expected {rows_sent}",
                    table.table
                );
                bar.finish();
                written.push((rows_sent, checksum, started.elapsed()));
            }
            let rebuild = Instant::now();
            load::restore_schema(&mut tx, &deferred).await?;
            sqlx::query(queries::PG_API_LOGS_IDENTITY)
                .execute(&mut *tx)
                .await?;
            let rebuild = rebuild.elapsed();
            tx.commit().await?;
            Ok((written, rebuild))
        }
        Db::Sqlite(pool) => {
            let mut conn = pool.acquire().await?;
            let mut tx = conn.begin_with("BEGIN IMMEDIATE").await?;
            sqlx::query(queries::SQLITE_DEFER_FOREIGN_KEYS)
                .execute(&mut *tx)
                .await?;
            for (table, total) in ALL.iter().zip(totals) {
                let bar = seed::progress_bar(bars, table.table, *total);
                let started = Instant::now();
                let mut inserted = 0;
                let (rows_sent, checksum) = loop {
                    match rows.recv().await {
                        Some(Msg::Rows(batch)) => {
                            for row in batch {
                                let mut query = sqlx::query(table.sqlite_insert);
                                for value in row {
                                    query = cell::bind_sqlite(query, value);
                                }
                                query.execute(&mut *tx).await?;
                                inserted += 1;
                            }
                            bar.set_position(inserted);
                        }
                        Some(Msg::End { rows, checksum }) => break (rows, checksum),
                        None => anyhow::bail!("the source read ended before {}", table.table),
                    }
                };
                anyhow::ensure!(
                    inserted == rows_sent,
                    "{}: inserted {inserted} rows, expected {rows_sent}",
                    table.table
                );
                bar.finish();
                written.push((rows_sent, checksum, started.elapsed()));
            }
            tx.commit().await?;
            Ok((written, Duration::ZERO))
        }
    }
}

/// Planner statistics for every copied table, after the commit (COPY and INSERT leave none
/// fresh; the doctor's plan checks and the first queries read them).
pub async fn analyze(target: &Db) -> anyhow::Result<()> {
    for table in ALL {
        match target {
            Db::Postgres(pool) => sqlx::query(table.analyze).execute(pool).await.map(|_| ())?,
            Db::Sqlite(pool) => sqlx::query(table.analyze).execute(pool).await.map(|_| ())?,
        }
    }
    Ok(())
}
