//! API logs on the application side: what is captured of a call and how it reaches the
//! database without slowing the call down (docs/API_LOGS.md).
//!
//! - [`redact`]: the redaction policy every body passes before it is queued.
//! - [`sink`]: the bounded queue and the background writer that inserts in batches.
//! - [`call`]: recording one inbound or outbound call through the sink.
//! - [`retention`]: the retention window and the daily maintenance (partitions, purge).
//! - [`settings`]: the `RENUM_LOG_*` flags and environment variables.

pub mod call;
pub mod redact;
pub mod retention;
pub mod settings;
pub mod sink;

pub use call::Call;
pub use redact::RedactionPolicy;
pub use settings::ApiLogArgs;
pub use sink::{ApiLogMetrics, ApiLogSink, SinkConfig, WriterHandle};
