//! `/v1/me`: the current user, and its own sessions.

use axum::extract::State;
use axum::http::StatusCode;
use renum_db::ids::SessionId;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::app::auth::{self, Caller, ClientMeta};
use crate::http::AppState;
use crate::http::cursor;
use crate::http::dto::{Me, MySession, Page};
use crate::http::error::{ApiError, ErrorBody};
use crate::http::extract::{ApiPath, ApiQuery, Reader};

/// The current user with its organization, in one query, with no secret fields.
#[utoipa::path(get, path = "/v1/me", operation_id = "getMe", tag = "auth", security(("bearer" = [])),
    responses((status = 200, body = Me), (status = 401, body = ErrorBody)))]
pub async fn me(Reader { caller, mut conn }: Reader) -> Result<axum::Json<Me>, ApiError> {
    Ok(axum::Json(auth::me(&mut conn, &caller).await?.into()))
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
