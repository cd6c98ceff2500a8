//! `GET /v1/me`.

use axum::extract::State;
use renum_db::models::UserWithOrganization;

use crate::app::auth::Caller;
use crate::http::AppState;
use crate::http::error::{ApiError, ErrorBody};

/// The current user with its organization, in one query, with no secret fields.
#[utoipa::path(get, path = "/v1/me", tag = "auth", security(("bearer" = [])),
    responses((status = 200, body = UserWithOrganization), (status = 401, body = ErrorBody)))]
pub async fn me(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<axum::Json<UserWithOrganization>, ApiError> {
    Ok(axum::Json(state.auth.me(&caller).await?))
}
