//! posts of the caller's organization: CRUD, the calendar and feed (posts with their videos
//! in one keyset-paged statement), and the rules a video's deletion checks against its
//! posts.

use crate::db::{Executor, on_engine};
use crate::enums::{Platform, PostStatus};
use crate::error::{Error, Result};
use crate::ids::{PostId, VideoId};
use crate::models::{Page, PostInsert, PostRow, PostUpdate, PostWithVideo};
use crate::repo::{found, keyset, next_key, page_limit, patch};
use crate::scope::OrgScope;
use crate::sql_types::Timestamp;

/// Posts of the caller's organization.
pub struct Posts<'c> {
    ex: Executor<'c>,
    scope: &'c OrgScope,
}

/// The calendar window and filters. `from` is inclusive, `to` exclusive; both optional.
#[derive(Debug, Clone, Default)]
pub struct PostFilter {
    pub from: Option<Timestamp>,
    pub to: Option<Timestamp>,
    pub status: Option<PostStatus>,
    pub platform: Option<Platform>,
}

/// Key of the feed (latest scheduled first): the last row's (scheduled_at, id).
pub type PostKey = (Timestamp, PostId);

impl<'c> Posts<'c> {
    pub(crate) fn new(ex: Executor<'c>, scope: &'c OrgScope) -> Self {
        Self { ex, scope }
    }

    pub async fn insert(&mut self, p: &PostInsert) -> Result<PostRow> {
        let org = self.scope.organization_id();
        Ok(on_engine!(&mut self.ex, |c, q| {
            sqlx::query_as(q::posts::INSERT)
                .bind(org)
                .bind(p.id)
                .bind(p.video_id)
                .bind(p.created_by)
                .bind(p.platform)
                .bind(&p.description)
                .bind(&p.hashtags)
                .bind(p.scheduled_at)
                .bind(p.status)
                .fetch_one(&mut **c)
                .await?
        }))
    }

    pub async fn get(&mut self, id: PostId) -> Result<PostRow> {
        let org = self.scope.organization_id();
        let row = on_engine!(&mut self.ex, |c, q| {
            sqlx::query_as(q::posts::GET)
                .bind(org)
                .bind(id)
                .fetch_optional(&mut **c)
                .await?
        });
        row.ok_or(Error::NotFound)
    }

    /// Reads a post to change it: run inside a transaction (see the catalogue entry).
    pub async fn get_for_update(&mut self, id: PostId) -> Result<PostRow> {
        let org = self.scope.organization_id();
        let row = on_engine!(&mut self.ex, |c, q| {
            sqlx::query_as(q::posts::GET_FOR_UPDATE)
                .bind(org)
                .bind(id)
                .fetch_optional(&mut **c)
                .await?
        });
        row.ok_or(Error::NotFound)
    }

    pub async fn get_with_video(&mut self, id: PostId) -> Result<PostWithVideo> {
        let org = self.scope.organization_id();
        let row = on_engine!(&mut self.ex, |c, q| {
            sqlx::query_as(q::posts::GET_WITH_VIDEO)
                .bind(org)
                .bind(id)
                .fetch_optional(&mut **c)
                .await?
        });
        row.ok_or(Error::NotFound)
    }

    /// The calendar / feed page: one statement, posts with their videos.
    pub async fn list_with_video(
        &mut self,
        filter: &PostFilter,
        after: Option<PostKey>,
        limit: i64,
    ) -> Result<Page<PostWithVideo, PostKey>> {
        let org = self.scope.organization_id();
        let from = filter.from.unwrap_or_else(keyset::min_timestamp);
        let to = filter.to.unwrap_or_else(keyset::max_timestamp);
        let (at, id) = after.unwrap_or((keyset::max_timestamp(), PostId(keyset::max_uuid())));
        let limit = page_limit(limit);
        let items: Vec<PostWithVideo> = on_engine!(&mut self.ex, |c, q| {
            sqlx::query_as(q::posts::LIST_WITH_VIDEO)
                .bind(org)
                .bind(from)
                .bind(to)
                .bind(filter.status)
                .bind(filter.platform)
                .bind(at)
                .bind(id)
                .bind(limit)
                .fetch_all(&mut **c)
                .await?
        });
        let next = next_key(&items, limit, |p| (p.post.scheduled_at, p.post.id));
        Ok(Page { items, next })
    }

    pub async fn update(&mut self, id: PostId, p: &PostUpdate) -> Result<PostRow> {
        let org = self.scope.organization_id();
        let published_at = patch(&p.published_at);
        let external_id = patch(&p.external_post_id);
        let last_error = patch(&p.last_error);
        let row = on_engine!(&mut self.ex, |c, q| {
            sqlx::query_as(q::posts::UPDATE)
                .bind(org)
                .bind(id)
                .bind(&p.description)
                .bind(&p.hashtags)
                .bind(p.scheduled_at)
                .bind(p.status)
                .bind(published_at.0)
                .bind(published_at.1)
                .bind(external_id.0)
                .bind(&external_id.1)
                .bind(p.attempts)
                .bind(last_error.0)
                .bind(&last_error.1)
                .bind(Timestamp::now())
                .fetch_optional(&mut **c)
                .await?
        });
        row.ok_or(Error::NotFound)
    }

    pub async fn delete(&mut self, id: PostId) -> Result<()> {
        let org = self.scope.organization_id();
        let done = on_engine!(&mut self.ex, |c, q| {
            sqlx::query(q::posts::DELETE)
                .bind(org)
                .bind(id)
                .execute(&mut **c)
                .await?
                .rows_affected()
        });
        found(done)
    }

    /// Posts of a video that were or may be sent (scheduled, publishing, published).
    pub async fn count_blocking_for_video(&mut self, video_id: VideoId) -> Result<i64> {
        let org = self.scope.organization_id();
        Ok(on_engine!(&mut self.ex, |c, q| {
            sqlx::query_scalar(q::posts::COUNT_BLOCKING_FOR_VIDEO)
                .bind(org)
                .bind(video_id)
                .fetch_one(&mut **c)
                .await?
        }))
    }

    /// Deletes a video's draft, failed and cancelled posts; returns how many.
    pub async fn delete_unsent_for_video(&mut self, video_id: VideoId) -> Result<u64> {
        let org = self.scope.organization_id();
        Ok(on_engine!(&mut self.ex, |c, q| {
            sqlx::query(q::posts::DELETE_UNSENT_FOR_VIDEO)
                .bind(org)
                .bind(video_id)
                .execute(&mut **c)
                .await?
                .rows_affected()
        }))
    }
}
