//! The clip pipeline: a source video becomes an OpusClip project, the project is followed
//! until it concludes (the poller, or the provider's webhook), and a completed project's
//! clips are ingested as `clip` videos of the source.
//!
//! Poller and webhook run the same [`ClipService::follow`]: it asks the provider for the
//! project's stage (the webhook's body is not trusted), then advances, completes or fails the
//! row. Completion inserts every clip with `ON CONFLICT DO NOTHING` and marks the project and
//! the source in the same transaction, guarded by `status = 'processing'`, so a webhook and a
//! poll racing on one project store each clip once and conclude it once.

use std::time::Duration;

use renum_db::enums::{ClipProjectStatus, VideoStatus};
use renum_db::ids::{ClipProjectId, OrganizationId, VideoId};
use renum_db::models::{
    ClipInsert, ClipProjectInsert, ClipProjectRow, ClipProjectUpdate, VideoRow,
};
use renum_db::sql_types::{StringList, Timestamp};
use renum_db::{Access, Conn, Db, OrgScope};
use serde::{Deserialize, Serialize};

use super::auth::Caller;
use super::crypto::MasterKey;
use super::{AppError, validate, videos};
use crate::metrics::{ClipMetrics, FollowVia};
use crate::opusclip::types::{
    AspectRatio, CLIP_DURATIONS, ConclusionAction, ConclusionActionType, CurationPref, GENRES,
    ImportPref, RenderPref,
};
use crate::opusclip::{
    ApiKey, CreateClipProject, Credentials, ErrorKind, ExportableClip, OpusClipClient,
    OpusClipError, Stage,
};

/// The webhook token's purpose in [`MasterKey::mac`].
const WEBHOOK_PURPOSE: &str = "opusclip-webhook";

/// How projects are followed.
#[derive(Clone, Debug)]
pub struct PollConfig {
    /// The first poll after creation, and the shortest gap between polls.
    pub interval: Duration,
    /// The longest gap between polls of an old project.
    pub max_interval: Duration,
    /// A project processing longer than this is failed as stalled.
    pub give_up_after: Duration,
    /// A claimed project comes due again after this if its poller died.
    pub lease: Duration,
    /// Projects claimed per round.
    pub batch: i64,
}

impl PollConfig {
    /// The gap before the next poll of a project of age `age`: an eighth of its age, within
    /// `interval..=max_interval`, so young projects are watched closely and old ones cost
    /// few requests of the key's 30 a minute.
    pub fn next_gap(&self, age: Duration) -> Duration {
        (age / 8).clamp(self.interval, self.max_interval.max(self.interval))
    }
}

/// The options of a clip project, as the API takes them and the row stores them.
#[derive(Clone, Debug, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClipOptions {
    /// Clip length range in seconds: one of [0,90], [0,30], [30,60], [60,90], [90,180].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clip_duration: Option<[u32; 2]>,
    /// `portrait`, `landscape` or `square`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>)]
    pub aspect_ratio: Option<AspectRatio>,
    /// ISO-639 code of the spoken language, or `auto`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    /// Topics the clips should be about.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub keywords: Vec<String>,
    /// The provider's curation genre (`Auto`, `Podcast`, `Q&A`, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub genre: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub brand_template_id: Option<String>,
}

impl ClipOptions {
    fn validate(&self) -> Result<(), AppError> {
        if let Some(range) = self.clip_duration
            && !CLIP_DURATIONS.contains(&range)
        {
            return Err(AppError::invalid(
                "clip_duration",
                "must be one of [0,90], [0,30], [30,60], [60,90], [90,180]",
            ));
        }
        if let Some(lang) = &self.language
            && !(lang == "auto"
                || ((2..=3).contains(&lang.len()) && lang.chars().all(|c| c.is_ascii_lowercase())))
        {
            return Err(AppError::invalid(
                "language",
                "must be an ISO-639 code or auto",
            ));
        }
        for keyword in &self.keywords {
            validate::line("keywords", keyword.as_str())?;
        }
        validate::line("brand_template_id", self.brand_template_id.as_deref())?;
        if self.keywords.len() > 20
            || self
                .keywords
                .iter()
                .any(|k| k.trim().is_empty() || k.len() > 100)
        {
            return Err(AppError::invalid(
                "keywords",
                "at most 20 keywords of 1 to 100 characters",
            ));
        }
        if let Some(genre) = &self.genre
            && !GENRES.contains(&genre.as_str())
        {
            return Err(AppError::invalid(
                "genre",
                format!("must be one of {GENRES:?}"),
            ));
        }
        if let Some(t) = &self.brand_template_id
            && (t.trim().is_empty() || t.len() > 200)
        {
            return Err(AppError::invalid(
                "brand_template_id",
                "must be 1 to 200 characters",
            ));
        }
        Ok(())
    }

    fn command(&self, video_url: String, callback: Option<String>) -> CreateClipProject {
        let curation = CurationPref {
            clip_durations: self.clip_duration.into_iter().collect(),
            topic_keywords: self.keywords.clone(),
            genre: self.genre.clone(),
            ..Default::default()
        };
        CreateClipProject {
            video_url,
            conclusion_actions: callback
                .map(|url| ConclusionAction {
                    kind: ConclusionActionType::Webhook,
                    notify_failure: Some(true),
                    email: None,
                    url: Some(url),
                })
                .into_iter()
                .collect(),
            curation_pref: (curation != CurationPref::default()).then_some(curation),
            import_pref: self.language.clone().map(|l| ImportPref {
                source_lang: Some(l),
                ..Default::default()
            }),
            render_pref: self.aspect_ratio.map(|a| RenderPref {
                layout_aspect_ratio: Some(a),
                ..Default::default()
            }),
            brand_template_id: self.brand_template_id.clone(),
        }
    }
}

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

fn now_plus(d: Duration) -> Timestamp {
    Timestamp::from(Timestamp::now().as_datetime() + d)
}

fn age(row: &ClipProjectRow) -> Duration {
    (Timestamp::now().as_datetime() - row.created_at.as_datetime())
        .to_std()
        .unwrap_or_default()
}

impl ClipService {
    /// The secret of a project's callback URL.
    pub fn webhook_token(&self, project: ClipProjectId) -> String {
        hex::encode(self.master_key.mac(WEBHOOK_PURPOSE, project.0.as_bytes()))
    }

    fn callback_url(&self, project: ClipProjectId) -> Option<String> {
        self.public_url.as_ref().map(|base| {
            format!(
                "{}/v1/webhooks/opusclip?project={project}&token={}",
                base.trim_end_matches('/'),
                self.webhook_token(project)
            )
        })
    }

    /// Whether `token` is the secret of `project` (constant time).
    pub fn verify_webhook(&self, project: ClipProjectId, token: &str) -> bool {
        let expected = self.webhook_token(project);
        expected.len() == token.len()
            && expected
                .bytes()
                .zip(token.bytes())
                .fold(0u8, |acc, (a, b)| acc | (a ^ b))
                == 0
    }

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
                self.fail(db, &caller.scope, id, video_id, None, &err.to_string())
                    .await?;
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

    /// The webhook: a verified callback makes the project followed now.
    pub async fn webhook(
        &self,
        db: &Db,
        project: ClipProjectId,
        token: &str,
    ) -> Result<Step, AppError> {
        if !self.verify_webhook(project, token) {
            return Err(AppError::Unauthorized(
                "the callback token does not match the project",
            ));
        }
        let row = db.conn().await?.clip_poller().find(project).await?;
        let Some((_, row)) = row else {
            return Err(AppError::NotFound);
        };
        let step = self.follow(db, row).await;
        self.metrics
            .followed(FollowVia::Webhook, step.as_ref().ok());
        step
    }

    /// One round of the poller: claims due projects and follows each.
    pub async fn poll_once(&self, db: &Db) -> Result<Vec<(ClipProjectId, Step)>, AppError> {
        let now = Timestamp::now();
        let mut tx = db.begin().await?;
        let claimed = tx
            .clip_poller()
            .claim(now, self.poll.batch, now_plus(self.poll.lease))
            .await?;
        tx.commit().await?;
        let mut steps = Vec::with_capacity(claimed.len());
        for row in claimed {
            let id = row.id;
            let step = self.follow(db, row).await;
            self.metrics.followed(FollowVia::Poller, step.as_ref().ok());
            let step = match step {
                Ok(step) => step,
                Err(err) => {
                    tracing::error!(clip_project_id = %id, error = %err, "following a clip project failed");
                    continue;
                }
            };
            steps.push((id, step));
        }
        Ok(steps)
    }

    /// Asks the provider where the project is and records it: the poll and the webhook.
    pub async fn follow(&self, db: &Db, row: ClipProjectRow) -> Result<Step, AppError> {
        if row.status != ClipProjectStatus::Processing {
            return Ok(Step::Concluded);
        }
        let scope = OrgScope::trusted(row.organization_id);
        let Some(provider_id) = row.opusclip_project_id.clone() else {
            let reason =
                "the provider never acknowledged the project (renum stopped while creating it)";
            return self.conclude_failed(db, &scope, &row, None, reason).await;
        };
        if age(&row) > self.poll.give_up_after {
            let reason = format!(
                "stalled: the provider did not conclude the project within {}",
                humantime::format_duration(self.poll.give_up_after)
            );
            return self
                .conclude_failed(db, &scope, &row, row.stage.as_deref(), &reason)
                .await;
        }
        let Some(creds) = self.credentials(db, row.organization_id).await? else {
            return self
                .retry_later(
                    db,
                    &scope,
                    &row,
                    None,
                    "the organization's OpusClip key was removed",
                )
                .await;
        };
        let project = match self.client.get_project(&creds, &provider_id).await {
            Ok(project) => project,
            Err(OpusClipError {
                kind: ErrorKind::NotFound,
                ..
            }) => {
                let reason = "the provider no longer knows the project";
                return self
                    .conclude_failed(db, &scope, &row, row.stage.as_deref(), reason)
                    .await;
            }
            Err(err) => {
                return self
                    .retry_later(db, &scope, &row, None, &err.to_string())
                    .await;
            }
        };
        match project.stage {
            Stage::Complete => {
                let clips = match self.client.all_clips(&creds, &provider_id).await {
                    Ok(clips) => clips,
                    Err(err) => {
                        return self
                            .retry_later(db, &scope, &row, Some("COMPLETE"), &err.to_string())
                            .await;
                    }
                };
                self.ingest(db, &scope, &row, &clips).await
            }
            Stage::Stalled => {
                let reason = project
                    .error
                    .clone()
                    .filter(|e| !e.trim().is_empty())
                    .unwrap_or_else(|| "the provider stalled the project".to_owned());
                self.conclude_failed(db, &scope, &row, Some("STALLED"), &reason)
                    .await
            }
            stage => {
                let next = now_plus(self.poll.next_gap(age(&row)));
                db.conn()
                    .await?
                    .clip_projects(&scope)
                    .advance(row.id, Some(stage.as_str()), next, None)
                    .await?;
                Ok(Step::Running)
            }
        }
    }

    async fn retry_later(
        &self,
        db: &Db,
        scope: &OrgScope,
        row: &ClipProjectRow,
        stage: Option<&str>,
        error: &str,
    ) -> Result<Step, AppError> {
        tracing::warn!(clip_project_id = %row.id, error, "clip project poll failed; retried later");
        let next = now_plus(self.poll.next_gap(age(row)));
        db.conn()
            .await?
            .clip_projects(scope)
            .advance(row.id, stage, next, Some(error))
            .await?;
        Ok(Step::Running)
    }

    /// Stores the clips, completes the project and readies the source, in one transaction.
    async fn ingest(
        &self,
        db: &Db,
        scope: &OrgScope,
        row: &ClipProjectRow,
        clips: &[ExportableClip],
    ) -> Result<Step, AppError> {
        let mut tx = db.begin().await?;
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

    async fn conclude_failed(
        &self,
        db: &Db,
        scope: &OrgScope,
        row: &ClipProjectRow,
        stage: Option<&str>,
        reason: &str,
    ) -> Result<Step, AppError> {
        if self
            .fail(db, scope, row.id, row.video_id, stage, reason)
            .await?
        {
            tracing::warn!(clip_project_id = %row.id, reason, "clip project failed");
            Ok(Step::Failed(reason.to_owned()))
        } else {
            Ok(Step::Concluded)
        }
    }

    /// Fails the project and its source video together; false when it had concluded.
    async fn fail(
        &self,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn polls_thin_out_as_a_project_ages() {
        let cfg = PollConfig {
            interval: Duration::from_secs(10),
            max_interval: Duration::from_secs(300),
            give_up_after: Duration::from_secs(3600),
            lease: Duration::from_secs(60),
            batch: 10,
        };
        assert_eq!(cfg.next_gap(Duration::ZERO), Duration::from_secs(10));
        assert_eq!(
            cfg.next_gap(Duration::from_secs(800)),
            Duration::from_secs(100)
        );
        assert_eq!(
            cfg.next_gap(Duration::from_secs(86_400)),
            Duration::from_secs(300)
        );
    }

    #[test]
    fn options_become_the_providers_command() {
        let options = ClipOptions {
            clip_duration: Some([30, 60]),
            aspect_ratio: Some(AspectRatio::Portrait),
            language: Some("en".into()),
            keywords: vec!["pricing".into()],
            genre: Some("Podcast".into()),
            brand_template_id: None,
        };
        options.validate().unwrap();
        let cmd = options.command("https://v.example/a.mp4".into(), Some("https://cb".into()));
        let body = serde_json::to_value(&cmd).unwrap();
        assert_eq!(
            body["curationPref"]["clipDurations"],
            serde_json::json!([[30, 60]])
        );
        assert_eq!(body["importPref"]["sourceLang"], "en");
        assert_eq!(body["renderPref"]["layoutAspectRatio"], "portrait");
        assert_eq!(body["conclusionActions"][0]["type"], "WEBHOOK");
        let bad = ClipOptions {
            clip_duration: Some([10, 20]),
            ..ClipOptions::default()
        };
        assert!(bad.validate().is_err());
    }
}
