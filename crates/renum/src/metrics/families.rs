//! The counters and histograms recorded where the work happens. Each family's labels are
//! bounded: route templates rather than paths, a fixed set of methods, outcomes named here.

use std::time::Duration;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::{Registry, Unit};

use crate::app::clips::Step;

/// Upper bounds (seconds) of the request latency buckets: from a cached read to the 10 s
/// acquire timeout of the pool.
const LATENCY_BUCKETS: [f64; 12] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0,
];

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    method: &'static str,
    route: String,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    method: &'static str,
    route: String,
}

fn latency_histogram() -> Histogram {
    Histogram::new(LATENCY_BUCKETS)
}

/// Requests per route template, method and status, and their latency.
#[derive(Clone, Debug)]
pub struct HttpMetrics {
    requests: Family<RequestLabels, Counter>,
    duration: Family<RouteLabels, Histogram, fn() -> Histogram>,
}

impl Default for HttpMetrics {
    fn default() -> Self {
        Self {
            requests: Family::default(),
            duration: Family::new_with_constructor(latency_histogram),
        }
    }
}

impl HttpMetrics {
    /// The `route` label of a request no route matched (a 404): its path would let anyone
    /// create series at will.
    pub const UNMATCHED: &str = "unmatched";

    pub(super) fn register(&self, registry: &mut Registry) {
        registry.register(
            "renum_http_requests",
            "HTTP requests by method, route template and status",
            self.requests.clone(),
        );
        registry.register_with_unit(
            "renum_http_request_duration",
            "Time to answer an HTTP request (until the response headers), by method and route template",
            Unit::Seconds,
            self.duration.clone(),
        );
    }

    /// One answered request; `route` is the matched template or [`Self::UNMATCHED`].
    pub fn record(&self, method: &axum::http::Method, route: &str, status: u16, took: Duration) {
        let method = method_label(method);
        self.requests
            .get_or_create(&RequestLabels {
                method,
                route: route.to_owned(),
                status,
            })
            .inc();
        self.duration
            .get_or_create(&RouteLabels {
                method,
                route: route.to_owned(),
            })
            .observe(took.as_secs_f64());
    }
}

/// The standard methods by name, anything else as `OTHER` (a client may send any token).
fn method_label(method: &axum::http::Method) -> &'static str {
    use axum::http::Method;
    static STANDARD: [Method; 9] = [
        Method::GET,
        Method::POST,
        Method::PUT,
        Method::PATCH,
        Method::DELETE,
        Method::HEAD,
        Method::OPTIONS,
        Method::CONNECT,
        Method::TRACE,
    ];
    STANDARD
        .iter()
        .find(|m| *m == method)
        .map_or("OTHER", Method::as_str)
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct FailureLabels {
    /// `retried` (scheduled again after backoff) or `failed` (the post ended failed).
    outcome: &'static str,
}

/// The publishing worker's claims and what became of them.
#[derive(Clone, Debug, Default)]
pub struct WorkerMetrics {
    claims: Counter,
    published: Counter,
    failures: Family<FailureLabels, Counter>,
    lease_losses: Counter,
}

impl WorkerMetrics {
    const RETRIED: FailureLabels = FailureLabels { outcome: "retried" };
    const FAILED: FailureLabels = FailureLabels { outcome: "failed" };

    pub(super) fn register(&self, registry: &mut Registry) {
        // Both outcomes exist from the start, so a rate over them never begins with a gap.
        drop(self.failures.get_or_create(&Self::RETRIED));
        drop(self.failures.get_or_create(&Self::FAILED));
        registry.register(
            "renum_worker_claims",
            "Posts the publishing worker claimed under a lease",
            self.claims.clone(),
        );
        registry.register(
            "renum_worker_published",
            "Posts the publishing worker published",
            self.published.clone(),
        );
        registry.register(
            "renum_worker_failures",
            "Claimed posts not published: retried later, or ended failed",
            self.failures.clone(),
        );
        registry.register(
            "renum_worker_lease_losses",
            "Claimed posts whose outcome was not recorded: another worker took the lease over, or the post was cancelled",
            self.lease_losses.clone(),
        );
    }

    pub fn claimed(&self, posts: usize) {
        self.claims.inc_by(posts as u64);
    }

    pub fn published(&self) {
        self.published.inc();
    }

    pub fn retried(&self) {
        self.failures.get_or_create(&Self::RETRIED).inc();
    }

    pub fn failed(&self) {
        self.failures.get_or_create(&Self::FAILED).inc();
    }

    pub fn lease_lost(&self) {
        self.lease_losses.inc();
    }
}

/// Who asked to follow a clip project.
#[derive(Clone, Copy, Debug)]
pub enum FollowVia {
    Poller,
    Webhook,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct FollowLabels {
    via: &'static str,
    step: &'static str,
}

/// Clip projects followed (the provider asked, the outcome recorded), by the poller or the
/// webhook.
#[derive(Clone, Debug, Default)]
pub struct ClipMetrics {
    follows: Family<FollowLabels, Counter>,
}

impl ClipMetrics {
    const VIAS: [&str; 2] = ["poller", "webhook"];
    const STEPS: [&str; 5] = ["running", "completed", "failed", "concluded", "error"];

    pub(super) fn register(&self, registry: &mut Registry) {
        // Every combination exists from the start, so a rate over them never begins with a gap.
        for via in Self::VIAS {
            for step in Self::STEPS {
                drop(self.follows.get_or_create(&FollowLabels { via, step }));
            }
        }
        registry.register(
            "renum_clip_follows",
            "Clip projects followed, by who asked (poller, webhook) and the step it led to (error: nothing recorded)",
            self.follows.clone(),
        );
    }

    /// One follow; `None` when it failed before recording anything.
    pub fn followed(&self, via: FollowVia, step: Option<&Step>) {
        let via = Self::VIAS[match via {
            FollowVia::Poller => 0,
            FollowVia::Webhook => 1,
        }];
        let step = Self::STEPS[match step {
            Some(Step::Running) => 0,
            Some(Step::Completed { .. }) => 1,
            Some(Step::Failed(_)) => 2,
            Some(Step::Concluded) => 3,
            None => 4,
        }];
        self.follows
            .get_or_create(&FollowLabels { via, step })
            .inc();
    }
}
