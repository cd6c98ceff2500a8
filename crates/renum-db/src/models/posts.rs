//! `posts` rows (one scheduled publication of a video on one platform, with the scheduler's
//! lease kept out of the API), and `PostWithVideo`, a post with its video's summary read in
//! one query for the calendar and feed.

use serde::Serialize;

use crate::enums::{ModuleType, Platform, PostStatus, VideoStatus};
use crate::ids::{OrganizationId, PostId, UserId, VideoId};
use crate::sql_types::{StringList, Timestamp};

#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
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

/// The video fields a post list shows next to each post.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct VideoSummary {
    #[sqlx(rename = "video_title")]
    pub title: String,
    #[sqlx(rename = "video_status")]
    pub status: VideoStatus,
    #[sqlx(rename = "video_module_type")]
    pub module_type: Option<ModuleType>,
    #[sqlx(rename = "video_thumbnail_url")]
    pub thumbnail_url: Option<String>,
    #[sqlx(rename = "video_processed_url")]
    pub processed_url: Option<String>,
    #[sqlx(rename = "video_duration_seconds")]
    pub duration_seconds: Option<f64>,
}

/// A post with its video, read in one query (the calendar and feed).
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct PostWithVideo {
    #[sqlx(flatten)]
    #[serde(flatten)]
    pub post: PostRow,
    #[sqlx(flatten)]
    pub video: VideoSummary,
}
