//! `renum logs bench-ingest | bench-purge`: hand-run measurements of the API log write path and
//! of retention (docs/BENCHMARKS.md). Run them on a scratch database: bench-ingest leaves its
//! rows in place (dated now, they expire with retention); bench-purge works in January 2000 and
//! removes everything it writes.

use std::time::{Duration, Instant};

use renum_db::enums::{Direction, HttpMethod};
use renum_db::ids::{OrganizationId, UserId};
use renum_db::models::ApiLogInsert;
use renum_db::retention::{self, Month};
use renum_db::sql_types::{Json, Timestamp};
use renum_db::{Access, Db, Engine};
use serde_json::json;

use crate::api_log::{ApiLogSink, SinkConfig};

/// A typical inbound record: a route template, ids, a small redacted response body.
fn sample(n: usize, created_at: Timestamp, org: OrganizationId, user: UserId) -> ApiLogInsert {
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
        response_body: Some(Json(json!({
            "id": "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b",
            "title": "Launch video",
            "status": "ready",
            "duration_seconds": 94.5,
        }))),
        created_at,
    }
}

fn rate(records: u64, elapsed: Duration) -> f64 {
    records as f64 / elapsed.as_secs_f64()
}

/// Single-row INSERTs (one autocommit statement each) versus the sink's batched writer.
pub async fn ingest(
    db: &Db,
    records: usize,
    single_rows: usize,
    batch_size: usize,
) -> anyhow::Result<()> {
    let (org, user) = (OrganizationId::new(), UserId::new());
    println!("engine: {}", db.engine().as_str());

    let single_rows = single_rows.min(records);
    let mut conn = db.conn().await?;
    let started = Instant::now();
    for n in 0..single_rows {
        conn.api_logs()
            .insert(&sample(n, Timestamp::now(), org, user))
            .await?;
    }
    let single = rate(single_rows as u64, started.elapsed());
    drop(conn);
    println!(
        "single-row INSERT: {single_rows} records in {:.2}s = {single:.0} records/s",
        started.elapsed().as_secs_f64()
    );

    let config = SinkConfig {
        batch_size,
        ..SinkConfig::default()
    };
    let capacity = config.capacity as u64;
    let (sink, writer) = ApiLogSink::spawn(db.clone(), config);
    let started = Instant::now();
    let mut peak_bytes = 0;
    for n in 0..records {
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
        sink.record(sample(n, Timestamp::now(), org, user));
    }
    let m = writer.shutdown().await;
    let elapsed = started.elapsed();
    let batched = rate(m.written, elapsed);
    println!(
        "log writer (batches of {batch_size}): {} records in {:.2}s = {batched:.0} records/s; \
         {} batches, {} dropped, {} failed, queue peak {:.1} MiB",
        m.written,
        elapsed.as_secs_f64(),
        m.batches,
        m.dropped,
        m.failed,
        peak_bytes as f64 / (1024.0 * 1024.0),
    );
    println!("ratio: {:.1}x the single-row rate", batched / single);
    Ok(())
}

/// Fills January 2000 with `rows` rows, purges them by dropping their partition (PostgreSQL),
/// fills it again and purges by batched deletes: the same data, both ways.
pub async fn purge(db: &Db, rows: usize, batch_size: i64) -> anyhow::Result<()> {
    let month = Month::new(2000, 1).expect("a valid month");
    let cutoff = Timestamp::from(month.next().start());
    println!(
        "engine: {}, {rows} rows in {}",
        db.engine().as_str(),
        month.partition_name()
    );
    if db.engine() == Engine::Postgres {
        fill(db, month, rows).await?;
        let started = Instant::now();
        let dropped = retention::drop_partitions_before(db, cutoff).await?;
        println!(
            "partition drop: {} in {:.3}s",
            dropped.join(", "),
            started.elapsed().as_secs_f64()
        );
    }
    fill(db, month, rows).await?;
    let started = Instant::now();
    let report = retention::delete_older_than(db, cutoff, batch_size, &mut |_| {}).await?;
    println!(
        "batched delete: {} rows in {} batches of {batch_size} in {:.3}s",
        report.rows_deleted,
        report.batches,
        started.elapsed().as_secs_f64()
    );
    retention::drop_partitions_before(db, cutoff).await?;
    Ok(())
}

async fn fill(db: &Db, month: Month, rows: usize) -> anyhow::Result<()> {
    retention::ensure_partitions(db, Timestamp::from(month.start()), 0).await?;
    let (org, user) = (OrganizationId::new(), UserId::new());
    let start = month.start();
    let span_ms = (month.next().start() - start).num_milliseconds();
    let started = Instant::now();
    let mut conn = db.conn().await?;
    let mut n = 0;
    while n < rows {
        let batch: Vec<_> = (n..rows.min(n + 10_000))
            .map(|i| {
                let offset = chrono::Duration::milliseconds(i as i64 * 7919 % span_ms);
                sample(i, (start + offset).into(), org, user)
            })
            .collect();
        conn.api_logs().insert_batch(&batch).await?;
        n += batch.len();
    }
    println!(
        "filled {rows} rows in {:.2}s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
