//! Each invariant of the schema, attacked with raw SQL on each engine: the database itself
//! must refuse, whatever the application code does.

use renum_db::Engine;
use renum_db::enums::{Platform, PostStatus};
use renum_db::ids::{OrganizationId, PostId, SessionId, UserId, VideoId};
use renum_db::models::{PostInsert, VideoInsert};
use renum_db::sql_types::{StringList, Timestamp};

use crate::harness::{TestDb, assert_refused, tenant};

/// The FK's name where the engine reports it (PostgreSQL); SQLite's message has no name.
fn fk<'a>(t: &TestDb, name: &'a str) -> Option<&'a str> {
    (t.engine() == Engine::Postgres).then_some(name)
}

const INSERT_USER: &str = "INSERT INTO users (id, organization_id, email, password_hash, full_name, role) \
                           VALUES ($1, $2, $3, 'hash', 'Someone', $4)";

async fn video(t: &TestDb, tenant: &crate::harness::Tenant) -> VideoId {
    use renum_db::Access;
    let mut conn = t.db.conn().await.unwrap();
    conn.videos(&tenant.scope)
        .insert(&VideoInsert::new(tenant.owner.id, "Source"))
        .await
        .unwrap()
        .id
}

both_engines! {
    async fn email_differing_only_in_case_is_refused(t) {
        let a = tenant(&t.db, "acme").await;
        let upper = raw!(&t.db, INSERT_USER, UserId::new(), a.org.id, "OWNER@acme.example", "member");
        assert_refused(upper, Some("users_email_check"));
        let same = raw!(&t.db, INSERT_USER, UserId::new(), a.org.id, "owner@acme.example", "member");
        assert_refused(same, Some("users_email_key"));
    }

    async fn second_owner_is_refused_but_a_deleted_owner_does_not_count(t) {
        let a = tenant(&t.db, "acme").await;
        let second = raw!(&t.db, INSERT_USER, UserId::new(), a.org.id, "two@acme.example", "owner");
        assert_refused(second, Some("users_one_owner_per_organization"));
        raw!(&t.db, "UPDATE users SET deleted_at = $1 WHERE id = $2", Timestamp::now(), a.owner.id).unwrap();
        raw!(&t.db, INSERT_USER, UserId::new(), a.org.id, "two@acme.example", "owner").unwrap();
    }

    async fn post_cannot_reference_another_organizations_video(t) {
        let a = tenant(&t.db, "acme").await;
        let b = tenant(&t.db, "bolt").await;
        let b_video = video(t, &b).await;
        let result = raw!(&t.db,
            "INSERT INTO posts (id, organization_id, video_id, created_by, platform, scheduled_at) \
             VALUES ($1, $2, $3, $4, 'x', $5)",
            PostId::new(), a.org.id, b_video, a.owner.id, Timestamp::now());
        assert_refused(result, fk(t, "posts_video_fkey"));
    }

    async fn video_cannot_belong_to_a_user_of_another_organization(t) {
        let a = tenant(&t.db, "acme").await;
        let b = tenant(&t.db, "bolt").await;
        let result = raw!(&t.db,
            "INSERT INTO videos (id, organization_id, user_id, title) VALUES ($1, $2, $3, 'x')",
            VideoId::new(), a.org.id, b.owner.id);
        assert_refused(result, fk(t, "videos_user_fkey"));
    }

    async fn clip_parent_must_be_in_the_same_organization(t) {
        let a = tenant(&t.db, "acme").await;
        let b = tenant(&t.db, "bolt").await;
        let b_video = video(t, &b).await;
        let result = raw!(&t.db,
            "INSERT INTO videos (id, organization_id, user_id, title, module_type, parent_video_id) \
             VALUES ($1, $2, $3, 'clip', 'clip', $4)",
            VideoId::new(), a.org.id, a.owner.id, b_video);
        assert_refused(result, fk(t, "videos_parent_video_fkey"));
    }

    async fn published_post_without_published_at_is_refused(t) {
        let a = tenant(&t.db, "acme").await;
        let v = video(t, &a).await;
        let result = raw!(&t.db,
            "INSERT INTO posts (id, organization_id, video_id, created_by, platform, scheduled_at, status, external_post_id) \
             VALUES ($1, $2, $3, $4, 'x', $5, 'published', 'x-1')",
            PostId::new(), a.org.id, v, a.owner.id, Timestamp::now());
        assert_refused(result, Some("posts_published_at_check"));
        let draft_with_published_at = raw!(&t.db,
            "INSERT INTO posts (id, organization_id, video_id, created_by, platform, scheduled_at, published_at) \
             VALUES ($1, $2, $3, $4, 'x', $5, $5)",
            PostId::new(), a.org.id, v, a.owner.id, Timestamp::now());
        assert_refused(draft_with_published_at, Some("posts_published_at_check"));
    }

    async fn external_post_id_is_recorded_once_per_platform(t) {
        use renum_db::Access;
        let a = tenant(&t.db, "acme").await;
        let v = video(t, &a).await;
        let mut conn = t.db.conn().await.unwrap();
        for platform in [Platform::X, Platform::X, Platform::Tiktok] {
            conn.posts(&a.scope).insert(&PostInsert {
                id: PostId::new(), video_id: v, created_by: a.owner.id, platform,
                description: String::new(), hashtags: StringList::default(),
                scheduled_at: Timestamp::now(), status: PostStatus::Draft,
            }).await.unwrap();
        }
        let set = "UPDATE posts SET status = 'published', published_at = $1, external_post_id = 'ext-1' WHERE id IN \
                   (SELECT id FROM posts WHERE platform = $2 AND external_post_id IS NULL ORDER BY id LIMIT 1)";
        assert_eq!(raw!(&t.db, set, Timestamp::now(), "x").unwrap(), 1);
        assert_refused(raw!(&t.db, set, Timestamp::now(), "x"), Some("posts_platform_external_post_id_key"));
        assert_eq!(raw!(&t.db, set, Timestamp::now(), "tiktok").unwrap(), 1, "another platform may reuse the id");
    }

    async fn negative_sizes_and_durations_are_refused(t) {
        let a = tenant(&t.db, "acme").await;
        let size = raw!(&t.db,
            "INSERT INTO videos (id, organization_id, user_id, title, size_bytes) VALUES ($1, $2, $3, 't', -1)",
            VideoId::new(), a.org.id, a.owner.id);
        assert_refused(size, Some("videos_size_bytes_check"));
        let duration = raw!(&t.db,
            "INSERT INTO videos (id, organization_id, user_id, title, duration_seconds) VALUES ($1, $2, $3, 't', -0.5)",
            VideoId::new(), a.org.id, a.owner.id);
        assert_refused(duration, Some("videos_duration_seconds_check"));
    }

    async fn unknown_enumeration_values_are_refused(t) {
        let a = tenant(&t.db, "acme").await;
        let v = video(t, &a).await;
        assert_refused(
            raw!(&t.db, INSERT_USER, UserId::new(), a.org.id, "x@acme.example", "superuser"),
            Some("users_role_check"),
        );
        assert_refused(
            raw!(&t.db, "UPDATE organizations SET plan = 'enterprise' WHERE id = $1", a.org.id),
            Some("organizations_plan_check"),
        );
        assert_refused(
            raw!(&t.db, "UPDATE videos SET status = 'deleted' WHERE id = $1", v),
            Some("videos_status_check"),
        );
        assert_refused(
            raw!(&t.db,
                "INSERT INTO posts (id, organization_id, video_id, created_by, platform, scheduled_at) \
                 VALUES ($1, $2, $3, $4, 'myspace', $5)",
                PostId::new(), a.org.id, v, a.owner.id, Timestamp::now()),
            Some("posts_platform_check"),
        );
        assert_refused(
            raw!(&t.db,
                "INSERT INTO api_logs (direction, service, endpoint, method, duration_ms) \
                 VALUES ('sideways', 's', '/', 'GET', 1)"),
            Some("api_logs_direction_check"),
        );
        assert_refused(
            raw!(&t.db,
                "INSERT INTO api_logs (direction, service, endpoint, method, status_code, duration_ms) \
                 VALUES ('inbound', 's', '/', 'GET', 600, 1)"),
            Some("api_logs_status_code_check"),
        );
    }

    async fn orphan_session_is_refused_and_sessions_go_with_their_user(t) {
        let orphan = raw!(&t.db,
            "INSERT INTO sessions (id, user_id, token_hash, expires_at) VALUES ($1, $2, $3, $4)",
            SessionId::new(), UserId::new(), vec![7u8; 32], Timestamp::now());
        assert_refused(orphan, None);

        let a = tenant(&t.db, "acme").await;
        raw!(&t.db,
            "INSERT INTO sessions (id, user_id, token_hash, expires_at) VALUES ($1, $2, $3, $4)",
            SessionId::new(), a.owner.id, vec![7u8; 32], Timestamp::now()).unwrap();
        assert_eq!(raw!(&t.db, "DELETE FROM users WHERE id = $1", a.owner.id).unwrap(), 1);
        assert_eq!(raw!(&t.db, "DELETE FROM sessions").unwrap(), 0, "the cascade removed it");
    }

    async fn organization_with_data_cannot_be_deleted_in_one_statement(t) {
        let a = tenant(&t.db, "acme").await;
        let result = raw!(&t.db, "DELETE FROM organizations WHERE id = $1", a.org.id);
        assert_refused(result, None);
    }

    async fn slugs_are_lowercase_and_names_not_empty(t) {
        let insert = "INSERT INTO organizations (id, name, slug) VALUES ($1, $2, $3)";
        assert_refused(raw!(&t.db, insert, OrganizationId::new(), "Acme", "Acme"), Some("organizations_slug_check"));
        assert_refused(raw!(&t.db, insert, OrganizationId::new(), "Acme", "-acme"), Some("organizations_slug_check"));
        assert_refused(raw!(&t.db, insert, OrganizationId::new(), "", "acme"), Some("organizations_name_check"));
        raw!(&t.db, insert, OrganizationId::new(), "Acme", "acme-2").unwrap();
        assert_refused(raw!(&t.db, insert, OrganizationId::new(), "Acme", "acme-2"), Some("organizations_slug_key"));
    }

    async fn a_clip_is_stored_once_per_organization(t) {
        let a = tenant(&t.db, "acme").await;
        let source = video(t, &a).await;
        let insert = "INSERT INTO videos (id, organization_id, user_id, title, module_type, parent_video_id, opusclip_clip_id) \
                      VALUES ($1, $2, $3, 'clip', 'clip', $4, 'proj.1')";
        raw!(&t.db, insert, VideoId::new(), a.org.id, a.owner.id, source).unwrap();
        assert_refused(
            raw!(&t.db, insert, VideoId::new(), a.org.id, a.owner.id, source),
            Some("videos_organization_id_opusclip_clip_id_key"),
        );
    }

    async fn token_hashes_are_sha256_sized(t) {
        let a = tenant(&t.db, "acme").await;
        let result = raw!(&t.db,
            "INSERT INTO sessions (id, user_id, token_hash, expires_at) VALUES ($1, $2, $3, $4)",
            SessionId::new(), a.owner.id, vec![1u8; 16], Timestamp::now());
        assert_refused(result, Some("sessions_token_hash_check"));
    }
}
