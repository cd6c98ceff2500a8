//! The clip poller: follows every processing OpusClip project whose `next_poll_at` is due
//! (`clip_projects.CLAIM_DUE` on the partial index `clip_projects_poll_idx`), in `renum
//! worker` and inside `renum serve`, with the OpusClip and poll settings it is built from
//! ([`ClipArgs`]). A round is [`ClipService::poll_once`], the work itself
//! [`ClipService::follow`]; the loop around the rounds is the one every job runs (`rounds`).

use std::future::Future;
use std::time::Duration;

use clap::Args;
use renum_db::Db;

use crate::api_log::ApiLogSink;
use crate::app::clips::{ClipService, PollConfig};
use crate::app::crypto::MasterKey;
use crate::app::outbound::OutboundPolicy;
use crate::metrics::ClipMetrics;
use crate::opusclip::{ClientConfig, OpusClipClient, RateQuota};
use crate::worker::rounds::{OnStop, Round, run_rounds};

#[derive(Args, Debug, Clone)]
pub struct ClipArgs {
    /// The OpusClip API, up to and including `/api` (point it at `renum opusclip-sim`).
    #[arg(long, env = "RENUM_OPUSCLIP_BASE_URL", default_value = crate::opusclip::client::DEFAULT_BASE_URL)]
    pub opusclip_base_url: String,
    /// Timeout of one OpusClip request.
    #[arg(long, env = "RENUM_OPUSCLIP_TIMEOUT", default_value = "30s", value_parser = humantime::parse_duration)]
    pub opusclip_timeout: Duration,
    /// Requests per --opusclip-rate-window per key (OpusClip allows 30 a minute).
    #[arg(long, env = "RENUM_OPUSCLIP_RATE_LIMIT", default_value_t = 30)]
    pub opusclip_rate_limit: u32,
    #[arg(long, env = "RENUM_OPUSCLIP_RATE_WINDOW", default_value = "60s", value_parser = humantime::parse_duration)]
    pub opusclip_rate_window: Duration,
    /// First retry delay of a failed OpusClip request (doubles, jittered).
    #[arg(long, env = "RENUM_OPUSCLIP_BACKOFF", default_value = "500ms", value_parser = humantime::parse_duration)]
    pub opusclip_backoff: Duration,
    /// First poll of a new project, and the shortest gap between polls.
    #[arg(long, env = "RENUM_CLIP_POLL_INTERVAL", default_value = "30s", value_parser = humantime::parse_duration)]
    pub clip_poll_interval: Duration,
    /// Longest gap between polls of an old project.
    #[arg(long, env = "RENUM_CLIP_POLL_MAX_INTERVAL", default_value = "10m", value_parser = humantime::parse_duration)]
    pub clip_poll_max_interval: Duration,
    /// A project still processing after this is failed as stalled.
    #[arg(long, env = "RENUM_CLIP_GIVE_UP_AFTER", default_value = "12h", value_parser = humantime::parse_duration)]
    pub clip_give_up_after: Duration,
    /// How often the poller looks for due projects.
    #[arg(long, env = "RENUM_CLIP_POLL_TICK", default_value = "1s", value_parser = humantime::parse_duration)]
    pub clip_poll_tick: Duration,
    /// renum's public base URL; when set, OpusClip calls /v1/webhooks/opusclip on conclusion.
    #[arg(long, env = "RENUM_PUBLIC_URL")]
    pub public_url: Option<String>,
}

impl ClipArgs {
    /// Refuses an OpusClip base URL the outbound rule refuses (one line).
    pub fn service(
        &self,
        master_key: MasterKey,
        sink: Option<ApiLogSink>,
        policy: OutboundPolicy,
    ) -> anyhow::Result<ClipService> {
        policy.operator_url("--opusclip-base-url", &self.opusclip_base_url)?;
        let client = OpusClipClient::new(
            ClientConfig {
                base_url: self.opusclip_base_url.clone(),
                timeout: self.opusclip_timeout,
                quota: RateQuota::new(self.opusclip_rate_limit, self.opusclip_rate_window),
                backoff: self.opusclip_backoff,
                outbound: policy,
                ..ClientConfig::default()
            },
            sink,
        );
        Ok(ClipService {
            client,
            master_key,
            public_url: self.public_url.clone(),
            poll: PollConfig {
                interval: self.clip_poll_interval,
                max_interval: self.clip_poll_max_interval,
                give_up_after: self.clip_give_up_after,
                lease: (self.opusclip_timeout * 4).max(Duration::from_secs(60)),
                batch: 10,
            },
            metrics: ClipMetrics::default(),
        })
    }
}

/// Runs poll rounds until `shutdown`. A stop cancels the round in progress, provider waits
/// and retries included (they can take minutes): the claimed projects' leases run out and
/// another round follows them, and a half-done ingestion is a rolled-back transaction.
pub async fn run(
    db: Db,
    service: ClipService,
    tick: Duration,
    shutdown: impl Future<Output = ()>,
) -> anyhow::Result<()> {
    tracing::info!("clip poller started");
    let (db, service) = (&db, &service);
    run_rounds(shutdown, tick, OnStop::CancelRound, move || async move {
        match service.poll_once(db).await {
            Ok(steps) if !steps.is_empty() => Round::Busy,
            Ok(_) => Round::Idle,
            Err(err) => {
                tracing::error!(error = %err, "clip poll round failed");
                Round::Idle
            }
        }
    })
    .await;
    tracing::info!("clip poller stopped");
    Ok(())
}
