//! `videos` rows: source videos and the clips ingested from OpusClip (`ClipInsert`), a
//! clip being a `clip` video whose parent is its source.

use serde::Serialize;

use crate::enums::{ModuleType, VideoStatus};
use crate::ids::{OrganizationId, UserId, VideoId};
use crate::sql_types::{JsonValue, StringList, Timestamp};

#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct VideoRow {
    pub id: VideoId,
    pub organization_id: OrganizationId,
    pub user_id: UserId,
    pub title: String,
    pub script: Option<String>,
    pub video_raw_url: Option<String>,
    pub video_processed_url: Option<String>,
    pub thumbnail_url: Option<String>,
    pub status: VideoStatus,
    pub module_type: Option<ModuleType>,
    pub duration_seconds: Option<f64>,
    pub size_bytes: Option<i64>,
    pub captions: Option<JsonValue>,
    pub parent_video_id: Option<VideoId>,
    pub opusclip_clip_id: Option<String>,
    pub score: Option<f64>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    /// A clip's description from the provider.
    pub description: Option<String>,
    /// A clip's suggested hashtags, without `#`.
    pub hashtags: StringList,
    /// A clip's 0-based position in the provider's listing.
    pub clip_position: Option<i32>,
}

/// A new video; `organization_id` comes from the scope it is inserted through.
#[derive(Debug, Clone)]
pub struct VideoInsert {
    pub id: VideoId,
    pub user_id: UserId,
    pub title: String,
    pub script: Option<String>,
    pub video_raw_url: Option<String>,
    pub video_processed_url: Option<String>,
    pub thumbnail_url: Option<String>,
    pub status: VideoStatus,
    pub module_type: Option<ModuleType>,
    pub duration_seconds: Option<f64>,
    pub size_bytes: Option<i64>,
    pub captions: Option<JsonValue>,
    pub parent_video_id: Option<VideoId>,
    pub opusclip_clip_id: Option<String>,
    pub score: Option<f64>,
}

impl VideoInsert {
    /// A draft with only the required fields set.
    pub fn new(user_id: UserId, title: impl Into<String>) -> Self {
        Self {
            id: VideoId::new(),
            user_id,
            title: title.into(),
            script: None,
            video_raw_url: None,
            video_processed_url: None,
            thumbnail_url: None,
            status: VideoStatus::Draft,
            module_type: None,
            duration_seconds: None,
            size_bytes: None,
            captions: None,
            parent_video_id: None,
            opusclip_clip_id: None,
            score: None,
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct VideoUpdate {
    pub title: Option<String>,
    pub script: Option<Option<String>>,
    pub video_raw_url: Option<Option<String>>,
    pub video_processed_url: Option<Option<String>>,
    pub thumbnail_url: Option<Option<String>>,
    pub status: Option<VideoStatus>,
    pub module_type: Option<Option<ModuleType>>,
    pub duration_seconds: Option<Option<f64>>,
    pub size_bytes: Option<Option<i64>>,
    pub captions: Option<Option<JsonValue>>,
    pub score: Option<Option<f64>>,
}

/// One OpusClip clip ingested as a `clip` video of its source (always `ready`).
#[derive(Debug, Clone)]
pub struct ClipInsert {
    pub id: VideoId,
    pub user_id: UserId,
    pub title: String,
    /// The provider's preview URL.
    pub video_raw_url: Option<String>,
    /// The provider's export URL: what the publisher sends.
    pub video_processed_url: Option<String>,
    pub duration_seconds: Option<f64>,
    pub parent_video_id: VideoId,
    pub opusclip_clip_id: String,
    pub score: Option<f64>,
    pub description: Option<String>,
    pub hashtags: StringList,
    pub clip_position: i32,
}
