//! Following a project: the state machine the poller and the webhook share. It asks the
//! provider for the project's stage (never trusting a callback's body), then advances the row
//! to its next poll, retries later after a failure that may pass (the provider unreachable,
//! the key removed), fails the project and its source together, or hands a completed project
//! to ingestion.
//!
//! One follow is one [`Following`]: the project's row and the organization scope every write
//! goes through, held once instead of handed to each step.

use std::time::Duration;

use renum_db::enums::{ClipProjectStatus, VideoStatus};
use renum_db::ids::{ClipProjectId, VideoId};
use renum_db::models::ClipProjectRow;
use renum_db::sql_types::Timestamp;
use renum_db::{Access, Db, OrgScope};

use super::{ClipService, Step, now_plus};
use crate::app::AppError;
use crate::opusclip::{ErrorKind, OpusClipError, Stage};

impl ClipService {
    /// Asks the provider where the project is and records it: the poll and the webhook.
    pub async fn follow(&self, db: &Db, row: ClipProjectRow) -> Result<Step, AppError> {
        if row.status != ClipProjectStatus::Processing {
            return Ok(Step::Concluded);
        }
        Following {
            service: self,
            db,
            scope: OrgScope::trusted(row.organization_id),
            row,
        }
        .run()
        .await
    }
}

/// One follow of one processing project; `ingest` adds the completion step.
pub(super) struct Following<'a> {
    service: &'a ClipService,
    pub(super) db: &'a Db,
    /// The project's organization: a job claim, so trusted (the row came from the database).
    pub(super) scope: OrgScope,
    pub(super) row: ClipProjectRow,
}

impl Following<'_> {
    /// Gives up on a project the provider never acknowledged or that outlived
    /// `give_up_after`, then acts on the stage the provider reports.
    async fn run(&self) -> Result<Step, AppError> {
        let (service, row) = (self.service, &self.row);
        let Some(provider_id) = row.opusclip_project_id.clone() else {
            let reason =
                "the provider never acknowledged the project (renum stopped while creating it)";
            return self.conclude_failed(None, reason).await;
        };
        if self.age() > service.poll.give_up_after {
            let reason = format!(
                "stalled: the provider did not conclude the project within {}",
                humantime::format_duration(service.poll.give_up_after)
            );
            return self.conclude_failed(row.stage.as_deref(), &reason).await;
        }
        let Some(creds) = service.credentials(self.db, row.organization_id).await? else {
            return self
                .retry_later(None, "the organization's OpusClip key was removed")
                .await;
        };
        let project = match service.client.get_project(&creds, &provider_id).await {
            Ok(project) => project,
            Err(OpusClipError {
                kind: ErrorKind::NotFound,
                ..
            }) => {
                let reason = "the provider no longer knows the project";
                return self.conclude_failed(row.stage.as_deref(), reason).await;
            }
            Err(err) => return self.retry_later(None, &err.to_string()).await,
        };
        match project.stage {
            Stage::Complete => {
                let clips = match service.client.all_clips(&creds, &provider_id).await {
                    Ok(clips) => clips,
                    Err(err) => {
                        return self.retry_later(Some("COMPLETE"), &err.to_string()).await;
                    }
                };
                self.ingest(&clips).await
            }
            Stage::Stalled => {
                let reason = project
                    .error
                    .clone()
                    .filter(|e| !e.trim().is_empty())
                    .unwrap_or_else(|| "the provider stalled the project".to_owned());
                self.conclude_failed(Some("STALLED"), &reason).await
            }
            stage => {
                let next = self.next_poll();
                self.db
                    .conn()
                    .await?
                    .clip_projects(&self.scope)
                    .advance(row.id, Some(stage.as_str()), next, None)
                    .await?;
                Ok(Step::Running)
            }
        }
    }

    /// How long the project has been processing.
    fn age(&self) -> Duration {
        (Timestamp::now().as_datetime() - self.row.created_at.as_datetime())
            .to_std()
            .unwrap_or_default()
    }

    /// When the project is asked about again ([`super::PollConfig::next_gap`]).
    fn next_poll(&self) -> Timestamp {
        now_plus(self.service.poll.next_gap(self.age()))
    }

    async fn retry_later(&self, stage: Option<&str>, error: &str) -> Result<Step, AppError> {
        let row = &self.row;
        tracing::warn!(clip_project_id = %row.id, error, "clip project poll failed; retried later");
        let next = self.next_poll();
        self.db
            .conn()
            .await?
            .clip_projects(&self.scope)
            .advance(row.id, stage, next, Some(error))
            .await?;
        Ok(Step::Running)
    }

    async fn conclude_failed(&self, stage: Option<&str>, reason: &str) -> Result<Step, AppError> {
        let row = &self.row;
        if fail(self.db, &self.scope, row.id, row.video_id, stage, reason).await? {
            tracing::warn!(clip_project_id = %row.id, reason, "clip project failed");
            Ok(Step::Failed(reason.to_owned()))
        } else {
            Ok(Step::Concluded)
        }
    }
}

/// Fails the project and its source video together; false when it had concluded. Also
/// [`ClipService::start`]'s, when the provider refuses a new project.
pub(super) async fn fail(
    db: &Db,
    scope: &OrgScope,
    id: ClipProjectId,
    video_id: VideoId,
    stage: Option<&str>,
    reason: &str,
) -> Result<bool, AppError> {
    let reason: String = reason.chars().take(2000).collect();
    let mut tx = db.begin().await?;
    if !tx.clip_projects(scope).fail(id, stage, &reason).await? {
        return Ok(false);
    }
    tx.videos(scope)
        .set_status_from(video_id, VideoStatus::Processing, VideoStatus::Failed)
        .await?;
    tx.commit().await?;
    Ok(true)
}
