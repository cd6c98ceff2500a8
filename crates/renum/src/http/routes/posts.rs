//! `/v1/posts`: scheduling videos on platforms, and the calendar.
//!
//! Per-platform limits (description characters / hashtags): X 280 / 10, Instagram 2,200 /
//! 30, TikTok 2,200 / 30, LinkedIn 3,000 / 30, Facebook 63,206 / 30, YouTube 5,000 / 15.
//! Timestamps are RFC 3339 with an offset on the way in, UTC (`Z`) on the way out.

use axum::extract::State;
use axum::http::StatusCode;
use renum_db::enums::{Platform, PostStatus};
use renum_db::ids::{PostId, VideoId};
use renum_db::repo::PostFilter;
use renum_db::sql_types::Timestamp;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use crate::app::auth::Caller;
use crate::app::posts::{self, NewPost, PostPatch};
use crate::http::AppState;
use crate::http::cursor;
use crate::http::dto::{JsonObject, Page, Post};
use crate::http::error::{ApiError, ErrorBody};
use crate::http::extract::{ApiJson, ApiPath, ApiQuery, Reader};
use crate::http::schema;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreatePostRequest {
    #[schema(value_type = schema::VideoId)]
    video_id: VideoId,
    #[schema(value_type = schema::Platform)]
    platform: Platform,
    /// At most: X 280, Instagram 2200, TikTok 2200, LinkedIn 3000, Facebook 63206, YouTube
    /// 5000 characters.
    #[serde(default)]
    #[schema(max_length = 63206)]
    description: String,
    /// At most: X 10, YouTube 15, others 30; each one word, `#` optional.
    #[serde(default)]
    #[schema(max_items = 30)]
    hashtags: Vec<String>,
    /// RFC 3339 with offset; in the future when `status` is `scheduled`.
    #[schema(value_type = schema::Timestamp)]
    scheduled_at: Timestamp,
    /// `scheduled` (default) or `draft`.
    #[schema(value_type = Option<schema::PostStatus>)]
    status: Option<PostStatus>,
}

/// Creates a post of a video, `scheduled` or `draft`.
#[utoipa::path(post, path = "/v1/posts", operation_id = "createPost", tag = "posts", security(("bearer" = [])),
    request_body = CreatePostRequest,
    responses((status = 201, body = Post), (status = 400, description = "invalid_field: a platform limit, a past scheduled_at", body = ErrorBody),
              (status = 404, description = "no such video", body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(JsonObject(req)): ApiJson<JsonObject<CreatePostRequest>>,
) -> Result<(StatusCode, axum::Json<Post>), ApiError> {
    let new = NewPost {
        video_id: req.video_id,
        platform: req.platform,
        description: req.description,
        hashtags: req.hashtags,
        scheduled_at: req.scheduled_at,
        status: req.status.unwrap_or(PostStatus::Scheduled),
    };
    let post = posts::create(&state.db, &caller, new).await?;
    Ok((StatusCode::CREATED, axum::Json(post.into())))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PostListQuery {
    /// Window start on scheduled_at, inclusive (RFC 3339 with offset).
    #[param(value_type = Option<String>, format = DateTime)]
    from: Option<Timestamp>,
    /// Window end on scheduled_at, exclusive (RFC 3339 with offset).
    #[param(value_type = Option<String>, format = DateTime)]
    to: Option<Timestamp>,
    #[param(value_type = Option<schema::PostStatus>)]
    status: Option<PostStatus>,
    #[param(value_type = Option<schema::Platform>)]
    platform: Option<Platform>,
    /// 1 to 200, default 50.
    #[param(minimum = 1, maximum = 200)]
    limit: Option<i64>,
    /// `next_cursor` of the previous page.
    cursor: Option<String>,
}

/// The calendar: posts with their videos, latest scheduled_at first (keyset pagination on
/// scheduled_at, id; one SQL statement per page).
#[utoipa::path(get, path = "/v1/posts", operation_id = "listPosts", tag = "posts", security(("bearer" = [])),
    params(PostListQuery), responses((status = 200, body = Page<Post>), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)))]
pub async fn list(
    Reader { caller, mut conn }: Reader,
    ApiQuery(q): ApiQuery<PostListQuery>,
) -> Result<axum::Json<Page<Post>>, ApiError> {
    let after = q
        .cursor
        .as_deref()
        .map(cursor::decode::<PostId>)
        .transpose()?;
    let filter = PostFilter {
        from: q.from,
        to: q.to,
        status: q.status,
        platform: q.platform,
    };
    let page = posts::list(&mut conn, &caller, &filter, after, cursor::limit(q.limit)?).await?;
    Ok(axum::Json(Page {
        next_cursor: page.next.as_ref().map(cursor::encode),
        items: page.items.into_iter().map(Post::from).collect(),
    }))
}

/// One post with its video.
#[utoipa::path(get, path = "/v1/posts/{id}", operation_id = "getPost", tag = "posts", security(("bearer" = [])),
    params(("id" = String, Path, description = "post id")),
    responses((status = 200, body = Post), (status = 404, body = ErrorBody)))]
pub async fn get(
    Reader { caller, mut conn }: Reader,
    ApiPath(id): ApiPath<PostId>,
) -> Result<axum::Json<Post>, ApiError> {
    Ok(axum::Json(posts::get(&mut conn, &caller, id).await?.into()))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PostPatchRequest {
    description: Option<String>,
    hashtags: Option<Vec<String>>,
    #[schema(value_type = Option<schema::Timestamp>)]
    scheduled_at: Option<Timestamp>,
    /// `draft` or `scheduled`.
    #[schema(value_type = Option<schema::PostStatus>)]
    status: Option<PostStatus>,
}

/// Edits a draft or scheduled post; others are a 409 `illegal_transition`.
#[utoipa::path(patch, path = "/v1/posts/{id}", operation_id = "updatePost", tag = "posts", security(("bearer" = [])),
    params(("id" = String, Path, description = "post id")), request_body = PostPatchRequest,
    responses((status = 200, body = Post), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 409, description = "illegal_transition", body = ErrorBody)))]
pub async fn update(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<PostId>,
    ApiJson(JsonObject(req)): ApiJson<JsonObject<PostPatchRequest>>,
) -> Result<axum::Json<Post>, ApiError> {
    let patch = PostPatch {
        description: req.description,
        hashtags: req.hashtags,
        scheduled_at: req.scheduled_at,
        status: req.status,
    };
    Ok(axum::Json(
        posts::update(&state.db, &caller, id, patch).await?.into(),
    ))
}

/// Cancels a draft, scheduled or failed post.
#[utoipa::path(post, path = "/v1/posts/{id}/cancel", operation_id = "cancelPost", tag = "posts", security(("bearer" = [])),
    params(("id" = String, Path, description = "post id")),
    responses((status = 200, body = Post), (status = 404, body = ErrorBody), (status = 409, description = "illegal_transition", body = ErrorBody)))]
pub async fn cancel(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<PostId>,
) -> Result<axum::Json<Post>, ApiError> {
    Ok(axum::Json(
        posts::cancel(&state.db, &caller, id).await?.into(),
    ))
}

/// Schedules a failed post again (due now if its time has passed), attempts reset.
#[utoipa::path(post, path = "/v1/posts/{id}/retry", operation_id = "retryPost", tag = "posts", security(("bearer" = [])),
    params(("id" = String, Path, description = "post id")),
    responses((status = 200, body = Post), (status = 404, body = ErrorBody), (status = 409, description = "illegal_transition", body = ErrorBody)))]
pub async fn retry(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<PostId>,
) -> Result<axum::Json<Post>, ApiError> {
    Ok(axum::Json(
        posts::retry(&state.db, &caller, id).await?.into(),
    ))
}
