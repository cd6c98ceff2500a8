//! `/v1/organization/invitations` (invite, list, revoke: owner or admin) and
//! `/v1/invitations/accept` (the invitee, with the mailed link's token).

use axum::extract::State;
use axum::http::StatusCode;
use renum_db::enums::Role;
use renum_db::ids::{InvitationId, UserId};
use renum_db::models::InvitationRow;
use renum_db::sql_types::Timestamp;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::app::account::{Acceptance, NewInvitation};
use crate::app::auth::{Caller, ClientMeta};
use crate::http::AppState;
use crate::http::cursor;
use crate::http::dto::{JsonObject, Page, SignedInResponse};
use crate::http::error::{ApiError, ErrorBody};
use crate::http::extract::{ApiJson, ApiPath, ApiQuery, Reader};
use crate::http::routes::organization::ListQuery;
use crate::http::schema;

/// A pending invitation. Its token is only in the mail; neither it nor its hash is ever
/// returned.
#[derive(Serialize, ToSchema)]
pub struct Invitation {
    #[schema(value_type = schema::InvitationId)]
    pub id: InvitationId,
    pub email: String,
    #[schema(value_type = schema::Role)]
    pub role: Role,
    #[schema(value_type = schema::UserId)]
    pub invited_by: UserId,
    #[schema(value_type = schema::Timestamp)]
    pub created_at: Timestamp,
    #[schema(value_type = schema::Timestamp)]
    pub expires_at: Timestamp,
}

impl From<InvitationRow> for Invitation {
    fn from(i: InvitationRow) -> Self {
        Self {
            id: i.id,
            email: i.email,
            role: i.role,
            invited_by: i.invited_by,
            created_at: i.created_at,
            expires_at: i.expires_at,
        }
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InviteRequest {
    /// An email address, at most 254 bytes once trimmed.
    #[schema(pattern = r"^\s*[^\s@]+@[^\s@.][^\s@]*\.[^\s@]*[^\s@.]\s*$")]
    email: String,
    /// `admin` or `member`.
    #[schema(value_type = schema::Role)]
    role: Role,
}

/// Invites an address (owner or admin, whose own email address is verified): mails it a
/// single-use link and revokes the address's pending invitation, if any. The answer is the
/// same whether or not an account already uses the address.
#[utoipa::path(post, path = "/v1/organization/invitations", operation_id = "inviteMember", tag = "organization", security(("bearer" = [])),
    request_body = InviteRequest,
    responses((status = 201, body = Invitation), (status = 400, body = ErrorBody),
              (status = 403, description = "forbidden (the caller's role), or email_not_verified: the caller has not followed the verification link yet", body = ErrorBody),
              (status = 429, description = "rate_limited: too many invitations by this member in the last hour", body = ErrorBody)))]
pub async fn invite(
    State(state): State<AppState>,
    caller: Caller,
    meta: ClientMeta,
    ApiJson(JsonObject(req)): ApiJson<JsonObject<InviteRequest>>,
) -> Result<(StatusCode, axum::Json<Invitation>), ApiError> {
    let new = NewInvitation {
        email: req.email,
        role: req.role,
    };
    let invitation = state.account.invite(&caller, new, &meta).await?;
    Ok((StatusCode::CREATED, axum::Json(invitation.into())))
}

/// Pending invitations (neither accepted, revoked nor expired), oldest first (owner or admin;
/// keyset pagination).
#[utoipa::path(get, path = "/v1/organization/invitations", operation_id = "listInvitations", tag = "organization", security(("bearer" = [])),
    params(ListQuery), responses((status = 200, body = Page<Invitation>), (status = 403, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    Reader { caller, mut conn }: Reader,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> Result<axum::Json<Page<Invitation>>, ApiError> {
    let after = q
        .cursor
        .as_deref()
        .map(cursor::decode::<InvitationId>)
        .transpose()?;
    let page = state
        .account
        .invitations(&mut conn, &caller, after, cursor::limit(q.limit)?)
        .await?;
    Ok(axum::Json(Page {
        next_cursor: page.next.as_ref().map(cursor::encode),
        items: page.items.into_iter().map(Invitation::from).collect(),
    }))
}

/// Revokes a pending invitation: its link stops working.
#[utoipa::path(delete, path = "/v1/organization/invitations/{id}", operation_id = "revokeInvitation", tag = "organization", security(("bearer" = [])),
    params(("id" = String, Path, description = "invitation id")),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn revoke(
    State(state): State<AppState>,
    caller: Caller,
    meta: ClientMeta,
    ApiPath(id): ApiPath<InvitationId>,
) -> Result<StatusCode, ApiError> {
    state.account.revoke_invitation(&caller, id, &meta).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AcceptInvitationRequest {
    /// The token of the mailed link (after `#token=`).
    token: String,
    /// 8 to 128 characters, not one of the most common passwords.
    #[schema(min_length = 8, max_length = 128)]
    password: String,
    /// 1 to 200 characters once trimmed, no control characters.
    #[schema(
        min_length = 1,
        pattern = r"^\s*[^\u0000-\u001f\u007f-\u009f]*[^\s\u0000-\u001f\u007f-\u009f][^\u0000-\u001f\u007f-\u009f]*\s*$"
    )]
    full_name: String,
}

/// Accepts an invitation: creates the member with the invited role and a verified address,
/// and signs them in (the same answer as signin).
#[utoipa::path(post, path = "/v1/invitations/accept", operation_id = "acceptInvitation", tag = "auth",
    request_body = AcceptInvitationRequest,
    responses((status = 201, body = SignedInResponse),
              (status = 400, description = "invalid_field, or invalid_token: unknown, used, revoked, superseded or expired", body = ErrorBody),
              (status = 409, description = "email_taken: an account already uses the invited address (sign in to it instead)", body = ErrorBody),
              (status = 429, body = ErrorBody)))]
pub async fn accept(
    State(state): State<AppState>,
    meta: ClientMeta,
    ApiJson(JsonObject(req)): ApiJson<JsonObject<AcceptInvitationRequest>>,
) -> Result<(StatusCode, axum::Json<SignedInResponse>), ApiError> {
    let acceptance = Acceptance {
        token: req.token,
        password: req.password,
        full_name: req.full_name,
    };
    let signed_in = state
        .account
        .accept_invitation(&state.auth, acceptance, &meta)
        .await?;
    Ok((StatusCode::CREATED, axum::Json(signed_in.into())))
}
