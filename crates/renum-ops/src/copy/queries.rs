//! The statements of `renum copy`, as named consts: per table, the one column list both
//! engines read and write, spelled into a SELECT (both engines), a COPY (PostgreSQL target)
//! and a one-row INSERT (SQLite target). Apart from `renum_db::catalogue` for the reason
//! `seed_catalogue` gives (COPY cannot be prepared) and because they write every column,
//! ids and timestamps included, which the product's INSERTs never do.
//!
//! Every column has a [`Kind`], the logical type the copy reads, canonicalizes and writes it
//! as. `tests/it/copy_catalogue.rs` compares the lists with the introspected schema of
//! both engines, so a migration that adds a column fails until the copy knows it.

/// How a column's values are read, rendered canonically and written on each engine.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// uuid / hyphenated lowercase text.
    Uuid,
    Text,
    /// integer (PostgreSQL int4).
    Int4,
    /// bigint.
    Int8,
    /// double precision.
    Float,
    /// timestamptz / the fixed-width UTC text of the SQLite schema.
    Time,
    /// jsonb / JSON text.
    Json,
    /// text[] / a JSON array of strings.
    List,
    /// bytea / BLOB (ciphertexts, token hashes).
    Bytes,
}

/// One table's copy statements.
#[derive(Clone, Copy, Debug)]
pub struct CopyTable {
    pub table: &'static str,
    pub columns: &'static [(&'static str, Kind)],
    /// Both engines: every column, in list order.
    pub select: &'static str,
    /// PostgreSQL target: `COPY <table> (<columns>) FROM STDIN` (text format).
    pub pg_copy: &'static str,
    /// SQLite target: a one-row INSERT with a `?` per column, prepared once and reused.
    pub sqlite_insert: &'static str,
    /// Both engines: the rows, for the refusal of a non-empty target and the verification.
    pub count: &'static str,
    /// Both engines: planner statistics for the copied rows (the doctor's plan checks and
    /// the first queries read them; autovacuum would take its time).
    pub analyze: &'static str,
}

macro_rules! copy_tables {
    ($($name:ident => $table:literal ($first:literal $first_kind:ident $(, $rest:literal $kind:ident)* $(,)?);)*) => {
        $(pub const $name: CopyTable = CopyTable {
            table: $table,
            columns: &[($first, Kind::$first_kind) $(, ($rest, Kind::$kind))*],
            select: concat!("SELECT ", $first $(, ", ", $rest)*, " FROM ", $table),
            pg_copy: concat!("COPY ", $table, " (", $first $(, ", ", $rest)*, ") FROM STDIN"),
            sqlite_insert: concat!(
                "INSERT INTO ", $table, " (", $first $(, ", ", $rest)*, ") VALUES (?",
                $(copy_tables!(@placeholder $rest),)* ")"
            ),
            count: concat!("SELECT count(*) FROM ", $table),
            analyze: concat!("ANALYZE ", $table),
        };)*
        /// Every table renum's migrations create except sqlx's `_sqlx_migrations` (the
        /// target is migrated by this binary instead), parents before children.
        pub const ALL: &[CopyTable] = &[$($name),*];
    };
    (@placeholder $col:literal) => { ", ?" };
}

copy_tables! {
    ORGANIZATIONS => "organizations" (
        "id" Uuid, "name" Text, "slug" Text, "plan" Text, "opusclip_api_key_ciphertext" Bytes,
        "created_at" Time, "updated_at" Time, "deleted_at" Time,
    );
    USERS => "users" (
        "id" Uuid, "organization_id" Uuid, "email" Text, "password_hash" Text,
        "full_name" Text, "role" Text, "last_login_at" Time, "created_at" Time,
        "updated_at" Time, "deleted_at" Time, "email_domain" Text, "email_verified_at" Time,
    );
    SESSIONS => "sessions" (
        "id" Uuid, "user_id" Uuid, "token_hash" Bytes, "expires_at" Time, "last_seen_at" Time,
        "revoked_at" Time, "ip" Text, "user_agent" Text, "created_at" Time,
    );
    VIDEOS => "videos" (
        "id" Uuid, "organization_id" Uuid, "user_id" Uuid, "title" Text, "script" Text,
        "video_raw_url" Text, "video_processed_url" Text, "thumbnail_url" Text, "status" Text,
        "module_type" Text, "duration_seconds" Float, "size_bytes" Int8, "captions" Json,
        "parent_video_id" Uuid, "opusclip_clip_id" Text, "score" Float, "created_at" Time,
        "updated_at" Time, "description" Text, "hashtags" List, "clip_position" Int4,
    );
    CLIP_PROJECTS => "clip_projects" (
        "id" Uuid, "organization_id" Uuid, "video_id" Uuid, "opusclip_project_id" Text,
        "stage" Text, "status" Text, "options" Json, "attempts" Int4, "next_poll_at" Time,
        "last_error" Text, "completed_at" Time, "created_at" Time, "updated_at" Time,
    );
    POSTS => "posts" (
        "id" Uuid, "organization_id" Uuid, "video_id" Uuid, "created_by" Uuid,
        "platform" Text, "description" Text, "hashtags" List, "scheduled_at" Time,
        "status" Text, "published_at" Time, "external_post_id" Text, "attempts" Int4,
        "last_error" Text, "created_at" Time, "updated_at" Time, "locked_by" Text,
        "locked_until" Time,
    );
    AUTH_EVENTS => "auth_events" (
        "id" Uuid, "organization_id" Uuid, "user_id" Uuid, "actor_id" Uuid, "kind" Text,
        "email_hash" Bytes, "ip" Text, "detail" Json, "created_at" Time,
    );
    EMAIL_TOKENS => "email_tokens" (
        "id" Uuid, "user_id" Uuid, "purpose" Text, "token_hash" Bytes, "expires_at" Time,
        "used_at" Time, "created_at" Time,
    );
    MAIL_OUTBOX => "mail_outbox" (
        "id" Uuid, "kind" Text, "recipient" Text, "subject" Text, "body_text" Text,
        "body_html" Text, "status" Text, "attempts" Int4, "next_attempt_at" Time,
        "claimed_by" Text, "claimed_until" Time, "last_error" Text, "sent_at" Time,
        "created_at" Time,
    );
    INVITATIONS => "invitations" (
        "id" Uuid, "organization_id" Uuid, "email" Text, "role" Text, "invited_by" Uuid,
        "token_hash" Bytes, "expires_at" Time, "accepted_at" Time, "revoked_at" Time,
        "created_at" Time,
    );
    // `id` is copied as is (COPY writes a GENERATED ALWAYS identity column), then the
    // identity is moved past it (`PG_API_LOGS_IDENTITY`).
    API_LOGS => "api_logs" (
        "id" Int8, "organization_id" Uuid, "direction" Text, "service" Text, "endpoint" Text,
        "method" Text, "status_code" Int4, "duration_ms" Float, "request_id" Text,
        "user_id" Uuid, "request_body" Json, "response_body" Json, "created_at" Time,
    );
    RENUM_BACKFILLS => "_renum_backfills" (
        "name" Text, "last_key" Text, "rows_done" Int8, "updated_at" Time, "finished_at" Time,
    );
}

/// Both engines: the span of the logs, so a PostgreSQL target gets a monthly partition for
/// each month before the COPY (rows of a month without one would land in the default
/// partition and block creating it later).
pub const API_LOGS_SPAN: &str = "SELECT min(created_at), max(created_at) FROM api_logs";

/// PostgreSQL target: the identity continues after the highest copied id (COPY does not
/// advance it). `setval(..., 1, false)` on an empty table: the next id is 1.
pub const PG_API_LOGS_IDENTITY: &str = "\
    SELECT setval(pg_get_serial_sequence('api_logs', 'id'), \
                  coalesce(max(id), 1), max(id) IS NOT NULL) FROM api_logs";

/// PostgreSQL source: every table read from one snapshot.
pub const PG_SNAPSHOT: &str = "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY";

/// SQLite target: foreign keys are checked at commit, so rows may arrive in any order (a
/// clip before the video it was cut from).
pub const SQLITE_DEFER_FOREIGN_KEYS: &str = "PRAGMA defer_foreign_keys = ON";
