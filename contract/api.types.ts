// The API's bodies, generated from renum's OpenAPI document (`GET /openapi.json`) by
// `renum types api`. Do not edit by hand: change the DTOs (crates/renum/src/http/dto.rs),
// then run `renum types api --out contract/api.types.ts`. CI fails when this file no longer
// matches the document (`renum types api --check`). A property the document does not list
// as required is optional; a nullable one is `| null`.

export type AcceptInvitationRequest = {
  /** 1 to 200 characters once trimmed, no control characters. */
  full_name: string
  /** 8 to 128 characters, not one of the most common passwords. */
  password: string
  /** The token of the mailed link (after `#token=`). */
  token: string
}

/** The answer to a request whose outcome is not disclosed. */
export type Accepted = {
  message: string
}

export type AddMemberRequest = {
  /** An email address, at most 254 bytes once trimmed. */
  email: string
  /** 1 to 200 characters once trimmed, no control characters. */
  full_name: string
  /** `admin` or `member`. */
  role: Role
  /**
   * Given to the member out of band; same rules as any password (8 to 128 characters,
   * not one of the most common passwords).
   */
  temporary_password: string
}

export type ApiLogRow = {
  created_at: Timestamp
  direction: Direction
  duration_ms: number
  endpoint: string
  id: number
  method: HttpMethod
  organization_id?: null | OrganizationId
  request_body?: unknown
  request_id?: string | null
  response_body?: unknown
  service: string
  status_code?: number | null
  user_id?: null | UserId
}

export type AuditEvent = {
  actor_id?: null | UserId
  created_at: Timestamp
  detail?: unknown
  id: AuthEventId
  /** The client address: whole for 30 days, then its network (`/24`, `/48`). */
  ip?: string | null
  kind: AuthEventKind
  user_id?: null | UserId
}

export type AuthEventId = string

export type AuthEventKind = "signup" | "signin_success" | "signin_failure" | "signout" | "signout_all" | "member_added" | "member_removed" | "role_change" | "ownership_transfer" | "organization_deleted" | "opusclip_key_set" | "opusclip_key_removed" | "invitation_sent" | "invitation_revoked"

export type ClipList = {
  items: Video[]
}

/** The options of a clip project, as the API takes them and the row stores them. */
export type ClipOptions = {
  /** `portrait`, `landscape` or `square`. */
  aspect_ratio?: string | null
  brand_template_id?: string | null
  /** Clip length range in seconds: one of [0,90], [0,30], [30,60], [60,90], [90,180]. */
  clip_duration?: number[] | null
  /** The provider's curation genre (`Auto`, `Podcast`, `Q&A`, ...). */
  genre?: string | null
  /** Topics the clips should be about. */
  keywords?: string[]
  /** ISO-639 code of the spoken language, or `auto`. */
  language?: string | null
}

/** An OpusClip project of a video and how far it got. */
export type ClipProject = {
  /** Polls so far. */
  attempts: number
  completed_at?: null | Timestamp
  created_at: Timestamp
  id: ClipProjectId
  /** Why the project failed, or why the last poll did. */
  last_error?: string | null
  next_poll_at?: null | Timestamp
  options: {
    [key: string]: unknown
  }
  /** The provider's project id, once it accepted the project. */
  opusclip_project_id?: string | null
  /** Share of the provider's stage sequence done, 0 to 1 (1 once completed). */
  progress: number
  /**
   * The provider's stage: PENDING, QUEUED, IMPORT, CURATE, REFINE, RENDER, UPLOAD,
   * COMPLETE or STALLED.
   */
  stage?: string | null
  status: ClipProjectStatus
  updated_at: Timestamp
  video_id: VideoId
}

export type ClipProjectId = string

export type ClipProjectList = {
  items: ClipProject[]
}

export type ClipProjectStatus = "processing" | "completed" | "failed"

export type CreatePostRequest = {
  /**
   * At most: X 280, Instagram 2200, TikTok 2200, LinkedIn 3000, Facebook 63206, YouTube
   * 5000 characters.
   */
  description?: string
  /** At most: X 10, YouTube 15, others 30; each one word, `#` optional. */
  hashtags?: string[]
  platform: Platform
  /** RFC 3339 with offset; in the future when `status` is `scheduled`. */
  scheduled_at: Timestamp
  status?: null | PostStatus
  video_id: VideoId
}

export type CreateVideoRequest = {
  module_type?: null | ModuleType
  script?: string | null
  /**
   * An absolute http(s) URL of a public host (loopback and private networks only with
   * `--allow-private-urls`).
   */
  thumbnail_url?: string | null
  /** 1 to 300 characters (trimmed), no control characters. */
  title: string
  /**
   * An absolute http(s) URL of a public host (loopback and private networks only with
   * `--allow-private-urls`).
   */
  video_raw_url?: string | null
}

export type DeleteOrganizationRequest = {
  /** The organization's slug, retyped to confirm. */
  confirm_slug: string
}

export type Direction = "inbound" | "outbound"

export type ErrorBody = {
  error: ErrorDetail
}

export type ErrorDetail = {
  /**
   * Stable, machine-readable: `invalid_field`, `unauthorized`, `forbidden`, `not_found`,
   * `email_taken`, `rate_limited`, `payload_too_large`, `malformed_json`, `internal`, ...
   */
  code: string
  message: string
}

export type Health = {
  status: string
}

export type HttpMethod = "GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE" | "OPTIONS" | "CONNECT" | "TRACE"

/**
 * A pending invitation. Its token is only in the mail; neither it nor its hash is ever
 * returned.
 */
export type Invitation = {
  created_at: Timestamp
  email: string
  expires_at: Timestamp
  id: InvitationId
  invited_by: UserId
  role: Role
}

export type InvitationId = string

export type InviteRequest = {
  /** An email address, at most 254 bytes once trimmed. */
  email: string
  /** `admin` or `member`. */
  role: Role
}

/**
 * The profile fields a user may change. Not the email: changing it needs the new address
 * verified, which this route does not do (an unknown field, `email` included, is a 400).
 */
export type MePatchRequest = {
  /** 1 to 200 characters once trimmed, no control characters. */
  full_name?: string | null
}

export type ModuleType = "research" | "upload" | "avatar" | "clip"

export type MySession = {
  created_at: Timestamp
  /** The session this request was made with. */
  current: boolean
  id: SessionId
  /** The client's network at sign-in: `/24` of an IPv4 address, `/48` of an IPv6 one. */
  ip_prefix?: string | null
  last_used_at: Timestamp
  user_agent?: string | null
}

export type OpusclipKeyRequest = {
  /** 1 to 512 bytes once trimmed, no control characters. */
  api_key: string
}

export type Organization = {
  created_at: Timestamp
  /** Whether an OpusClip API key is configured; the key itself is never returned. */
  has_opusclip_key: boolean
  id: OrganizationId
  name: string
  plan: Plan
  slug: string
  updated_at: Timestamp
}

export type OrganizationId = string

export type OrganizationPatchRequest = {
  /** 1 to 200 characters once trimmed, no control characters. */
  name?: string | null
  plan?: null | Plan
}

/** A page of a keyset-paginated list: pass `next_cursor` back as `cursor`. */
export type Page<T> = {
  items: T[]
  next_cursor?: string | null
}

export type Page_ApiLogRow = Page<ApiLogRow>

export type Page_AuditEvent = Page<AuditEvent>

export type Page_Invitation = Page<Invitation>

export type Page_MySession = Page<MySession>

export type Page_Post = Page<Post>

export type Page_User = Page<User>

export type Page_Video = Page<Video>

export type PasswordChange = {
  current_password: string
  /** 8 to 128 characters, not one of the most common passwords. */
  new_password: string
}

export type PasswordResetConfirm = {
  /** 8 to 128 characters, not one of the most common passwords. */
  new_password: string
  /** The token of the mailed link (after `#token=`). */
  token: string
}

export type PasswordResetRequest = {
  /** The account's email address. */
  email: string
}

export type Plan = "free" | "starter" | "pro"

export type Platform = "instagram" | "tiktok" | "facebook" | "youtube" | "linkedin" | "x"

/** A post with its video (read in the same statement). */
export type Post = {
  attempts: number
  created_at: Timestamp
  created_by: UserId
  description: string
  external_post_id?: string | null
  /** Without the leading `#`. */
  hashtags: string[]
  id: PostId
  last_error?: string | null
  platform: Platform
  published_at?: null | Timestamp
  scheduled_at: Timestamp
  status: PostStatus
  updated_at: Timestamp
  video: PostVideo
  video_id: VideoId
}

export type PostId = string

export type PostPatchRequest = {
  description?: string | null
  hashtags?: string[] | null
  scheduled_at?: null | Timestamp
  status?: null | PostStatus
}

export type PostStatus = "draft" | "scheduled" | "publishing" | "published" | "failed" | "cancelled"

/** The video fields shown with each post. */
export type PostVideo = {
  duration_seconds?: number | null
  module_type?: null | ModuleType
  processed_url?: string | null
  status: VideoStatus
  thumbnail_url?: string | null
  title: string
}

/** Readiness, with the applied migrations only a newer release knows. */
export type Readiness = {
  /**
   * Versions applied by a newer binary during a rolling deploy: expand-only for this one,
   * so they do not make it unready.
   */
  newer_migrations: number[]
  status: string
}

export type Role = "owner" | "admin" | "member"

export type Session = {
  expires_at: Timestamp
  /** The bearer token: shown once, stored only as a hash. */
  token: string
}

export type SessionId = string

export type SetRoleRequest = {
  /** `owner` transfers ownership (owner only); the previous owner becomes an admin. */
  role: Role
}

/** Signup and signin: the user, its organization and the new session. */
export type SignedInResponse = {
  organization: Organization
  session: Session
  user: User
}

export type SigninRequest = {
  email: string
  password: string
}

export type SignupRequest = {
  /** An email address, at most 254 bytes once trimmed. */
  email: string
  /** 1 to 200 characters once trimmed, no control characters. */
  full_name: string
  /** 1 to 200 characters once trimmed, no control characters. */
  organization_name: string
  /** 8 to 128 characters, not one of the most common passwords. */
  password: string
}

/** A UTC instant with microsecond precision (PostgreSQL's), serialized as RFC 3339 with `Z`. */
export type Timestamp = string

export type User = {
  created_at: Timestamp
  email: string
  full_name: string
  id: UserId
  last_login_at?: null | Timestamp
  organization_id: OrganizationId
  role: Role
  updated_at: Timestamp
}

export type UserId = string

/**
 * `GET /v1/me`: a user with its organization, read in one query, with no secret column:
 * neither the password hash nor the API key ciphertext, only whether a key is configured.
 */
export type UserWithOrganization = {
  created_at: Timestamp
  email: string
  email_verified_at?: null | Timestamp
  full_name: string
  id: UserId
  last_login_at?: null | Timestamp
  organization_created_at: Timestamp
  organization_has_opusclip_key: boolean
  organization_id: OrganizationId
  organization_name: string
  organization_plan: Plan
  organization_slug: string
  role: Role
  updated_at: Timestamp
}

export type VerifyEmail = {
  /** The token of the mailed link (after `#token=`). */
  token: string
}

export type Video = {
  created_at: Timestamp
  /** A clip's description from the provider. */
  description?: string | null
  duration_seconds?: number | null
  /** A clip's suggested hashtags, without `#`. */
  hashtags: string[]
  id: VideoId
  module_type?: null | ModuleType
  /** OpusClip's id of the clip this video was ingested from. */
  opusclip_clip_id?: string | null
  parent_video_id?: null | VideoId
  score?: number | null
  script?: string | null
  size_bytes?: number | null
  status: VideoStatus
  thumbnail_url?: string | null
  title: string
  updated_at: Timestamp
  user_id: UserId
  video_processed_url?: string | null
  video_raw_url?: string | null
}

export type VideoId = string

/** Absent fields stay; `null` clears a nullable field. */
export type VideoPatchRequest = {
  duration_seconds?: number | null
  script?: string | null
  status?: null | VideoStatus
  /**
   * An absolute http(s) URL of a public host (loopback and private networks only with
   * `--allow-private-urls`).
   */
  thumbnail_url?: string | null
  /** 1 to 300 characters once trimmed, no control characters. */
  title?: string | null
  /**
   * An absolute http(s) URL of a public host (loopback and private networks only with
   * `--allow-private-urls`).
   */
  video_processed_url?: string | null
  /**
   * An absolute http(s) URL of a public host (loopback and private networks only with
   * `--allow-private-urls`).
   */
  video_raw_url?: string | null
}

export type VideoStatus = "draft" | "processing" | "ready" | "posted" | "failed"

export type WebhookAck = {
  /** `running`, `completed`, `failed` or `concluded` (already done before). */
  outcome: string
}
