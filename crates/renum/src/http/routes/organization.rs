//! `/v1/organization`: the caller's organization, its members and integrations.

use axum::extract::State;
use axum::http::StatusCode;
use renum_db::enums::{Plan, Role};
use renum_db::ids::UserId;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use crate::app::AppError;
use crate::app::auth::{Caller, ClientMeta};
use crate::app::organization::{self, NewMember, OrganizationPatch};
use crate::http::AppState;
use crate::http::cursor;
use crate::http::dto::{JsonObject, Organization, Page, User};
use crate::http::error::{ApiError, ErrorBody};
use crate::http::extract::{ApiJson, ApiPath, ApiQuery, Reader};
use crate::http::schema;

/// The caller's organization.
#[utoipa::path(get, path = "/v1/organization", operation_id = "getOrganization", tag = "organization", security(("bearer" = [])),
    responses((status = 200, body = Organization), (status = 401, body = ErrorBody)))]
pub async fn get(
    Reader { caller, mut conn }: Reader,
) -> Result<axum::Json<Organization>, ApiError> {
    Ok(axum::Json(
        organization::get(&mut conn, &caller).await?.into(),
    ))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OrganizationPatchRequest {
    /// 1 to 200 characters once trimmed, no control characters.
    #[schema(
        min_length = 1,
        pattern = r"^\s*[^\u0000-\u001f\u007f-\u009f]*[^\s\u0000-\u001f\u007f-\u009f][^\u0000-\u001f\u007f-\u009f]*\s*$"
    )]
    name: Option<String>,
    #[schema(value_type = Option<schema::Plan>)]
    plan: Option<Plan>,
}

/// Renames the organization or changes its plan (owner only).
#[utoipa::path(patch, path = "/v1/organization", operation_id = "updateOrganization", tag = "organization", security(("bearer" = [])),
    request_body = OrganizationPatchRequest,
    responses((status = 200, body = Organization), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn update(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(JsonObject(req)): ApiJson<JsonObject<OrganizationPatchRequest>>,
) -> Result<axum::Json<Organization>, ApiError> {
    let patch = OrganizationPatch {
        name: req.name,
        plan: req.plan,
    };
    Ok(axum::Json(
        organization::update(&state.db, &caller, patch)
            .await?
            .into(),
    ))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeleteOrganizationRequest {
    /// The organization's slug, retyped to confirm.
    confirm_slug: String,
}

/// Soft-deletes the organization (owner only): signs everyone out and stops scheduled work.
#[utoipa::path(delete, path = "/v1/organization", operation_id = "deleteOrganization", tag = "organization", security(("bearer" = [])),
    request_body = DeleteOrganizationRequest,
    responses((status = 204), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn delete(
    State(state): State<AppState>,
    caller: Caller,
    meta: ClientMeta,
    ApiJson(JsonObject(req)): ApiJson<JsonObject<DeleteOrganizationRequest>>,
) -> Result<StatusCode, ApiError> {
    organization::delete(&state.db, &caller, &req.confirm_slug, &meta).await?;
    state.auth.forget(caller.scope.organization_id().0);
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// 1 to 200, default 50.
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// Members, oldest first (keyset pagination).
#[utoipa::path(get, path = "/v1/organization/members", operation_id = "listMembers", tag = "organization", security(("bearer" = [])),
    params(ListQuery), responses((status = 200, body = Page<User>), (status = 401, body = ErrorBody)))]
pub async fn members(
    Reader { caller, mut conn }: Reader,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> Result<axum::Json<Page<User>>, ApiError> {
    let after = q
        .cursor
        .as_deref()
        .map(cursor::decode::<UserId>)
        .transpose()?;
    let page = organization::members(&mut conn, &caller, after, cursor::limit(q.limit)?).await?;
    Ok(axum::Json(Page {
        next_cursor: page.next.as_ref().map(cursor::encode),
        items: page.items.into_iter().map(User::from).collect(),
    }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AddMemberRequest {
    /// An email address, at most 254 bytes once trimmed.
    #[schema(pattern = r"^\s*[^\s@]+@[^\s@.][^\s@]*\.[^\s@]*[^\s@.]\s*$")]
    email: String,
    /// 1 to 200 characters once trimmed, no control characters.
    #[schema(
        min_length = 1,
        pattern = r"^\s*[^\u0000-\u001f\u007f-\u009f]*[^\s\u0000-\u001f\u007f-\u009f][^\u0000-\u001f\u007f-\u009f]*\s*$"
    )]
    full_name: String,
    /// `admin` or `member`.
    #[schema(value_type = schema::Role)]
    role: Role,
    /// Given to the member out of band; same rules as any password (8 to 128 characters,
    /// not one of the most common passwords).
    #[schema(min_length = 8, max_length = 128)]
    temporary_password: String,
}

/// Adds a member with a password the owner chooses: only when the server runs with
/// `--allow-member-passwords` (404 otherwise), and only by the owner, whose own email address
/// is verified. Members otherwise join by invitation (`POST /v1/organization/invitations`).
#[utoipa::path(post, path = "/v1/organization/members", operation_id = "addMember", tag = "organization", security(("bearer" = [])),
    request_body = AddMemberRequest,
    responses((status = 201, body = User), (status = 400, body = ErrorBody),
              (status = 403, description = "forbidden (the caller is not the owner), or email_not_verified: the caller has not followed the verification link yet", body = ErrorBody),
              (status = 404, description = "not_found: the server does not allow chosen member passwords (`--allow-member-passwords`)", body = ErrorBody),
              (status = 409, description = "email_taken", body = ErrorBody)))]
pub async fn add_member(
    State(state): State<AppState>,
    caller: Caller,
    meta: ClientMeta,
    ApiJson(JsonObject(req)): ApiJson<JsonObject<AddMemberRequest>>,
) -> Result<(StatusCode, axum::Json<User>), ApiError> {
    if !state.allow_member_passwords {
        return Err(AppError::NotFound.into());
    }
    let new = NewMember {
        email: req.email,
        full_name: req.full_name,
        role: req.role,
        temporary_password: req.temporary_password,
    };
    let user =
        organization::add_member(&state.db, state.auth.hasher(), &caller, new, &meta).await?;
    Ok((StatusCode::CREATED, axum::Json(user.into())))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SetRoleRequest {
    /// `owner` transfers ownership (owner only); the previous owner becomes an admin.
    #[schema(value_type = schema::Role)]
    role: Role,
}

/// Changes a member's role.
#[utoipa::path(patch, path = "/v1/organization/members/{id}", operation_id = "setMemberRole", tag = "organization", security(("bearer" = [])),
    params(("id" = String, Path, description = "member id")), request_body = SetRoleRequest,
    responses((status = 200, body = User), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 409, description = "owner_required: the owner cannot give up its role but by transferring ownership", body = ErrorBody)))]
pub async fn set_role(
    State(state): State<AppState>,
    caller: Caller,
    meta: ClientMeta,
    ApiPath(id): ApiPath<UserId>,
    ApiJson(JsonObject(req)): ApiJson<JsonObject<SetRoleRequest>>,
) -> Result<axum::Json<User>, ApiError> {
    let member = organization::set_role(&state.db, &caller, id, req.role, &meta).await?;
    // A transfer of ownership changes the caller's role too: forget the organization's.
    state.auth.forget(caller.scope.organization_id().0);
    Ok(axum::Json(member.into()))
}

/// Removes a member: soft-deletes the user and revokes its sessions.
#[utoipa::path(delete, path = "/v1/organization/members/{id}", operation_id = "removeMember", tag = "organization", security(("bearer" = [])),
    params(("id" = String, Path, description = "member id")),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn remove_member(
    State(state): State<AppState>,
    caller: Caller,
    meta: ClientMeta,
    ApiPath(id): ApiPath<UserId>,
) -> Result<StatusCode, ApiError> {
    organization::remove_member(&state.db, &caller, id, &meta).await?;
    state.auth.forget(id.0);
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OpusclipKeyRequest {
    /// 1 to 512 bytes once trimmed, no control characters.
    #[schema(
        min_length = 1,
        pattern = r"^\s*[^\u0000-\u001f\u007f-\u009f]*[^\s\u0000-\u001f\u007f-\u009f][^\u0000-\u001f\u007f-\u009f]*\s*$"
    )]
    api_key: String,
}

/// Stores the OpusClip API key, encrypted; it is never returned. The caller's email address
/// must be verified.
#[utoipa::path(put, path = "/v1/organization/integrations/opusclip", operation_id = "putOpusclipKey", tag = "organization", security(("bearer" = [])),
    request_body = OpusclipKeyRequest,
    responses((status = 204), (status = 400, body = ErrorBody),
              (status = 403, description = "forbidden (the caller's role), or email_not_verified: the caller has not followed the verification link yet", body = ErrorBody)))]
pub async fn put_opusclip_key(
    State(state): State<AppState>,
    caller: Caller,
    meta: ClientMeta,
    ApiJson(JsonObject(req)): ApiJson<JsonObject<OpusclipKeyRequest>>,
) -> Result<StatusCode, ApiError> {
    organization::set_opusclip_key(&state.db, &state.master_key, &caller, &req.api_key, &meta)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Removes the OpusClip API key.
#[utoipa::path(delete, path = "/v1/organization/integrations/opusclip", operation_id = "deleteOpusclipKey", tag = "organization", security(("bearer" = [])),
    responses((status = 204), (status = 403, body = ErrorBody)))]
pub async fn delete_opusclip_key(
    State(state): State<AppState>,
    caller: Caller,
    meta: ClientMeta,
) -> Result<StatusCode, ApiError> {
    organization::remove_opusclip_key(&state.db, &caller, &meta).await?;
    Ok(StatusCode::NO_CONTENT)
}
