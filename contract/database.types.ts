// The schema contract of renum, generated from the live database by `renum types ts`.
// Do not edit by hand: change the migrations, then run
//   renum migrate up && renum types ts --out contract/database.types.ts
// CI fails when this file no longer matches the schema (`renum types ts --check`).
// Secret columns (password and token hashes, the API key ciphertext, mail bodies) are left
// out; a table that cannot be inserted without one (users, sessions, email_tokens,
// mail_outbox) has `Insert: never`: the server creates those rows. Columns the database fills (api_logs.id) are `never` in Insert and Update.

export type Json =
  | string
  | number
  | boolean
  | null
  | { [key: string]: Json | undefined }
  | Json[]

export type Database = {
  public: {
    Tables: {
      api_logs: {
        Row: {
          created_at: string
          direction: Database["public"]["Enums"]["api_logs_direction"]
          duration_ms: number
          endpoint: string
          id: number
          method: Database["public"]["Enums"]["api_logs_method"]
          organization_id: string | null
          request_body: Json | null
          request_id: string | null
          response_body: Json | null
          service: string
          status_code: number | null
          user_id: string | null
        }
        Insert: {
          created_at?: string
          direction: Database["public"]["Enums"]["api_logs_direction"]
          duration_ms: number
          endpoint: string
          id?: never
          method: Database["public"]["Enums"]["api_logs_method"]
          organization_id?: string | null
          request_body?: Json | null
          request_id?: string | null
          response_body?: Json | null
          service: string
          status_code?: number | null
          user_id?: string | null
        }
        Update: {
          created_at?: string
          direction?: Database["public"]["Enums"]["api_logs_direction"]
          duration_ms?: number
          endpoint?: string
          id?: never
          method?: Database["public"]["Enums"]["api_logs_method"]
          organization_id?: string | null
          request_body?: Json | null
          request_id?: string | null
          response_body?: Json | null
          service?: string
          status_code?: number | null
          user_id?: string | null
        }
        Relationships: []
      }
      auth_events: {
        Row: {
          actor_id: string | null
          created_at: string
          detail: Json | null
          id: string
          ip: string | null
          kind: Database["public"]["Enums"]["auth_events_kind"]
          organization_id: string | null
          user_id: string | null
        }
        Insert: {
          actor_id?: string | null
          created_at?: string
          detail?: Json | null
          id: string
          ip?: string | null
          kind: Database["public"]["Enums"]["auth_events_kind"]
          organization_id?: string | null
          user_id?: string | null
        }
        Update: {
          actor_id?: string | null
          created_at?: string
          detail?: Json | null
          id?: string
          ip?: string | null
          kind?: Database["public"]["Enums"]["auth_events_kind"]
          organization_id?: string | null
          user_id?: string | null
        }
        Relationships: []
      }
      clip_projects: {
        Row: {
          attempts: number
          completed_at: string | null
          created_at: string
          id: string
          last_error: string | null
          next_poll_at: string | null
          options: NonNullable<Json>
          opusclip_project_id: string | null
          organization_id: string
          stage: string | null
          status: Database["public"]["Enums"]["clip_projects_status"]
          updated_at: string
          video_id: string
        }
        Insert: {
          attempts?: number
          completed_at?: string | null
          created_at?: string
          id: string
          last_error?: string | null
          next_poll_at?: string | null
          options?: NonNullable<Json>
          opusclip_project_id?: string | null
          organization_id: string
          stage?: string | null
          status?: Database["public"]["Enums"]["clip_projects_status"]
          updated_at?: string
          video_id: string
        }
        Update: {
          attempts?: number
          completed_at?: string | null
          created_at?: string
          id?: string
          last_error?: string | null
          next_poll_at?: string | null
          options?: NonNullable<Json>
          opusclip_project_id?: string | null
          organization_id?: string
          stage?: string | null
          status?: Database["public"]["Enums"]["clip_projects_status"]
          updated_at?: string
          video_id?: string
        }
        Relationships: [
          {
            foreignKeyName: "clip_projects_organization_id_fkey"
            columns: ["organization_id"]
            isOneToOne: false
            referencedRelation: "organizations"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "clip_projects_video_fkey"
            columns: ["organization_id", "video_id"]
            isOneToOne: false
            referencedRelation: "videos"
            referencedColumns: ["organization_id", "id"]
          },
        ]
      }
      email_tokens: {
        Row: {
          created_at: string
          expires_at: string
          id: string
          purpose: Database["public"]["Enums"]["email_tokens_purpose"]
          used_at: string | null
          user_id: string
        }
        Insert: never
        Update: {
          created_at?: string
          expires_at?: string
          id?: string
          purpose?: Database["public"]["Enums"]["email_tokens_purpose"]
          used_at?: string | null
          user_id?: string
        }
        Relationships: [
          {
            foreignKeyName: "email_tokens_user_id_fkey"
            columns: ["user_id"]
            isOneToOne: false
            referencedRelation: "users"
            referencedColumns: ["id"]
          },
        ]
      }
      invitations: {
        Row: {
          accepted_at: string | null
          created_at: string
          email: string
          expires_at: string
          id: string
          invited_by: string
          organization_id: string
          revoked_at: string | null
          role: Database["public"]["Enums"]["invitations_role"]
        }
        Insert: never
        Update: {
          accepted_at?: string | null
          created_at?: string
          email?: string
          expires_at?: string
          id?: string
          invited_by?: string
          organization_id?: string
          revoked_at?: string | null
          role?: Database["public"]["Enums"]["invitations_role"]
        }
        Relationships: [
          {
            foreignKeyName: "invitations_invited_by_fkey"
            columns: ["organization_id", "invited_by"]
            isOneToOne: false
            referencedRelation: "users"
            referencedColumns: ["organization_id", "id"]
          },
          {
            foreignKeyName: "invitations_organization_id_fkey"
            columns: ["organization_id"]
            isOneToOne: false
            referencedRelation: "organizations"
            referencedColumns: ["id"]
          },
        ]
      }
      mail_outbox: {
        Row: {
          attempts: number
          claimed_by: string | null
          claimed_until: string | null
          created_at: string
          id: string
          kind: Database["public"]["Enums"]["mail_outbox_kind"]
          last_error: string | null
          next_attempt_at: string
          recipient: string
          sent_at: string | null
          status: Database["public"]["Enums"]["mail_outbox_status"]
          subject: string
        }
        Insert: never
        Update: {
          attempts?: number
          claimed_by?: string | null
          claimed_until?: string | null
          created_at?: string
          id?: string
          kind?: Database["public"]["Enums"]["mail_outbox_kind"]
          last_error?: string | null
          next_attempt_at?: string
          recipient?: string
          sent_at?: string | null
          status?: Database["public"]["Enums"]["mail_outbox_status"]
          subject?: string
        }
        Relationships: []
      }
      organizations: {
        Row: {
          created_at: string
          deleted_at: string | null
          id: string
          name: string
          plan: Database["public"]["Enums"]["organizations_plan"]
          slug: string
          updated_at: string
        }
        Insert: {
          created_at?: string
          deleted_at?: string | null
          id: string
          name: string
          plan?: Database["public"]["Enums"]["organizations_plan"]
          slug: string
          updated_at?: string
        }
        Update: {
          created_at?: string
          deleted_at?: string | null
          id?: string
          name?: string
          plan?: Database["public"]["Enums"]["organizations_plan"]
          slug?: string
          updated_at?: string
        }
        Relationships: []
      }
      posts: {
        Row: {
          attempts: number
          created_at: string
          created_by: string
          description: string
          external_post_id: string | null
          hashtags: string[]
          id: string
          last_error: string | null
          locked_by: string | null
          locked_until: string | null
          organization_id: string
          platform: Database["public"]["Enums"]["posts_platform"]
          published_at: string | null
          scheduled_at: string
          status: Database["public"]["Enums"]["posts_status"]
          updated_at: string
          video_id: string
        }
        Insert: {
          attempts?: number
          created_at?: string
          created_by: string
          description?: string
          external_post_id?: string | null
          hashtags?: string[]
          id: string
          last_error?: string | null
          locked_by?: string | null
          locked_until?: string | null
          organization_id: string
          platform: Database["public"]["Enums"]["posts_platform"]
          published_at?: string | null
          scheduled_at: string
          status?: Database["public"]["Enums"]["posts_status"]
          updated_at?: string
          video_id: string
        }
        Update: {
          attempts?: number
          created_at?: string
          created_by?: string
          description?: string
          external_post_id?: string | null
          hashtags?: string[]
          id?: string
          last_error?: string | null
          locked_by?: string | null
          locked_until?: string | null
          organization_id?: string
          platform?: Database["public"]["Enums"]["posts_platform"]
          published_at?: string | null
          scheduled_at?: string
          status?: Database["public"]["Enums"]["posts_status"]
          updated_at?: string
          video_id?: string
        }
        Relationships: [
          {
            foreignKeyName: "posts_created_by_fkey"
            columns: ["organization_id", "created_by"]
            isOneToOne: false
            referencedRelation: "users"
            referencedColumns: ["organization_id", "id"]
          },
          {
            foreignKeyName: "posts_organization_id_fkey"
            columns: ["organization_id"]
            isOneToOne: false
            referencedRelation: "organizations"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "posts_video_fkey"
            columns: ["organization_id", "video_id"]
            isOneToOne: false
            referencedRelation: "videos"
            referencedColumns: ["organization_id", "id"]
          },
        ]
      }
      sessions: {
        Row: {
          created_at: string
          expires_at: string
          id: string
          ip: string | null
          last_seen_at: string
          revoked_at: string | null
          user_agent: string | null
          user_id: string
        }
        Insert: never
        Update: {
          created_at?: string
          expires_at?: string
          id?: string
          ip?: string | null
          last_seen_at?: string
          revoked_at?: string | null
          user_agent?: string | null
          user_id?: string
        }
        Relationships: [
          {
            foreignKeyName: "sessions_user_id_fkey"
            columns: ["user_id"]
            isOneToOne: false
            referencedRelation: "users"
            referencedColumns: ["id"]
          },
        ]
      }
      users: {
        Row: {
          created_at: string
          deleted_at: string | null
          email: string
          email_domain: string | null
          email_verified_at: string | null
          full_name: string
          id: string
          last_login_at: string | null
          organization_id: string
          role: Database["public"]["Enums"]["users_role"]
          updated_at: string
        }
        Insert: never
        Update: {
          created_at?: string
          deleted_at?: string | null
          email?: string
          email_domain?: string | null
          email_verified_at?: string | null
          full_name?: string
          id?: string
          last_login_at?: string | null
          organization_id?: string
          role?: Database["public"]["Enums"]["users_role"]
          updated_at?: string
        }
        Relationships: [
          {
            foreignKeyName: "users_organization_id_fkey"
            columns: ["organization_id"]
            isOneToOne: false
            referencedRelation: "organizations"
            referencedColumns: ["id"]
          },
        ]
      }
      videos: {
        Row: {
          captions: Json | null
          clip_position: number | null
          created_at: string
          description: string | null
          duration_seconds: number | null
          hashtags: string[]
          id: string
          module_type: Database["public"]["Enums"]["videos_module_type"] | null
          opusclip_clip_id: string | null
          organization_id: string
          parent_video_id: string | null
          score: number | null
          script: string | null
          size_bytes: number | null
          status: Database["public"]["Enums"]["videos_status"]
          thumbnail_url: string | null
          title: string
          updated_at: string
          user_id: string
          video_processed_url: string | null
          video_raw_url: string | null
        }
        Insert: {
          captions?: Json | null
          clip_position?: number | null
          created_at?: string
          description?: string | null
          duration_seconds?: number | null
          hashtags?: string[]
          id: string
          module_type?: Database["public"]["Enums"]["videos_module_type"] | null
          opusclip_clip_id?: string | null
          organization_id: string
          parent_video_id?: string | null
          score?: number | null
          script?: string | null
          size_bytes?: number | null
          status?: Database["public"]["Enums"]["videos_status"]
          thumbnail_url?: string | null
          title: string
          updated_at?: string
          user_id: string
          video_processed_url?: string | null
          video_raw_url?: string | null
        }
        Update: {
          captions?: Json | null
          clip_position?: number | null
          created_at?: string
          description?: string | null
          duration_seconds?: number | null
          hashtags?: string[]
          id?: string
          module_type?: Database["public"]["Enums"]["videos_module_type"] | null
          opusclip_clip_id?: string | null
          organization_id?: string
          parent_video_id?: string | null
          score?: number | null
          script?: string | null
          size_bytes?: number | null
          status?: Database["public"]["Enums"]["videos_status"]
          thumbnail_url?: string | null
          title?: string
          updated_at?: string
          user_id?: string
          video_processed_url?: string | null
          video_raw_url?: string | null
        }
        Relationships: [
          {
            foreignKeyName: "videos_organization_id_fkey"
            columns: ["organization_id"]
            isOneToOne: false
            referencedRelation: "organizations"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "videos_parent_video_fkey"
            columns: ["organization_id", "parent_video_id"]
            isOneToOne: false
            referencedRelation: "videos"
            referencedColumns: ["organization_id", "id"]
          },
          {
            foreignKeyName: "videos_user_fkey"
            columns: ["organization_id", "user_id"]
            isOneToOne: false
            referencedRelation: "users"
            referencedColumns: ["organization_id", "id"]
          },
        ]
      }
    }
    Views: {
      [_ in never]: never
    }
    Functions: {
      [_ in never]: never
    }
    Enums: {
      api_logs_direction: "inbound" | "outbound"
      api_logs_method: "GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE" | "OPTIONS" | "CONNECT" | "TRACE"
      auth_events_kind: "signup" | "signin_success" | "signin_failure" | "signout" | "signout_all" | "member_added" | "member_removed" | "role_change" | "ownership_transfer" | "organization_deleted" | "opusclip_key_set" | "opusclip_key_removed" | "invitation_sent" | "invitation_revoked"
      clip_projects_status: "processing" | "completed" | "failed"
      email_tokens_purpose: "password_reset" | "email_verification"
      invitations_role: "admin" | "member"
      mail_outbox_kind: "password_reset" | "email_verification" | "invitation"
      mail_outbox_status: "pending" | "sent" | "failed"
      organizations_plan: "free" | "starter" | "pro"
      posts_platform: "instagram" | "tiktok" | "facebook" | "youtube" | "linkedin" | "x"
      posts_status: "draft" | "scheduled" | "publishing" | "published" | "failed" | "cancelled"
      users_role: "owner" | "admin" | "member"
      videos_module_type: "research" | "upload" | "avatar" | "clip"
      videos_status: "draft" | "processing" | "ready" | "posted" | "failed"
    }
    CompositeTypes: {
      [_ in never]: never
    }
  }
}

type PublicSchema = Database["public"]

export type Tables<T extends keyof PublicSchema["Tables"]> = PublicSchema["Tables"][T]["Row"]
export type TablesInsert<T extends keyof PublicSchema["Tables"]> =
  PublicSchema["Tables"][T]["Insert"]
export type TablesUpdate<T extends keyof PublicSchema["Tables"]> =
  PublicSchema["Tables"][T]["Update"]
export type Enums<T extends keyof PublicSchema["Enums"]> = PublicSchema["Enums"][T]

export const Constants = {
  public: {
    Enums: {
      api_logs_direction: ["inbound", "outbound"],
      api_logs_method: ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "CONNECT", "TRACE"],
      auth_events_kind: ["signup", "signin_success", "signin_failure", "signout", "signout_all", "member_added", "member_removed", "role_change", "ownership_transfer", "organization_deleted", "opusclip_key_set", "opusclip_key_removed", "invitation_sent", "invitation_revoked"],
      clip_projects_status: ["processing", "completed", "failed"],
      email_tokens_purpose: ["password_reset", "email_verification"],
      invitations_role: ["admin", "member"],
      mail_outbox_kind: ["password_reset", "email_verification", "invitation"],
      mail_outbox_status: ["pending", "sent", "failed"],
      organizations_plan: ["free", "starter", "pro"],
      posts_platform: ["instagram", "tiktok", "facebook", "youtube", "linkedin", "x"],
      posts_status: ["draft", "scheduled", "publishing", "published", "failed", "cancelled"],
      users_role: ["owner", "admin", "member"],
      videos_module_type: ["research", "upload", "avatar", "clip"],
      videos_status: ["draft", "processing", "ready", "posted", "failed"],
    },
  },
} as const

export type ApiLogsRow = Tables<"api_logs">
export type ApiLogsInsert = TablesInsert<"api_logs">
export type ApiLogsUpdate = TablesUpdate<"api_logs">
export type AuthEventsRow = Tables<"auth_events">
export type AuthEventsInsert = TablesInsert<"auth_events">
export type AuthEventsUpdate = TablesUpdate<"auth_events">
export type ClipProjectsRow = Tables<"clip_projects">
export type ClipProjectsInsert = TablesInsert<"clip_projects">
export type ClipProjectsUpdate = TablesUpdate<"clip_projects">
export type EmailTokensRow = Tables<"email_tokens">
// No EmailTokensInsert: a row of email_tokens needs a secret column; the API creates them.
export type EmailTokensUpdate = TablesUpdate<"email_tokens">
export type InvitationsRow = Tables<"invitations">
// No InvitationsInsert: a row of invitations needs a secret column; the API creates them.
export type InvitationsUpdate = TablesUpdate<"invitations">
export type MailOutboxRow = Tables<"mail_outbox">
// No MailOutboxInsert: a row of mail_outbox needs a secret column; the API creates them.
export type MailOutboxUpdate = TablesUpdate<"mail_outbox">
export type OrganizationsRow = Tables<"organizations">
export type OrganizationsInsert = TablesInsert<"organizations">
export type OrganizationsUpdate = TablesUpdate<"organizations">
export type PostsRow = Tables<"posts">
export type PostsInsert = TablesInsert<"posts">
export type PostsUpdate = TablesUpdate<"posts">
export type SessionsRow = Tables<"sessions">
// No SessionsInsert: a row of sessions needs a secret column; the API creates them.
export type SessionsUpdate = TablesUpdate<"sessions">
export type UsersRow = Tables<"users">
// No UsersInsert: a row of users needs a secret column; the API creates them.
export type UsersUpdate = TablesUpdate<"users">
export type VideosRow = Tables<"videos">
export type VideosInsert = TablesInsert<"videos">
export type VideosUpdate = TablesUpdate<"videos">

/** models::UserWithOrganization, as the API serializes it. */
export type UserWithOrganization = {
  id: UsersRow["id"]
  organization_id: UsersRow["organization_id"]
  email: UsersRow["email"]
  full_name: UsersRow["full_name"]
  role: UsersRow["role"]
  last_login_at: UsersRow["last_login_at"]
  created_at: UsersRow["created_at"]
  updated_at: UsersRow["updated_at"]
  email_verified_at: UsersRow["email_verified_at"]
  organization_name: OrganizationsRow["name"]
  organization_slug: OrganizationsRow["slug"]
  organization_plan: OrganizationsRow["plan"]
  organization_has_opusclip_key: boolean
  organization_created_at: OrganizationsRow["created_at"]
}

/** models::VideoSummary, as the API serializes it. */
export type VideoSummary = {
  title: VideosRow["title"]
  status: VideosRow["status"]
  module_type: VideosRow["module_type"]
  thumbnail_url: VideosRow["thumbnail_url"]
  processed_url: VideosRow["video_processed_url"]
  duration_seconds: VideosRow["duration_seconds"]
}

/** A post with its video as `GET /v1/posts` and `GET /v1/posts/{id}` return it: the API's
 * `Post` (contract/api.types.ts, from the OpenAPI document). */
export type { Post as PostWithVideo } from "./api.types"
