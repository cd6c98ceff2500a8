//! `clip_projects` rows: one OpusClip project of a source video, its stage, status and poll
//! schedule (`next_poll_at`, `attempts`, `last_error`) as the clip poller advances it.

use serde::Serialize;

use crate::enums::ClipProjectStatus;
use crate::ids::{ClipProjectId, OrganizationId, VideoId};
use crate::sql_types::{JsonValue, Timestamp};

#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct ClipProjectRow {
    pub id: ClipProjectId,
    pub organization_id: OrganizationId,
    pub video_id: VideoId,
    pub opusclip_project_id: Option<String>,
    pub stage: Option<String>,
    pub status: ClipProjectStatus,
    pub options: JsonValue,
    pub attempts: i32,
    pub next_poll_at: Option<Timestamp>,
    pub last_error: Option<String>,
    pub completed_at: Option<Timestamp>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

#[derive(Debug, Clone)]
pub struct ClipProjectInsert {
    pub id: ClipProjectId,
    pub video_id: VideoId,
    pub opusclip_project_id: Option<String>,
    pub stage: Option<String>,
    pub options: JsonValue,
    pub next_poll_at: Option<Timestamp>,
}

#[derive(Debug, Clone, Default)]
pub struct ClipProjectUpdate {
    pub opusclip_project_id: Option<Option<String>>,
    pub stage: Option<Option<String>>,
    pub status: Option<ClipProjectStatus>,
    pub attempts: Option<i32>,
    pub next_poll_at: Option<Option<Timestamp>>,
    pub last_error: Option<Option<String>>,
    pub completed_at: Option<Option<Timestamp>>,
}
