//! `/v1/auth/*`: signup, signin, signout.

use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa::ToSchema;

use crate::app::auth::{Caller, ClientMeta, SignupInput};
use crate::http::AppState;
use crate::http::dto::{JsonObject, SignedInResponse};
use crate::http::error::{ApiError, ErrorBody};
use crate::http::extract::ApiJson;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignupRequest {
    /// An email address, at most 254 bytes once trimmed.
    #[schema(pattern = r"^\s*[^\s@]+@[^\s@.][^\s@]*\.[^\s@]*[^\s@.]\s*$")]
    email: String,
    /// 8 to 128 characters, not one of the most common passwords.
    #[schema(min_length = 8, max_length = 128)]
    password: String,
    /// 1 to 200 characters once trimmed, no control characters.
    #[schema(
        min_length = 1,
        pattern = r"^\s*[^\u0000-\u001f\u007f-\u009f]*[^\s\u0000-\u001f\u007f-\u009f][^\u0000-\u001f\u007f-\u009f]*\s*$"
    )]
    full_name: String,
    /// 1 to 200 characters once trimmed, no control characters.
    #[schema(
        min_length = 1,
        pattern = r"^\s*[^\u0000-\u001f\u007f-\u009f]*[^\s\u0000-\u001f\u007f-\u009f][^\u0000-\u001f\u007f-\u009f]*\s*$"
    )]
    organization_name: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SigninRequest {
    email: String,
    password: String,
}

/// Creates an organization, its owner and a session, in one transaction.
#[utoipa::path(post, path = "/v1/auth/signup", operation_id = "signUp", tag = "auth", request_body = SignupRequest,
    responses((status = 201, body = SignedInResponse), (status = 400, body = ErrorBody),
              (status = 409, description = "email_taken", body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn signup(
    State(state): State<AppState>,
    meta: ClientMeta,
    ApiJson(JsonObject(req)): ApiJson<JsonObject<SignupRequest>>,
) -> Result<(StatusCode, axum::Json<SignedInResponse>), ApiError> {
    let input = SignupInput {
        email: req.email,
        password: req.password,
        full_name: req.full_name,
        organization_name: req.organization_name,
    };
    let signed_in = state.auth.signup(input, &meta).await?;
    Ok((StatusCode::CREATED, axum::Json(signed_in.into())))
}

/// Signs in; the same 401 for an unknown email and a wrong password.
#[utoipa::path(post, path = "/v1/auth/signin", operation_id = "signIn", tag = "auth", request_body = SigninRequest,
    responses((status = 200, body = SignedInResponse), (status = 401, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn signin(
    State(state): State<AppState>,
    meta: ClientMeta,
    ApiJson(JsonObject(req)): ApiJson<JsonObject<SigninRequest>>,
) -> Result<axum::Json<SignedInResponse>, ApiError> {
    let signed_in = state.auth.signin(&req.email, req.password, &meta).await?;
    Ok(axum::Json(signed_in.into()))
}

/// Revokes the current session.
#[utoipa::path(post, path = "/v1/auth/signout", operation_id = "signOut", tag = "auth", security(("bearer" = [])),
    responses((status = 204), (status = 401, body = ErrorBody)))]
pub async fn signout(
    State(state): State<AppState>,
    caller: Caller,
    meta: ClientMeta,
) -> Result<StatusCode, ApiError> {
    state.auth.signout(&caller, &meta).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Revokes every session of the current user.
#[utoipa::path(post, path = "/v1/auth/signout-all", operation_id = "signOutAll", tag = "auth", security(("bearer" = [])),
    responses((status = 204), (status = 401, body = ErrorBody)))]
pub async fn signout_all(
    State(state): State<AppState>,
    caller: Caller,
    meta: ClientMeta,
) -> Result<StatusCode, ApiError> {
    state.auth.signout_all(&caller, &meta).await?;
    Ok(StatusCode::NO_CONTENT)
}
