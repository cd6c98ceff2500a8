//! The account's credentials by mail: `/v1/auth/password-reset` (request, confirm) and
//! `/v1/me/password` (change); `/v1/auth/verify-email` and `/v1/me/verification-email`
//! (email verification).

use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::app::auth::{Caller, ClientMeta};
use crate::http::AppState;
use crate::http::dto::JsonObject;
use crate::http::error::{ApiError, ErrorBody};
use crate::http::extract::ApiJson;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordResetRequest {
    /// The account's email address.
    email: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordResetConfirm {
    /// The token of the mailed link (after `#token=`).
    token: String,
    /// 8 to 128 characters, not one of the most common passwords.
    #[schema(min_length = 8, max_length = 128)]
    new_password: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordChange {
    current_password: String,
    /// 8 to 128 characters, not one of the most common passwords.
    #[schema(min_length = 8, max_length = 128)]
    new_password: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VerifyEmail {
    /// The token of the mailed link (after `#token=`).
    token: String,
}

/// The answer to a request whose outcome is not disclosed.
#[derive(Serialize, ToSchema)]
pub struct Accepted {
    pub message: &'static str,
}

/// Mails a single-use reset link (valid an hour) if an account uses this address. The answer
/// is the same, in the same time, whether or not one does.
#[utoipa::path(post, path = "/v1/auth/password-reset", operation_id = "requestPasswordReset", tag = "auth",
    request_body = PasswordResetRequest,
    responses((status = 202, body = Accepted), (status = 400, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn request_reset(
    State(state): State<AppState>,
    meta: ClientMeta,
    ApiJson(JsonObject(req)): ApiJson<JsonObject<PasswordResetRequest>>,
) -> Result<(StatusCode, axum::Json<Accepted>), ApiError> {
    state.account.request_reset(&req.email, &meta)?;
    Ok((
        StatusCode::ACCEPTED,
        axum::Json(Accepted {
            message: "if an account uses this address, a reset link is on its way",
        }),
    ))
}

/// Sets a new password with a reset link's token and signs the account out everywhere.
#[utoipa::path(post, path = "/v1/auth/password-reset/confirm", operation_id = "confirmPasswordReset", tag = "auth",
    request_body = PasswordResetConfirm,
    responses((status = 204), (status = 400, description = "invalid_field, or invalid_token: unknown, used, superseded or expired", body = ErrorBody),
              (status = 429, body = ErrorBody)))]
pub async fn confirm_reset(
    State(state): State<AppState>,
    meta: ClientMeta,
    ApiJson(JsonObject(req)): ApiJson<JsonObject<PasswordResetConfirm>>,
) -> Result<StatusCode, ApiError> {
    state
        .account
        .confirm_reset(&req.token, req.new_password, &meta)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Changes the caller's password and signs out every other session of the account.
#[utoipa::path(post, path = "/v1/me/password", operation_id = "changePassword", tag = "auth", security(("bearer" = [])),
    request_body = PasswordChange,
    responses((status = 204), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 403, description = "wrong_password", body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn change_password(
    State(state): State<AppState>,
    caller: Caller,
    meta: ClientMeta,
    ApiJson(JsonObject(req)): ApiJson<JsonObject<PasswordChange>>,
) -> Result<StatusCode, ApiError> {
    state
        .account
        .change_password(&caller, req.current_password, req.new_password, &meta)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Marks the account's email address verified with the mailed link's token.
#[utoipa::path(post, path = "/v1/auth/verify-email", operation_id = "verifyEmail", tag = "auth",
    request_body = VerifyEmail,
    responses((status = 204), (status = 400, description = "invalid_token: unknown, used, superseded or expired", body = ErrorBody),
              (status = 429, body = ErrorBody)))]
pub async fn verify_email(
    State(state): State<AppState>,
    meta: ClientMeta,
    ApiJson(JsonObject(req)): ApiJson<JsonObject<VerifyEmail>>,
) -> Result<StatusCode, ApiError> {
    state.account.verify_email(&req.token, &meta).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Mails a new verification link to the caller's address (the older ones stop working).
#[utoipa::path(post, path = "/v1/me/verification-email", operation_id = "resendVerificationEmail", tag = "auth", security(("bearer" = [])),
    responses((status = 202, body = Accepted), (status = 401, body = ErrorBody),
              (status = 409, description = "already_verified", body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn resend_verification(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<(StatusCode, axum::Json<Accepted>), ApiError> {
    state.account.resend_verification(&caller).await?;
    Ok((
        StatusCode::ACCEPTED,
        axum::Json(Accepted {
            message: "a new verification link is on its way",
        }),
    ))
}
