//! The publishing scheduler. A worker claims due posts under a lease (`scheduler.CLAIM`:
//! `FOR UPDATE SKIP LOCKED` on PostgreSQL, so any number of workers run side by side; one
//! `UPDATE ... RETURNING` under `BEGIN IMMEDIATE` on SQLite), hands each to a [`Publisher`],
//! and records the outcome fenced by its lease: published, back to scheduled with exponential
//! backoff, or failed after `max_attempts`. A crashed worker's lease runs out and the post is
//! claimed again. Tests drain with [`Worker::try_run_once`] instead of sleeping.

pub mod clips;
pub mod publisher;

use std::future::Future;
use std::time::Duration;

use clap::Args;
use renum_db::repo::Outcome as PostOutcome;
use renum_db::sql_types::Timestamp;
use renum_db::{Access, Db, OrgScope};

use crate::app::outbound::OutboundPolicy;

pub use publisher::{AnyPublisher, LogPublisher, PublishError, Publisher, WebhookPublisher};

#[derive(Args, Debug, Clone)]
pub struct WorkerArgs {
    /// Posts claimed per round.
    #[arg(long, env = "RENUM_WORKER_BATCH", default_value_t = 10)]
    pub worker_batch: i64,
    /// How long a claimed post is reserved; after it another worker may take it over.
    #[arg(long, env = "RENUM_WORKER_LEASE", default_value = "5m", value_parser = humantime::parse_duration)]
    pub worker_lease: Duration,
    /// Attempts before a post is marked failed.
    #[arg(long, env = "RENUM_WORKER_MAX_ATTEMPTS", default_value_t = 5)]
    pub worker_max_attempts: i32,
    /// First retry delay; doubles with each attempt.
    #[arg(long, env = "RENUM_WORKER_BACKOFF", default_value = "30s", value_parser = humantime::parse_duration)]
    pub worker_backoff: Duration,
    /// Pause when nothing is due.
    #[arg(long, env = "RENUM_WORKER_POLL", default_value = "1s", value_parser = humantime::parse_duration)]
    pub worker_poll: Duration,
    /// Deliver posts to this URL (webhook publisher); unset: log only.
    #[arg(long, env = "RENUM_PUBLISH_WEBHOOK_URL")]
    pub publish_webhook_url: Option<String>,
    /// HMAC-SHA256 key of the webhook's signature header.
    #[arg(
        long,
        env = "RENUM_PUBLISH_WEBHOOK_SECRET",
        hide_env_values = true,
        default_value = ""
    )]
    pub publish_webhook_secret: String,
}

impl WorkerArgs {
    pub fn config(&self) -> WorkerConfig {
        WorkerConfig {
            batch: self.worker_batch.clamp(1, 1000),
            lease: self.worker_lease,
            max_attempts: self.worker_max_attempts.max(1),
            backoff: self.worker_backoff,
            poll: self.worker_poll,
        }
    }

    /// Refuses a webhook URL the outbound rule refuses (one line, URL shown without secrets).
    pub fn publisher(
        &self,
        sink: Option<crate::api_log::ApiLogSink>,
        policy: OutboundPolicy,
    ) -> anyhow::Result<AnyPublisher> {
        Ok(match &self.publish_webhook_url {
            Some(url) => {
                policy.operator_url("--publish-webhook-url", url)?;
                AnyPublisher::Webhook(WebhookPublisher::new(
                    url.clone(),
                    self.publish_webhook_secret.clone(),
                    Duration::from_secs(30),
                    sink,
                    policy,
                ))
            }
            None => AnyPublisher::Log(LogPublisher),
        })
    }
}

#[derive(Debug, Clone)]
pub struct WorkerConfig {
    pub batch: i64,
    pub lease: Duration,
    pub max_attempts: i32,
    pub backoff: Duration,
    pub poll: Duration,
}

/// What one round did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub claimed: usize,
    pub published: usize,
    pub retried: usize,
    pub failed: usize,
    /// Outcomes not recorded because another worker took the lease over meanwhile.
    pub lost: usize,
}

impl Outcome {
    pub fn is_idle(&self) -> bool {
        self.claimed == 0
    }
}

pub struct Worker<P> {
    db: Db,
    publisher: P,
    config: WorkerConfig,
    id: String,
}

impl<P: Publisher> Worker<P> {
    pub fn new(db: Db, publisher: P, config: WorkerConfig) -> Self {
        let id = format!("{}-{}", std::process::id(), uuid::Uuid::now_v7());
        Self {
            db,
            publisher,
            config,
            id,
        }
    }

    pub fn id(&self) -> &str {
        &self.id
    }

    /// Exponential backoff after `attempts` attempts: base, 2 base, 4 base, ... (capped at 2^16).
    fn backoff(&self, attempts: i32) -> Duration {
        let exp = attempts.saturating_sub(1).clamp(0, 16) as u32;
        self.config.backoff.saturating_mul(1 << exp)
    }

    /// Claims one batch and publishes it.
    pub async fn try_run_once(&self) -> anyhow::Result<Outcome> {
        let now = Timestamp::now();
        let lease_until = Timestamp::from(now.as_datetime() + self.config.lease);
        let mut tx = self.db.begin().await?;
        let claimed = tx
            .scheduler()
            .claim(now, self.config.batch, &self.id, lease_until)
            .await?;
        tx.commit().await?;
        let mut outcome = Outcome {
            claimed: claimed.len(),
            ..Outcome::default()
        };
        for row in claimed {
            let scope = OrgScope::trusted(row.organization_id);
            let post = self
                .db
                .conn()
                .await?
                .posts(&scope)
                .get_with_video(row.id)
                .await?;
            let result = match self.publisher.publish(&post).await {
                Ok(external_post_id) => {
                    outcome.published += 1;
                    PostOutcome::Published {
                        external_post_id,
                        at: Timestamp::now(),
                    }
                }
                Err(err) if row.attempts >= self.config.max_attempts => {
                    outcome.failed += 1;
                    tracing::warn!(post_id = %row.id, attempts = row.attempts, error = %err, "post failed");
                    PostOutcome::Failed { error: err.0 }
                }
                Err(err) => {
                    outcome.retried += 1;
                    let at = Timestamp::from(
                        Timestamp::now().as_datetime() + self.backoff(row.attempts),
                    );
                    PostOutcome::Retry { at, error: err.0 }
                }
            };
            let recorded = self
                .db
                .conn()
                .await?
                .scheduler()
                .finish(row.organization_id, row.id, &self.id, &result)
                .await?;
            if !recorded {
                outcome.lost += 1;
                tracing::warn!(post_id = %row.id, "lease lost before the outcome was recorded");
            }
        }
        Ok(outcome)
    }

    /// Runs rounds until `shutdown` resolves; pauses `poll` when nothing was due. A round in
    /// progress finishes first, so no claimed post is abandoned by an orderly stop.
    pub async fn run(self, shutdown: impl Future<Output = ()>) {
        tracing::info!(worker = %self.id, "publishing worker started");
        tokio::pin!(shutdown);
        loop {
            let pause = match self.try_run_once().await {
                Ok(outcome) if !outcome.is_idle() => Duration::ZERO,
                Ok(_) => self.config.poll,
                Err(err) => {
                    tracing::error!(error = %format!("{err:#}"), "publishing round failed");
                    self.config.poll
                }
            };
            tokio::select! {
                _ = &mut shutdown => break,
                _ = tokio::time::sleep(pause) => {}
            }
        }
        tracing::info!(worker = %self.id, "publishing worker stopped");
    }
}
