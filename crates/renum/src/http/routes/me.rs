//! `GET /v1/me`.

use crate::app::auth;
use crate::http::dto::Me;
use crate::http::error::{ApiError, ErrorBody};
use crate::http::extract::Reader;

/// The current user with its organization, in one query, with no secret fields.
#[utoipa::path(get, path = "/v1/me", operation_id = "getMe", tag = "auth", security(("bearer" = [])),
    responses((status = 200, body = Me), (status = 401, body = ErrorBody)))]
pub async fn me(Reader { caller, mut conn }: Reader) -> Result<axum::Json<Me>, ApiError> {
    Ok(axum::Json(auth::me(&mut conn, &caller).await?.into()))
}
