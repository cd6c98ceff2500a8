//! The poller's side of following: how often a project is asked about ([`PollConfig`], an
//! age-based backoff that keeps old projects from spending the key's 30 requests a minute)
//! and one round ([`ClipService::poll_once`]: claim the due projects under a lease, follow
//! each). The loop that runs the rounds, and the flags that fill [`PollConfig`], are
//! `worker::clips`'s; tests call `poll_once` directly instead of waiting for the loop.

use std::time::Duration;

use renum_db::ids::ClipProjectId;
use renum_db::sql_types::Timestamp;
use renum_db::{Access, Db};

use super::{ClipService, Step, now_plus};
use crate::app::AppError;
use crate::metrics::FollowVia;

/// How projects are followed.
#[derive(Clone, Debug)]
pub struct PollConfig {
    /// The first poll after creation, and the shortest gap between polls.
    pub interval: Duration,
    /// The longest gap between polls of an old project.
    pub max_interval: Duration,
    /// A project processing longer than this is failed as stalled.
    pub give_up_after: Duration,
    /// A claimed project comes due again after this if its poller died.
    pub lease: Duration,
    /// Projects claimed per round.
    pub batch: i64,
}

impl PollConfig {
    /// The gap before the next poll of a project of age `age`: an eighth of its age, within
    /// `interval..=max_interval`, so young projects are watched closely and old ones cost
    /// few requests of the key's 30 a minute.
    pub fn next_gap(&self, age: Duration) -> Duration {
        (age / 8).clamp(self.interval, self.max_interval.max(self.interval))
    }
}

impl ClipService {
    /// One round of the poller: claims due projects and follows each.
    pub async fn poll_once(&self, db: &Db) -> Result<Vec<(ClipProjectId, Step)>, AppError> {
        let now = Timestamp::now();
        let mut tx = db.begin().await?;
        let claimed = tx
            .clip_poller()
            .claim(now, self.poll.batch, now_plus(self.poll.lease))
            .await?;
        tx.commit().await?;
        let mut steps = Vec::with_capacity(claimed.len());
        for row in claimed {
            let id = row.id;
            let step = self.follow(db, row).await;
            self.metrics.followed(FollowVia::Poller, step.as_ref().ok());
            let step = match step {
                Ok(step) => step,
                Err(err) => {
                    tracing::error!(clip_project_id = %id, error = %err, "following a clip project failed");
                    continue;
                }
            };
            steps.push((id, step));
        }
        Ok(steps)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn polls_thin_out_as_a_project_ages() {
        let cfg = PollConfig {
            interval: Duration::from_secs(10),
            max_interval: Duration::from_secs(300),
            give_up_after: Duration::from_secs(3600),
            lease: Duration::from_secs(60),
            batch: 10,
        };
        assert_eq!(cfg.next_gap(Duration::ZERO), Duration::from_secs(10));
        assert_eq!(
            cfg.next_gap(Duration::from_secs(800)),
            Duration::from_secs(100)
        );
        assert_eq!(
            cfg.next_gap(Duration::from_secs(86_400)),
            Duration::from_secs(300)
        );
    }
}
