//! What `GET /metrics` reports, in the Prometheus text format (0.0.4), through
//! `prometheus-client`'s registry rather than hand-written text.
//!
//! One registry per server, not a process-wide recorder: a server reports its own work, and
//! the tests run many servers in one process, each of whose `/metrics` must show only its own.
//! Counters are recorded where the work happens ([`families`]: requests in an HTTP middleware,
//! the publishing worker, the clip pipeline); values another part already keeps (the pool, the
//! API log queue) are read when scraped ([`scrape`]) instead of being copied. `renum worker`
//! has no HTTP server: its worker and poller record into families that no registry holds.

mod families;
mod scrape;

use std::sync::Arc;

use prometheus_client::registry::Registry;
use renum_db::Db;

use crate::api_log::ApiLogSink;
use crate::http::UnauthenticatedBudget;
pub use families::{ClipMetrics, FollowVia, HttpMetrics, WorkerMetrics};

/// The `Content-Type` of [`Metrics::render`].
pub const CONTENT_TYPE: &str = prometheus_client::encoding::prometheus_text::CONTENT_TYPE;

/// A server's registry and the families its parts record into. Cheap to clone.
#[derive(Clone)]
pub struct Metrics {
    registry: Arc<Registry>,
    pub http: HttpMetrics,
    pub worker: WorkerMetrics,
    pub clips: ClipMetrics,
}

impl Metrics {
    /// Registers every family, and the pool and API log values read at each scrape.
    pub fn new(db: Db, logs: ApiLogSink, unauthenticated: Arc<UnauthenticatedBudget>) -> Self {
        let mut registry = Registry::default();
        let http = HttpMetrics::default();
        let worker = WorkerMetrics::default();
        let clips = ClipMetrics::default();
        http.register(&mut registry);
        worker.register(&mut registry);
        clips.register(&mut registry);
        registry.register_collector(Box::new(scrape::Pool(db)));
        registry.register_collector(Box::new(scrape::ApiLogs {
            sink: logs,
            unauthenticated,
        }));
        Self {
            registry: Arc::new(registry),
            http,
            worker,
            clips,
        }
    }

    /// Every metric now, in the Prometheus text format.
    pub fn render(&self) -> String {
        let mut out = String::new();
        // Writing into a String cannot fail, and neither do the collectors but for their writes.
        prometheus_client::encoding::prometheus_text::encode(&mut out, &self.registry)
            .expect("metrics encode into a String");
        out
    }
}
