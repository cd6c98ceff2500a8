//! The bulk write paths: `COPY ... FROM STDIN` on PostgreSQL, large transactions of one
//! reused prepared INSERT on SQLite. Statements come from `crate::seed_catalogue`.
//!
//! On PostgreSQL rows are generated and encoded on a blocking thread while the async side
//! streams the previous chunk to the server, so generation and the server's work overlap
//! instead of taking turns.

use indicatif::ProgressBar;
use std::time::{Duration, Instant};

use crate::seed_catalogue::{self, BulkTable};
use sqlx::{AssertSqlSafe, PgConnection, SqliteConnection};
use tokio::sync::mpsc;

use super::rows::Rows;
use super::value::{Value, bind_sqlite, write_copy_row};

/// COPY data is sent in chunks of about this many bytes.
const CHUNK_BYTES: usize = 1 << 20;
/// SQLite commits every this many rows: large enough to amortise the commit, small enough
/// that the WAL file stays modest.
pub const SQLITE_BATCH_ROWS: u64 = 50_000;

/// Streams every row of `rows` into `table` with one COPY on `conn`; returns the rows sent.
pub async fn copy_postgres(
    conn: &mut PgConnection,
    table: &BulkTable,
    rows: Box<dyn Rows>,
    bar: &ProgressBar,
) -> anyhow::Result<u64> {
    let (sender, mut receiver) = mpsc::channel::<(Vec<u8>, u64)>(4);
    let producer = tokio::task::spawn_blocking(move || encode_chunks(rows, &sender));
    let mut copy = conn.copy_in_raw(table.pg_copy).await?;
    let mut sent = 0;
    while let Some((chunk, count)) = receiver.recv().await {
        if let Err(err) = copy.send(chunk).await {
            drop(receiver);
            copy.abort("renum seed failed").await.ok();
            return Err(err.into());
        }
        sent += count;
        bar.inc(count);
    }
    producer.await?;
    let written = copy.finish().await?;
    anyhow::ensure!(
        written == sent,
        "COPY {} wrote {written} rows, expected {sent}",
        table.table
    );
    Ok(written)
}

/// A foreign key or non-unique index dropped for the load: how to recreate it, comment
/// included (statements spelled by the server, see `seed_catalogue::PG_DEFERRED_SCHEMA`).
pub struct Deferred {
    create: String,
    comment: String,
    is_index: bool,
}

/// Drops the foreign keys and non-unique indexes of `tables` inside `tx`, to be recreated by
/// [`restore_schema`] in the same transaction: nothing else sees the tables without them,
/// and if the seed fails the rollback brings them back.
pub async fn defer_schema(tx: &mut PgConnection, tables: &[&str]) -> anyhow::Result<Vec<Deferred>> {
    sqlx::query(seed_catalogue::PG_INDEX_BUILD_MEMORY)
        .execute(&mut *tx)
        .await?;
    let rows: Vec<(String, String, String)> = sqlx::query_as(seed_catalogue::PG_DEFERRED_SCHEMA)
        .bind(tables)
        .fetch_all(&mut *tx)
        .await?;
    let mut deferred = Vec::with_capacity(rows.len());
    for (drop, create, comment) in rows {
        sqlx::query(AssertSqlSafe(drop)).execute(&mut *tx).await?;
        let is_index = create.starts_with("CREATE ");
        deferred.push(Deferred {
            create,
            comment,
            is_index,
        });
    }
    Ok(deferred)
}

/// Recreates what [`defer_schema`] dropped: the indexes (one sorted build each), then the
/// foreign keys, which PostgreSQL validates against every loaded row as it adds them.
/// Returns the time each half took, as report steps.
pub async fn restore_schema(
    tx: &mut PgConnection,
    deferred: &[Deferred],
) -> anyhow::Result<[(&'static str, Duration); 2]> {
    let mut took = [
        ("build indexes", Duration::ZERO),
        ("validate FKs", Duration::ZERO),
    ];
    for item in deferred {
        let step = Instant::now();
        sqlx::query(AssertSqlSafe(item.create.as_str()))
            .execute(&mut *tx)
            .await?;
        sqlx::query(AssertSqlSafe(item.comment.as_str()))
            .execute(&mut *tx)
            .await?;
        took[usize::from(!item.is_index)].1 += step.elapsed();
    }
    Ok(took)
}

/// Encodes rows into COPY chunks until the rows end or the receiver hangs up.
fn encode_chunks(mut rows: Box<dyn Rows>, sender: &mpsc::Sender<(Vec<u8>, u64)>) {
    let mut row: Vec<Value> = Vec::with_capacity(20);
    let mut chunk = Vec::with_capacity(CHUNK_BYTES + 4096);
    let mut count = 0;
    while rows.next_row(&mut row) {
        write_copy_row(&row, &mut chunk);
        row.clear();
        count += 1;
        if chunk.len() >= CHUNK_BYTES {
            let full = std::mem::replace(&mut chunk, Vec::with_capacity(CHUNK_BYTES + 4096));
            if sender.blocking_send((full, count)).is_err() {
                return;
            }
            count = 0;
        }
    }
    if count > 0 {
        sender.blocking_send((chunk, count)).ok();
    }
}

/// Inserts every row of `rows` into `table` on `conn` (a SQLite connection outside any
/// transaction), committing every [`SQLITE_BATCH_ROWS`] rows; returns the rows inserted.
pub async fn insert_sqlite(
    conn: &mut SqliteConnection,
    table: &BulkTable,
    mut rows: Box<dyn Rows>,
    bar: &ProgressBar,
) -> anyhow::Result<u64> {
    use sqlx::Connection;

    let mut row = Vec::with_capacity(20);
    let mut inserted = 0;
    let mut tx = conn.begin_with("BEGIN IMMEDIATE").await?;
    while rows.next_row(&mut row) {
        let mut query = sqlx::query(table.sqlite_insert);
        for value in row.drain(..) {
            query = bind_sqlite(query, value);
        }
        query.execute(&mut *tx).await?;
        inserted += 1;
        if inserted % SQLITE_BATCH_ROWS == 0 {
            tx.commit().await?;
            bar.inc(SQLITE_BATCH_ROWS);
            tx = conn.begin_with("BEGIN IMMEDIATE").await?;
        }
    }
    tx.commit().await?;
    bar.inc(inserted % SQLITE_BATCH_ROWS);
    Ok(inserted)
}
