//! The publishing scheduler. A worker claims due posts under a lease (`scheduler.CLAIM`:
//! `FOR UPDATE SKIP LOCKED` on PostgreSQL, so any number of workers run side by side; one
//! `UPDATE ... RETURNING` under `BEGIN IMMEDIATE` on SQLite), hands each to a [`Publisher`],
//! and records the outcome fenced by its lease: published, back to scheduled with exponential
//! backoff, or failed after `max_attempts`. A crashed worker's lease runs out and the post is
//! claimed again. Tests drain with [`Worker::try_run_once`] instead of sleeping.
//!
//! A lease cannot run out under a working publisher: each delivery starts only once
//! `scheduler.HOLD` has extended the lease of that post, and the lease is extended again every
//! third of its length while the delivery runs. A post whose lease was taken over while it
//! waited its turn in the batch, or that was cancelled, is skipped (the new holder delivers
//! it); so two workers never deliver one post unless one dies mid-delivery
//! (`docs/SCALING.md`).

pub mod clips;
pub mod publisher;
pub(crate) mod rounds;

use std::future::Future;
use std::time::Duration;

use clap::Args;
use renum_db::models::{PostRow, PostWithVideo};
use renum_db::repo::Outcome as PostOutcome;
use renum_db::sql_types::Timestamp;
use renum_db::{Access, Db, OrgScope};

use crate::app::outbound::OutboundPolicy;
use crate::config::Secret;
use crate::metrics::WorkerMetrics;
use rounds::{OnStop, Round, run_rounds};

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
    /// HMAC-SHA256 key of the webhook's signature header; required with the URL, at least
    /// [`publisher::MIN_SECRET_LEN`] bytes (`renum key generate` makes one).
    #[arg(long, env = "RENUM_PUBLISH_WEBHOOK_SECRET", hide_env_values = true)]
    pub publish_webhook_secret: Option<Secret>,
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

    /// Refuses a webhook URL without a secret, or with one shorter than
    /// [`publisher::MIN_SECRET_LEN`] bytes (receivers could not tell its deliveries from
    /// forgeries). One line, never the secret.
    pub fn check_webhook_secret(&self) -> anyhow::Result<()> {
        if self.publish_webhook_url.is_none() {
            return Ok(());
        }
        let len = self
            .publish_webhook_secret
            .as_ref()
            .map_or(0, |s| s.expose().len());
        if len < publisher::MIN_SECRET_LEN {
            anyhow::bail!(
                "--publish-webhook-url needs --publish-webhook-secret (RENUM_PUBLISH_WEBHOOK_SECRET) \
                 of at least {} bytes, got {len}; make one with `renum key generate`",
                publisher::MIN_SECRET_LEN
            );
        }
        Ok(())
    }

    /// Refuses a webhook URL the outbound rule refuses (one line, URL shown without secrets),
    /// and one without a secret ([`Self::check_webhook_secret`]).
    pub fn publisher(
        &self,
        sink: Option<crate::api_log::ApiLogSink>,
        policy: OutboundPolicy,
    ) -> anyhow::Result<AnyPublisher> {
        Ok(match &self.publish_webhook_url {
            Some(url) => {
                policy.operator_url("--publish-webhook-url", url)?;
                self.check_webhook_secret()?;
                AnyPublisher::Webhook(WebhookPublisher::new(
                    url.clone(),
                    self.publish_webhook_secret
                        .as_ref()
                        .map(|s| s.expose().to_owned())
                        .unwrap_or_default(),
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

/// What became of one claimed post.
enum Step {
    Published,
    Retried,
    Failed,
    /// Another worker holds it now, or it left `publishing`: nothing recorded.
    Lost,
}

pub struct Worker<P> {
    db: Db,
    publisher: P,
    config: WorkerConfig,
    id: String,
    metrics: WorkerMetrics,
}

impl<P: Publisher> Worker<P> {
    pub fn new(db: Db, publisher: P, config: WorkerConfig) -> Self {
        let id = format!("{}-{}", std::process::id(), uuid::Uuid::now_v7());
        Self {
            db,
            publisher,
            config,
            id,
            metrics: WorkerMetrics::default(),
        }
    }

    /// Counts into `metrics` (a server's, which `/metrics` reports) rather than into counters
    /// of its own that nothing reads.
    pub fn with_metrics(mut self, metrics: WorkerMetrics) -> Self {
        self.metrics = metrics;
        self
    }

    pub fn id(&self) -> &str {
        &self.id
    }

    /// Exponential backoff after `attempts` attempts: base, 2 base, 4 base, ... (capped at 2^16).
    fn backoff(&self, attempts: i32) -> Duration {
        let exp = attempts.saturating_sub(1).clamp(0, 16) as u32;
        self.config.backoff.saturating_mul(1 << exp)
    }

    fn lease_end(&self) -> Timestamp {
        Timestamp::from(Timestamp::now().as_datetime() + self.config.lease)
    }

    /// Claims one batch and publishes it, post by post. A failure on one post is an attempt
    /// of that post and never stops the others.
    pub async fn try_run_once(&self) -> anyhow::Result<Outcome> {
        let now = Timestamp::now();
        let mut tx = self.db.begin().await?;
        let claimed = tx
            .scheduler()
            .claim(now, self.config.batch, &self.id, self.lease_end())
            .await?;
        tx.commit().await?;
        self.metrics.claimed(claimed.len());
        let mut outcome = Outcome {
            claimed: claimed.len(),
            ..Outcome::default()
        };
        for row in claimed {
            let step = match self.publish_one(&row).await {
                Ok(step) => step,
                Err(err) => {
                    tracing::error!(post_id = %row.id, error = %format!("{err:#}"), "publishing a post failed");
                    let retry = self.after_error(&row, "internal error while publishing".into());
                    self.settle(&row, retry).await.unwrap_or(Step::Lost)
                }
            };
            match step {
                Step::Published => {
                    outcome.published += 1;
                    self.metrics.published();
                }
                Step::Retried => {
                    outcome.retried += 1;
                    self.metrics.retried();
                }
                Step::Failed => {
                    outcome.failed += 1;
                    self.metrics.failed();
                }
                Step::Lost => {
                    outcome.lost += 1;
                    self.metrics.lease_lost();
                    tracing::warn!(post_id = %row.id, "lease lost: the post is another worker's now, or cancelled");
                }
            }
        }
        Ok(outcome)
    }

    async fn publish_one(&self, row: &PostRow) -> anyhow::Result<Step> {
        if row.attempts > self.config.max_attempts {
            // Every claim counts: leases that ran out (crashed workers) are attempts too.
            let error = format!("no outcome after {} attempts", row.attempts - 1);
            return self.settle(row, PostOutcome::Failed { error }).await;
        }
        if !self.hold(row).await? {
            return Ok(Step::Lost);
        }
        let scope = OrgScope::trusted(row.organization_id);
        let post = self
            .db
            .conn()
            .await?
            .posts(&scope)
            .get_with_video(row.id)
            .await?;
        let Some(result) = self.deliver(row, &post).await else {
            return Ok(Step::Lost);
        };
        let outcome = match result {
            Ok(external_post_id) => PostOutcome::Published {
                external_post_id,
                at: Timestamp::now(),
            },
            Err(err) => self.after_error(row, err.0),
        };
        self.settle(row, outcome).await
    }

    /// Extends this worker's lease on the post; false when it is no longer this worker's.
    async fn hold(&self, row: &PostRow) -> anyhow::Result<bool> {
        Ok(self
            .db
            .conn()
            .await?
            .scheduler()
            .hold(row.organization_id, row.id, &self.id, self.lease_end())
            .await?)
    }

    /// Runs the delivery while extending the lease every third of its length. `None` when the
    /// lease was lost meanwhile (cancelled, organization deleted): the delivery is abandoned.
    /// A heartbeat the database does not answer is only logged: abandoning the delivery could
    /// not take back what the receiver may already have.
    async fn deliver(
        &self,
        row: &PostRow,
        post: &PostWithVideo,
    ) -> Option<Result<String, PublishError>> {
        let publish = self.publisher.publish(post);
        tokio::pin!(publish);
        let every = (self.config.lease / 3).max(Duration::from_millis(10));
        let mut beat = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
        loop {
            tokio::select! {
                result = &mut publish => return Some(result),
                _ = beat.tick() => match self.hold(row).await {
                    Ok(true) => {}
                    Ok(false) => return None,
                    Err(err) => tracing::warn!(post_id = %row.id, error = %format!("{err:#}"), "lease heartbeat failed"),
                },
            }
        }
    }

    /// Retry with backoff, or failed once the attempts are used up.
    fn after_error(&self, row: &PostRow, error: String) -> PostOutcome {
        if row.attempts >= self.config.max_attempts {
            tracing::warn!(post_id = %row.id, attempts = row.attempts, error = %error, "post failed");
            PostOutcome::Failed { error }
        } else {
            let at = Timestamp::from(Timestamp::now().as_datetime() + self.backoff(row.attempts));
            PostOutcome::Retry { at, error }
        }
    }

    /// Records the outcome under the lease. A platform id that another post already holds
    /// (`posts_platform_external_post_id_key`) ends the post `failed`: delivering it again
    /// would only repeat the conflict.
    async fn settle(&self, row: &PostRow, outcome: PostOutcome) -> anyhow::Result<Step> {
        let mut conn = self.db.conn().await?;
        let mut scheduler = conn.scheduler();
        let finish = scheduler
            .finish(row.organization_id, row.id, &self.id, &outcome)
            .await;
        let (recorded, outcome) = match (finish, outcome) {
            (
                Err(renum_db::Error::Conflict { constraint }),
                PostOutcome::Published {
                    external_post_id, ..
                },
            ) => {
                let failed = PostOutcome::Failed {
                    error: format!(
                        "the platform answered external post id {external_post_id}, which another post already has ({constraint})"
                    ),
                };
                let recorded = scheduler
                    .finish(row.organization_id, row.id, &self.id, &failed)
                    .await?;
                (recorded, failed)
            }
            (finish, outcome) => (finish?, outcome),
        };
        Ok(match (recorded, outcome) {
            (false, _) => Step::Lost,
            (true, PostOutcome::Published { .. }) => Step::Published,
            (true, PostOutcome::Retry { .. }) => Step::Retried,
            (true, PostOutcome::Failed { .. }) => Step::Failed,
        })
    }

    /// Runs rounds until `shutdown` resolves; pauses `poll` when nothing was due. A round in
    /// progress finishes first, so no claimed post is abandoned by an orderly stop (unless the
    /// shutdown grace period runs out first: then its leases run out and another worker
    /// takes the posts over).
    pub async fn run(self, shutdown: impl Future<Output = ()>) -> anyhow::Result<()> {
        tracing::info!(worker = %self.id, "publishing worker started");
        let worker = &self;
        run_rounds(
            shutdown,
            self.config.poll,
            OnStop::FinishRound,
            move || async move {
                match worker.try_run_once().await {
                    Ok(outcome) if !outcome.is_idle() => Round::Busy,
                    Ok(_) => Round::Idle,
                    Err(err) => {
                        tracing::error!(error = %format!("{err:#}"), "publishing round failed");
                        Round::Idle
                    }
                }
            },
        )
        .await;
        tracing::info!(worker = %self.id, "publishing worker stopped");
        Ok(())
    }
}
