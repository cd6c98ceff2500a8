//! The publishing scheduler's statements: the cross-organization claim of due posts under a
//! lease, and the outcomes, each fenced by the lease holder's id.

use crate::db::{Executor, on_engine};
use crate::error::Result;
use crate::ids::{OrganizationId, PostId};
use crate::models::PostRow;
use crate::sql_types::Timestamp;

pub struct Scheduler<'c> {
    ex: Executor<'c>,
}

/// A post's fate after one publishing attempt.
#[derive(Debug, Clone)]
pub enum Outcome {
    Published {
        external_post_id: String,
        at: Timestamp,
    },
    /// Back to scheduled, due again at `at`.
    Retry {
        at: Timestamp,
        error: String,
    },
    Failed {
        error: String,
    },
}

impl<'c> Scheduler<'c> {
    pub(crate) fn new(ex: Executor<'c>) -> Self {
        Self { ex }
    }

    /// Claims up to `limit` due posts (or posts whose lease expired) for `worker` until
    /// `lease_until`. On SQLite run it in a transaction (`BEGIN IMMEDIATE`).
    pub async fn claim(
        &mut self,
        now: Timestamp,
        limit: i64,
        worker: &str,
        lease_until: Timestamp,
    ) -> Result<Vec<PostRow>> {
        Ok(on_engine!(&mut self.ex, |c, q| {
            sqlx::query_as(q::scheduler::CLAIM)
                .bind(now)
                .bind(limit)
                .bind(worker)
                .bind(lease_until)
                .fetch_all(&mut **c)
                .await?
        }))
    }

    /// Extends `worker`'s lease on the post to `until`; false when it no longer holds it, the
    /// post left `publishing` (cancelled) or its organization was deleted.
    pub async fn hold(
        &mut self,
        organization_id: OrganizationId,
        id: PostId,
        worker: &str,
        until: Timestamp,
    ) -> Result<bool> {
        let done = on_engine!(&mut self.ex, |c, q| {
            sqlx::query(q::scheduler::HOLD)
                .bind(organization_id)
                .bind(id)
                .bind(worker)
                .bind(until)
                .execute(&mut **c)
                .await?
                .rows_affected()
        });
        Ok(done == 1)
    }

    /// Records the outcome; false when `worker` no longer holds the lease (nothing changed).
    pub async fn finish(
        &mut self,
        organization_id: OrganizationId,
        id: PostId,
        worker: &str,
        outcome: &Outcome,
    ) -> Result<bool> {
        let now = Timestamp::now();
        let done = match outcome {
            Outcome::Published {
                external_post_id,
                at,
            } => on_engine!(&mut self.ex, |c, q| {
                sqlx::query(q::scheduler::PUBLISHED)
                    .bind(organization_id)
                    .bind(id)
                    .bind(worker)
                    .bind(*at)
                    .bind(external_post_id)
                    .execute(&mut **c)
                    .await?
                    .rows_affected()
            }),
            Outcome::Retry { at, error } => on_engine!(&mut self.ex, |c, q| {
                sqlx::query(q::scheduler::RESCHEDULE)
                    .bind(organization_id)
                    .bind(id)
                    .bind(worker)
                    .bind(*at)
                    .bind(error)
                    .bind(now)
                    .execute(&mut **c)
                    .await?
                    .rows_affected()
            }),
            Outcome::Failed { error } => on_engine!(&mut self.ex, |c, q| {
                sqlx::query(q::scheduler::FAILED)
                    .bind(organization_id)
                    .bind(id)
                    .bind(worker)
                    .bind(error)
                    .bind(now)
                    .execute(&mut **c)
                    .await?
                    .rows_affected()
            }),
        };
        Ok(done == 1)
    }
}
