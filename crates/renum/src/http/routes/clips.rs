//! The clip pipeline: `/v1/videos/{id}/clip-projects`, `/v1/videos/{id}/clips`,
//! `/v1/clip-projects/{id}` and the provider's callback `/v1/webhooks/opusclip`.

use axum::extract::State;
use axum::http::StatusCode;
use renum_db::ids::{ClipProjectId, VideoId};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::app::auth::Caller;
use crate::app::clips::{ClipOptions, Step};
use crate::http::AppState;
use crate::http::dto::{ClipProject, JsonObject, Video};
use crate::http::error::{ApiError, ErrorBody};
use crate::http::extract::{ApiJson, ApiPath, ApiQuery, Reader};
use crate::http::schema;

/// Sends the video to OpusClip: the video needs an http(s) source URL and must be a draft
/// (or failed); the organization needs an OpusClip key. The video becomes `processing`; the
/// clips arrive when the project completes (poller or webhook).
#[utoipa::path(post, path = "/v1/videos/{id}/clip-projects", operation_id = "createClipProject", tag = "clips", security(("bearer" = [])),
    params(("id" = String, Path, description = "source video id")), request_body = ClipOptions,
    responses((status = 201, body = ClipProject), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 409, description = "opusclip_not_configured, no_source_url, illegal_transition, opusclip_key_rejected, opusclip_out_of_credits, opusclip_unavailable", body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<VideoId>,
    ApiJson(JsonObject(options)): ApiJson<JsonObject<ClipOptions>>,
) -> Result<(StatusCode, axum::Json<ClipProject>), ApiError> {
    let row = state.clips.start(&state.db, &caller, id, options).await?;
    Ok((StatusCode::CREATED, axum::Json(row.into())))
}

#[derive(Serialize, ToSchema)]
pub struct ClipProjectList {
    pub items: Vec<ClipProject>,
}

/// A video's clip projects, newest first; a failed one's `last_error` says why the video
/// failed.
#[utoipa::path(get, path = "/v1/videos/{id}/clip-projects", operation_id = "listClipProjectsOfVideo", tag = "clips", security(("bearer" = [])),
    params(("id" = String, Path, description = "source video id")),
    responses((status = 200, body = ClipProjectList), (status = 404, body = ErrorBody)))]
pub async fn of_video(
    State(state): State<AppState>,
    Reader { caller, mut conn }: Reader,
    ApiPath(id): ApiPath<VideoId>,
) -> Result<axum::Json<ClipProjectList>, ApiError> {
    let rows = state.clips.projects_of(&mut conn, &caller, id).await?;
    Ok(axum::Json(ClipProjectList {
        items: rows.into_iter().map(ClipProject::from).collect(),
    }))
}

/// A clip project and its progress.
#[utoipa::path(get, path = "/v1/clip-projects/{id}", operation_id = "getClipProject", tag = "clips", security(("bearer" = [])),
    params(("id" = String, Path, description = "clip project id")),
    responses((status = 200, body = ClipProject), (status = 404, body = ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    Reader { caller, mut conn }: Reader,
    ApiPath(id): ApiPath<ClipProjectId>,
) -> Result<axum::Json<ClipProject>, ApiError> {
    Ok(axum::Json(
        state.clips.get(&mut conn, &caller, id).await?.into(),
    ))
}

#[derive(Serialize, ToSchema)]
pub struct ClipList {
    pub items: Vec<Video>,
}

/// The clips cut from a video, best score first where the provider gave one, else in the
/// provider's order.
#[utoipa::path(get, path = "/v1/videos/{id}/clips", operation_id = "listClipsOfVideo", tag = "clips", security(("bearer" = [])),
    params(("id" = String, Path, description = "source video id")),
    responses((status = 200, body = ClipList), (status = 404, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    Reader { caller, mut conn }: Reader,
    ApiPath(id): ApiPath<VideoId>,
) -> Result<axum::Json<ClipList>, ApiError> {
    let clips = state.clips.clips(&mut conn, &caller, id).await?;
    Ok(axum::Json(ClipList {
        items: clips.into_iter().map(Video::from).collect(),
    }))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct WebhookQuery {
    /// The clip project the callback URL was made for.
    #[param(value_type = schema::ClipProjectId)]
    project: ClipProjectId,
    /// The project's secret from the callback URL.
    token: String,
}

#[derive(Serialize, ToSchema)]
pub struct WebhookAck {
    /// `running`, `completed`, `failed` or `concluded` (already done before).
    pub outcome: &'static str,
}

/// OpusClip's conclusion callback. The provider documents no signature, so the callback URL
/// renum gave it carries a per-project secret; the body is not trusted: renum asks the
/// provider for the project and ingests it exactly like the poller.
#[utoipa::path(post, path = "/v1/webhooks/opusclip", operation_id = "opusclipWebhook", tag = "clips", params(WebhookQuery),
    responses((status = 200, body = WebhookAck), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn webhook(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<WebhookQuery>,
) -> Result<axum::Json<WebhookAck>, ApiError> {
    let step = state.clips.webhook(&state.db, q.project, &q.token).await?;
    Ok(axum::Json(WebhookAck {
        outcome: match step {
            Step::Running => "running",
            Step::Completed { .. } => "completed",
            Step::Failed(_) => "failed",
            Step::Concluded => "concluded",
        },
    }))
}
