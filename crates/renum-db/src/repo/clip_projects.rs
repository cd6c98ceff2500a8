//! clip_projects: `ClipProjects`, the caller's organization's projects (advance, complete
//! and fail are guarded by `status = 'processing'`, so the poller and the webhook cannot both
//! apply one outcome), and `ClipPoller`, the poller's cross-organization claim and the
//! webhook's lookup by id.

use crate::db::{Executor, on_engine};
use crate::error::{Error, Result};
use crate::ids::{ClipProjectId, OrganizationId, VideoId};
use crate::models::{ClipProjectInsert, ClipProjectRow, ClipProjectUpdate};
use crate::repo::patch;
use crate::scope::OrgScope;
use crate::sql_types::Timestamp;

/// OpusClip projects of the caller's organization.
pub struct ClipProjects<'c> {
    ex: Executor<'c>,
    scope: &'c OrgScope,
}

impl<'c> ClipProjects<'c> {
    pub(crate) fn new(ex: Executor<'c>, scope: &'c OrgScope) -> Self {
        Self { ex, scope }
    }

    pub async fn insert(&mut self, p: &ClipProjectInsert) -> Result<ClipProjectRow> {
        let org = self.scope.organization_id();
        Ok(on_engine!(&mut self.ex, |c, q| {
            sqlx::query_as(q::clip_projects::INSERT)
                .bind(org)
                .bind(p.id)
                .bind(p.video_id)
                .bind(&p.opusclip_project_id)
                .bind(&p.stage)
                .bind(&p.options)
                .bind(p.next_poll_at)
                .fetch_one(&mut **c)
                .await?
        }))
    }

    pub async fn get(&mut self, id: ClipProjectId) -> Result<ClipProjectRow> {
        let org = self.scope.organization_id();
        let row = on_engine!(&mut self.ex, |c, q| {
            sqlx::query_as(q::clip_projects::GET)
                .bind(org)
                .bind(id)
                .fetch_optional(&mut **c)
                .await?
        });
        row.ok_or(Error::NotFound)
    }

    /// Projects of one video, newest first (a video rarely has more than a few).
    pub async fn list_for_video(&mut self, video_id: VideoId) -> Result<Vec<ClipProjectRow>> {
        let org = self.scope.organization_id();
        Ok(on_engine!(&mut self.ex, |c, q| {
            sqlx::query_as(q::clip_projects::LIST_FOR_VIDEO)
                .bind(org)
                .bind(video_id)
                .fetch_all(&mut **c)
                .await?
        }))
    }

    pub async fn update(
        &mut self,
        id: ClipProjectId,
        p: &ClipProjectUpdate,
    ) -> Result<ClipProjectRow> {
        let org = self.scope.organization_id();
        let project_id = patch(&p.opusclip_project_id);
        let stage = patch(&p.stage);
        let next_poll = patch(&p.next_poll_at);
        let last_error = patch(&p.last_error);
        let completed = patch(&p.completed_at);
        let row = on_engine!(&mut self.ex, |c, q| {
            sqlx::query_as(q::clip_projects::UPDATE)
                .bind(org)
                .bind(id)
                .bind(project_id.0)
                .bind(&project_id.1)
                .bind(stage.0)
                .bind(&stage.1)
                .bind(p.status)
                .bind(p.attempts)
                .bind(next_poll.0)
                .bind(next_poll.1)
                .bind(last_error.0)
                .bind(&last_error.1)
                .bind(completed.0)
                .bind(completed.1)
                .bind(Timestamp::now())
                .fetch_optional(&mut **c)
                .await?
        });
        row.ok_or(Error::NotFound)
    }

    /// Records a poll of a project still running: its stage, the next poll and the error of
    /// a poll that failed (None clears it); false when it was no longer processing.
    pub async fn advance(
        &mut self,
        id: ClipProjectId,
        stage: Option<&str>,
        next_poll_at: Timestamp,
        error: Option<&str>,
    ) -> Result<bool> {
        let org = self.scope.organization_id();
        let changed = on_engine!(&mut self.ex, |c, q| {
            sqlx::query(q::clip_projects::ADVANCE)
                .bind(org)
                .bind(id)
                .bind(stage)
                .bind(next_poll_at)
                .bind(error)
                .bind(Timestamp::now())
                .execute(&mut **c)
                .await?
                .rows_affected()
        });
        Ok(changed == 1)
    }

    /// Marks the project completed at stage `stage`; false when it was no longer processing.
    pub async fn complete(&mut self, id: ClipProjectId, stage: &str) -> Result<bool> {
        let org = self.scope.organization_id();
        let changed = on_engine!(&mut self.ex, |c, q| {
            sqlx::query(q::clip_projects::COMPLETE)
                .bind(org)
                .bind(id)
                .bind(stage)
                .bind(Timestamp::now())
                .execute(&mut **c)
                .await?
                .rows_affected()
        });
        Ok(changed == 1)
    }

    /// Marks the project failed with `error`; false when it was no longer processing.
    pub async fn fail(
        &mut self,
        id: ClipProjectId,
        stage: Option<&str>,
        error: &str,
    ) -> Result<bool> {
        let org = self.scope.organization_id();
        let changed = on_engine!(&mut self.ex, |c, q| {
            sqlx::query(q::clip_projects::FAIL)
                .bind(org)
                .bind(id)
                .bind(stage)
                .bind(error)
                .bind(Timestamp::now())
                .execute(&mut **c)
                .await?
                .rows_affected()
        });
        Ok(changed == 1)
    }
}

/// The clip poller's cross-organization statements.
pub struct ClipPoller<'c> {
    ex: Executor<'c>,
}

impl<'c> ClipPoller<'c> {
    pub(crate) fn new(ex: Executor<'c>) -> Self {
        Self { ex }
    }

    /// Claims up to `limit` processing projects whose poll is due, pushing their next poll to
    /// `lease_until`. On SQLite run it in a transaction (`BEGIN IMMEDIATE`).
    pub async fn claim(
        &mut self,
        now: Timestamp,
        limit: i64,
        lease_until: Timestamp,
    ) -> Result<Vec<ClipProjectRow>> {
        Ok(on_engine!(&mut self.ex, |c, q| {
            sqlx::query_as(q::clip_projects::CLAIM_DUE)
                .bind(now)
                .bind(limit)
                .bind(lease_until)
                .fetch_all(&mut **c)
                .await?
        }))
    }

    /// A project by id alone: only for a caller that has authenticated the id (the webhook's
    /// verified callback URL); the answer's organization then scopes everything else.
    pub async fn find(
        &mut self,
        id: ClipProjectId,
    ) -> Result<Option<(OrganizationId, ClipProjectRow)>> {
        let row: Option<ClipProjectRow> = on_engine!(&mut self.ex, |c, q| {
            sqlx::query_as(q::clip_projects::GET_ANY)
                .bind(id)
                .fetch_optional(&mut **c)
                .await?
        });
        Ok(row.map(|r| (r.organization_id, r)))
    }
}
