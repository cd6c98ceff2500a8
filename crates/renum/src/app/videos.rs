//! The video library of the caller's organization: creation, listing, edits, the status
//! state machine and the delete rule (a video whose posts were or may be sent stays).

use renum_db::enums::{ModuleType, VideoStatus};
use renum_db::ids::VideoId;
use renum_db::models::{Page, VideoInsert, VideoRow, VideoUpdate};
use renum_db::repo::VideoFilter;
use renum_db::sql_types::Timestamp;
use renum_db::{Access, Conn, Db};

use super::auth::Caller;
use super::outbound::OutboundPolicy;
use super::{AppError, validate};

/// Whether a video may go from `from` to `to`: draft → processing → ready → posted, any →
/// failed, failed → processing (a retry). Staying in the same status is not a transition.
pub fn may_transition(from: VideoStatus, to: VideoStatus) -> bool {
    use VideoStatus::*;
    from == to
        || to == Failed
        || matches!(
            (from, to),
            (Draft, Processing) | (Processing, Ready) | (Ready, Posted) | (Failed, Processing)
        )
}

fn check_transition(from: VideoStatus, to: VideoStatus) -> Result<(), AppError> {
    if may_transition(from, to) {
        Ok(())
    } else {
        Err(AppError::conflict(
            "illegal_transition",
            format!("a video cannot go from {from} to {to}"),
        ))
    }
}

fn title(raw: &str) -> Result<String, AppError> {
    validate::name("title", raw, 300)
}

fn non_negative(field: &'static str, value: Option<f64>) -> Result<(), AppError> {
    match value {
        Some(v) if !(v.is_finite() && v >= 0.0) => {
            Err(AppError::invalid(field, "must be a number >= 0"))
        }
        _ => Ok(()),
    }
}

/// A new video: always a draft; its media arrive later through PATCH.
pub struct NewVideo {
    pub title: String,
    pub script: Option<String>,
    pub video_raw_url: Option<String>,
    pub thumbnail_url: Option<String>,
    pub module_type: Option<ModuleType>,
}

/// URLs must pass `outbound` (a provider or a receiver fetches them).
pub async fn create(
    db: &Db,
    caller: &Caller,
    outbound: OutboundPolicy,
    new: NewVideo,
) -> Result<VideoRow, AppError> {
    validate::text("script", new.script.as_deref())?;
    validate::line("video_raw_url", new.video_raw_url.as_deref())?;
    validate::line("thumbnail_url", new.thumbnail_url.as_deref())?;
    let insert = VideoInsert {
        script: new.script,
        video_raw_url: outbound.optional("video_raw_url", new.video_raw_url)?,
        thumbnail_url: outbound.optional("thumbnail_url", new.thumbnail_url)?,
        module_type: new.module_type,
        ..VideoInsert::new(caller.user_id, title(&new.title)?)
    };
    Ok(db
        .conn()
        .await?
        .videos(&caller.scope)
        .insert(&insert)
        .await?)
}

pub async fn get(conn: &mut Conn, caller: &Caller, id: VideoId) -> Result<VideoRow, AppError> {
    Ok(conn.videos(&caller.scope).get(id).await?)
}

pub async fn list(
    conn: &mut Conn,
    caller: &Caller,
    filter: &VideoFilter,
    after: Option<(Timestamp, VideoId)>,
    limit: i64,
) -> Result<Page<VideoRow, (Timestamp, VideoId)>, AppError> {
    Ok(conn
        .videos(&caller.scope)
        .list(filter, after, limit)
        .await?)
}

/// A partial edit; `Some(None)` clears a nullable field.
#[derive(Default)]
pub struct VideoPatch {
    pub title: Option<String>,
    pub script: Option<Option<String>>,
    pub video_raw_url: Option<Option<String>>,
    pub video_processed_url: Option<Option<String>>,
    pub thumbnail_url: Option<Option<String>>,
    pub status: Option<VideoStatus>,
    pub duration_seconds: Option<Option<f64>>,
}

/// Applies a patch; a status change is checked against the current status in the same
/// transaction, so two concurrent edits cannot both pass the check from a stale status.
/// URLs must pass `outbound`.
pub async fn update(
    db: &Db,
    caller: &Caller,
    outbound: OutboundPolicy,
    id: VideoId,
    patch: VideoPatch,
) -> Result<VideoRow, AppError> {
    let title = patch.title.as_deref().map(title).transpose()?;
    validate::text("script", patch.script.as_ref().and_then(Option::as_deref))?;
    validate::line(
        "video_raw_url",
        patch.video_raw_url.as_ref().and_then(Option::as_deref),
    )?;
    validate::line(
        "video_processed_url",
        patch
            .video_processed_url
            .as_ref()
            .and_then(Option::as_deref),
    )?;
    validate::line(
        "thumbnail_url",
        patch.thumbnail_url.as_ref().and_then(Option::as_deref),
    )?;
    let video_raw_url = outbound.patched("video_raw_url", patch.video_raw_url)?;
    let video_processed_url = outbound.patched("video_processed_url", patch.video_processed_url)?;
    let thumbnail_url = outbound.patched("thumbnail_url", patch.thumbnail_url)?;
    non_negative("duration_seconds", patch.duration_seconds.flatten())?;
    let mut tx = db.begin().await?;
    let current = tx.videos(&caller.scope).get(id).await?;
    if let Some(to) = patch.status {
        check_transition(current.status, to)?;
    }
    let update = VideoUpdate {
        title,
        script: patch.script,
        video_raw_url,
        video_processed_url,
        thumbnail_url,
        status: patch.status,
        duration_seconds: patch.duration_seconds,
        ..VideoUpdate::default()
    };
    let row = tx.videos(&caller.scope).update(id, &update).await?;
    tx.commit().await?;
    Ok(row)
}

/// The delete rule (docs/schema.md, `posts_video_fkey`): refused while a post of the video
/// is scheduled, publishing or published; otherwise its draft, failed and cancelled posts
/// and the video go together in one transaction.
pub async fn delete(db: &Db, caller: &Caller, id: VideoId) -> Result<(), AppError> {
    let mut tx = db.begin().await?;
    tx.videos(&caller.scope).get(id).await?;
    let blocking = tx.posts(&caller.scope).count_blocking_for_video(id).await?;
    if blocking > 0 {
        return Err(AppError::conflict(
            "video_has_posts",
            format!("the video has {blocking} scheduled or published post(s); cancel them first"),
        ));
    }
    tx.posts(&caller.scope).delete_unsent_for_video(id).await?;
    tx.videos(&caller.scope).delete(id).await?;
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use VideoStatus::*;

    #[test]
    fn the_state_machine_allows_exactly_the_documented_transitions() {
        let allowed = [
            (Draft, Processing),
            (Processing, Ready),
            (Ready, Posted),
            (Failed, Processing),
        ];
        for &from in VideoStatus::ALL {
            for &to in VideoStatus::ALL {
                let expected = from == to || to == Failed || allowed.contains(&(from, to));
                assert_eq!(may_transition(from, to), expected, "{from} -> {to}");
            }
        }
        assert!(!may_transition(Draft, Ready));
        assert!(!may_transition(Posted, Processing));
    }
}
