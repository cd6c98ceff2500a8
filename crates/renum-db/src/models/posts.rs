//! `posts` rows (one scheduled publication of a video on one platform, with the scheduler's
//! lease kept out of the API), and `PostWithVideo`, a post with its video's summary read in
//! one query for the calendar and feed.

use serde::Serialize;

use crate::enums::{ModuleType, Platform, PostStatus, VideoStatus};
use crate::ids::{OrganizationId, PostId, UserId, VideoId};
use crate::models::columns::{ReadColumns, by_position};
use crate::sql_types::{StringList, Timestamp};

/// Read by position (`models/columns.rs`) in the order of the catalogue's `post_columns!`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PostRow {
    pub id: PostId,
    pub organization_id: OrganizationId,
    pub video_id: VideoId,
    pub created_by: UserId,
    pub platform: Platform,
    pub description: String,
    pub hashtags: StringList,
    pub scheduled_at: Timestamp,
    pub status: PostStatus,
    pub published_at: Option<Timestamp>,
    pub external_post_id: Option<String>,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    /// The scheduler's lease: which worker holds the post while publishing, and until when.
    /// Internal bookkeeping, not shown by the API.
    #[serde(skip)]
    pub locked_by: Option<String>,
    #[serde(skip)]
    pub locked_until: Option<Timestamp>,
}

by_position!(PostRow, |c| Ok(PostRow {
    id: c.next("id")?,
    organization_id: c.next("organization_id")?,
    video_id: c.next("video_id")?,
    created_by: c.next("created_by")?,
    platform: c.next("platform")?,
    description: c.next("description")?,
    hashtags: c.next("hashtags")?,
    scheduled_at: c.next("scheduled_at")?,
    status: c.next("status")?,
    published_at: c.next("published_at")?,
    external_post_id: c.next("external_post_id")?,
    attempts: c.next("attempts")?,
    last_error: c.next("last_error")?,
    created_at: c.next("created_at")?,
    updated_at: c.next("updated_at")?,
    locked_by: c.next("locked_by")?,
    locked_until: c.next("locked_until")?,
}));

#[derive(Debug, Clone)]
pub struct PostInsert {
    pub id: PostId,
    pub video_id: VideoId,
    pub created_by: UserId,
    pub platform: Platform,
    pub description: String,
    pub hashtags: StringList,
    pub scheduled_at: Timestamp,
    pub status: PostStatus,
}

#[derive(Debug, Clone, Default)]
pub struct PostUpdate {
    pub description: Option<String>,
    pub hashtags: Option<StringList>,
    pub scheduled_at: Option<Timestamp>,
    pub status: Option<PostStatus>,
    pub published_at: Option<Option<Timestamp>>,
    pub external_post_id: Option<Option<String>>,
    pub attempts: Option<i32>,
    pub last_error: Option<Option<String>>,
}

/// The video fields a post list shows next to each post, after the post's columns
/// (`post_with_video_columns!`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VideoSummary {
    pub title: String,
    pub status: VideoStatus,
    pub module_type: Option<ModuleType>,
    pub thumbnail_url: Option<String>,
    pub processed_url: Option<String>,
    pub duration_seconds: Option<f64>,
}

by_position!(VideoSummary, |c| Ok(VideoSummary {
    title: c.next("video_title")?,
    status: c.next("video_status")?,
    module_type: c.next("video_module_type")?,
    thumbnail_url: c.next("video_thumbnail_url")?,
    processed_url: c.next("video_processed_url")?,
    duration_seconds: c.next("video_duration_seconds")?,
}));

/// A post with its video, read in one query (the calendar and feed).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PostWithVideo {
    #[serde(flatten)]
    pub post: PostRow,
    pub video: VideoSummary,
}

by_position!(PostWithVideo, |c| Ok(PostWithVideo {
    post: ReadColumns::read(c)?,
    video: ReadColumns::read(c)?,
}));
