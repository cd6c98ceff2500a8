//! Ingestion of a completed project: each provider clip becomes a `clip` video of the source,
//! inserted `ON CONFLICT DO NOTHING`, and the project is completed and the source readied in
//! the same transaction, guarded by `status = 'processing'`. So a webhook and a poll racing
//! on one project store each clip once and conclude it once; the loser's transaction rolls
//! back and reports [`Step::Concluded`].

use renum_db::Access;
use renum_db::enums::VideoStatus;
use renum_db::ids::VideoId;
use renum_db::models::{ClipInsert, VideoRow};
use renum_db::sql_types::StringList;

use super::Step;
use super::follow::Following;
use crate::app::AppError;
use crate::opusclip::ExportableClip;

impl Following<'_> {
    /// Stores the clips, completes the project and readies the source, in one transaction.
    pub(super) async fn ingest(&self, clips: &[ExportableClip]) -> Result<Step, AppError> {
        let (scope, row) = (&self.scope, &self.row);
        let mut tx = self.db.begin().await?;
        let source = tx.videos(scope).get(row.video_id).await?;
        let mut stored = 0;
        for (position, clip) in clips.iter().enumerate() {
            let insert = clip_insert(&source, clip, position);
            if tx.videos(scope).insert_clip(&insert).await? {
                stored += 1;
            }
        }
        let completed = tx.clip_projects(scope).complete(row.id, "COMPLETE").await?;
        if !completed {
            // Another ingestion concluded it first; its clips stand, ours were skipped.
            return Ok(Step::Concluded);
        }
        tx.videos(scope)
            .set_status_from(row.video_id, VideoStatus::Processing, VideoStatus::Ready)
            .await?;
        tx.commit().await?;
        tracing::info!(clip_project_id = %row.id, clips = clips.len(), stored, "clip project completed");
        Ok(Step::Completed {
            clips: clips.len(),
            stored,
        })
    }
}

/// A provider clip as a `clip` video of `source`.
fn clip_insert(source: &VideoRow, clip: &ExportableClip, position: usize) -> ClipInsert {
    let title: String = clip.title.trim().chars().take(300).collect();
    let title = if title.is_empty() {
        format!(
            "Clip {} of {}",
            position + 1,
            source.title.chars().take(280).collect::<String>()
        )
    } else {
        title
    };
    let duration = clip.duration_ms / 1000.0;
    ClipInsert {
        id: VideoId::new(),
        user_id: source.user_id,
        title,
        video_raw_url: clip.uri_for_preview.clone(),
        video_processed_url: clip.uri_for_export.clone(),
        duration_seconds: (duration.is_finite() && duration >= 0.0).then_some(duration),
        parent_video_id: source.id,
        opusclip_clip_id: clip.id.clone(),
        score: clip
            .extra
            .get("score")
            .and_then(serde_json::Value::as_f64)
            .filter(|s| s.is_finite()),
        description: clip
            .description
            .as_ref()
            .map(|d| d.chars().take(65_535).collect()),
        hashtags: StringList(clip.hashtag_list().into_iter().take(100).collect()),
        clip_position: i32::try_from(position).unwrap_or(i32::MAX),
    }
}
