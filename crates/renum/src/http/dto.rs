//! Response bodies: what the API shows of a row. Secret columns (password hash, token hash,
//! API key ciphertext) have no field here, so they cannot be serialized by mistake.

use renum_db::enums::{
    AuthEventKind, ClipProjectStatus, Direction, HttpMethod, ModuleType, Plan, Platform,
    PostStatus, Role, VideoStatus,
};
use renum_db::ids::{
    AuthEventId, ClipProjectId, OrganizationId, PostId, SessionId, UserId, VideoId,
};
use renum_db::models::{
    ApiLogRow, AuthEventRow, ClipProjectRow, OrganizationRow, PostWithVideo, SessionRow, UserRow,
    UserWithOrganization, VideoRow, VideoSummary,
};
use renum_db::sql_types::{JsonValue, Timestamp};
use serde::{Deserialize, Deserializer, Serialize};
use utoipa::ToSchema;

use crate::app::addresses;
use crate::app::auth::{IssuedSession, SignedIn};
use crate::http::schema;

#[derive(Serialize, ToSchema)]
pub struct User {
    #[schema(value_type = schema::UserId)]
    pub id: UserId,
    #[schema(value_type = schema::OrganizationId)]
    pub organization_id: OrganizationId,
    pub email: String,
    pub full_name: String,
    #[schema(value_type = schema::Role)]
    pub role: Role,
    #[schema(value_type = Option<schema::Timestamp>)]
    pub last_login_at: Option<Timestamp>,
    #[schema(value_type = schema::Timestamp)]
    pub created_at: Timestamp,
    #[schema(value_type = schema::Timestamp)]
    pub updated_at: Timestamp,
}

impl From<UserRow> for User {
    fn from(u: UserRow) -> Self {
        Self {
            id: u.id,
            organization_id: u.organization_id,
            email: u.email,
            full_name: u.full_name,
            role: u.role,
            last_login_at: u.last_login_at,
            created_at: u.created_at,
            updated_at: u.updated_at,
        }
    }
}

/// `GET /v1/me`: a user with its organization, read in one query, with no secret column:
/// neither the password hash nor the API key ciphertext, only whether a key is configured.
#[derive(Serialize, ToSchema)]
#[schema(as = UserWithOrganization)]
pub struct Me {
    #[schema(value_type = schema::UserId)]
    pub id: UserId,
    #[schema(value_type = schema::OrganizationId)]
    pub organization_id: OrganizationId,
    pub email: String,
    pub full_name: String,
    #[schema(value_type = schema::Role)]
    pub role: Role,
    #[schema(value_type = Option<schema::Timestamp>)]
    pub last_login_at: Option<Timestamp>,
    #[schema(value_type = schema::Timestamp)]
    pub created_at: Timestamp,
    #[schema(value_type = schema::Timestamp)]
    pub updated_at: Timestamp,
    /// When the user followed the link mailed to the address; null: unverified (such an
    /// account may not add members nor set the OpusClip key).
    #[schema(value_type = Option<schema::Timestamp>)]
    pub email_verified_at: Option<Timestamp>,
    pub organization_name: String,
    pub organization_slug: String,
    #[schema(value_type = schema::Plan)]
    pub organization_plan: Plan,
    pub organization_has_opusclip_key: bool,
    #[schema(value_type = schema::Timestamp)]
    pub organization_created_at: Timestamp,
}

impl From<UserWithOrganization> for Me {
    fn from(u: UserWithOrganization) -> Self {
        Self {
            id: u.id,
            organization_id: u.organization_id,
            email: u.email,
            full_name: u.full_name,
            role: u.role,
            last_login_at: u.last_login_at,
            created_at: u.created_at,
            updated_at: u.updated_at,
            email_verified_at: u.email_verified_at,
            organization_name: u.organization_name,
            organization_slug: u.organization_slug,
            organization_plan: u.organization_plan,
            organization_has_opusclip_key: u.organization_has_opusclip_key,
            organization_created_at: u.organization_created_at,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct Organization {
    #[schema(value_type = schema::OrganizationId)]
    pub id: OrganizationId,
    pub name: String,
    pub slug: String,
    #[schema(value_type = schema::Plan)]
    pub plan: Plan,
    /// Whether an OpusClip API key is configured; the key itself is never returned.
    pub has_opusclip_key: bool,
    #[schema(value_type = schema::Timestamp)]
    pub created_at: Timestamp,
    #[schema(value_type = schema::Timestamp)]
    pub updated_at: Timestamp,
}

impl From<OrganizationRow> for Organization {
    fn from(o: OrganizationRow) -> Self {
        Self {
            id: o.id,
            name: o.name,
            slug: o.slug,
            plan: o.plan,
            has_opusclip_key: o.opusclip_api_key_ciphertext.is_some(),
            created_at: o.created_at,
            updated_at: o.updated_at,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct Session {
    /// The bearer token: shown once, stored only as a hash.
    pub token: String,
    #[schema(value_type = schema::Timestamp)]
    pub expires_at: Timestamp,
}

impl From<IssuedSession> for Session {
    fn from(s: IssuedSession) -> Self {
        Self {
            token: s.token,
            expires_at: s.expires_at,
        }
    }
}

// One live session of the caller (`GET /v1/me/sessions`). The token hash has no field; the
// address is shown as its network only. `last_used_at` is refreshed at most once a minute.
#[derive(Serialize, ToSchema)]
pub struct MySession {
    #[schema(value_type = schema::SessionId)]
    pub id: SessionId,
    #[schema(value_type = schema::Timestamp)]
    pub created_at: Timestamp,
    #[schema(value_type = schema::Timestamp)]
    pub last_used_at: Timestamp,
    /// The client's network at sign-in: `/24` of an IPv4 address, `/48` of an IPv6 one.
    pub ip_prefix: Option<String>,
    pub user_agent: Option<String>,
    /// The session this request was made with.
    pub current: bool,
}

impl MySession {
    pub fn of(s: SessionRow, current: SessionId) -> Self {
        Self {
            id: s.id,
            created_at: s.created_at,
            last_used_at: s.last_seen_at,
            ip_prefix: s.ip.as_deref().and_then(addresses::stored_prefix),
            user_agent: s.user_agent,
            current: s.id == current,
        }
    }
}

/// Signup and signin: the user, its organization and the new session.
#[derive(Serialize, ToSchema)]
pub struct SignedInResponse {
    pub user: User,
    pub organization: Organization,
    pub session: Session,
}

impl From<SignedIn> for SignedInResponse {
    fn from(s: SignedIn) -> Self {
        Self {
            user: s.user.into(),
            organization: s.organization.into(),
            session: s.session.into(),
        }
    }
}

/// A page of a keyset-paginated list: pass `next_cursor` back as `cursor`.
#[derive(Serialize, ToSchema)]
pub struct Page<T: ToSchema> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
}

// One API log record as `GET /v1/api-logs` shows it; bodies were redacted before they were
// stored. (A line comment: a doc comment would become the schema's description.)
#[derive(Serialize, ToSchema)]
#[schema(as = ApiLogRow)]
pub struct ApiLog {
    pub id: i64,
    #[schema(value_type = Option<schema::OrganizationId>)]
    pub organization_id: Option<OrganizationId>,
    #[schema(value_type = schema::Direction)]
    pub direction: Direction,
    pub service: String,
    pub endpoint: String,
    #[schema(value_type = schema::HttpMethod)]
    pub method: HttpMethod,
    pub status_code: Option<i32>,
    pub duration_ms: f64,
    pub request_id: Option<String>,
    #[schema(value_type = Option<schema::UserId>)]
    pub user_id: Option<UserId>,
    #[schema(value_type = Option<serde_json::Value>)]
    pub request_body: Option<JsonValue>,
    #[schema(value_type = Option<serde_json::Value>)]
    pub response_body: Option<JsonValue>,
    #[schema(value_type = schema::Timestamp)]
    pub created_at: Timestamp,
}

impl From<ApiLogRow> for ApiLog {
    fn from(r: ApiLogRow) -> Self {
        Self {
            id: r.id,
            organization_id: r.organization_id,
            direction: r.direction,
            service: r.service,
            endpoint: r.endpoint,
            method: r.method,
            status_code: r.status_code,
            duration_ms: r.duration_ms,
            request_id: r.request_id,
            user_id: r.user_id,
            request_body: r.request_body,
            response_body: r.response_body,
            created_at: r.created_at,
        }
    }
}

/// A request body that must be a JSON object: serde's derive also reads a struct from an
/// array of its fields in order (`[null, null]`), which the documented schema does not allow.
pub struct JsonObject<T>(pub T);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for JsonObject<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct ObjectOnly<T>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de>> serde::de::Visitor<'de> for ObjectOnly<T> {
            type Value = T;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
                T::deserialize(serde::de::value::MapAccessDeserializer::new(map))
            }
        }
        d.deserialize_map(ObjectOnly(std::marker::PhantomData))
            .map(JsonObject)
    }
}

/// For `Option<Option<T>>` patch fields: absent leaves the value, `null` clears it.
pub fn present<'de, T: Deserialize<'de>, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<T>, D::Error> {
    T::deserialize(d).map(Some)
}

#[derive(Serialize, ToSchema)]
pub struct Video {
    #[schema(value_type = schema::VideoId)]
    pub id: VideoId,
    #[schema(value_type = schema::UserId)]
    pub user_id: UserId,
    pub title: String,
    pub script: Option<String>,
    pub video_raw_url: Option<String>,
    pub video_processed_url: Option<String>,
    pub thumbnail_url: Option<String>,
    #[schema(value_type = schema::VideoStatus)]
    pub status: VideoStatus,
    #[schema(value_type = Option<schema::ModuleType>)]
    pub module_type: Option<ModuleType>,
    pub duration_seconds: Option<f64>,
    pub size_bytes: Option<i64>,
    #[schema(value_type = Option<schema::VideoId>)]
    pub parent_video_id: Option<VideoId>,
    /// OpusClip's id of the clip this video was ingested from.
    pub opusclip_clip_id: Option<String>,
    pub score: Option<f64>,
    /// A clip's description from the provider.
    pub description: Option<String>,
    /// A clip's suggested hashtags, without `#`.
    pub hashtags: Vec<String>,
    #[schema(value_type = schema::Timestamp)]
    pub created_at: Timestamp,
    #[schema(value_type = schema::Timestamp)]
    pub updated_at: Timestamp,
}

impl From<VideoRow> for Video {
    fn from(v: VideoRow) -> Self {
        Self {
            id: v.id,
            user_id: v.user_id,
            title: v.title,
            script: v.script,
            video_raw_url: v.video_raw_url,
            video_processed_url: v.video_processed_url,
            thumbnail_url: v.thumbnail_url,
            status: v.status,
            module_type: v.module_type,
            duration_seconds: v.duration_seconds,
            size_bytes: v.size_bytes,
            parent_video_id: v.parent_video_id,
            opusclip_clip_id: v.opusclip_clip_id,
            score: v.score,
            description: v.description,
            hashtags: v.hashtags.0,
            created_at: v.created_at,
            updated_at: v.updated_at,
        }
    }
}

/// The video fields shown with each post.
#[derive(Serialize, ToSchema)]
pub struct PostVideo {
    pub title: String,
    #[schema(value_type = schema::VideoStatus)]
    pub status: VideoStatus,
    #[schema(value_type = Option<schema::ModuleType>)]
    pub module_type: Option<ModuleType>,
    pub thumbnail_url: Option<String>,
    pub processed_url: Option<String>,
    pub duration_seconds: Option<f64>,
}

impl From<VideoSummary> for PostVideo {
    fn from(v: VideoSummary) -> Self {
        Self {
            title: v.title,
            status: v.status,
            module_type: v.module_type,
            thumbnail_url: v.thumbnail_url,
            processed_url: v.processed_url,
            duration_seconds: v.duration_seconds,
        }
    }
}

/// A post with its video (read in the same statement).
#[derive(Serialize, ToSchema)]
pub struct Post {
    #[schema(value_type = schema::PostId)]
    pub id: PostId,
    #[schema(value_type = schema::VideoId)]
    pub video_id: VideoId,
    #[schema(value_type = schema::UserId)]
    pub created_by: UserId,
    #[schema(value_type = schema::Platform)]
    pub platform: Platform,
    pub description: String,
    /// Without the leading `#`.
    pub hashtags: Vec<String>,
    #[schema(value_type = schema::Timestamp)]
    pub scheduled_at: Timestamp,
    #[schema(value_type = schema::PostStatus)]
    pub status: PostStatus,
    #[schema(value_type = Option<schema::Timestamp>)]
    pub published_at: Option<Timestamp>,
    pub external_post_id: Option<String>,
    pub attempts: i32,
    pub last_error: Option<String>,
    #[schema(value_type = schema::Timestamp)]
    pub created_at: Timestamp,
    #[schema(value_type = schema::Timestamp)]
    pub updated_at: Timestamp,
    pub video: PostVideo,
}

impl From<PostWithVideo> for Post {
    fn from(p: PostWithVideo) -> Self {
        let (post, video) = (p.post, p.video);
        Self {
            id: post.id,
            video_id: post.video_id,
            created_by: post.created_by,
            platform: post.platform,
            description: post.description,
            hashtags: post.hashtags.0,
            scheduled_at: post.scheduled_at,
            status: post.status,
            published_at: post.published_at,
            external_post_id: post.external_post_id,
            attempts: post.attempts,
            last_error: post.last_error,
            created_at: post.created_at,
            updated_at: post.updated_at,
            video: video.into(),
        }
    }
}

/// An OpusClip project of a video and how far it got.
#[derive(Serialize, ToSchema)]
pub struct ClipProject {
    #[schema(value_type = schema::ClipProjectId)]
    pub id: ClipProjectId,
    #[schema(value_type = schema::VideoId)]
    pub video_id: VideoId,
    /// The provider's project id, once it accepted the project.
    pub opusclip_project_id: Option<String>,
    /// The provider's stage: PENDING, QUEUED, IMPORT, CURATE, REFINE, RENDER, UPLOAD,
    /// COMPLETE or STALLED.
    pub stage: Option<String>,
    #[schema(value_type = schema::ClipProjectStatus)]
    pub status: ClipProjectStatus,
    /// Share of the provider's stage sequence done, 0 to 1 (1 once completed).
    pub progress: f64,
    #[schema(value_type = Object)]
    pub options: serde_json::Value,
    /// Polls so far.
    pub attempts: i32,
    #[schema(value_type = Option<schema::Timestamp>)]
    pub next_poll_at: Option<Timestamp>,
    /// Why the project failed, or why the last poll did.
    pub last_error: Option<String>,
    #[schema(value_type = Option<schema::Timestamp>)]
    pub completed_at: Option<Timestamp>,
    #[schema(value_type = schema::Timestamp)]
    pub created_at: Timestamp,
    #[schema(value_type = schema::Timestamp)]
    pub updated_at: Timestamp,
}

impl From<ClipProjectRow> for ClipProject {
    fn from(p: ClipProjectRow) -> Self {
        let sequence = crate::opusclip::Stage::SEQUENCE;
        let done = match p.status {
            ClipProjectStatus::Completed => 1.0,
            _ => p
                .stage
                .as_deref()
                .map(crate::opusclip::Stage::parse)
                .and_then(|s| sequence.iter().position(|q| *q == s))
                .map_or(0.0, |i| i as f64 / (sequence.len() - 1) as f64),
        };
        Self {
            id: p.id,
            video_id: p.video_id,
            opusclip_project_id: p.opusclip_project_id,
            stage: p.stage,
            status: p.status,
            progress: done,
            options: p.options.0,
            attempts: p.attempts,
            next_poll_at: p.next_poll_at,
            last_error: p.last_error,
            completed_at: p.completed_at,
            created_at: p.created_at,
            updated_at: p.updated_at,
        }
    }
}

// One event of the organization's audit trail (`GET /v1/organization/audit-events`). The
// address is whole for 30 days, then only its network; the email hash has no field.
#[derive(Serialize, ToSchema)]
pub struct AuditEvent {
    #[schema(value_type = schema::AuthEventId)]
    pub id: AuthEventId,
    #[schema(value_type = schema::AuthEventKind)]
    pub kind: AuthEventKind,
    /// The user the event is about.
    #[schema(value_type = Option<schema::UserId>)]
    pub user_id: Option<UserId>,
    /// The member who acted, when someone else than `user_id` (an admin changing a role).
    #[schema(value_type = Option<schema::UserId>)]
    pub actor_id: Option<UserId>,
    /// The client address: whole for 30 days, then its network (`/24`, `/48`).
    pub ip: Option<String>,
    #[schema(value_type = Option<serde_json::Value>)]
    pub detail: Option<JsonValue>,
    #[schema(value_type = schema::Timestamp)]
    pub created_at: Timestamp,
}

impl From<AuthEventRow> for AuditEvent {
    fn from(e: AuthEventRow) -> Self {
        Self {
            id: e.id,
            kind: e.kind,
            user_id: e.user_id,
            actor_id: e.actor_id,
            ip: e.ip,
            detail: e.detail,
            created_at: e.created_at,
        }
    }
}
