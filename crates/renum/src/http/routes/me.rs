//! `/v1/me`: the current user, and its own sessions.

use axum::extract::State;
use axum::http::StatusCode;
use renum_db::ids::SessionId;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use crate::app::auth::{self, Caller, ClientMeta, ProfilePatch};
use crate::http::AppState;
use crate::http::cursor;
use crate::http::dto::{JsonObject, Me, MySession, Page};
use crate::http::error::{ApiError, ErrorBody};
use crate::http::extract::{ApiJson, ApiPath, ApiQuery, Reader};

/// The current user with its organization, in one query, with no secret fields.
#[utoipa::path(get, path = "/v1/me", operation_id = "getMe", tag = "auth", security(("bearer" = [])),
    responses((status = 200, body = Me), (status = 401, body = ErrorBody)))]
pub async fn me(Reader { caller, mut conn }: Reader) -> Result<axum::Json<Me>, ApiError> {
    Ok(axum::Json(auth::me(&mut conn, &caller).await?.into()))
}

/// The profile fields a user may change. Not the email: changing it needs the new address
/// verified, which this route does not do (an unknown field, `email` included, is a 400).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MePatchRequest {
    /// 1 to 200 characters once trimmed, no control characters.
    #[schema(
        min_length = 1,
        pattern = r"^\s*[^\u0000-\u001f\u007f-\u009f]*[^\s\u0000-\u001f\u007f-\u009f][^\u0000-\u001f\u007f-\u009f]*\s*$"
    )]
    full_name: Option<String>,
}

/// Updates the current user's profile, validated as at signup.
#[utoipa::path(patch, path = "/v1/me", operation_id = "updateMe", tag = "auth", security(("bearer" = [])),
    request_body = MePatchRequest,
    responses((status = 200, body = Me), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)))]
pub async fn update(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(JsonObject(req)): ApiJson<JsonObject<MePatchRequest>>,
) -> Result<axum::Json<Me>, ApiError> {
    let patch = ProfilePatch {
        full_name: req.full_name,
    };
    Ok(axum::Json(
        auth::update_me(&state.db, &caller, patch).await?.into(),
    ))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SessionsQuery {
    /// 1 to 200, default 50.
    #[param(minimum = 1, maximum = 200)]
    limit: Option<i64>,
    /// `next_cursor` of the previous page.
    cursor: Option<String>,
}

/// The current user's live sessions, newest first (keyset pagination); the one this request
/// uses is marked `current`.
#[utoipa::path(get, path = "/v1/me/sessions", operation_id = "listMySessions", tag = "auth", security(("bearer" = [])),
    params(SessionsQuery),
    responses((status = 200, body = Page<MySession>), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)))]
pub async fn sessions(
    State(state): State<AppState>,
    Reader { caller, mut conn }: Reader,
    ApiQuery(q): ApiQuery<SessionsQuery>,
) -> Result<axum::Json<Page<MySession>>, ApiError> {
    let after = q.cursor.as_deref().map(cursor::decode).transpose()?;
    let page = state
        .auth
        .my_sessions(&mut conn, &caller, after, cursor::limit(q.limit)?)
        .await?;
    Ok(axum::Json(Page {
        next_cursor: page.next.as_ref().map(cursor::encode),
        items: page
            .items
            .into_iter()
            .map(|s| MySession::of(s, caller.session_id))
            .collect(),
    }))
}

/// Revokes one of the current user's sessions; revoking the current one signs out. Another
/// user's session is 404, like a missing one.
#[utoipa::path(delete, path = "/v1/me/sessions/{id}", operation_id = "revokeMySession", tag = "auth", security(("bearer" = [])),
    params(("id" = String, Path, description = "session id")),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn revoke_session(
    State(state): State<AppState>,
    caller: Caller,
    meta: ClientMeta,
    ApiPath(id): ApiPath<SessionId>,
) -> Result<StatusCode, ApiError> {
    state.auth.revoke_my_session(&caller, id, &meta).await?;
    Ok(StatusCode::NO_CONTENT)
}
