//! videos of the caller's organization: the library (keyset pages, filters), clips ingested
//! once per organization, the status moves guarded by the expected current status, and
//! deletion.

use crate::db::{Executor, on_engine};
use crate::enums::{ModuleType, VideoStatus};
use crate::error::{Error, Result};
use crate::ids::VideoId;
use crate::models::{ClipInsert, Page, VideoInsert, VideoRow, VideoUpdate};
use crate::repo::{found, keyset, next_key, page_limit, patch};
use crate::scope::OrgScope;
use crate::sql_types::Timestamp;

/// Videos of the caller's organization.
pub struct Videos<'c> {
    ex: Executor<'c>,
    scope: &'c OrgScope,
}

/// Optional filters of the video library.
#[derive(Debug, Clone, Default)]
pub struct VideoFilter {
    pub status: Option<VideoStatus>,
    pub module_type: Option<ModuleType>,
}

/// Key of the library (newest first): the last row's (created_at, id).
pub type VideoKey = (Timestamp, VideoId);

impl<'c> Videos<'c> {
    pub(crate) fn new(ex: Executor<'c>, scope: &'c OrgScope) -> Self {
        Self { ex, scope }
    }

    pub async fn insert(&mut self, v: &VideoInsert) -> Result<VideoRow> {
        let org = self.scope.organization_id();
        Ok(on_engine!(&mut self.ex, |c, q| {
            sqlx::query_as(q::videos::INSERT)
                .bind(org)
                .bind(v.id)
                .bind(v.user_id)
                .bind(&v.title)
                .bind(&v.script)
                .bind(&v.video_raw_url)
                .bind(&v.video_processed_url)
                .bind(&v.thumbnail_url)
                .bind(v.status)
                .bind(v.module_type)
                .bind(v.duration_seconds)
                .bind(v.size_bytes)
                .bind(&v.captions)
                .bind(v.parent_video_id)
                .bind(&v.opusclip_clip_id)
                .bind(v.score)
                .fetch_one(&mut **c)
                .await?
        }))
    }

    pub async fn get(&mut self, id: VideoId) -> Result<VideoRow> {
        let org = self.scope.organization_id();
        let row = on_engine!(&mut self.ex, |c, q| {
            sqlx::query_as(q::videos::GET)
                .bind(org)
                .bind(id)
                .fetch_optional(&mut **c)
                .await?
        });
        row.ok_or(Error::NotFound)
    }

    pub async fn list(
        &mut self,
        filter: &VideoFilter,
        after: Option<VideoKey>,
        limit: i64,
    ) -> Result<Page<VideoRow, VideoKey>> {
        let org = self.scope.organization_id();
        let (at, id) = after.unwrap_or((keyset::max_timestamp(), VideoId(keyset::max_uuid())));
        let limit = page_limit(limit);
        let items: Vec<VideoRow> = on_engine!(&mut self.ex, |c, q| {
            sqlx::query_as(q::videos::LIST)
                .bind(org)
                .bind(filter.status)
                .bind(filter.module_type)
                .bind(at)
                .bind(id)
                .bind(limit)
                .fetch_all(&mut **c)
                .await?
        });
        let next = next_key(&items, limit, |v| (v.created_at, v.id));
        Ok(Page { items, next })
    }

    /// Stores a clip unless this organization already has it; true when inserted.
    pub async fn insert_clip(&mut self, v: &ClipInsert) -> Result<bool> {
        let org = self.scope.organization_id();
        let inserted = on_engine!(&mut self.ex, |c, q| {
            sqlx::query(q::videos::INSERT_CLIP)
                .bind(org)
                .bind(v.id)
                .bind(v.user_id)
                .bind(&v.title)
                .bind(&v.video_raw_url)
                .bind(&v.video_processed_url)
                .bind(v.duration_seconds)
                .bind(v.parent_video_id)
                .bind(&v.opusclip_clip_id)
                .bind(v.score)
                .bind(&v.description)
                .bind(&v.hashtags)
                .bind(v.clip_position)
                .execute(&mut **c)
                .await?
                .rows_affected()
        });
        Ok(inserted == 1)
    }

    /// A source video's clips: by score where known, else in the provider's order.
    pub async fn list_clips(&mut self, parent: VideoId, limit: i64) -> Result<Vec<VideoRow>> {
        let org = self.scope.organization_id();
        Ok(on_engine!(&mut self.ex, |c, q| {
            sqlx::query_as(q::videos::LIST_CLIPS)
                .bind(org)
                .bind(parent)
                .bind(limit)
                .fetch_all(&mut **c)
                .await?
        }))
    }

    /// Moves the video from `from` to `to`; false when it was not in `from`.
    pub async fn set_status_from(
        &mut self,
        id: VideoId,
        from: VideoStatus,
        to: VideoStatus,
    ) -> Result<bool> {
        let org = self.scope.organization_id();
        let changed = on_engine!(&mut self.ex, |c, q| {
            sqlx::query(q::videos::SET_STATUS_FROM)
                .bind(org)
                .bind(id)
                .bind(from)
                .bind(to)
                .bind(Timestamp::now())
                .execute(&mut **c)
                .await?
                .rows_affected()
        });
        Ok(changed == 1)
    }

    pub async fn update(&mut self, id: VideoId, p: &VideoUpdate) -> Result<VideoRow> {
        let org = self.scope.organization_id();
        let script = patch(&p.script);
        let raw = patch(&p.video_raw_url);
        let processed = patch(&p.video_processed_url);
        let thumbnail = patch(&p.thumbnail_url);
        let module_type = patch(&p.module_type);
        let duration = patch(&p.duration_seconds);
        let size = patch(&p.size_bytes);
        let captions = patch(&p.captions);
        let score = patch(&p.score);
        let row = on_engine!(&mut self.ex, |c, q| {
            sqlx::query_as(q::videos::UPDATE)
                .bind(org)
                .bind(id)
                .bind(&p.title)
                .bind(script.0)
                .bind(&script.1)
                .bind(raw.0)
                .bind(&raw.1)
                .bind(processed.0)
                .bind(&processed.1)
                .bind(thumbnail.0)
                .bind(&thumbnail.1)
                .bind(p.status)
                .bind(module_type.0)
                .bind(module_type.1)
                .bind(duration.0)
                .bind(duration.1)
                .bind(size.0)
                .bind(size.1)
                .bind(captions.0)
                .bind(&captions.1)
                .bind(score.0)
                .bind(score.1)
                .bind(Timestamp::now())
                .fetch_optional(&mut **c)
                .await?
        });
        row.ok_or(Error::NotFound)
    }

    pub async fn delete(&mut self, id: VideoId) -> Result<()> {
        let org = self.scope.organization_id();
        let done = on_engine!(&mut self.ex, |c, q| {
            sqlx::query(q::videos::DELETE)
                .bind(org)
                .bind(id)
                .execute(&mut **c)
                .await?
                .rows_affected()
        });
        found(done)
    }
}
