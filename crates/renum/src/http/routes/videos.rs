//! `/v1/videos`: the organization's video library.

use axum::extract::State;
use axum::http::StatusCode;
use renum_db::enums::{ModuleType, VideoStatus};
use renum_db::ids::VideoId;
use renum_db::repo::VideoFilter;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use crate::app::auth::Caller;
use crate::app::videos::{self, NewVideo, VideoPatch};
use crate::http::AppState;
use crate::http::cursor;
use crate::http::dto::{JsonObject, Page, Video, present};
use crate::http::error::{ApiError, ErrorBody};
use crate::http::extract::{ApiJson, ApiPath, ApiQuery, Reader};
use crate::http::schema;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateVideoRequest {
    /// 1 to 300 characters (trimmed), no control characters.
    #[schema(
        min_length = 1,
        pattern = r"^\s*[^\u0000-\u001f\u007f-\u009f]*[^\s\u0000-\u001f\u007f-\u009f][^\u0000-\u001f\u007f-\u009f]*\s*$"
    )]
    title: String,
    script: Option<String>,
    /// An absolute http(s) URL of a public host (loopback and private networks only with
    /// `--allow-private-urls`).
    video_raw_url: Option<String>,
    /// An absolute http(s) URL of a public host (loopback and private networks only with
    /// `--allow-private-urls`).
    thumbnail_url: Option<String>,
    #[schema(value_type = Option<schema::ModuleType>)]
    module_type: Option<ModuleType>,
}

/// Creates a video in `draft`.
#[utoipa::path(post, path = "/v1/videos", operation_id = "createVideo", tag = "videos", security(("bearer" = [])),
    request_body = CreateVideoRequest,
    responses((status = 201, body = Video), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(JsonObject(req)): ApiJson<JsonObject<CreateVideoRequest>>,
) -> Result<(StatusCode, axum::Json<Video>), ApiError> {
    let new = NewVideo {
        title: req.title,
        script: req.script,
        video_raw_url: req.video_raw_url,
        thumbnail_url: req.thumbnail_url,
        module_type: req.module_type,
    };
    let video = videos::create(&state.db, &caller, state.outbound, new).await?;
    Ok((StatusCode::CREATED, axum::Json(video.into())))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct VideoListQuery {
    #[param(value_type = Option<schema::VideoStatus>)]
    status: Option<VideoStatus>,
    #[param(value_type = Option<schema::ModuleType>)]
    module_type: Option<ModuleType>,
    /// 1 to 200, default 50.
    #[param(minimum = 1, maximum = 200)]
    limit: Option<i64>,
    /// `next_cursor` of the previous page.
    cursor: Option<String>,
}

/// The library, newest first (keyset pagination on created_at, id).
#[utoipa::path(get, path = "/v1/videos", operation_id = "listVideos", tag = "videos", security(("bearer" = [])),
    params(VideoListQuery), responses((status = 200, body = Page<Video>), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)))]
pub async fn list(
    Reader { caller, mut conn }: Reader,
    ApiQuery(q): ApiQuery<VideoListQuery>,
) -> Result<axum::Json<Page<Video>>, ApiError> {
    let after = q
        .cursor
        .as_deref()
        .map(cursor::decode::<VideoId>)
        .transpose()?;
    let filter = VideoFilter {
        status: q.status,
        module_type: q.module_type,
    };
    let page = videos::list(&mut conn, &caller, &filter, after, cursor::limit(q.limit)?).await?;
    Ok(axum::Json(Page {
        next_cursor: page.next.as_ref().map(cursor::encode),
        items: page.items.into_iter().map(Video::from).collect(),
    }))
}

/// One video.
#[utoipa::path(get, path = "/v1/videos/{id}", operation_id = "getVideo", tag = "videos", security(("bearer" = [])),
    params(("id" = String, Path, description = "video id")),
    responses((status = 200, body = Video), (status = 404, body = ErrorBody)))]
pub async fn get(
    Reader { caller, mut conn }: Reader,
    ApiPath(id): ApiPath<VideoId>,
) -> Result<axum::Json<Video>, ApiError> {
    Ok(axum::Json(
        videos::get(&mut conn, &caller, id).await?.into(),
    ))
}

/// Absent fields stay; `null` clears a nullable field.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VideoPatchRequest {
    /// 1 to 300 characters once trimmed, no control characters.
    #[schema(
        min_length = 1,
        pattern = r"^\s*[^\u0000-\u001f\u007f-\u009f]*[^\s\u0000-\u001f\u007f-\u009f][^\u0000-\u001f\u007f-\u009f]*\s*$"
    )]
    title: Option<String>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    script: Option<Option<String>>,
    /// An absolute http(s) URL of a public host (loopback and private networks only with
    /// `--allow-private-urls`).
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    video_raw_url: Option<Option<String>>,
    /// An absolute http(s) URL of a public host (loopback and private networks only with
    /// `--allow-private-urls`).
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    video_processed_url: Option<Option<String>>,
    /// An absolute http(s) URL of a public host (loopback and private networks only with
    /// `--allow-private-urls`).
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    thumbnail_url: Option<Option<String>>,
    /// draft → processing → ready → posted; any → failed; failed → processing.
    #[schema(value_type = Option<schema::VideoStatus>)]
    status: Option<VideoStatus>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<f64>, minimum = 0)]
    duration_seconds: Option<Option<f64>>,
}

/// Edits a video; an illegal status change is a 409 `illegal_transition` naming both states.
#[utoipa::path(patch, path = "/v1/videos/{id}", operation_id = "updateVideo", tag = "videos", security(("bearer" = [])),
    params(("id" = String, Path, description = "video id")), request_body = VideoPatchRequest,
    responses((status = 200, body = Video), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 409, description = "illegal_transition", body = ErrorBody)))]
pub async fn update(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<VideoId>,
    ApiJson(JsonObject(req)): ApiJson<JsonObject<VideoPatchRequest>>,
) -> Result<axum::Json<Video>, ApiError> {
    let patch = VideoPatch {
        title: req.title,
        script: req.script,
        video_raw_url: req.video_raw_url,
        video_processed_url: req.video_processed_url,
        thumbnail_url: req.thumbnail_url,
        status: req.status,
        duration_seconds: req.duration_seconds,
    };
    Ok(axum::Json(
        videos::update(&state.db, &caller, state.outbound, id, patch)
            .await?
            .into(),
    ))
}

/// Deletes a video with its draft, failed and cancelled posts; 409 `video_has_posts` while
/// any post of it is scheduled, publishing or published.
#[utoipa::path(delete, path = "/v1/videos/{id}", operation_id = "deleteVideo", tag = "videos", security(("bearer" = [])),
    params(("id" = String, Path, description = "video id")),
    responses((status = 204), (status = 404, body = ErrorBody), (status = 409, description = "video_has_posts", body = ErrorBody)))]
pub async fn delete(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<VideoId>,
) -> Result<StatusCode, ApiError> {
    videos::delete(&state.db, &caller, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
