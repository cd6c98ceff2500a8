//! API logging settings as flags with environment fallbacks, for `renum serve` to flatten
//! (`#[command(flatten)] logs: ApiLogArgs`). Values are checked here so a bad one is a
//! one-line error at start rather than a surprise under load.

use std::time::Duration;

use anyhow::ensure;
use clap::Args;

use super::redact::{DEFAULT_MAX_BODY_BYTES, RedactionPolicy, ResponseBodies};
use super::retention::{
    DEFAULT_AUDIT_WINDOW, DEFAULT_MONTHS_AHEAD, DEFAULT_PURGE_BATCH, RetentionConfig, Window,
};
use super::sink::SinkConfig;

#[derive(Args, Clone, Debug)]
pub struct ApiLogArgs {
    /// Records the API log queue holds; beyond it the oldest are dropped (and counted).
    #[arg(long, env = "RENUM_LOG_QUEUE_CAPACITY", default_value_t = 50_000)]
    pub log_queue_capacity: usize,
    /// Estimated bytes the API log queue holds; beyond it the oldest records are dropped.
    #[arg(long, env = "RENUM_LOG_QUEUE_MAX_BYTES", default_value_t = 64 * 1024 * 1024)]
    pub log_queue_max_bytes: usize,
    /// Records per batch insert.
    #[arg(long, env = "RENUM_LOG_BATCH_SIZE", default_value_t = 1_000)]
    pub log_batch_size: usize,
    /// Longest time a record waits in the queue before it is written, in milliseconds.
    #[arg(long, env = "RENUM_LOG_FLUSH_MS", default_value_t = 200)]
    pub log_flush_ms: u64,
    /// Share (0 to 1) of successful inbound requests that are logged; errors always are.
    #[arg(long, env = "RENUM_LOG_SAMPLE_RATE", default_value_t = 1.0)]
    pub log_sample_rate: f64,
    /// Bodies larger than this (after redaction) are stored truncated, with a marker.
    #[arg(long, env = "RENUM_LOG_MAX_BODY_BYTES", default_value_t = DEFAULT_MAX_BODY_BYTES)]
    pub log_max_body_bytes: usize,
    /// Which responses to `/v1` requests keep their body: errors (status 400 and up), all or
    /// none. Request bodies and the bodies of outbound calls are always kept (redacted).
    #[arg(long, env = "RENUM_LOG_INBOUND_RESPONSE_BODIES", value_enum, default_value_t = ResponseBodies::Errors)]
    pub log_inbound_response_bodies: ResponseBodies,
    /// Unauthenticated `/v1` requests logged per minute per client source (an IPv4 address,
    /// an IPv6 /64), in bursts of as many; beyond it they are counted, not stored, so an
    /// anonymous flood cannot fill api_logs.
    #[arg(
        long,
        env = "RENUM_LOG_UNAUTHENTICATED_PER_MINUTE",
        default_value_t = 60
    )]
    pub log_unauthenticated_per_minute: u32,
    /// How long API logs are kept: a number and a unit s, m, h, d or w (e.g. 90d).
    #[arg(long, env = "RENUM_LOG_RETENTION", default_value = "90d")]
    pub log_retention: String,
    /// How long the audit trail (`auth_events`) is kept, in the same form (e.g. 365d). The same
    /// daily maintenance deletes older events and cuts addresses 30 days old to their network.
    #[arg(long, env = "RENUM_AUDIT_RETENTION", default_value = DEFAULT_AUDIT_WINDOW)]
    pub audit_retention: String,
}

impl ApiLogArgs {
    pub fn sink_config(&self) -> anyhow::Result<SinkConfig> {
        ensure!(
            self.log_queue_capacity > 0,
            "RENUM_LOG_QUEUE_CAPACITY must be positive"
        );
        ensure!(
            self.log_batch_size > 0,
            "RENUM_LOG_BATCH_SIZE must be positive"
        );
        ensure!(self.log_flush_ms > 0, "RENUM_LOG_FLUSH_MS must be positive");
        ensure!(
            (0.0..=1.0).contains(&self.log_sample_rate),
            "RENUM_LOG_SAMPLE_RATE must be between 0 and 1, got {}",
            self.log_sample_rate
        );
        Ok(SinkConfig {
            capacity: self.log_queue_capacity,
            max_queue_bytes: self.log_queue_max_bytes,
            batch_size: self.log_batch_size,
            flush_interval: Duration::from_millis(self.log_flush_ms),
            success_sample_rate: self.log_sample_rate,
            redaction: RedactionPolicy {
                max_body_bytes: self.log_max_body_bytes,
                inbound_response_bodies: self.log_inbound_response_bodies,
                ..RedactionPolicy::default()
            },
        })
    }

    pub fn retention(&self) -> anyhow::Result<RetentionConfig> {
        Ok(RetentionConfig {
            window: self.log_retention.parse::<Window>()?,
            months_ahead: DEFAULT_MONTHS_AHEAD,
            purge_batch: DEFAULT_PURGE_BATCH,
            audit_window: self
                .audit_retention
                .parse::<Window>()
                .map_err(|e| anyhow::anyhow!("RENUM_AUDIT_RETENTION: {e}"))?,
        })
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        logs: ApiLogArgs,
    }

    #[test]
    fn defaults_are_the_documented_policy_and_flags_override_them() {
        let defaults = Cli::parse_from(["renum"]).logs;
        let config = defaults.sink_config().unwrap();
        assert_eq!((config.capacity, config.batch_size), (50_000, 1_000));
        assert_eq!(config.redaction.max_body_bytes, 8 * 1024);
        assert_eq!(
            config.redaction.inbound_response_bodies,
            ResponseBodies::Errors
        );
        assert_eq!(defaults.retention().unwrap().window.to_string(), "90d");
        assert_eq!(
            defaults.retention().unwrap().audit_window.to_string(),
            "365d"
        );

        let set = Cli::parse_from([
            "renum",
            "--log-sample-rate",
            "0.1",
            "--log-retention",
            "30d",
            "--log-inbound-response-bodies",
            "all",
        ])
        .logs;
        assert_eq!(set.sink_config().unwrap().success_sample_rate, 0.1);
        assert_eq!(
            set.sink_config().unwrap().redaction.inbound_response_bodies,
            ResponseBodies::All
        );
        assert_eq!(set.retention().unwrap().window.to_string(), "30d");
    }

    #[test]
    fn out_of_range_values_are_refused_with_their_variable_name() {
        let bad = Cli::parse_from(["renum", "--log-sample-rate", "1.5"]).logs;
        let err = bad.sink_config().unwrap_err().to_string();
        assert!(err.contains("RENUM_LOG_SAMPLE_RATE"), "{err}");
        let bad = Cli::parse_from(["renum", "--log-retention", "forever"]).logs;
        assert!(bad.retention().is_err());
    }
}
