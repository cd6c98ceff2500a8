//! The write path of API logs: a bounded in-memory queue drained by one background writer
//! that inserts in batches (`api_logs.INSERT_BATCH`, one statement per batch).
//!
//! Logging never adds a database round trip to a request: [`ApiLogSink::record`] is
//! synchronous and only takes a short lock on the queue. When the queue is full the oldest
//! records are dropped and counted (a burst must not grow memory without bound, and the newest
//! records are the ones an operator looks at). [`WriterHandle::shutdown`] writes everything
//! still queued before it returns, so a graceful stop loses nothing.
//!
//! No record is lost to its content: what the database cannot store (a NUL in any text or
//! JSON string or key) is marked before queueing ([`NUL_MARK`]), and a batch the database
//! refuses anyway is split until the refused record is alone; that record alone is dropped,
//! counted (`refused`) and named by request id in the server log. A database that does not
//! answer is another matter: the whole batch is retried.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use renum_db::models::ApiLogInsert;
use renum_db::{Access, Db};
use tokio::sync::{Notify, oneshot};
use tokio::task::JoinHandle;

use super::redact::RedactionPolicy;

/// Tuning of the queue and the writer.
#[derive(Clone, Debug)]
pub struct SinkConfig {
    /// Most records the queue holds; beyond it the oldest are dropped.
    pub capacity: usize,
    /// Most bytes (estimated, see [`record_bytes`]) the queue holds; beyond it the oldest
    /// records are dropped. With bodies capped by the redaction policy this bounds memory.
    pub max_queue_bytes: usize,
    /// Records per INSERT; the writer wakes as soon as this many are queued.
    pub batch_size: usize,
    /// The writer also flushes whatever is queued this often, so a quiet server's logs
    /// appear within this delay.
    pub flush_interval: Duration,
    /// Fraction (0 to 1) of successful inbound calls (status below 400) that are kept;
    /// errors, calls without a response and outbound calls are always kept. Sampling is
    /// even, not random: with 0.25 exactly one call in four is kept.
    pub success_sample_rate: f64,
    /// Applied to both bodies of a call before its record is queued ([`Call`](crate::api_log::Call) does it; see `ApiLogSink::policy`).
    pub redaction: RedactionPolicy,
}

impl Default for SinkConfig {
    fn default() -> Self {
        Self {
            capacity: 50_000,
            max_queue_bytes: 64 * 1024 * 1024,
            batch_size: 1_000,
            flush_interval: Duration::from_millis(200),
            success_sample_rate: 1.0,
            redaction: RedactionPolicy::default(),
        }
    }
}

/// A snapshot of the sink's counters, for `/metrics`. Counters only grow.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ApiLogMetrics {
    /// Records handed to [`ApiLogSink::record`].
    pub recorded: u64,
    /// Successful inbound calls left out by sampling (never queued).
    pub sampled_out: u64,
    /// Records in the database.
    pub written: u64,
    /// Records discarded because the queue was full (the oldest ones) or the sink was shut down.
    pub dropped: u64,
    /// Records lost because the database could not be reached after retries.
    pub failed: u64,
    /// Records the database refused for their content, each dropped alone: the other records
    /// of its batch were written.
    pub refused: u64,
    /// INSERT statements that succeeded.
    pub batches: u64,
    /// Estimated bytes of the records written.
    pub bytes_written: u64,
    /// Records waiting in the queue now.
    pub queued: u64,
    /// Estimated bytes held by the queue now.
    pub queued_bytes: u64,
    /// The queue's bounds.
    pub capacity: u64,
    pub max_queue_bytes: u64,
}

/// The handle request code records through. Cheap to clone.
#[derive(Clone, Debug)]
pub struct ApiLogSink {
    shared: Arc<Shared>,
}

/// Owns the writer task; [`WriterHandle::shutdown`] drains the queue and stops it.
#[derive(Debug)]
pub struct WriterHandle {
    stop: oneshot::Sender<()>,
    task: JoinHandle<()>,
    sink: ApiLogSink,
}

#[derive(Debug)]
struct Shared {
    queue: Mutex<Queue>,
    wake: Notify,
    config: SinkConfig,
    recorded: AtomicU64,
    sampled: AtomicU64,
    sampled_out: AtomicU64,
    written: AtomicU64,
    dropped: AtomicU64,
    failed: AtomicU64,
    refused: AtomicU64,
    batches: AtomicU64,
    bytes_written: AtomicU64,
    /// Set by [`WriterHandle::shutdown`]: from then on an unreachable database is retried
    /// only [`ATTEMPTS`] times, so a stop is never held up by a database that is gone.
    stopping: AtomicBool,
}

#[derive(Debug, Default)]
struct Queue {
    records: VecDeque<(ApiLogInsert, usize)>,
    bytes: usize,
    closed: bool,
}

impl ApiLogSink {
    /// Starts the writer on `db`. Call from within a tokio runtime.
    pub fn spawn(db: Db, config: SinkConfig) -> (ApiLogSink, WriterHandle) {
        let sink = ApiLogSink::new(config);
        let handle = sink.start_writer(db);
        (sink, handle)
    }

    pub(crate) fn new(config: SinkConfig) -> ApiLogSink {
        ApiLogSink {
            shared: Arc::new(Shared {
                queue: Mutex::new(Queue::default()),
                wake: Notify::new(),
                config,
                recorded: AtomicU64::new(0),
                sampled: AtomicU64::new(0),
                sampled_out: AtomicU64::new(0),
                written: AtomicU64::new(0),
                dropped: AtomicU64::new(0),
                failed: AtomicU64::new(0),
                refused: AtomicU64::new(0),
                stopping: AtomicBool::new(false),
                batches: AtomicU64::new(0),
                bytes_written: AtomicU64::new(0),
            }),
        }
    }

    fn start_writer(&self, db: Db) -> WriterHandle {
        let (stop, stopped) = oneshot::channel();
        let task = tokio::spawn(run_writer(self.shared.clone(), db, stopped));
        WriterHandle {
            stop,
            task,
            sink: self.clone(),
        }
    }

    /// Queues one record (bodies already redacted). Never waits on the database; when the
    /// queue is full the oldest records make room and are counted as dropped.
    pub fn record(&self, record: ApiLogInsert) {
        let record = sanitize(record);
        let size = record_bytes(&record);
        let config = &self.shared.config;
        self.shared.recorded.fetch_add(1, Ordering::Relaxed);
        let (dropped, wake) = {
            let mut queue = self.shared.lock();
            if queue.closed {
                (1, false)
            } else {
                queue.records.push_back((record, size));
                queue.bytes += size;
                let mut dropped = 0;
                while queue.records.len() > config.capacity
                    || (queue.bytes > config.max_queue_bytes && queue.records.len() > 1)
                {
                    if let Some((_, size)) = queue.records.pop_front() {
                        queue.bytes -= size;
                        dropped += 1;
                    }
                }
                (dropped, queue.records.len() >= config.batch_size)
            }
        };
        if dropped > 0 {
            self.shared.dropped.fetch_add(dropped, Ordering::Relaxed);
        }
        if wake {
            self.shared.wake.notify_one();
        }
    }

    /// Whether to keep the next successful inbound call, per `success_sample_rate`: the n-th
    /// such call is kept when `n * rate` crosses a whole number. Counts the ones left out.
    pub fn keep_success(&self) -> bool {
        let rate = self.shared.config.success_sample_rate.clamp(0.0, 1.0);
        let n = self.shared.sampled.fetch_add(1, Ordering::Relaxed) as f64;
        let keep = ((n + 1.0) * rate).floor() > (n * rate).floor();
        if !keep {
            self.shared.sampled_out.fetch_add(1, Ordering::Relaxed);
        }
        keep
    }

    /// The redaction policy records must pass before [`ApiLogSink::record`].
    pub fn policy(&self) -> &RedactionPolicy {
        &self.shared.config.redaction
    }

    pub fn metrics(&self) -> ApiLogMetrics {
        let s = &self.shared;
        let (queued, queued_bytes) = {
            let queue = s.lock();
            (queue.records.len() as u64, queue.bytes as u64)
        };
        ApiLogMetrics {
            recorded: s.recorded.load(Ordering::Relaxed),
            sampled_out: s.sampled_out.load(Ordering::Relaxed),
            written: s.written.load(Ordering::Relaxed),
            dropped: s.dropped.load(Ordering::Relaxed),
            failed: s.failed.load(Ordering::Relaxed),
            refused: s.refused.load(Ordering::Relaxed),
            batches: s.batches.load(Ordering::Relaxed),
            bytes_written: s.bytes_written.load(Ordering::Relaxed),
            queued,
            queued_bytes,
            capacity: s.config.capacity as u64,
            max_queue_bytes: s.config.max_queue_bytes as u64,
        }
    }
}

impl WriterHandle {
    /// Stops accepting records, writes every queued one, and returns the final counters.
    pub async fn shutdown(self) -> ApiLogMetrics {
        self.sink.shared.stopping.store(true, Ordering::Relaxed);
        // A send error means the writer already stopped; joining it is all that is left.
        let _ = self.stop.send(());
        if let Err(err) = self.task.await {
            tracing::error!(%err, "the API log writer panicked");
        }
        self.sink.metrics()
    }
}

impl Shared {
    /// The queue stays usable after a panic elsewhere: it holds plain data.
    fn lock(&self) -> MutexGuard<'_, Queue> {
        self.queue.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn take(&self, max: usize) -> Vec<(ApiLogInsert, usize)> {
        let mut queue = self.lock();
        let n = queue.records.len().min(max);
        let batch: Vec<_> = queue.records.drain(..n).collect();
        queue.bytes -= batch.iter().map(|(_, size)| size).sum::<usize>();
        batch
    }
}

async fn run_writer(shared: Arc<Shared>, db: Db, mut stop: oneshot::Receiver<()>) {
    let batch_size = shared.config.batch_size.max(1);
    let mut tick = tokio::time::interval(shared.config.flush_interval);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        // A dropped WriterHandle stops the writer too (after draining), like a shutdown.
        let stopping = tokio::select! {
            _ = shared.wake.notified() => false,
            _ = tick.tick() => false,
            _ = &mut stop => true,
        };
        if stopping {
            shared.lock().closed = true;
        }
        loop {
            let batch = shared.take(batch_size);
            if batch.is_empty() {
                break;
            }
            let full = batch.len() == batch_size;
            write(&shared, &db, batch).await;
            if !full && !stopping {
                break;
            }
        }
        if stopping {
            return;
        }
    }
}

/// Attempts per statement, once stopping, while the database cannot be reached: a batch is one
/// statement, so a retry cannot duplicate rows.
const ATTEMPTS: u32 = 3;

/// The longest pause between two attempts on an unreachable database.
const MAX_BACKOFF: Duration = Duration::from_secs(2);

/// Inserts a batch. A batch the database refuses is split in halves until each refused record
/// is alone, so k bad records among n cost about k·log2(n) extra statements and every other
/// record lands. While the database cannot be reached the batch waits and is retried (records
/// arriving meanwhile queue up within the queue's bounds); once stopping, a batch that still
/// cannot reach it after [`ATTEMPTS`] is lost as a whole.
async fn write(shared: &Shared, db: &Db, batch: Vec<(ApiLogInsert, usize)>) {
    let (records, sizes): (Vec<ApiLogInsert>, Vec<usize>) = batch.into_iter().unzip();
    // Ranges still to insert, the next one on top, so records land in queue order.
    let mut pending = Vec::new();
    pending.push(0..records.len());
    while let Some(range) = pending.pop() {
        let chunk = &records[range.clone()];
        match insert(shared, db, chunk).await {
            Ok(written) => {
                let bytes: usize = sizes[range].iter().sum();
                shared.written.fetch_add(written, Ordering::Relaxed);
                shared.batches.fetch_add(1, Ordering::Relaxed);
                shared
                    .bytes_written
                    .fetch_add(bytes as u64, Ordering::Relaxed);
            }
            Err(err) if refused(&err) && chunk.len() > 1 => {
                let mid = range.start + chunk.len() / 2;
                tracing::warn!(%err, records = chunk.len(), "the database refused an API log batch; splitting it");
                pending.push(mid..range.end);
                pending.push(range.start..mid);
            }
            Err(err) if refused(&err) => {
                let r = &chunk[0];
                tracing::error!(
                    %err,
                    request_id = r.request_id.as_deref().unwrap_or("-"),
                    service = %r.service,
                    endpoint = %r.endpoint,
                    "the database refused an API log record; dropped"
                );
                shared.refused.fetch_add(1, Ordering::Relaxed);
            }
            Err(err) => {
                tracing::error!(%err, records = chunk.len(), "API log batch lost");
                shared
                    .failed
                    .fetch_add(chunk.len() as u64, Ordering::Relaxed);
            }
        }
    }
}

/// One INSERT of `records`, retried with backoff (100 ms doubling to [`MAX_BACKOFF`]) while the
/// database cannot be reached: for as long as it takes, until a shutdown starts. A closed pool
/// is final.
async fn insert(
    shared: &Shared,
    db: &Db,
    records: &[ApiLogInsert],
) -> Result<u64, renum_db::Error> {
    let mut attempt = 1;
    let mut backoff = Duration::from_millis(100);
    loop {
        let result = async {
            let mut conn = db.conn().await?;
            conn.api_logs().insert_batch(records).await
        }
        .await;
        let patient = !shared.stopping.load(Ordering::Relaxed);
        match result {
            Err(renum_db::Error::Unavailable(sqlx::Error::PoolClosed)) => return result,
            Err(err) if !refused(&err) && (patient || attempt < ATTEMPTS) => {
                tracing::warn!(%err, attempt, records = records.len(), "API log batch failed; retrying");
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(MAX_BACKOFF);
                attempt += 1;
            }
            other => return other,
        }
    }
}

/// Whether the database answered and refused the records themselves (a constraint, a value it
/// cannot store, a size limit), as opposed to not answering (I/O, pool timeout, a busy or
/// full database, a server shutting down). Only the first is worth splitting the batch for.
fn refused(err: &renum_db::Error) -> bool {
    use renum_db::Error as E;
    match err {
        E::Invalid { .. } | E::Conflict { .. } => true,
        E::Database(sqlx::Error::Encode(_)) => true,
        E::Database(sqlx::Error::Database(db)) => {
            let code = db.code().unwrap_or_default();
            if db
                .try_downcast_ref::<sqlx::postgres::PgDatabaseError>()
                .is_some()
            {
                // SQLSTATE classes: 22 data exception (a NUL, an invalid escape), 23
                // integrity constraint, 54 program limit exceeded (a value too large).
                matches!(code.get(..2), Some("22" | "23" | "54"))
            } else {
                // SQLite's primary result codes: ERROR (malformed JSON), TOOBIG,
                // CONSTRAINT, MISMATCH, RANGE; BUSY, LOCKED, IOERR, FULL... are transient.
                let primary = code.parse::<u32>().map_or(0, |c| c & 0xff);
                matches!(primary, 1 | 18 | 19 | 20 | 25)
            }
        }
        _ => false,
    }
}

/// What a NUL (U+0000) becomes in a stored record, in text columns and in JSON strings and
/// keys alike: PostgreSQL refuses it in `text` and `jsonb`, SQLite's text functions stop at it.
/// U+2400 SYMBOL FOR NULL shows where it was.
pub const NUL_MARK: &str = "\u{2400}";

/// Brings a record within what the table stores: its CHECK constraints, so one odd record (a
/// status of 0 from a broken client, a clock step making a duration negative) cannot fail its
/// whole batch, and no NUL in any text (see [`NUL_MARK`]).
fn sanitize(mut r: ApiLogInsert) -> ApiLogInsert {
    mark_nul(&mut r.service);
    mark_nul(&mut r.endpoint);
    if let Some(id) = &mut r.request_id {
        mark_nul(id);
    }
    for body in [&mut r.request_body, &mut r.response_body]
        .into_iter()
        .flatten()
    {
        mark_nul_in_json(&mut body.0);
    }
    if r.status_code.is_some_and(|s| !(100..=599).contains(&s)) {
        r.status_code = None;
    }
    if !r.duration_ms.is_finite() || r.duration_ms < 0.0 {
        r.duration_ms = 0.0;
    }
    if r.service.is_empty() {
        r.service = "unknown".to_owned();
    }
    if let Some((cut, _)) = r.service.char_indices().nth(100) {
        r.service.truncate(cut);
    }
    r
}

fn mark_nul(s: &mut String) {
    if s.contains('\0') {
        *s = s.replace('\0', NUL_MARK);
    }
}

fn mark_nul_in_json(v: &mut serde_json::Value) {
    use serde_json::Value;
    match v {
        Value::String(s) => mark_nul(s),
        Value::Array(items) => items.iter_mut().for_each(mark_nul_in_json),
        Value::Object(map) => {
            if map.keys().any(|k| k.contains('\0')) {
                let old = std::mem::take(map);
                for (mut key, value) in old {
                    mark_nul(&mut key);
                    map.insert(key, value);
                }
            }
            map.values_mut().for_each(mark_nul_in_json);
        }
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
}

/// The memory a queued record holds, estimated: the struct plus its heap text. Bodies are
/// sized by their JSON text length without serializing them.
pub fn record_bytes(r: &ApiLogInsert) -> usize {
    std::mem::size_of::<ApiLogInsert>()
        + r.service.len()
        + r.endpoint.len()
        + r.request_id.as_ref().map_or(0, String::len)
        + r.request_body.as_ref().map_or(0, |b| json_bytes(&b.0))
        + r.response_body.as_ref().map_or(0, |b| json_bytes(&b.0))
}

fn json_bytes(v: &serde_json::Value) -> usize {
    use serde_json::Value;
    match v {
        Value::Null | Value::Bool(_) => 5,
        Value::Number(_) => 8,
        Value::String(s) => s.len() + 2,
        Value::Array(items) => 2 + items.iter().map(|i| json_bytes(i) + 1).sum::<usize>(),
        Value::Object(map) => {
            2 + map
                .iter()
                .map(|(k, v)| k.len() + 4 + json_bytes(v))
                .sum::<usize>()
        }
    }
}

#[cfg(test)]
mod tests {
    use renum_db::Engine;
    use renum_db::sql_types::{Json, Timestamp};
    use renum_db::testing::{TestDb, sample_api_log};
    use serde_json::json;

    use super::*;

    fn record(n: usize) -> ApiLogInsert {
        ApiLogInsert {
            request_id: Some(format!("{n:06}")),
            response_body: Some(Json(json!({"n": n}))),
            ..sample_api_log(Timestamp::now())
        }
    }

    async fn request_ids(db: &Db) -> Vec<String> {
        let sql = "SELECT request_id FROM api_logs ORDER BY request_id";
        match db {
            Db::Postgres(pool) => sqlx::query_scalar(sql).fetch_all(pool).await.unwrap(),
            Db::Sqlite(pool) => sqlx::query_scalar(sql).fetch_all(pool).await.unwrap(),
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn every_recorded_log_is_in_the_table_after_shutdown() {
        for engine in [Engine::Sqlite, Engine::Postgres] {
            let t = TestDb::new(engine).await;
            let config = SinkConfig {
                batch_size: 300,
                flush_interval: Duration::from_secs(3600),
                ..Default::default()
            };
            let (sink, writer) = ApiLogSink::spawn(t.db.clone(), config);
            let n = 2_500;
            for i in 0..n {
                sink.record(record(i));
            }
            let m = writer.shutdown().await;
            assert_eq!(request_ids(&t.db).await.len(), n, "{engine:?}");
            assert_eq!(
                (m.recorded, m.written, m.dropped, m.failed),
                (n as u64, n as u64, 0, 0)
            );
            assert!(m.batches >= 9, "batches of at most 300: {m:?}");
            assert_eq!((m.queued, m.queued_bytes), (0, 0));
            assert!(m.bytes_written > 0);

            sink.record(record(n));
            assert_eq!(
                sink.metrics().dropped,
                1,
                "a record after shutdown is dropped"
            );
            t.cleanup().await;
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_full_queue_drops_the_oldest_records_and_counts_them() {
        for engine in [Engine::Sqlite, Engine::Postgres] {
            let t = TestDb::new(engine).await;
            // Fill the queue before the writer exists, so nothing is written meanwhile.
            let sink = ApiLogSink::new(SinkConfig {
                capacity: 4,
                ..Default::default()
            });
            for i in 0..10 {
                sink.record(record(i));
            }
            let m = sink.metrics();
            assert_eq!((m.recorded, m.queued, m.dropped), (10, 4, 6));
            let m = sink.start_writer(t.db.clone()).shutdown().await;
            assert_eq!(
                request_ids(&t.db).await,
                ["000006", "000007", "000008", "000009"]
            );
            assert_eq!((m.written, m.dropped, m.queued), (4, 6, 0));
            t.cleanup().await;
        }
    }

    #[test]
    fn the_queue_memory_stays_under_its_byte_bound() {
        let sink = ApiLogSink::new(SinkConfig {
            max_queue_bytes: 64 * 1024,
            ..Default::default()
        });
        for i in 0..100 {
            let mut r = record(i);
            r.request_body = Some(Json(json!({"pad": "x".repeat(8 * 1024)})));
            sink.record(r);
        }
        let m = sink.metrics();
        assert!(m.queued_bytes <= 64 * 1024, "{m:?}");
        assert!(m.queued >= 6, "{m:?}");
        assert_eq!(m.queued + m.dropped, 100);
    }

    #[test]
    fn records_outside_the_table_constraints_are_brought_within_them() {
        let mut r = record(1);
        r.status_code = Some(0);
        r.duration_ms = -3.0;
        r.service = "é".repeat(150);
        let r = sanitize(r);
        assert_eq!((r.status_code, r.duration_ms), (None, 0.0));
        assert_eq!(r.service.chars().count(), 100);
    }

    #[test]
    fn a_nul_anywhere_in_a_record_is_marked_before_queueing() {
        let mut r = record(1);
        r.endpoint = "/v1/x\0".into();
        r.service = "re\0num".into();
        r.request_id = Some("\0id".into());
        r.request_body = Some(Json(json!({"a\0": ["x\0y", {"\0": "\0"}], "ok": 1})));
        r.response_body = Some(Json(json!("\0")));
        let sink = ApiLogSink::new(SinkConfig::default());
        sink.record(r);
        let (r, _) = sink.shared.take(1).pop().unwrap();
        assert_eq!(
            (
                r.endpoint.as_str(),
                r.service.as_str(),
                r.request_id.as_deref()
            ),
            ("/v1/x\u{2400}", "re\u{2400}num", Some("\u{2400}id"))
        );
        assert_eq!(
            r.request_body.unwrap().0,
            json!({"a\u{2400}": ["x\u{2400}y", {"\u{2400}": "\u{2400}"}], "ok": 1})
        );
        assert_eq!(r.response_body.unwrap().0, json!("\u{2400}"));
    }

    /// The writer's split path, fed directly with records `record` would have repaired: the
    /// database refuses them (a CHECK on both engines; on PostgreSQL also a NUL in jsonb and
    /// in text), and only they are missing afterwards.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_refused_record_is_dropped_alone_and_the_rest_of_its_batch_lands() {
        for engine in [Engine::Sqlite, Engine::Postgres] {
            let t = TestDb::new(engine).await;
            let sink = ApiLogSink::new(SinkConfig::default());
            let mut batch: Vec<_> = (0..20).map(record).collect();
            batch[7].status_code = Some(0);
            let mut bad = vec!["000007"];
            if engine == Engine::Postgres {
                batch[8].request_body = Some(Json(json!({"k": "\0"})));
                batch[15].endpoint = "/v1/\0".into();
                bad.extend(["000008", "000015"]);
            }
            let batch = batch.into_iter().map(|r| {
                let size = record_bytes(&r);
                (r, size)
            });
            write(&sink.shared, &t.db, batch.collect()).await;

            let expected: Vec<String> = (0..20)
                .map(|n| format!("{n:06}"))
                .filter(|id| !bad.contains(&id.as_str()))
                .collect();
            assert_eq!(request_ids(&t.db).await, expected, "{engine:?}");
            let m = sink.metrics();
            assert_eq!(
                (m.written, m.refused, m.failed),
                (expected.len() as u64, bad.len() as u64, 0),
                "{engine:?}"
            );
            t.cleanup().await;
        }
    }

    /// A database that is gone is not a refusal: the batch is counted as failed whole, never
    /// split record by record.
    #[tokio::test]
    async fn an_unreachable_database_fails_the_whole_batch_without_splitting() {
        let db = Db::connect("sqlite::memory:").await.unwrap();
        db.close().await;
        let sink = ApiLogSink::new(SinkConfig::default());
        let batch = (0..8).map(|n| (record(n), 1)).collect();
        write(&sink.shared, &db, batch).await;
        let m = sink.metrics();
        assert_eq!((m.written, m.refused, m.failed), (0, 0, 8));
        assert!(!refused(&renum_db::Error::Database(
            sqlx::Error::PoolTimedOut
        )));
        assert!(refused(&renum_db::Error::Invalid {
            constraint: "api_logs_status_code_check".into()
        }));
    }
}
