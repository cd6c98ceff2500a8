//! Values read at each scrape from where they are already kept: the pool's connections and
//! waiters ([`Db::pool_stats`]) and the API log sink's counters and queue. Reading them then
//! costs nothing between scrapes and cannot drift from the source.

use std::sync::Arc;

use prometheus_client::collector::Collector;
use prometheus_client::encoding::{DescriptorEncoder, EncodeGaugeValue, EncodeMetric};
use prometheus_client::metrics::counter::ConstCounter;
use prometheus_client::metrics::gauge::ConstGauge;
use renum_db::Db;

use crate::api_log::ApiLogSink;
use crate::http::UnauthenticatedBudget;

fn gauge(
    encoder: &mut DescriptorEncoder,
    name: &str,
    help: &str,
    value: impl EncodeGaugeValue,
) -> std::fmt::Result {
    let gauge = ConstGauge::new(value);
    gauge.encode(encoder.encode_descriptor(name, help, None, gauge.metric_type())?)
}

/// `name` without `_total`: the encoder appends it to counters.
fn counter(
    encoder: &mut DescriptorEncoder,
    name: &str,
    help: &str,
    value: u64,
) -> std::fmt::Result {
    let counter = ConstCounter::new(value);
    counter.encode(encoder.encode_descriptor(name, help, None, counter.metric_type())?)
}

/// The connection pool.
#[derive(Debug)]
pub(super) struct Pool(pub Db);

impl Collector for Pool {
    fn encode(&self, mut encoder: DescriptorEncoder) -> std::fmt::Result {
        let stats = self.0.pool_stats();
        let e = &mut encoder;
        gauge(
            e,
            "renum_db_pool_connections",
            "Open database connections, idle ones included",
            stats.size,
        )?;
        gauge(
            e,
            "renum_db_pool_idle_connections",
            "Open database connections not in use",
            stats.idle,
        )?;
        gauge(
            e,
            "renum_db_pool_max_connections",
            "Most database connections the pool opens",
            stats.max,
        )?;
        gauge(
            e,
            "renum_db_pool_waiting",
            "Callers waiting for a database connection",
            stats.waiting,
        )
    }
}

/// The API log sink and the unauthenticated log budget (`docs/API_LOGS.md`).
#[derive(Debug)]
pub(super) struct ApiLogs {
    pub sink: ApiLogSink,
    pub unauthenticated: Arc<UnauthenticatedBudget>,
}

impl Collector for ApiLogs {
    fn encode(&self, mut encoder: DescriptorEncoder) -> std::fmt::Result {
        let m = self.sink.metrics();
        let e = &mut encoder;
        counter(
            e,
            "renum_api_logs_recorded",
            "API log records handed to the sink",
            m.recorded,
        )?;
        counter(
            e,
            "renum_api_logs_sampled_out",
            "Successful inbound calls left out by sampling",
            m.sampled_out,
        )?;
        counter(
            e,
            "renum_api_logs_written",
            "API log records written to the database",
            m.written,
        )?;
        counter(
            e,
            "renum_api_logs_dropped",
            "API log records dropped (queue full or shut down)",
            m.dropped,
        )?;
        counter(
            e,
            "renum_api_logs_failed",
            "API log records lost to failed batch inserts",
            m.failed,
        )?;
        counter(
            e,
            "renum_api_logs_refused",
            "API log records the database refused for their content (each dropped alone)",
            m.refused,
        )?;
        counter(
            e,
            "renum_api_logs_batches",
            "API log batch inserts",
            m.batches,
        )?;
        counter(
            e,
            "renum_api_logs_written_bytes",
            "Estimated bytes of API log records written",
            m.bytes_written,
        )?;
        counter(
            e,
            "renum_api_logs_unauthenticated_unstored",
            "Unauthenticated requests over their source's log budget, not stored",
            self.unauthenticated.unstored(),
        )?;
        gauge(
            e,
            "renum_api_logs_queued",
            "API log records waiting in the queue",
            m.queued,
        )?;
        gauge(
            e,
            "renum_api_logs_queued_bytes",
            "Estimated bytes held by the API log queue",
            m.queued_bytes,
        )?;
        gauge(
            e,
            "renum_api_logs_queue_capacity",
            "Most records the API log queue holds",
            m.capacity,
        )?;
        gauge(
            e,
            "renum_api_logs_queue_max_bytes",
            "Most bytes the API log queue holds",
            m.max_queue_bytes,
        )
    }
}
