use crate::db::{Executor, on_engine};
use crate::error::{Error, Result};
use crate::ids::{ClipProjectId, VideoId};
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
}
