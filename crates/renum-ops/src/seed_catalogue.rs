//! The statements of `renum seed`, the bulk loader of realistic test data.
//!
//! Why they are not in [`renum_db::catalogue`]: the PostgreSQL path loads with `COPY ... FROM
//! STDIN`, which cannot be PREPAREd, and the catalogue test prepares every statement. The
//! seed statements also write columns the product's INSERTs leave to defaults (`created_at`,
//! `published_at`, ...) because seeded data is spread over time. So they live here, as
//! named consts, and `tests/it/seed_catalogue.rs` checks each one against the migrated
//! schema instead (a zero-row COPY on PostgreSQL, a PREPARE on SQLite).
//!
//! Each bulk entry names its table and its columns once; the macro spells the COPY and the
//! INSERT from that one list, so the two engines write the same columns in the same order.

/// One table's bulk-load statements.
#[derive(Clone, Copy, Debug)]
pub struct BulkTable {
    /// The table, also the name the loader reports.
    pub table: &'static str,
    /// The columns the loader writes, in the order rows are generated.
    pub columns: &'static [&'static str],
    /// PostgreSQL: `COPY <table> (<columns>) FROM STDIN` (text format).
    pub pg_copy: &'static str,
    /// SQLite: a one-row INSERT with a `?` per column, prepared once and reused.
    pub sqlite_insert: &'static str,
    /// Fresh planner statistics after the load (the same spelling on both engines).
    pub analyze: &'static str,
}

macro_rules! bulk_tables {
    ($($name:ident => $table:literal ($first:literal $(, $rest:literal)* $(,)?);)*) => {
        $(pub const $name: BulkTable = BulkTable {
            table: $table,
            columns: &[$first $(, $rest)*],
            pg_copy: concat!("COPY ", $table, " (", $first $(, ", ", $rest)*, ") FROM STDIN"),
            sqlite_insert: concat!(
                "INSERT INTO ", $table, " (", $first $(, ", ", $rest)*, ") VALUES (?",
                $(bulk_tables!(@placeholder $rest),)* ")"
            ),
            analyze: concat!("ANALYZE ", $table),
        };)*
        /// Every bulk table, parents before children (the load order).
        pub const ALL: &[BulkTable] = &[$($name),*];
    };
    (@placeholder $col:literal) => { ", ?" };
}

bulk_tables! {
    ORGANIZATIONS => "organizations" (
        "id", "name", "slug", "plan", "created_at", "updated_at",
    );
    USERS => "users" (
        "id", "organization_id", "email", "password_hash", "full_name", "role",
        "last_login_at", "created_at", "updated_at", "deleted_at", "email_verified_at",
    );
    SESSIONS => "sessions" (
        "id", "user_id", "token_hash", "expires_at", "last_seen_at", "revoked_at", "ip",
        "user_agent", "created_at",
    );
    VIDEOS => "videos" (
        "id", "organization_id", "user_id", "title", "script", "video_raw_url",
        "video_processed_url", "thumbnail_url", "status", "module_type", "duration_seconds",
        "size_bytes", "captions", "parent_video_id", "opusclip_clip_id", "score", "created_at",
        "updated_at",
    );
    CLIP_PROJECTS => "clip_projects" (
        "id", "organization_id", "video_id", "opusclip_project_id", "stage", "status",
        "options", "attempts", "next_poll_at", "last_error", "completed_at", "created_at",
        "updated_at",
    );
    POSTS => "posts" (
        "id", "organization_id", "video_id", "created_by", "platform", "description",
        "hashtags", "scheduled_at", "status", "published_at", "external_post_id", "attempts",
        "last_error", "created_at", "updated_at",
    );
    AUTH_EVENTS => "auth_events" (
        "id", "organization_id", "user_id", "actor_id", "kind", "email_hash", "ip", "detail",
        "created_at",
    );
    EMAIL_TOKENS => "email_tokens" (
        "id", "user_id", "purpose", "token_hash", "expires_at", "used_at", "created_at",
    );
    MAIL_OUTBOX => "mail_outbox" (
        "id", "kind", "recipient", "subject", "body_text", "body_html", "status", "attempts",
        "next_attempt_at", "claimed_by", "claimed_until", "last_error", "sent_at", "created_at",
    );
    INVITATIONS => "invitations" (
        "id", "organization_id", "email", "role", "invited_by", "token_hash", "expires_at",
        "accepted_at", "revoked_at", "created_at",
    );
    // `id` is left to the identity column (PostgreSQL) / rowid (SQLite): rows are loaded in
    // created_at order, so ids follow time as they do in production.
    API_LOGS => "api_logs" (
        "organization_id", "direction", "service", "endpoint", "method", "status_code",
        "duration_ms", "request_id", "user_id", "request_body", "response_body", "created_at",
    );
}

/// Seeding fills an empty database only: names and emails are generated, not merged.
pub const ORGANIZATIONS_EXIST: &str = "SELECT EXISTS (SELECT 1 FROM organizations)";

/// PostgreSQL: the foreign keys and non-unique indexes of the tables `$1`, which the seed drops
/// inside its load transaction and recreates after the COPYs (the standard bulk-load recipe:
/// one sort per index instead of a random index insertion per row, one anti-join per foreign
/// key instead of a locking lookup per row). Each row is `(drop, create, comment)`: the
/// statements are spelled by the server from its own catalog (`pg_get_indexdef`,
/// `pg_get_constraintdef`, `format('%I')`), so the recreated objects are exactly the migrated
/// ones, `COMMENT ON` text included (`IS NULL` when the object has none). Indexes come
/// first and foreign keys last, so the keys are validated once the data and indexes are in.
/// Unique indexes stay: foreign keys reference them and they reject duplicates as rows arrive.
/// A partitioned table's index is spelled `ON ONLY` by `pg_get_indexdef` (the parent alone,
/// left invalid); without `ONLY` it is built on every partition, as the migration made it.
pub const PG_DEFERRED_SCHEMA: &str = "\
    SELECT drop_sql, create_sql, comment_sql FROM ( \
      SELECT 1 AS step, format('DROP INDEX %I.%I', n.nspname, i.relname) AS drop_sql, \
             replace(pg_get_indexdef(i.oid), ' ON ONLY ', ' ON ') AS create_sql, \
             format('COMMENT ON INDEX %I.%I IS %L', n.nspname, i.relname, d.description) \
               AS comment_sql \
      FROM pg_index ix JOIN pg_class i ON i.oid = ix.indexrelid \
      JOIN pg_namespace n ON n.oid = i.relnamespace \
      LEFT JOIN pg_description d ON d.objoid = i.oid AND d.classoid = 'pg_class'::regclass \
      WHERE ix.indrelid = ANY($1::regclass[]) AND NOT ix.indisunique AND NOT ix.indisexclusion \
      UNION ALL \
      SELECT 2, format('ALTER TABLE %s DROP CONSTRAINT %I', k.conrelid::regclass, k.conname), \
             format('ALTER TABLE %s ADD CONSTRAINT %I %s', k.conrelid::regclass, k.conname, \
                    pg_get_constraintdef(k.oid)), \
             format('COMMENT ON CONSTRAINT %I ON %s IS %L', k.conname, k.conrelid::regclass, \
                    d.description) \
      FROM pg_constraint k \
      LEFT JOIN pg_description d ON d.objoid = k.oid AND d.classoid = 'pg_constraint'::regclass \
      WHERE k.contype = 'f' AND k.conrelid = ANY($1::regclass[]) \
    ) deferred ORDER BY step, create_sql";

/// PostgreSQL: memory for the index builds of the load transaction (the default 64 MB
/// spills the posts indexes to disk).
pub const PG_INDEX_BUILD_MEMORY: &str = "SET LOCAL maintenance_work_mem = '256MB'";

/// Row counts for the closing report, one statement per bulk table (same order as [`ALL`]).
pub const COUNTS: &[(&str, &str)] = &[
    ("organizations", "SELECT count(*) FROM organizations"),
    ("users", "SELECT count(*) FROM users"),
    ("sessions", "SELECT count(*) FROM sessions"),
    ("videos", "SELECT count(*) FROM videos"),
    ("clip_projects", "SELECT count(*) FROM clip_projects"),
    ("posts", "SELECT count(*) FROM posts"),
    ("auth_events", "SELECT count(*) FROM auth_events"),
    ("email_tokens", "SELECT count(*) FROM email_tokens"),
    ("mail_outbox", "SELECT count(*) FROM mail_outbox"),
    ("invitations", "SELECT count(*) FROM invitations"),
    ("api_logs", "SELECT count(*) FROM api_logs"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copy_and_insert_name_the_same_columns_with_one_placeholder_each() {
        for t in ALL {
            let cols = t.columns.join(", ");
            assert_eq!(t.pg_copy, format!("COPY {} ({cols}) FROM STDIN", t.table));
            let marks = vec!["?"; t.columns.len()].join(", ");
            assert_eq!(
                t.sqlite_insert,
                format!("INSERT INTO {} ({cols}) VALUES ({marks})", t.table)
            );
        }
        let counted: Vec<_> = COUNTS.iter().map(|(t, _)| *t).collect();
        let loaded: Vec<_> = ALL.iter().map(|t| t.table).collect();
        assert_eq!(counted, loaded);
    }
}
