//! Reading a renum database for the copy: every table of `queries::ALL` in one snapshot
//! (a read-only repeatable-read transaction on PostgreSQL, one read transaction on SQLite),
//! each row decoded into cells, hashed, and sent on to the writer in batches.

use chrono::{DateTime, Utc};
use futures_util::TryStreamExt;
use renum_db::Db;
use renum_db::sql_types::Timestamp;
use tokio::sync::mpsc::Sender;

use super::cell::{self, Checksum};
use super::queries::{self, ALL, CopyTable};
use super::{BATCH_ROWS, Msg};

/// Reads every table and sends its rows (when `send_rows`; otherwise only the totals, for
/// the verification) followed by its `Msg::End`. Stops quietly when the receiver is gone.
pub async fn all(db: Db, out: Sender<Msg>, send_rows: bool) -> anyhow::Result<()> {
    // One body per engine: the rows and their decoders differ, the loop does not.
    macro_rules! read_tables {
        ($tx:expr, $decode:path) => {
            for table in ALL {
                let mut rows = sqlx::query(table.select).fetch(&mut *$tx);
                let (mut count, mut checksum) = (0u64, Checksum::default());
                let (mut batch, mut line) = (Vec::with_capacity(BATCH_ROWS), Vec::new());
                while let Some(row) = rows.try_next().await? {
                    let cells = $decode(&row, table.columns)
                        .map_err(|err| anyhow::anyhow!("{}: {err}", table.table))?;
                    line.clear();
                    cell::write_copy_row(&cells, &mut line);
                    checksum.add(&line);
                    count += 1;
                    if send_rows {
                        batch.push(cells);
                        if batch.len() == BATCH_ROWS
                            && out
                                .send(Msg::Rows(std::mem::take(&mut batch)))
                                .await
                                .is_err()
                        {
                            return Ok(());
                        }
                    }
                }
                drop(rows);
                if !batch.is_empty() && out.send(Msg::Rows(batch)).await.is_err() {
                    return Ok(());
                }
                let end = Msg::End {
                    rows: count,
                    checksum,
                };
                if out.send(end).await.is_err() {
                    return Ok(());
                }
            }
        };
    }
    match &db {
        Db::Postgres(pool) => {
            let mut tx = pool.begin().await?;
            sqlx::query(queries::PG_SNAPSHOT).execute(&mut *tx).await?;
            read_tables!(tx, cell::from_pg);
            tx.rollback().await?;
        }
        Db::Sqlite(pool) => {
            let mut tx = pool.begin().await?;
            read_tables!(tx, cell::from_sqlite);
            tx.rollback().await?;
        }
    }
    Ok(())
}

/// The rows of `table`.
pub async fn count(db: &Db, table: &CopyTable) -> anyhow::Result<u64> {
    let n: i64 = match db {
        Db::Postgres(pool) => sqlx::query_scalar(table.count).fetch_one(pool).await?,
        Db::Sqlite(pool) => sqlx::query_scalar(table.count).fetch_one(pool).await?,
    };
    Ok(u64::try_from(n)?)
}

/// The first and last `api_logs.created_at`, if there are logs.
pub async fn log_span(db: &Db) -> anyhow::Result<Option<(DateTime<Utc>, DateTime<Utc>)>> {
    let span: (Option<Timestamp>, Option<Timestamp>) = match db {
        Db::Postgres(pool) => {
            sqlx::query_as(queries::API_LOGS_SPAN)
                .fetch_one(pool)
                .await?
        }
        Db::Sqlite(pool) => {
            sqlx::query_as(queries::API_LOGS_SPAN)
                .fetch_one(pool)
                .await?
        }
    };
    Ok(match span {
        (Some(first), Some(last)) => Some((first.into(), last.into())),
        _ => None,
    })
}
