//! Create / read / update / delete round trips for every table on both engines, including
//! the JSON and list columns and the composite read types.

use renum_db::Access;
use renum_db::enums::{
    ClipProjectStatus, Direction, HttpMethod, ModuleType, Plan, Platform, PostStatus, Role,
    VideoStatus,
};
use renum_db::ids::{ClipProjectId, PostId, SessionId, UserId};
use renum_db::models::{
    ApiLogInsert, ClipProjectInsert, ClipProjectUpdate, OrganizationUpdate, PostInsert, PostUpdate,
    SessionInsert, UserInsert, UserUpdate, VideoInsert, VideoUpdate,
};
use renum_db::repo::{PostFilter, VideoFilter};
use renum_db::sql_types::{Json, StringList, Timestamp};
use serde_json::json;

use crate::harness::tenant;

fn at(s: &str) -> Timestamp {
    chrono::DateTime::parse_from_rfc3339(s)
        .unwrap()
        .with_timezone(&chrono::Utc)
        .into()
}

both_engines! {
    async fn organizations_round_trip(t) {
        let a = tenant(&t.db, "acme").await;
        let mut conn = t.db.conn().await.unwrap();
        let got = conn.organization(&a.scope).get().await.unwrap();
        assert_eq!(got, a.org);
        assert_eq!(got.plan, Plan::Free, "the database default");

        let updated = conn.organization(&a.scope)
            .update(&OrganizationUpdate { name: Some("Acme Inc".into()), plan: Some(Plan::Pro) })
            .await.unwrap();
        assert_eq!((updated.name.as_str(), updated.plan), ("Acme Inc", Plan::Pro));
        assert_eq!(updated.slug, "acme", "untouched by the patch");
        assert!(updated.updated_at >= a.org.updated_at);

        conn.organization(&a.scope).set_opusclip_key_ciphertext(Some(&[1, 2, 3])).await.unwrap();
        let with_key = conn.organization(&a.scope).get().await.unwrap();
        assert_eq!(with_key.opusclip_api_key_ciphertext.as_deref(), Some(&[1u8, 2, 3][..]));
        conn.organization(&a.scope).set_opusclip_key_ciphertext(None).await.unwrap();
        assert_eq!(conn.organization(&a.scope).get().await.unwrap().opusclip_api_key_ciphertext, None);

        conn.organization(&a.scope).soft_delete(Timestamp::now()).await.unwrap();
        assert!(matches!(conn.organization(&a.scope).get().await, Err(renum_db::Error::NotFound)));
    }

    async fn users_round_trip_and_join_their_organization(t) {
        let a = tenant(&t.db, "acme").await;
        let mut conn = t.db.conn().await.unwrap();
        let member = conn.users(&a.scope).insert(&UserInsert {
            id: UserId::new(), email: "m@acme.example".into(), password_hash: "h1".into(),
            full_name: "Member".into(), role: Role::Member,
        }).await.unwrap();
        assert_eq!(conn.users(&a.scope).get(member.id).await.unwrap(), member);

        let promoted = conn.users(&a.scope).update(member.id, &UserUpdate {
            role: Some(Role::Admin), ..Default::default()
        }).await.unwrap();
        assert_eq!((promoted.role, promoted.full_name.as_str()), (Role::Admin, "Member"));

        let login = Timestamp::now();
        conn.users(&a.scope).set_last_login(member.id, login).await.unwrap();
        assert_eq!(conn.users(&a.scope).get(member.id).await.unwrap().last_login_at, Some(login));

        let found = conn.accounts().find_by_email("m@acme.example").await.unwrap().unwrap();
        assert_eq!(found.id, member.id);

        let me = conn.users(&a.scope).with_organization(member.id).await.unwrap();
        assert_eq!((me.organization_slug.as_str(), me.role), ("acme", Role::Admin));
        assert!(!me.organization_has_opusclip_key);

        let page = conn.users(&a.scope).list(None, 1).await.unwrap();
        assert_eq!(page.items.len(), 1);
        let rest = conn.users(&a.scope).list(page.next, 10).await.unwrap();
        let ids: Vec<_> = page.items.iter().chain(&rest.items).map(|u| u.id).collect();
        assert_eq!(ids, vec![a.owner.id, member.id], "oldest first, no gap or repeat");

        conn.users(&a.scope).soft_delete(member.id, Timestamp::now()).await.unwrap();
        assert!(matches!(conn.users(&a.scope).get(member.id).await, Err(renum_db::Error::NotFound)));
        assert!(conn.accounts().find_by_email("m@acme.example").await.unwrap().is_none());
    }

    async fn sessions_round_trip(t) {
        let a = tenant(&t.db, "acme").await;
        let mut conn = t.db.conn().await.unwrap();
        let expires = at("2030-01-01T00:00:00.000001Z");
        let s = conn.sessions().insert(&SessionInsert {
            id: SessionId::new(), user_id: a.owner.id, token_hash: vec![9; 32], expires_at: expires,
            ip: Some("127.0.0.1".into()), user_agent: Some("tests".into()),
        }).await.unwrap();
        assert_eq!(s.expires_at, expires);
        assert_eq!(conn.sessions().get_by_token_hash(&[9; 32]).await.unwrap(), Some(s.clone()));
        assert_eq!(conn.sessions().get_by_token_hash(&[8; 32]).await.unwrap(), None);

        let seen = Timestamp::now();
        conn.sessions().touch(s.id, seen).await.unwrap();
        conn.sessions().revoke(s.id, seen).await.unwrap();
        assert!(matches!(conn.sessions().revoke(s.id, seen).await, Err(renum_db::Error::NotFound)), "already revoked");
        let after = conn.sessions().get_by_token_hash(&[9; 32]).await.unwrap().unwrap();
        assert_eq!((after.last_seen_at, after.revoked_at), (seen, Some(seen)));

        conn.sessions().insert(&SessionInsert {
            id: SessionId::new(), user_id: a.owner.id, token_hash: vec![10; 32], expires_at: expires,
            ip: None, user_agent: None,
        }).await.unwrap();
        assert_eq!(conn.sessions().revoke_all_for_user(a.owner.id, seen).await.unwrap(), 1);
    }

    async fn videos_round_trip_with_json_and_patch_semantics(t) {
        let a = tenant(&t.db, "acme").await;
        let mut conn = t.db.conn().await.unwrap();
        let captions = json!({"lang": "en", "cues": [{"start": 0.5, "text": "héllo \"quoted\""}], "n": 5});
        let mut insert = VideoInsert::new(a.owner.id, "Launch talk");
        insert.script = Some("Hello".into());
        insert.module_type = Some(ModuleType::Upload);
        insert.duration_seconds = Some(3600.25);
        insert.size_bytes = Some(5_000_000_000);
        insert.captions = Some(Json(captions.clone()));
        let v = conn.videos(&a.scope).insert(&insert).await.unwrap();
        assert_eq!(v.status, VideoStatus::Draft);
        assert_eq!(v.captions.as_ref().map(|c| &c.0), Some(&captions));
        assert_eq!(conn.videos(&a.scope).get(v.id).await.unwrap(), v);

        let patched = conn.videos(&a.scope).update(v.id, &VideoUpdate {
            status: Some(VideoStatus::Processing),
            script: Some(None),
            thumbnail_url: Some(Some("https://cdn.example/t.jpg".into())),
            ..Default::default()
        }).await.unwrap();
        assert_eq!(patched.status, VideoStatus::Processing);
        assert_eq!(patched.script, None, "Some(None) clears");
        assert_eq!(patched.thumbnail_url.as_deref(), Some("https://cdn.example/t.jpg"));
        assert_eq!(patched.size_bytes, Some(5_000_000_000), "None leaves alone");
        assert_eq!(patched.title, "Launch talk");

        let mut clip = VideoInsert::new(a.owner.id, "Clip 1");
        clip.module_type = Some(ModuleType::Clip);
        clip.parent_video_id = Some(v.id);
        clip.opusclip_clip_id = Some("P1.c1".into());
        clip.score = Some(0.93);
        let clip = conn.videos(&a.scope).insert(&clip).await.unwrap();

        let clips = conn.videos(&a.scope).list(&VideoFilter { module_type: Some(ModuleType::Clip), ..Default::default() }, None, 50).await.unwrap();
        assert_eq!(clips.items.iter().map(|v| v.id).collect::<Vec<_>>(), vec![clip.id]);
        let processing = conn.videos(&a.scope).list(&VideoFilter { status: Some(VideoStatus::Processing), ..Default::default() }, None, 50).await.unwrap();
        assert_eq!(processing.items.iter().map(|v| v.id).collect::<Vec<_>>(), vec![v.id]);

        conn.videos(&a.scope).delete(clip.id).await.unwrap();
        assert!(matches!(conn.videos(&a.scope).get(clip.id).await, Err(renum_db::Error::NotFound)));
        assert!(matches!(conn.videos(&a.scope).delete(clip.id).await, Err(renum_db::Error::NotFound)));
    }

    async fn clip_projects_round_trip(t) {
        let a = tenant(&t.db, "acme").await;
        let mut conn = t.db.conn().await.unwrap();
        let v = conn.videos(&a.scope).insert(&VideoInsert::new(a.owner.id, "Source")).await.unwrap();
        let options = json!({"clipDurations": [[0, 90]], "targetLang": "en", "topicKeywords": ["rust"]});
        let p = conn.clip_projects(&a.scope).insert(&ClipProjectInsert {
            id: ClipProjectId::new(), video_id: v.id, opusclip_project_id: Some("P123".into()),
            stage: Some("QUEUED".into()), options: Json(options.clone()), next_poll_at: Some(Timestamp::now()),
        }).await.unwrap();
        assert_eq!((p.status, p.attempts, &p.options.0), (ClipProjectStatus::Processing, 0, &options));
        assert_eq!(conn.clip_projects(&a.scope).get(p.id).await.unwrap(), p);

        let done_at = Timestamp::now();
        let done = conn.clip_projects(&a.scope).update(p.id, &ClipProjectUpdate {
            stage: Some(Some("COMPLETE".into())), status: Some(ClipProjectStatus::Completed),
            attempts: Some(3), next_poll_at: Some(None), completed_at: Some(Some(done_at)),
            ..Default::default()
        }).await.unwrap();
        assert_eq!((done.stage.as_deref(), done.status, done.attempts), (Some("COMPLETE"), ClipProjectStatus::Completed, 3));
        assert_eq!((done.next_poll_at, done.completed_at), (None, Some(done_at)));
        assert_eq!(conn.clip_projects(&a.scope).list_for_video(v.id).await.unwrap(), vec![done]);

        conn.videos(&a.scope).delete(v.id).await.unwrap();
        assert!(conn.clip_projects(&a.scope).list_for_video(v.id).await.unwrap().is_empty(), "cascaded with the video");
    }

    async fn posts_round_trip_with_lists_and_the_video_join(t) {
        let a = tenant(&t.db, "acme").await;
        let mut conn = t.db.conn().await.unwrap();
        let v = conn.videos(&a.scope).insert(&VideoInsert::new(a.owner.id, "Source")).await.unwrap();
        let tags = StringList(vec!["rust".into(), "#video".into(), "ünïcode".into()]);
        let when = at("2027-03-01T10:00:00Z");
        let p = conn.posts(&a.scope).insert(&PostInsert {
            id: PostId::new(), video_id: v.id, created_by: a.owner.id, platform: Platform::Linkedin,
            description: "Launch".into(), hashtags: tags.clone(), scheduled_at: when, status: PostStatus::Scheduled,
        }).await.unwrap();
        assert_eq!((&p.hashtags, p.scheduled_at, p.attempts), (&tags, when, 0));
        assert_eq!(conn.posts(&a.scope).get(p.id).await.unwrap(), p);

        let with_video = conn.posts(&a.scope).get_with_video(p.id).await.unwrap();
        assert_eq!(with_video.post, p);
        assert_eq!((with_video.video.title.as_str(), with_video.video.status), ("Source", VideoStatus::Draft));

        let published_at = Timestamp::now();
        let published = conn.posts(&a.scope).update(p.id, &PostUpdate {
            status: Some(PostStatus::Published), published_at: Some(Some(published_at)),
            external_post_id: Some(Some("li-1".into())), hashtags: Some(StringList(vec![])),
            ..Default::default()
        }).await.unwrap();
        assert_eq!((published.status, published.published_at), (PostStatus::Published, Some(published_at)));
        assert_eq!(published.hashtags, StringList(vec![]), "an empty list round-trips");

        let window = PostFilter { from: Some(at("2027-03-01T00:00:00Z")), to: Some(at("2027-03-02T00:00:00Z")), ..Default::default() };
        let page = conn.posts(&a.scope).list_with_video(&window, None, 20).await.unwrap();
        assert_eq!(page.items.iter().map(|p| p.post.id).collect::<Vec<_>>(), vec![p.id]);
        let outside = PostFilter { to: Some(when), ..Default::default() };
        assert!(conn.posts(&a.scope).list_with_video(&outside, None, 20).await.unwrap().items.is_empty(), "to is exclusive");

        conn.posts(&a.scope).delete(p.id).await.unwrap();
        assert!(matches!(conn.posts(&a.scope).get(p.id).await, Err(renum_db::Error::NotFound)));
    }

    async fn api_logs_round_trip_newest_first(t) {
        let a = tenant(&t.db, "acme").await;
        let mut conn = t.db.conn().await.unwrap();
        let mut ids = Vec::new();
        for (i, when) in ["2026-11-01T00:00:00Z", "2026-11-02T00:00:00Z", "2026-11-03T00:00:00Z"].into_iter().enumerate() {
            let row = conn.api_logs().insert(&ApiLogInsert {
                organization_id: Some(a.org.id), direction: Direction::Outbound, service: "opusclip".into(),
                endpoint: "/clip-projects/{projectId}".into(), method: HttpMethod::Get, status_code: Some(200),
                duration_ms: 12.5 + i as f64, request_id: Some(format!("req-{i}")), user_id: Some(a.owner.id),
                request_body: None, response_body: Some(Json(json!({"stage": "CURATE", "i": i}))),
                created_at: at(when),
            }).await.unwrap();
            assert_eq!(row.response_body.as_ref().unwrap().0["i"], json!(i));
            ids.push(row.id);
        }
        let first = conn.api_logs_of(&a.scope).list(&Default::default(), None, 2).await.unwrap();
        let second = conn.api_logs_of(&a.scope).list(&Default::default(), first.next, 2).await.unwrap();
        let seen: Vec<_> = first.items.iter().chain(&second.items).map(|r| r.id).collect();
        ids.reverse();
        assert_eq!(seen, ids);
        assert_eq!(second.next, None);

        let window = renum_db::repo::ApiLogFilter {
            from: Some(at("2026-11-02T00:00:00Z")), to: Some(at("2026-11-03T00:00:00Z")),
            status_class: Some(200), direction: Some(Direction::Outbound), service: Some("opusclip".into()),
        };
        let only = conn.api_logs_of(&a.scope).list(&window, None, 10).await.unwrap();
        assert_eq!(only.items.iter().map(|r| r.id).collect::<Vec<_>>(), vec![ids[1]], "one day, 2xx, outbound opusclip");
        for miss in [
            renum_db::repo::ApiLogFilter { status_class: Some(500), ..Default::default() },
            renum_db::repo::ApiLogFilter { direction: Some(Direction::Inbound), ..Default::default() },
            renum_db::repo::ApiLogFilter { service: Some("tiktok".into()), ..Default::default() },
        ] {
            assert!(conn.api_logs_of(&a.scope).list(&miss, None, 10).await.unwrap().items.is_empty(), "{miss:?}");
        }
    }

    async fn tenant_repositories_never_see_another_organization(t) {
        let a = tenant(&t.db, "acme").await;
        let b = tenant(&t.db, "bolt").await;
        let mut conn = t.db.conn().await.unwrap();
        let bv = conn.videos(&b.scope).insert(&VideoInsert::new(b.owner.id, "B's")).await.unwrap();
        assert!(matches!(conn.videos(&a.scope).get(bv.id).await, Err(renum_db::Error::NotFound)));
        assert!(matches!(conn.videos(&a.scope).delete(bv.id).await, Err(renum_db::Error::NotFound)));
        assert!(matches!(conn.users(&a.scope).get(b.owner.id).await, Err(renum_db::Error::NotFound)));
        assert!(conn.videos(&a.scope).list(&VideoFilter::default(), None, 50).await.unwrap().items.is_empty());
        assert_eq!(conn.videos(&b.scope).get(bv.id).await.unwrap().title, "B's", "untouched");
    }
}
