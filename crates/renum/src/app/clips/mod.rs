//! The clip pipeline: a source video becomes an OpusClip project, the project is followed
//! until it concludes (the poller, or the provider's webhook), and a completed project's
//! clips are ingested as `clip` videos of the source.
//!
//! This module holds [`ClipService`], what the pipeline depends on, and the requests of the
//! API: [`ClipService::start`] and the reads. The rest is one file per job: `options` (what a
//! project may ask the provider for), `webhook` (the per-project callback token and the
//! webhook), `poll` (the poller's cadence and round), `follow` (the state machine both the
//! poller and the webhook run) and `ingest` (a completed project's clips stored once).

mod follow;
mod ingest;
mod options;
mod poll;
mod webhook;

use std::time::Duration;

use renum_db::enums::VideoStatus;
use renum_db::ids::{ClipProjectId, OrganizationId, VideoId};
use renum_db::models::{ClipProjectInsert, ClipProjectRow, ClipProjectUpdate, VideoRow};
use renum_db::sql_types::Timestamp;
use renum_db::{Access, Conn, Db, OrgScope};

use super::auth::Caller;
use super::crypto::MasterKey;
use super::{AppError, videos};
use crate::metrics::ClipMetrics;
use crate::opusclip::{ApiKey, Credentials, ErrorKind, OpusClipClient, OpusClipError};

pub use options::ClipOptions;
pub use poll::PollConfig;

/// What following a project did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    /// Still running (or the poll failed and is retried later).
    Running,
    /// Completed now; `stored` clips were new (0 when another ingestion stored them).
    Completed { clips: usize, stored: usize },
    /// Failed now, with the reason.
    Failed(String),
    /// Already concluded by someone else.
    Concluded,
}

/// The pipeline's dependencies; cheap to clone.
#[derive(Clone)]
pub struct ClipService {
    pub client: OpusClipClient,
    pub master_key: MasterKey,
    /// renum's public base URL (`https://renum.example`); when set, projects ask the provider
    /// to call `/v1/webhooks/opusclip` on conclusion.
    pub public_url: Option<String>,
    pub poll: PollConfig,
    /// Where follows are counted (the server's registry in `renum serve`).
    pub metrics: ClipMetrics,
}

/// The time `d` from now: when a project comes due.
fn now_plus(d: Duration) -> Timestamp {
    Timestamp::from(Timestamp::now().as_datetime() + d)
}

impl ClipService {
    /// The organization's OpusClip key, decrypted; `None` when none is configured.
    async fn credentials(
        &self,
        db: &Db,
        org: OrganizationId,
    ) -> Result<Option<Credentials>, AppError> {
        let scope = OrgScope::trusted(org);
        let row = db.conn().await?.organization(&scope).get().await?;
        let Some(ciphertext) = row.opusclip_api_key_ciphertext else {
            return Ok(None);
        };
        let key = self.master_key.decrypt(&ciphertext, org.0.as_bytes())?;
        let key =
            String::from_utf8(key).map_err(|_| anyhow::anyhow!("the stored key is not UTF-8"))?;
        Ok(Some(Credentials {
            key: ApiKey::new(key),
            organization: Some(org),
        }))
    }

    /// `POST /v1/videos/{id}/clip-projects`: the row, the provider's project, the video in
    /// `processing`. A provider refusal fails the row and the video and is returned.
    pub async fn start(
        &self,
        db: &Db,
        caller: &Caller,
        video_id: VideoId,
        options: ClipOptions,
    ) -> Result<ClipProjectRow, AppError> {
        options.validate()?;
        let video = videos::get(&mut db.conn().await?, caller, video_id).await?;
        // Checked again: a row may predate the outbound rule.
        let outbound = self.client.config().outbound;
        let source = [&video.video_raw_url, &video.video_processed_url]
            .into_iter()
            .flatten()
            .find(|u| outbound.check(u).is_ok())
            .cloned()
            .ok_or_else(|| {
                AppError::conflict(
                    "no_source_url",
                    "the video has no public http(s) video_raw_url or video_processed_url for OpusClip to fetch",
                )
            })?;
        if video.status == VideoStatus::Processing
            || !videos::may_transition(video.status, VideoStatus::Processing)
        {
            return Err(AppError::conflict(
                "illegal_transition",
                format!(
                    "a {} video cannot be sent for clipping (draft or failed only)",
                    video.status
                ),
            ));
        }
        let org = caller.scope.organization_id();
        let Some(creds) = self.credentials(db, org).await? else {
            return Err(AppError::conflict(
                "opusclip_not_configured",
                "the organization has no OpusClip API key: an owner or admin sets it with \
                 PUT /v1/organization/integrations/opusclip {\"api_key\": \"...\"}",
            ));
        };
        let id = ClipProjectId::new();
        let options_json = serde_json::to_value(&options).expect("options serialize");
        let mut tx = db.begin().await?;
        let moved = tx
            .videos(&caller.scope)
            .set_status_from(video_id, video.status, VideoStatus::Processing)
            .await?;
        if !moved {
            return Err(AppError::conflict(
                "illegal_transition",
                "the video changed status meanwhile; try again",
            ));
        }
        tx.clip_projects(&caller.scope)
            .insert(&ClipProjectInsert {
                id,
                video_id,
                opusclip_project_id: None,
                stage: None,
                options: sqlx::types::Json(options_json),
                // Should this process die before the provider answers, the poller finds the
                // row after the lease and fails it.
                next_poll_at: Some(now_plus(self.poll.lease)),
            })
            .await?;
        tx.commit().await?;

        let command = options.command(source, self.callback_url(id));
        match self.client.create_project(&creds, &command).await {
            Ok(project) => {
                let update = ClipProjectUpdate {
                    opusclip_project_id: Some(Some(project.project_id.clone())),
                    stage: Some(Some(project.stage.to_string())),
                    next_poll_at: Some(Some(now_plus(self.poll.interval))),
                    ..ClipProjectUpdate::default()
                };
                Ok(db
                    .conn()
                    .await?
                    .clip_projects(&caller.scope)
                    .update(id, &update)
                    .await?)
            }
            Err(err) => {
                follow::fail(db, &caller.scope, id, video_id, None, &err.to_string()).await?;
                Err(provider_error(err))
            }
        }
    }

    pub async fn get(
        &self,
        conn: &mut Conn,
        caller: &Caller,
        id: ClipProjectId,
    ) -> Result<ClipProjectRow, AppError> {
        Ok(conn.clip_projects(&caller.scope).get(id).await?)
    }

    /// A video's clip projects, newest first (404 for an unknown video): where a failed
    /// video's reason is.
    pub async fn projects_of(
        &self,
        conn: &mut Conn,
        caller: &Caller,
        video_id: VideoId,
    ) -> Result<Vec<ClipProjectRow>, AppError> {
        conn.videos(&caller.scope).get(video_id).await?;
        Ok(conn
            .clip_projects(&caller.scope)
            .list_for_video(video_id)
            .await?)
    }

    /// A source video's clips in the provider's order (404 for an unknown video).
    pub async fn clips(
        &self,
        conn: &mut Conn,
        caller: &Caller,
        video_id: VideoId,
    ) -> Result<Vec<VideoRow>, AppError> {
        conn.videos(&caller.scope).get(video_id).await?;
        Ok(conn
            .videos(&caller.scope)
            .list_clips(video_id, 1000)
            .await?)
    }
}

/// A provider failure as the API answers it.
fn provider_error(err: OpusClipError) -> AppError {
    match err.kind {
        ErrorKind::BadKey { .. } => AppError::conflict(
            "opusclip_key_rejected",
            format!("{err}; set a valid key with PUT /v1/organization/integrations/opusclip"),
        ),
        ErrorKind::OutOfCredits => AppError::conflict("opusclip_out_of_credits", err.to_string()),
        _ => AppError::conflict("opusclip_unavailable", err.to_string()),
    }
}
