//! The named query catalogue: every SQL statement renum runs, one module per engine.
//!
//! Statements are declared once below. Most are portable and shared by both engines; where
//! the engines differ an entry spells both (`[pg: ..., sqlite: ...]`). The macro expands
//! into `catalogue::postgres::<table>::<NAME>` and `catalogue::sqlite::<table>::<NAME>`,
//! plus `ALL`, the list of `(name, sql)` that tests and `renum doctor` walk to prepare and
//! EXPLAIN every statement.
//!
//! Conventions: in tenant statements `$1` is always `organization_id`. Keyset pages take
//! the last row's key and a limit; the first page passes the sentinel key from
//! `repo::keyset`, so one statement (one plan) serves every page.

/// One catalogue entry.
#[derive(Clone, Copy, Debug)]
pub struct Statement {
    /// `table.NAME`, identical across engines.
    pub name: &'static str,
    pub sql: &'static str,
}

macro_rules! catalogue {
    ($($table:ident { $($name:ident => [$($spec:tt)*];)* })*) => {
        /// PostgreSQL spelling of every statement.
        pub mod postgres {
            $(pub mod $table { $(pub const $name: &str = catalogue!(@pick pg $($spec)*);)* })*
            pub const ALL: &[super::Statement] = &[
                $($(super::Statement {
                    name: concat!(stringify!($table), ".", stringify!($name)),
                    sql: $table::$name,
                },)*)*
            ];
        }
        /// SQLite spelling of every statement.
        pub mod sqlite {
            $(pub mod $table { $(pub const $name: &str = catalogue!(@pick sqlite $($spec)*);)* })*
            pub const ALL: &[super::Statement] = &[
                $($(super::Statement {
                    name: concat!(stringify!($table), ".", stringify!($name)),
                    sql: $table::$name,
                },)*)*
            ];
        }
    };
    (@pick pg pg: $pg:expr, sqlite: $sqlite:expr) => { $pg };
    (@pick sqlite pg: $pg:expr, sqlite: $sqlite:expr) => { $sqlite };
    (@pick $engine:ident $portable:expr) => { $portable };
}

macro_rules! organization_columns {
    () => {
        "id, name, slug, plan, opusclip_api_key_ciphertext, created_at, updated_at, deleted_at"
    };
}
macro_rules! user_columns {
    () => {
        "id, organization_id, email, password_hash, full_name, role, last_login_at, created_at, updated_at, deleted_at, \
         email_domain, email_verified_at"
    };
}
macro_rules! invitation_columns {
    () => {
        "id, organization_id, email, role, invited_by, expires_at, accepted_at, revoked_at, created_at"
    };
}
macro_rules! session_columns {
    () => {
        "id, user_id, token_hash, expires_at, last_seen_at, revoked_at, ip, user_agent, created_at"
    };
}
macro_rules! video_columns {
    () => {
        "id, organization_id, user_id, title, script, video_raw_url, video_processed_url, \
         thumbnail_url, status, module_type, duration_seconds, size_bytes, captions, \
         parent_video_id, opusclip_clip_id, score, created_at, updated_at, description, \
         hashtags, clip_position"
    };
}
macro_rules! clip_project_columns {
    () => {
        "id, organization_id, video_id, opusclip_project_id, stage, status, options, attempts, \
         next_poll_at, last_error, completed_at, created_at, updated_at"
    };
}
macro_rules! post_columns {
    () => {
        "id, organization_id, video_id, created_by, platform, description, hashtags, \
         scheduled_at, status, published_at, external_post_id, attempts, last_error, \
         created_at, updated_at, locked_by, locked_until"
    };
}
macro_rules! post_with_video_columns {
    () => {
        "p.id, p.organization_id, p.video_id, p.created_by, p.platform, p.description, \
         p.hashtags, p.scheduled_at, p.status, p.published_at, p.external_post_id, p.attempts, \
         p.last_error, p.created_at, p.updated_at, p.locked_by, p.locked_until, v.title AS video_title, \
         v.status AS video_status, v.module_type AS video_module_type, \
         v.thumbnail_url AS video_thumbnail_url, v.video_processed_url AS video_processed_url, \
         v.duration_seconds AS video_duration_seconds"
    };
}
macro_rules! auth_event_columns {
    () => {
        "id, organization_id, user_id, actor_id, kind, ip, detail, created_at"
    };
}
macro_rules! mail_columns {
    () => {
        "id, kind, recipient, subject, body_text, body_html, status, attempts, next_attempt_at, \
         claimed_by, claimed_until, last_error, sent_at, created_at"
    };
}
macro_rules! api_log_columns {
    () => {
        "id, organization_id, direction, service, endpoint, method, status_code, duration_ms, \
         request_id, user_id, request_body, response_body, created_at"
    };
}

catalogue! {
    organizations {
        INSERT => [concat!(
            "INSERT INTO organizations (id, name, slug, plan) VALUES ($1, $2, $3, $4) RETURNING ",
            organization_columns!()
        )];
        GET => [concat!(
            "SELECT ", organization_columns!(),
            " FROM organizations WHERE id = $1 AND deleted_at IS NULL"
        )];
        UPDATE => [concat!(
            "UPDATE organizations SET name = COALESCE($2, name), plan = COALESCE($3, plan), ",
            "updated_at = $4 WHERE id = $1 AND deleted_at IS NULL RETURNING ",
            organization_columns!()
        )];
        SET_OPUSCLIP_KEY => [
            "UPDATE organizations SET opusclip_api_key_ciphertext = $2, updated_at = $3 \
             WHERE id = $1 AND deleted_at IS NULL"
        ];
        SOFT_DELETE => [
            "UPDATE organizations SET deleted_at = $2, updated_at = $2 \
             WHERE id = $1 AND deleted_at IS NULL"
        ];
        // Deleting an organization signs every member out at once.
        REVOKE_ALL_SESSIONS => [
            "UPDATE sessions SET revoked_at = $2 WHERE revoked_at IS NULL \
             AND user_id IN (SELECT id FROM users WHERE organization_id = $1)"
        ];
        // ... and stops its scheduled work: nothing more is published or polled for it. A post
        // being published is cancelled too: its worker's lease check (`scheduler.HOLD`) then
        // fails, so it is not delivered, or, when already in flight, not recorded.
        CANCEL_SCHEDULED_POSTS => [
            "UPDATE posts SET status = 'cancelled', locked_by = NULL, locked_until = NULL, \
             updated_at = $2 \
             WHERE organization_id = $1 AND status IN ('scheduled', 'publishing')"
        ];
        FAIL_PROCESSING_CLIP_PROJECTS => [
            "UPDATE clip_projects SET status = 'failed', next_poll_at = NULL, \
             last_error = 'organization deleted', updated_at = $2 \
             WHERE organization_id = $1 AND status = 'processing'"
        ];
    }
    users {
        // email_domain is derived here; rows older than its migration get it from
        // `renum backfill users_email_domain`.
        INSERT => [
            pg: concat!(
                "INSERT INTO users (organization_id, id, email, password_hash, full_name, role, ",
                "email_domain) VALUES ($1, $2, $3, $4, $5, $6, split_part($3, '@', 2)) RETURNING ",
                user_columns!()
            ),
            sqlite: concat!(
                "INSERT INTO users (organization_id, id, email, password_hash, full_name, role, ",
                "email_domain) VALUES ($1, $2, $3, $4, $5, $6, substr($3, instr($3, '@') + 1)) ",
                "RETURNING ", user_columns!()
            )
        ];
        GET => [concat!(
            "SELECT ", user_columns!(),
            " FROM users WHERE organization_id = $1 AND id = $2 AND deleted_at IS NULL"
        )];
        LIST => [concat!(
            "SELECT ", user_columns!(),
            " FROM users WHERE organization_id = $1 AND deleted_at IS NULL ",
            "AND (created_at, id) > ($2, $3) ORDER BY created_at, id LIMIT $4"
        )];
        UPDATE => [concat!(
            "UPDATE users SET full_name = COALESCE($3, full_name), role = COALESCE($4, role), ",
            "password_hash = COALESCE($5, password_hash), updated_at = $6 ",
            "WHERE organization_id = $1 AND id = $2 AND deleted_at IS NULL RETURNING ",
            user_columns!()
        )];
        SET_LAST_LOGIN => [
            "UPDATE users SET last_login_at = $3 \
             WHERE organization_id = $1 AND id = $2 AND deleted_at IS NULL"
        ];
        // The verification link was followed (once: a verified address stays verified).
        SET_EMAIL_VERIFIED => [
            "UPDATE users SET email_verified_at = $3, updated_at = $3 \
             WHERE organization_id = $1 AND id = $2 AND deleted_at IS NULL \
             AND email_verified_at IS NULL"
        ];
        SOFT_DELETE => [
            "UPDATE users SET deleted_at = $3, updated_at = $3 \
             WHERE organization_id = $1 AND id = $2 AND deleted_at IS NULL"
        ];
        WITH_ORGANIZATION => [
            "SELECT u.id, u.organization_id, u.email, u.full_name, u.role, u.last_login_at, \
             u.created_at, u.updated_at, u.email_verified_at, o.name AS organization_name, \
             o.slug AS organization_slug, o.plan AS organization_plan, \
             o.opusclip_api_key_ciphertext IS NOT NULL AS organization_has_opusclip_key, \
             o.created_at AS organization_created_at \
             FROM users u JOIN organizations o ON o.id = u.organization_id \
             WHERE u.organization_id = $1 AND u.id = $2 \
             AND u.deleted_at IS NULL AND o.deleted_at IS NULL"
        ];
    }
    accounts {
        // Sign-in happens before any organization is known: the one lookup of a tenant
        // table by a global key. Returns at most one row (users_email_key).
        FIND_BY_EMAIL => [concat!(
            "SELECT ", user_columns!(), " FROM users WHERE email = $1 AND deleted_at IS NULL"
        )];
    }
    sessions {
        // A password change signs the account out everywhere but where it was changed.
        // ($1 user, $2 the session kept, $3 now.)
        REVOKE_OTHERS_FOR_USER => [
            "UPDATE sessions SET revoked_at = $3 \
             WHERE user_id = $1 AND id <> $2 AND revoked_at IS NULL"
        ];
        INSERT => [concat!(
            "INSERT INTO sessions (id, user_id, token_hash, expires_at, ip, user_agent) ",
            "VALUES ($1, $2, $3, $4, $5, $6) RETURNING ", session_columns!()
        )];
        GET_BY_TOKEN_HASH => [concat!(
            "SELECT ", session_columns!(), " FROM sessions WHERE token_hash = $1"
        )];
        TOUCH => ["UPDATE sessions SET last_seen_at = $2 WHERE id = $1"];
        REVOKE => ["UPDATE sessions SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL"];
        REVOKE_ALL_FOR_USER => [
            "UPDATE sessions SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL"
        ];
        // `GET /v1/me/sessions`: a user's live sessions (as `AUTHENTICATE` judges them: $2 now,
        // $3 now - idle), newest first, keyset on ($4, $5). On sessions_user_id_idx: a user's
        // sessions are few, so the sort is of that handful.
        LIST_LIVE_FOR_USER => [concat!(
            "SELECT ", session_columns!(), " FROM sessions ",
            "WHERE user_id = $1 AND revoked_at IS NULL AND expires_at > $2 AND last_seen_at > $3 ",
            "AND (created_at, id) < ($4, $5) ORDER BY created_at DESC, id DESC LIMIT $6"
        )];
        // `DELETE /v1/me/sessions/{id}`: revokes one live session, only if it is the user's
        // own ($1), so another user's session id touches nothing and reads as missing.
        REVOKE_FOR_USER => [
            "UPDATE sessions SET revoked_at = $3 WHERE user_id = $1 AND id = $2 \
             AND revoked_at IS NULL AND expires_at > $3 AND last_seen_at > $4"
        ];
        // The addresses a user holds live sessions from: the sign-in throttle exempts them
        // from an account's failure ceiling, so an attack cannot lock the user out of them.
        LIVE_IPS_FOR_USER => [
            "SELECT DISTINCT ip FROM sessions \
             WHERE user_id = $1 AND revoked_at IS NULL AND expires_at > $2 AND ip IS NOT NULL \
             LIMIT 100"
        ];
        // The per-request session check: the one round trip authentication adds. A session
        // is live when not revoked, not past its absolute expiry, used within the idle
        // timeout ($3 = now - idle), and its user and organization are not deleted.
        AUTHENTICATE => [
            "SELECT s.id AS session_id, s.last_seen_at, s.expires_at, u.id AS user_id, \
             u.organization_id, u.role \
             FROM sessions s JOIN users u ON u.id = s.user_id \
             JOIN organizations o ON o.id = u.organization_id \
             WHERE s.token_hash = $1 AND s.revoked_at IS NULL AND s.expires_at > $2 \
             AND s.last_seen_at > $3 AND u.deleted_at IS NULL AND o.deleted_at IS NULL"
        ];
    }
    auth_events {
        INSERT => [
            "INSERT INTO auth_events (id, organization_id, user_id, actor_id, kind, email_hash, \
             ip, detail, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
        ];
        // `GET /v1/organization/audit-events`: an organization's trail, newest first in keyset
        // pages ($2, $3) on auth_events_organization_id_created_at_id_idx. Each filter has its
        // own statement and index, so a filter that matches few events reads only those.
        LIST => [concat!(
            "SELECT ", auth_event_columns!(), " FROM auth_events WHERE organization_id = $1 ",
            "AND (created_at, id) < ($2, $3) ORDER BY created_at DESC, id DESC LIMIT $4"
        )];
        // One kind ($2), on auth_events_organization_id_kind_created_at_id_idx.
        LIST_BY_KIND => [concat!(
            "SELECT ", auth_event_columns!(), " FROM auth_events WHERE organization_id = $1 ",
            "AND kind = $2 AND (created_at, id) < ($3, $4) ORDER BY created_at DESC, id DESC LIMIT $5"
        )];
        // What one member ($2) did: events it did to someone else (actor_id, partial index
        // ..._actor_id_created_at_id_idx) merged with those it did to itself (no actor_id:
        // ..._user_id_created_at_id_idx), each half a keyset page of its own; optional kind $3.
        LIST_BY_ACTOR => [
            pg: concat!(
                "SELECT * FROM (SELECT ", auth_event_columns!(), " FROM auth_events ",
                "WHERE organization_id = $1 AND actor_id = $2 ",
                "AND (CAST($3 AS TEXT) IS NULL OR kind = $3) AND (created_at, id) < ($4, $5) ",
                "ORDER BY created_at DESC, id DESC LIMIT $6) AS by_actor UNION ALL ",
                "SELECT * FROM (SELECT ", auth_event_columns!(), " FROM auth_events ",
                "WHERE organization_id = $1 AND actor_id IS NULL AND user_id = $2 ",
                "AND (CAST($3 AS TEXT) IS NULL OR kind = $3) AND (created_at, id) < ($4, $5) ",
                "ORDER BY created_at DESC, id DESC LIMIT $6) AS by_self ",
                "ORDER BY created_at DESC, id DESC LIMIT $6"
            ),
            sqlite: concat!(
                "SELECT * FROM (SELECT ", auth_event_columns!(), " FROM auth_events ",
                "WHERE organization_id = $1 AND actor_id = $2 ",
                "AND ($3 IS NULL OR kind = $3) AND (created_at, id) < ($4, $5) ",
                "ORDER BY created_at DESC, id DESC LIMIT $6) AS by_actor UNION ALL ",
                "SELECT * FROM (SELECT ", auth_event_columns!(), " FROM auth_events ",
                "WHERE organization_id = $1 AND actor_id IS NULL AND user_id = $2 ",
                "AND ($3 IS NULL OR kind = $3) AND (created_at, id) < ($4, $5) ",
                "ORDER BY created_at DESC, id DESC LIMIT $6) AS by_self ",
                "ORDER BY created_at DESC, id DESC LIMIT $6"
            )
        ];
        // Audit retention (app/audit.rs): events older than $1, oldest first, at most $2 per
        // statement (auth_events_created_at_idx), so no statement holds locks for long. On
        // PostgreSQL the batch is an array looked up by primary key: as `id IN (subquery)`
        // the generic plan (LIMIT $2 unknown) hash-joins it against a scan of the whole table.
        DELETE_OLDER_BATCH => [
            pg: "DELETE FROM auth_events WHERE id = ANY (ARRAY(SELECT id FROM auth_events \
                 WHERE created_at < $1 ORDER BY created_at LIMIT $2))",
            sqlite: "DELETE FROM auth_events WHERE id IN \
                     (SELECT id FROM auth_events WHERE created_at < $1 ORDER BY created_at LIMIT $2)"
        ];
        // Events older than $1 whose address is still whole, oldest first, at most $2; the
        // predicate is auth_events_whole_ip_idx's, so only those rows are read.
        WHOLE_IPS_OLDER => [
            "SELECT id, ip FROM auth_events WHERE ip NOT LIKE '%/%' AND created_at < $1 \
             ORDER BY created_at LIMIT $2"
        ];
        // The address cut to its network (or cleared when it was not an address).
        SET_IP => ["UPDATE auth_events SET ip = $2 WHERE id = $1"];
        // The sign-in throttle's input: an account's failures since $2, newest first, bounded.
        RECENT_SIGNIN_FAILURES => [
            "SELECT created_at, ip FROM auth_events \
             WHERE kind = 'signin_failure' AND email_hash = $1 AND created_at > $2 \
             ORDER BY created_at DESC LIMIT $3"
        ];
    }
    videos {
        INSERT => [concat!(
            "INSERT INTO videos (organization_id, id, user_id, title, script, video_raw_url, ",
            "video_processed_url, thumbnail_url, status, module_type, duration_seconds, ",
            "size_bytes, captions, parent_video_id, opusclip_clip_id, score) ",
            "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) ",
            "RETURNING ", video_columns!()
        )];
        GET => [concat!(
            "SELECT ", video_columns!(), " FROM videos WHERE organization_id = $1 AND id = $2"
        )];
        // Newest first on videos_organization_id_created_at_idx; filters are optional.
        LIST => [concat!(
            "SELECT ", video_columns!(), " FROM videos WHERE organization_id = $1 ",
            "AND (CAST($2 AS TEXT) IS NULL OR status = $2) ",
            "AND (CAST($3 AS TEXT) IS NULL OR module_type = $3) ",
            "AND (created_at, id) < ($4, $5) ORDER BY created_at DESC, id DESC LIMIT $6"
        )];
        // Nullable columns take a flag ($n) and a value ($n+1) so a patch can clear them.
        UPDATE => [concat!(
            "UPDATE videos SET title = COALESCE($3, title), ",
            "script = CASE WHEN $4 THEN $5 ELSE script END, ",
            "video_raw_url = CASE WHEN $6 THEN $7 ELSE video_raw_url END, ",
            "video_processed_url = CASE WHEN $8 THEN $9 ELSE video_processed_url END, ",
            "thumbnail_url = CASE WHEN $10 THEN $11 ELSE thumbnail_url END, ",
            "status = COALESCE($12, status), ",
            "module_type = CASE WHEN $13 THEN $14 ELSE module_type END, ",
            "duration_seconds = CASE WHEN $15 THEN $16 ELSE duration_seconds END, ",
            "size_bytes = CASE WHEN $17 THEN $18 ELSE size_bytes END, ",
            "captions = CASE WHEN $19 THEN $20 ELSE captions END, ",
            "score = CASE WHEN $21 THEN $22 ELSE score END, ",
            "updated_at = $23 WHERE organization_id = $1 AND id = $2 RETURNING ",
            video_columns!()
        )];
        DELETE => ["DELETE FROM videos WHERE organization_id = $1 AND id = $2"];
        // Clip ingestion: a clip already stored (a second ingestion, the webhook and the
        // poller racing) is skipped by videos_organization_id_opusclip_clip_id_key.
        INSERT_CLIP => [concat!(
            "INSERT INTO videos (organization_id, id, user_id, title, video_raw_url, ",
            "video_processed_url, status, module_type, duration_seconds, parent_video_id, ",
            "opusclip_clip_id, score, description, hashtags, clip_position) VALUES ($1, $2, $3, ",
            "$4, $5, $6, 'ready', 'clip', $7, $8, $9, $10, $11, $12, $13) ",
            "ON CONFLICT (organization_id, opusclip_clip_id) DO NOTHING"
        )];
        // A source's clips on videos_organization_id_parent_video_id_idx: best score first
        // where the provider gave one, else the provider's order (clip_position).
        LIST_CLIPS => [concat!(
            "SELECT ", video_columns!(), " FROM videos WHERE organization_id = $1 ",
            "AND parent_video_id = $2 ",
            "ORDER BY score DESC NULLS LAST, clip_position NULLS LAST, id LIMIT $3"
        )];
        // Status changes of a source video guarded by its current status, so racing
        // ingestions change it once.
        SET_STATUS_FROM => [
            "UPDATE videos SET status = $4, updated_at = $5 \
             WHERE organization_id = $1 AND id = $2 AND status = $3"
        ];
    }
    clip_projects {
        INSERT => [concat!(
            "INSERT INTO clip_projects (organization_id, id, video_id, opusclip_project_id, ",
            "stage, options, next_poll_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ",
            clip_project_columns!()
        )];
        GET => [concat!(
            "SELECT ", clip_project_columns!(),
            " FROM clip_projects WHERE organization_id = $1 AND id = $2"
        )];
        LIST_FOR_VIDEO => [concat!(
            "SELECT ", clip_project_columns!(),
            " FROM clip_projects WHERE organization_id = $1 AND video_id = $2 ",
            "ORDER BY created_at DESC, id DESC"
        )];
        UPDATE => [concat!(
            "UPDATE clip_projects SET ",
            "opusclip_project_id = CASE WHEN $3 THEN $4 ELSE opusclip_project_id END, ",
            "stage = CASE WHEN $5 THEN $6 ELSE stage END, ",
            "status = COALESCE($7, status), attempts = COALESCE($8, attempts), ",
            "next_poll_at = CASE WHEN $9 THEN $10 ELSE next_poll_at END, ",
            "last_error = CASE WHEN $11 THEN $12 ELSE last_error END, ",
            "completed_at = CASE WHEN $13 THEN $14 ELSE completed_at END, ",
            "updated_at = $15 WHERE organization_id = $1 AND id = $2 RETURNING ",
            clip_project_columns!()
        )];
        // A poll that found the project still running: its stage and when to look again.
        ADVANCE => [
            "UPDATE clip_projects SET stage = COALESCE($3, stage), next_poll_at = $4, last_error = $5, \
             updated_at = $6 WHERE organization_id = $1 AND id = $2 AND status = 'processing'"
        ];
        // The conclusions, guarded by status: of a webhook and a poll racing, one wins.
        COMPLETE => [
            "UPDATE clip_projects SET status = 'completed', stage = $3, completed_at = $4, \
             next_poll_at = NULL, last_error = NULL, updated_at = $4 \
             WHERE organization_id = $1 AND id = $2 AND status = 'processing'"
        ];
        FAIL => [
            "UPDATE clip_projects SET status = 'failed', stage = COALESCE($3, stage), \
             last_error = $4, next_poll_at = NULL, updated_at = $5 \
             WHERE organization_id = $1 AND id = $2 AND status = 'processing'"
        ];
        // The poller's claim, across organizations: processing projects whose poll is due
        // (clip_projects_poll_idx), pushed to $3 (a lease: a crashed poller's projects come
        // due again) with attempts + 1. $1 now, $2 batch. PostgreSQL skips rows another
        // poller holds; SQLite runs it under BEGIN IMMEDIATE.
        CLAIM_DUE => [
            pg: concat!(
                "WITH due AS (SELECT id FROM clip_projects WHERE status = 'processing' ",
                "AND next_poll_at <= $1 ORDER BY next_poll_at LIMIT $2 FOR UPDATE SKIP LOCKED) ",
                "UPDATE clip_projects SET next_poll_at = $3, attempts = attempts + 1, ",
                "updated_at = $1 FROM due WHERE clip_projects.id = due.id RETURNING ",
                "clip_projects.id, clip_projects.organization_id, clip_projects.video_id, ",
                "clip_projects.opusclip_project_id, clip_projects.stage, clip_projects.status, ",
                "clip_projects.options, clip_projects.attempts, clip_projects.next_poll_at, ",
                "clip_projects.last_error, clip_projects.completed_at, clip_projects.created_at, ",
                "clip_projects.updated_at"
            ),
            sqlite: concat!(
                "UPDATE clip_projects SET next_poll_at = $3, attempts = attempts + 1, ",
                "updated_at = $1 WHERE id IN (SELECT id FROM clip_projects ",
                "WHERE status = 'processing' AND next_poll_at <= $1 ORDER BY next_poll_at ",
                "LIMIT $2) RETURNING ", clip_project_columns!()
            )
        ];
        // The webhook's lookup by the id in its (verified) callback URL.
        GET_ANY => [concat!(
            "SELECT ", clip_project_columns!(), " FROM clip_projects WHERE id = $1"
        )];
    }
    posts {
        INSERT => [concat!(
            "INSERT INTO posts (organization_id, id, video_id, created_by, platform, ",
            "description, hashtags, scheduled_at, status) ",
            "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING ", post_columns!()
        )];
        GET => [concat!(
            "SELECT ", post_columns!(), " FROM posts WHERE organization_id = $1 AND id = $2"
        )];
        // An edit's read: on PostgreSQL the row lock keeps the scheduler (SKIP LOCKED) and
        // concurrent edits off the post until the edit commits; SQLite's BEGIN IMMEDIATE
        // already holds the single write lock.
        GET_FOR_UPDATE => [
            pg: concat!(
                "SELECT ", post_columns!(), " FROM posts WHERE organization_id = $1 AND id = $2 ",
                "FOR UPDATE"
            ),
            sqlite: concat!(
                "SELECT ", post_columns!(), " FROM posts WHERE organization_id = $1 AND id = $2"
            )
        ];
        GET_WITH_VIDEO => [concat!(
            "SELECT ", post_with_video_columns!(), " FROM posts p JOIN videos v ",
            "ON v.organization_id = p.organization_id AND v.id = p.video_id ",
            "WHERE p.organization_id = $1 AND p.id = $2"
        )];
        // The calendar / feed: a scheduled_at window, optional filters, newest first on
        // posts_organization_id_scheduled_at_idx, each post with its video in one query.
        // Page first: the page's posts are taken on the index, then only they are joined to
        // their videos. Joined first, PostgreSQL planned a nested loop that read all of the
        // organization's videos and discarded ~1,250 joined rows per page (docs/BENCHMARKS.md);
        // the composite foreign key guarantees every post its video, so the rows are the same.
        LIST_WITH_VIDEO => [concat!(
            "SELECT ", post_with_video_columns!(), " FROM (",
            "SELECT ", post_columns!(), " FROM posts ",
            "WHERE organization_id = $1 AND scheduled_at >= $2 AND scheduled_at < $3 ",
            "AND (CAST($4 AS TEXT) IS NULL OR status = $4) ",
            "AND (CAST($5 AS TEXT) IS NULL OR platform = $5) ",
            "AND (scheduled_at, id) < ($6, $7) ",
            "ORDER BY scheduled_at DESC, id DESC LIMIT $8",
            ") p JOIN videos v ON v.organization_id = p.organization_id AND v.id = p.video_id ",
            "ORDER BY p.scheduled_at DESC, p.id DESC"
        )];
        UPDATE => [concat!(
            "UPDATE posts SET description = COALESCE($3, description), ",
            "hashtags = COALESCE($4, hashtags), scheduled_at = COALESCE($5, scheduled_at), ",
            "status = COALESCE($6, status), ",
            "published_at = CASE WHEN $7 THEN $8 ELSE published_at END, ",
            "external_post_id = CASE WHEN $9 THEN $10 ELSE external_post_id END, ",
            "attempts = COALESCE($11, attempts), ",
            "last_error = CASE WHEN $12 THEN $13 ELSE last_error END, ",
            "updated_at = $14 WHERE organization_id = $1 AND id = $2 RETURNING ",
            post_columns!()
        )];
        DELETE => ["DELETE FROM posts WHERE organization_id = $1 AND id = $2"];
        // The delete rule of videos (docs/schema.md, posts_video_fkey): posts that were or may
        // be sent block the delete; on posts_organization_id_video_id_idx.
        COUNT_BLOCKING_FOR_VIDEO => [
            "SELECT count(*) FROM posts WHERE organization_id = $1 AND video_id = $2 \
             AND status IN ('scheduled', 'publishing', 'published')"
        ];
        // The posts that never left renum (draft, failed, cancelled) go with their video.
        DELETE_UNSENT_FOR_VIDEO => [
            "DELETE FROM posts WHERE organization_id = $1 AND video_id = $2 \
             AND status IN ('draft', 'failed', 'cancelled')"
        ];
    }
    scheduler {
        // The claim, across organizations: due scheduled posts (posts_due_idx) and posts whose
        // lease ran out (posts_lease_expiry_idx) become 'publishing' under this worker's lease,
        // attempts + 1. $1 now, $2 batch size, $3 worker id, $4 lease end. PostgreSQL skips
        // rows another worker (or an edit) holds; SQLite runs it under BEGIN IMMEDIATE. Posts
        // of a deleted organization are never claimed.
        CLAIM => [
            pg: concat!(
                "WITH due AS (SELECT id FROM posts WHERE ((status = 'scheduled' AND scheduled_at <= $1) ",
                "OR (status = 'publishing' AND locked_until < $1)) ",
                "AND NOT EXISTS (SELECT 1 FROM organizations o WHERE o.id = posts.organization_id ",
                "AND o.deleted_at IS NOT NULL) ",
                "ORDER BY scheduled_at LIMIT $2 FOR UPDATE SKIP LOCKED) ",
                "UPDATE posts SET status = 'publishing', locked_by = $3, locked_until = $4, ",
                "attempts = attempts + 1, updated_at = $1 FROM due WHERE posts.id = due.id RETURNING ",
                "posts.id, posts.organization_id, posts.video_id, posts.created_by, posts.platform, ",
                "posts.description, posts.hashtags, posts.scheduled_at, posts.status, posts.published_at, ",
                "posts.external_post_id, posts.attempts, posts.last_error, posts.created_at, posts.updated_at, \
                 posts.locked_by, posts.locked_until"
            ),
            sqlite: concat!(
                "UPDATE posts SET status = 'publishing', locked_by = $3, locked_until = $4, ",
                "attempts = attempts + 1, updated_at = $1 WHERE id IN (SELECT id FROM posts ",
                "WHERE ((status = 'scheduled' AND scheduled_at <= $1) ",
                "OR (status = 'publishing' AND locked_until < $1)) ",
                "AND NOT EXISTS (SELECT 1 FROM organizations o WHERE o.id = posts.organization_id ",
                "AND o.deleted_at IS NOT NULL) ",
                "ORDER BY scheduled_at LIMIT $2) RETURNING ", post_columns!()
            )
        ];
        // The fence of every delivery: before it starts, and while it runs (a heartbeat), the
        // worker extends its lease to $4; no row means the lease was taken over, the post was
        // cancelled or its organization deleted, and the delivery must not (go on to) happen.
        // ($1 organization, $2 post, $3 worker id.)
        HOLD => [
            "UPDATE posts SET locked_until = $4 \
             WHERE organization_id = $1 AND id = $2 AND status = 'publishing' AND locked_by = $3 \
             AND NOT EXISTS (SELECT 1 FROM organizations o WHERE o.id = $1 \
             AND o.deleted_at IS NOT NULL)"
        ];
        // Outcomes bind ($1 organization, $2 post, $3 worker id): a worker whose lease was
        // taken over changes nothing.
        PUBLISHED => [
            "UPDATE posts SET status = 'published', published_at = $4, external_post_id = $5, \
             last_error = NULL, locked_by = NULL, locked_until = NULL, updated_at = $4 \
             WHERE organization_id = $1 AND id = $2 AND status = 'publishing' AND locked_by = $3"
        ];
        RESCHEDULE => [
            "UPDATE posts SET status = 'scheduled', scheduled_at = $4, last_error = $5, \
             locked_by = NULL, locked_until = NULL, updated_at = $6 \
             WHERE organization_id = $1 AND id = $2 AND status = 'publishing' AND locked_by = $3"
        ];
        FAILED => [
            "UPDATE posts SET status = 'failed', last_error = $4, \
             locked_by = NULL, locked_until = NULL, updated_at = $5 \
             WHERE organization_id = $1 AND id = $2 AND status = 'publishing' AND locked_by = $3"
        ];
    }
    email_tokens {
        INSERT => [
            "INSERT INTO email_tokens (id, user_id, purpose, token_hash, expires_at) \
             VALUES ($1, $2, $3, $4, $5)"
        ];
        // A new link supersedes the user's unused ones of the same purpose (on
        // email_tokens_user_id_idx). ($1 user, $2 purpose, $3 now.)
        SUPERSEDE => [
            "UPDATE email_tokens SET used_at = $3 \
             WHERE user_id = $1 AND purpose = $2 AND used_at IS NULL"
        ];
        // Checks and spends a token in one statement (email_tokens_token_hash_key), so it
        // works once even under concurrent use: unused, unexpired, of this purpose, its user
        // and organization live. Returns whose it is. ($1 hash, $2 purpose, $3 now.)
        CONSUME => [
            "UPDATE email_tokens SET used_at = $3 \
             WHERE token_hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > $3 \
             AND EXISTS (SELECT 1 FROM users u JOIN organizations o ON o.id = u.organization_id \
             WHERE u.id = email_tokens.user_id AND u.deleted_at IS NULL AND o.deleted_at IS NULL) \
             RETURNING user_id, \
             (SELECT u.organization_id FROM users u WHERE u.id = email_tokens.user_id) AS organization_id"
        ];
    }
    invitations {
        INSERT => [concat!(
            "INSERT INTO invitations (organization_id, id, email, role, invited_by, token_hash, ",
            "expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ", invitation_columns!()
        )];
        // A new invitation revokes the address's pending one (invitations_pending_email_key).
        // ($1 organization, $2 email, $3 now.)
        SUPERSEDE => [
            "UPDATE invitations SET revoked_at = $3 \
             WHERE organization_id = $1 AND email = $2 AND accepted_at IS NULL AND revoked_at IS NULL"
        ];
        // Pending, unexpired invitations, oldest first (invitations_pending_idx).
        // ($1 organization, $2 now, $3/$4 keyset, $5 limit.)
        LIST_PENDING => [concat!(
            "SELECT ", invitation_columns!(), " FROM invitations WHERE organization_id = $1 ",
            "AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > $2 ",
            "AND (created_at, id) > ($3, $4) ORDER BY created_at, id LIMIT $5"
        )];
        // ($1 organization, $2 invitation, $3 now.)
        REVOKE => [
            "UPDATE invitations SET revoked_at = $3 \
             WHERE organization_id = $1 AND id = $2 AND accepted_at IS NULL AND revoked_at IS NULL"
        ];
        // Checks and spends an invitation in one statement (invitations_token_hash_key), so
        // it works once even under concurrent use: pending, unexpired, its organization and
        // its inviter live. ($1 hash, $2 now.)
        ACCEPT => [concat!(
            "UPDATE invitations SET accepted_at = $2 ",
            "WHERE token_hash = $1 AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > $2 ",
            "AND EXISTS (SELECT 1 FROM users u JOIN organizations o ON o.id = u.organization_id ",
            "WHERE u.organization_id = invitations.organization_id AND u.id = invitations.invited_by ",
            "AND u.deleted_at IS NULL AND o.deleted_at IS NULL) RETURNING ", invitation_columns!()
        )];
    }
    mail_outbox {
        // Written in the transaction of the action that causes the message; due at once.
        INSERT => [
            "INSERT INTO mail_outbox (id, kind, recipient, subject, body_text, body_html) \
             VALUES ($1, $2, $3, $4, $5, $6)"
        ];
        // The sender's claim: due pending messages whose lease (if any) ran out, on
        // mail_outbox_due_idx, claimed by $3 until $4 with attempts + 1 (an attempt counts
        // when it starts, so one cut short by a crash is recorded). $1 now, $2 batch.
        // PostgreSQL skips rows another sender holds; SQLite runs it under BEGIN IMMEDIATE.
        CLAIM => [
            pg: concat!(
                "WITH due AS (SELECT id FROM mail_outbox WHERE status = 'pending' ",
                "AND next_attempt_at <= $1 AND (claimed_until IS NULL OR claimed_until <= $1) ",
                "ORDER BY next_attempt_at LIMIT $2 FOR UPDATE SKIP LOCKED) ",
                "UPDATE mail_outbox SET claimed_by = $3, claimed_until = $4, ",
                "attempts = mail_outbox.attempts + 1 FROM due WHERE mail_outbox.id = due.id RETURNING ",
                "mail_outbox.id, mail_outbox.kind, mail_outbox.recipient, mail_outbox.subject, ",
                "mail_outbox.body_text, mail_outbox.body_html, mail_outbox.status, ",
                "mail_outbox.attempts, mail_outbox.next_attempt_at, mail_outbox.claimed_by, ",
                "mail_outbox.claimed_until, mail_outbox.last_error, mail_outbox.sent_at, ",
                "mail_outbox.created_at"
            ),
            sqlite: concat!(
                "UPDATE mail_outbox SET claimed_by = $3, claimed_until = $4, attempts = attempts + 1 ",
                "WHERE id IN (SELECT id FROM mail_outbox WHERE status = 'pending' ",
                "AND next_attempt_at <= $1 AND (claimed_until IS NULL OR claimed_until <= $1) ",
                "ORDER BY next_attempt_at LIMIT $2) RETURNING ", mail_columns!()
            )
        ];
        // Outcomes bind ($1 message, $2 sender): a sender whose lease was taken over changes
        // nothing. Sent and given-up messages lose their bodies (they hold live links).
        SENT => [
            "UPDATE mail_outbox SET status = 'sent', sent_at = $3, body_text = '', body_html = '', \
             last_error = NULL, claimed_by = NULL, claimed_until = NULL \
             WHERE id = $1 AND claimed_by = $2 AND status = 'pending'"
        ];
        RETRY => [
            "UPDATE mail_outbox SET next_attempt_at = $3, last_error = $4, \
             claimed_by = NULL, claimed_until = NULL \
             WHERE id = $1 AND claimed_by = $2 AND status = 'pending'"
        ];
        FAILED => [
            "UPDATE mail_outbox SET status = 'failed', last_error = $3, body_text = '', \
             body_html = '', claimed_by = NULL, claimed_until = NULL \
             WHERE id = $1 AND claimed_by = $2 AND status = 'pending'"
        ];
        // `renum mail outbox`: what is waiting, oldest due first (on mail_outbox_due_idx).
        LIST_PENDING => [concat!(
            "SELECT ", mail_columns!(), " FROM mail_outbox WHERE status = 'pending' ",
            "ORDER BY next_attempt_at LIMIT $1"
        )];
    }
    purge {
        // Organizations soft-deleted before $1, oldest first.
        DELETED_ORGANIZATIONS => [
            "SELECT id FROM organizations WHERE deleted_at IS NOT NULL AND deleted_at < $1 \
             ORDER BY deleted_at LIMIT $2"
        ];
        // Bounded batches, children first (the FKs to organizations are RESTRICT).
        POSTS_BATCH => [
            "DELETE FROM posts WHERE id IN \
             (SELECT id FROM posts WHERE organization_id = $1 LIMIT $2)"
        ];
        CLIP_PROJECTS_BATCH => [
            "DELETE FROM clip_projects WHERE id IN \
             (SELECT id FROM clip_projects WHERE organization_id = $1 LIMIT $2)"
        ];
        // Leaves first: a video that is no clip's parent (clips of clips included). NOT IN
        // over the organization's parent ids is one hashed lookup per video; NOT EXISTS was
        // planned as a nested loop comparing each video with every clip (renum doctor's
        // join_waste), which grows with the square of the organization's videos.
        VIDEOS_BATCH => [
            "DELETE FROM videos WHERE id IN (SELECT v.id FROM videos v \
             WHERE v.organization_id = $1 AND v.id NOT IN (SELECT c.parent_video_id FROM videos c \
             WHERE c.organization_id = $1 AND c.parent_video_id IS NOT NULL) LIMIT $2)"
        ];
        // Sessions go with their users (ON DELETE CASCADE).
        USERS_BATCH => [
            "DELETE FROM users WHERE id IN \
             (SELECT id FROM users WHERE organization_id = $1 LIMIT $2)"
        ];
        ORGANIZATION => [
            "DELETE FROM organizations WHERE id = $1 AND deleted_at IS NOT NULL"
        ];
        // Members soft-deleted before $1 in organizations that live on, not yet anonymized
        // ('!' is the password hash of an anonymized account: it never verifies). An
        // anti-join on the few deleted organizations (organizations_deleted_at_idx), not a
        // join with every live one: the foreign key guarantees each user its organization.
        DELETED_USERS => [
            "SELECT u.organization_id, u.id FROM users u \
             WHERE u.deleted_at IS NOT NULL AND u.deleted_at < $1 AND u.password_hash <> '!' \
             AND NOT EXISTS (SELECT 1 FROM organizations o WHERE o.id = u.organization_id \
             AND o.deleted_at IS NOT NULL) ORDER BY u.deleted_at LIMIT $2"
        ];
        USER_HAS_CONTENT => [
            "SELECT EXISTS (SELECT 1 FROM videos WHERE organization_id = $1 AND user_id = $2) \
             OR EXISTS (SELECT 1 FROM posts WHERE organization_id = $1 AND created_by = $2)"
        ];
        USER => ["DELETE FROM users WHERE organization_id = $1 AND id = $2 AND deleted_at IS NOT NULL"];
        // A removed member who authored videos or posts keeps the row (the organization's
        // content stays attributed) but loses every personal field.
        ANONYMIZE_USER => [
            "UPDATE users SET email = $3, full_name = 'Deleted user', password_hash = '!', \
             updated_at = $4 WHERE organization_id = $1 AND id = $2 AND deleted_at IS NOT NULL"
        ];
    }
    api_logs {
        INSERT => [concat!(
            "INSERT INTO api_logs (organization_id, direction, service, endpoint, method, ",
            "status_code, duration_ms, request_id, user_id, request_body, response_body, ",
            "created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING ",
            api_log_columns!()
        )];
        // One statement per batch of the log writer (crates/renum/src/api_log/sink.rs).
        // PostgreSQL: one array per column; SQLite: one JSON array of records whose bodies
        // are JSON text, so `->>` hands back exactly the text a single-row insert stores.
        INSERT_BATCH => [
            pg: "INSERT INTO api_logs (organization_id, direction, service, endpoint, method, \
                 status_code, duration_ms, request_id, user_id, request_body, response_body, \
                 created_at) SELECT * FROM UNNEST($1::uuid[], $2::text[], $3::text[], \
                 $4::text[], $5::text[], $6::int4[], $7::float8[], $8::text[], $9::uuid[], \
                 $10::jsonb[], $11::jsonb[], $12::timestamptz[])",
            sqlite: "INSERT INTO api_logs (organization_id, direction, service, endpoint, \
                     method, status_code, duration_ms, request_id, user_id, request_body, \
                     response_body, created_at) SELECT value ->> 'o', value ->> 'd', \
                     value ->> 's', value ->> 'e', value ->> 'm', value ->> 'c', \
                     value ->> 'ms', value ->> 'r', value ->> 'u', value ->> 'qb', \
                     value ->> 'rb', value ->> 't' FROM json_each($1)"
        ];
        // Retention (renum_db::retention): what is left past the window once whole
        // partitions are dropped, deleted in bounded batches so no statement holds the
        // write lock (SQLite) or a long transaction (PostgreSQL) for long. On PostgreSQL the
        // outer `created_at < $1` lets the executor prune the delete to the partitions older
        // than the cutoff even under a generic plan: without it a pooled prepared statement
        // could hash-join against every partition (6 s a batch at 10M rows, renum doctor).
        COUNT_OLDER => ["SELECT count(*) FROM api_logs WHERE created_at < $1"];
        DELETE_OLDER_BATCH => [
            pg: "DELETE FROM api_logs WHERE created_at < $1 AND (created_at, id) IN \
                 (SELECT created_at, id FROM api_logs WHERE created_at < $1 \
                 ORDER BY created_at, id LIMIT $2)",
            sqlite: "DELETE FROM api_logs WHERE id IN \
                     (SELECT id FROM api_logs WHERE created_at < $1 ORDER BY created_at LIMIT $2)"
        ];
        // An organization's logs, newest first on api_logs_organization_id_created_at_idx;
        // optional direction, service, status class ($4 = 200, 400, ...) and time window.
        LIST => [concat!(
            "SELECT ", api_log_columns!(), " FROM api_logs WHERE organization_id = $1 ",
            "AND (CAST($2 AS TEXT) IS NULL OR direction = $2) ",
            "AND (CAST($3 AS TEXT) IS NULL OR service = $3) ",
            "AND (CAST($4 AS INTEGER) IS NULL OR (status_code >= $4 AND status_code < $4 + 100)) ",
            "AND created_at >= $5 AND created_at < $6 ",
            "AND (created_at, id) < ($7, $8) ORDER BY created_at DESC, id DESC LIMIT $9"
        )];
    }
    server {
        // What a measurement ran on (`renum bench --doc`). PostgreSQL's form of
        // `SHOW server_version`, because only a SELECT can be prepared and EXPLAINed.
        VERSION => [
            pg: "SELECT current_setting('server_version')",
            sqlite: "SELECT sqlite_version()"
        ];
    }
}

/// Statements that exist on PostgreSQL only: maintenance of `api_logs`' monthly partitions.
/// SQLite has no partitions, so they have no SQLite spelling and live outside the paired
/// catalogue; `ALL` lists them for preparing and EXPLAINing like the rest. The DDL that names
/// a month's partition is built from dates at run time, in `retention::partition_ddl`.
pub mod postgres_only {
    /// The migration lock, taken by polling instead of sqlx's blocking `pg_advisory_lock`:
    /// a waiter blocked inside `pg_advisory_lock` is an open transaction, which a running
    /// `CREATE INDEX CONCURRENTLY` waits for while the waiter waits for the lock holder, a
    /// deadlock; a poll is a transaction of a millisecond.
    pub mod migration_lock {
        pub const TRY_LOCK: &str = "SELECT pg_try_advisory_lock($1)";
        pub const UNLOCK: &str = "SELECT pg_advisory_unlock($1)";
    }
    pub mod api_log_partitions {
        /// The partitions attached to api_logs, by name (the default one included).
        pub const LIST: &str = "SELECT c.relname::text FROM pg_inherits i \
             JOIN pg_class c ON c.oid = i.inhrelid \
             WHERE i.inhparent = 'api_logs'::regclass ORDER BY 1";
        /// Taken first by partition creation, so no row can reach the default partition
        /// between the check below and the CREATE (the log writer just waits: its queue
        /// absorbs the pause).
        pub const LOCK: &str = "LOCK TABLE api_logs IN ACCESS EXCLUSIVE MODE";
        pub const DEFAULT_HAS_ROWS: &str = "SELECT EXISTS (SELECT 1 FROM api_logs_default \
             WHERE created_at >= $1 AND created_at < $2)";
        pub const DETACH_DEFAULT: &str = "ALTER TABLE api_logs DETACH PARTITION api_logs_default";
        /// With the default partition detached, rows inserted into api_logs for the new
        /// month's range land in its new partition; ids are kept.
        pub const MOVE_FROM_DEFAULT: &str = concat!(
            "INSERT INTO api_logs (",
            api_log_columns!(),
            ") OVERRIDING SYSTEM VALUE SELECT ",
            api_log_columns!(),
            " FROM api_logs_default WHERE created_at >= $1 AND created_at < $2"
        );
        pub const DELETE_FROM_DEFAULT: &str =
            "DELETE FROM api_logs_default WHERE created_at >= $1 AND created_at < $2";
        pub const ATTACH_DEFAULT: &str =
            "ALTER TABLE api_logs ATTACH PARTITION api_logs_default DEFAULT";
    }
    /// The channel the `*_auth_changed` triggers announce changed ids on (migration
    /// 20261206300000), and a server's heartbeat on it: hearing its own heartbeat proves its
    /// listener has heard every change committed before it (`auth_changes.rs`).
    pub mod auth_changes {
        pub const CHANNEL: &str = "renum_auth";
        pub const HEARTBEAT: &str = "SELECT pg_notify('renum_auth', $1)";
    }
    /// `table.NAME`, like the paired catalogue's entries.
    macro_rules! statement {
        ($table:ident :: $name:ident) => {
            super::Statement {
                name: concat!(stringify!($table), ".", stringify!($name)),
                sql: $table::$name,
            }
        };
    }

    pub const ALL: &[super::Statement] = &[
        statement!(api_log_partitions::LIST),
        statement!(api_log_partitions::LOCK),
        statement!(api_log_partitions::DEFAULT_HAS_ROWS),
        statement!(api_log_partitions::DETACH_DEFAULT),
        statement!(api_log_partitions::MOVE_FROM_DEFAULT),
        statement!(api_log_partitions::DELETE_FROM_DEFAULT),
        statement!(api_log_partitions::ATTACH_DEFAULT),
        statement!(auth_changes::HEARTBEAT),
    ];
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    #[test]
    fn both_engines_name_the_same_statements_once() {
        let pg: Vec<_> = super::postgres::ALL.iter().map(|s| s.name).collect();
        let sqlite: Vec<_> = super::sqlite::ALL.iter().map(|s| s.name).collect();
        assert_eq!(pg, sqlite);
        assert_eq!(
            pg.iter().collect::<BTreeSet<_>>().len(),
            pg.len(),
            "duplicate names"
        );
    }
}
