//! The `ingest` and `purge` scenarios: the API log write path and retention, measured against
//! the database of `--database-url` with no server involved. Run them on a scratch or bench
//! database: ingest leaves its rows (dated now, they expire with retention); purge works in
//! January 2000 and removes everything it writes.

use std::time::{Duration, Instant};

use super::queries as q;
use renum_db::enums::{Direction, HttpMethod};
use renum_db::ids::{OrganizationId, UserId};
use renum_db::models::ApiLogInsert;
use renum_db::retention::{self, Month};
use renum_db::sql_types::{Json, Timestamp};
use renum_db::{Access, Db};
use serde::Serialize;
use serde_json::{Value, json};

use renum::api_log::{ApiLogSink, SinkConfig};

/// The response body of [`sample`], also the body of the server-side fill.
fn sample_body() -> Value {
    json!({
        "id": "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b",
        "title": "Launch video",
        "status": "ready",
        "duration_seconds": 94.5,
    })
}

/// A typical inbound record: a route template, ids, a small redacted response body.
pub fn sample(n: usize, created_at: Timestamp, org: OrganizationId, user: UserId) -> ApiLogInsert {
    ApiLogInsert {
        organization_id: Some(org),
        direction: Direction::Inbound,
        service: "renum".to_owned(),
        endpoint: "/v1/videos/{id}".to_owned(),
        method: HttpMethod::Get,
        status_code: Some(200),
        duration_ms: 3.25,
        request_id: Some(format!("bench-{n:09}")),
        user_id: Some(user),
        request_body: None,
        response_body: Some(Json(sample_body())),
        created_at,
    }
}

/// The parameters of `api_logs.INSERT` for one [`sample`] record, as pgbench variables
/// (`None` is a NULL).
pub fn sample_params(org: OrganizationId, user: UserId) -> Vec<(String, Option<String>)> {
    let values = [
        Some(org.to_string()),
        Some("inbound".to_owned()),
        Some("renum".to_owned()),
        Some("/v1/videos/{id}".to_owned()),
        Some("GET".to_owned()),
        Some("200".to_owned()),
        Some("3.25".to_owned()),
        Some("bench-pgbench".to_owned()),
        Some(user.to_string()),
        None,
        Some(sample_body().to_string()),
        Some(Timestamp::now().to_string()),
    ];
    values
        .into_iter()
        .enumerate()
        .map(|(i, v)| (format!("p{}", i + 1), v))
        .collect()
}

#[derive(Debug, Serialize)]
pub struct Ingest {
    pub written: u64,
    pub seconds: f64,
    pub records_per_second: f64,
    pub batches: u64,
    pub dropped: u64,
    pub failed: u64,
    /// Highest estimated bytes held by the queue during the run.
    pub queue_peak_bytes: u64,
}

/// The real logging path for `duration`: `ApiLogSink::record` flat out, then `shutdown()`
/// until the writer has written the last record; the rate counts the drain.
pub async fn writer(db: &Db, duration: Duration, batch_size: usize) -> anyhow::Result<Ingest> {
    let (org, user) = (OrganizationId::new(), UserId::new());
    let config = SinkConfig {
        batch_size,
        ..SinkConfig::default()
    };
    let capacity = config.capacity as u64;
    let (sink, writer) = ApiLogSink::spawn(db.clone(), config);
    let started = Instant::now();
    let mut peak_bytes = 0;
    let mut n = 0;
    while started.elapsed() < duration {
        // Producers never wait in production (the queue drops the oldest); the benchmark
        // waits instead, so it measures the writer's sustained rate without losing records.
        loop {
            let m = sink.metrics();
            peak_bytes = peak_bytes.max(m.queued_bytes);
            if m.queued + batch_size as u64 <= capacity {
                break;
            }
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        for _ in 0..batch_size {
            sink.record(sample(n, Timestamp::now(), org, user));
            n += 1;
        }
        // Let the writer task run on a single-threaded runtime too.
        tokio::task::yield_now().await;
    }
    let m = writer.shutdown().await;
    let seconds = started.elapsed().as_secs_f64();
    Ok(Ingest {
        written: m.written,
        seconds,
        records_per_second: m.written as f64 / seconds,
        batches: m.batches,
        dropped: m.dropped,
        failed: m.failed,
        queue_peak_bytes: peak_bytes,
    })
}

/// Single-row INSERTs (one autocommitted `api_logs.INSERT` each) from one connection for
/// `duration`: the SQLite baseline (PostgreSQL's runs under pgbench). Returns records/s.
pub async fn single_rows(db: &Db, duration: Duration) -> anyhow::Result<f64> {
    let (org, user) = (OrganizationId::new(), UserId::new());
    let mut conn = db.conn().await?;
    let started = Instant::now();
    let mut n = 0;
    while started.elapsed() < duration {
        conn.api_logs()
            .insert(&sample(n, Timestamp::now(), org, user))
            .await?;
        n += 1;
    }
    Ok(n as f64 / started.elapsed().as_secs_f64())
}

#[derive(Debug, Default, Serialize)]
pub struct Purge {
    /// Rows purged by dropping their partition (PostgreSQL only).
    pub drop_rows: u64,
    pub drop_seconds: Option<f64>,
    /// `pg_database_size` before minus after the drop.
    pub drop_freed_bytes: Option<i64>,
    pub delete_rows: u64,
    pub delete_batches: u64,
    pub delete_seconds: f64,
    /// `pg_database_size` before minus after the batched delete (PostgreSQL only).
    pub delete_freed_bytes: Option<i64>,
    /// Seconds spent filling, for the record: they are not part of either purge.
    pub fill_seconds: f64,
}

/// Fills January 2000 with `drop_rows` rows and purges them by dropping their partition
/// (PostgreSQL), then fills it with `delete_rows` rows and purges them with the batched delete
/// that `renum logs purge` uses for what partitions cannot drop.
pub async fn purge(
    db: &Db,
    drop_rows: u64,
    delete_rows: u64,
    batch_size: i64,
) -> anyhow::Result<Purge> {
    let month = Month::new(2000, 1).expect("a valid month");
    let cutoff = Timestamp::from(month.next().start());
    // Leftovers of an interrupted run would be counted as purged rows.
    retention::purge(db, cutoff, batch_size, &mut |_| {}).await?;
    let mut out = Purge::default();
    if let Db::Postgres(pool) = db {
        out.fill_seconds += fill(db, month, drop_rows).await?;
        let before: i64 = sqlx::query_scalar(q::DATABASE_BYTES)
            .fetch_one(pool)
            .await?;
        let started = Instant::now();
        let dropped = retention::drop_partitions_before(db, cutoff).await?;
        out.drop_seconds = Some(started.elapsed().as_secs_f64());
        anyhow::ensure!(
            dropped == [month.partition_name()],
            "expected to drop {}, dropped {dropped:?}",
            month.partition_name()
        );
        let after: i64 = sqlx::query_scalar(q::DATABASE_BYTES)
            .fetch_one(pool)
            .await?;
        out.drop_rows = drop_rows;
        out.drop_freed_bytes = Some(before - after);
    }
    out.fill_seconds += fill(db, month, delete_rows).await?;
    let before = database_bytes(db).await?;
    let started = Instant::now();
    let report = retention::delete_older_than(db, cutoff, batch_size, &mut |_| {}).await?;
    out.delete_seconds = started.elapsed().as_secs_f64();
    out.delete_rows = report.rows_deleted;
    out.delete_batches = report.batches;
    out.delete_freed_bytes = match (before, database_bytes(db).await?) {
        (Some(before), Some(after)) => Some(before - after),
        _ => None,
    };
    retention::drop_partitions_before(db, cutoff).await?;
    Ok(out)
}

async fn database_bytes(db: &Db) -> anyhow::Result<Option<i64>> {
    Ok(match db {
        Db::Postgres(pool) => Some(
            sqlx::query_scalar(q::DATABASE_BYTES)
                .fetch_one(pool)
                .await?,
        ),
        Db::Sqlite(_) => None,
    })
}

/// Fills `month` with `rows` records in created_at order; returns the seconds it took.
/// PostgreSQL generates them server-side (`bench.FILL_API_LOGS`, a million per statement);
/// SQLite inserts them with the log writer's batch statement.
async fn fill(db: &Db, month: Month, rows: u64) -> anyhow::Result<f64> {
    retention::ensure_partitions(db, Timestamp::from(month.start()), 0).await?;
    if let Db::Postgres(pool) = db {
        anyhow::ensure!(
            month.partition_name() == "api_logs_2000_01",
            "bench.QUIET_FILL_PARTITION names the bench's month"
        );
        sqlx::query(q::QUIET_FILL_PARTITION).execute(pool).await?;
    }
    let (org, user) = (OrganizationId::new(), UserId::new());
    let start = month.start();
    let span_us = (month.next().start() - start)
        .num_microseconds()
        .expect("a month in microseconds fits");
    let signed = |n: u64| i64::try_from(n).expect("a fill has fewer than 2^63 rows");
    let step_us = span_us / (signed(rows) + 1);
    let started = Instant::now();
    const CHUNK: u64 = 1_000_000;
    let mut n = 0u64;
    while n < rows {
        let count = CHUNK.min(rows - n);
        let from = start + chrono::Duration::microseconds(signed(n) * step_us);
        match db {
            Db::Postgres(pool) => {
                sqlx::query(q::FILL_API_LOGS)
                    .bind(org)
                    .bind(user)
                    .bind(Json(sample_body()))
                    .bind(Timestamp::from(from))
                    .bind(step_us as f64)
                    .bind(signed(count))
                    .execute(pool)
                    .await?;
            }
            Db::Sqlite(_) => {
                let mut conn = db.conn().await?;
                let mut i = 0;
                while i < count {
                    let batch: Vec<_> = (i..count.min(i + 10_000))
                        .map(|k| {
                            let at = from + chrono::Duration::microseconds(signed(k) * step_us);
                            sample((n + k) as usize, at.into(), org, user)
                        })
                        .collect();
                    conn.api_logs().insert_batch(&batch).await?;
                    i += batch.len() as u64;
                }
            }
        }
        n += count;
    }
    Ok(started.elapsed().as_secs_f64())
}
