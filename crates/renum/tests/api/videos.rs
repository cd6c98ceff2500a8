//! The video library: creation, filters, keyset pages, the status state machine and the
//! delete rule.

use renum_db::Access;
use renum_db::enums::{Platform, PostStatus};
use renum_db::ids::{OrganizationId, PostId, UserId, VideoId};
use renum_db::models::{PostInsert, PostUpdate};
use renum_db::sql_types::{StringList, Timestamp};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{Account, TestApp, count, error_code};

pub async fn create_video(app: &TestApp, acct: &Account, title: &str, extra: Value) -> Value {
    let mut body = json!({"title": title});
    body.as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    let (status, video) = app
        .call(Method::POST, "/v1/videos", Some(&acct.token), Some(body))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{video}");
    video
}

async fn set_status(app: &TestApp, acct: &Account, id: &str, status: &str) -> (StatusCode, Value) {
    app.call(
        Method::PATCH,
        &format!("/v1/videos/{id}"),
        Some(&acct.token),
        Some(json!({"status": status})),
    )
    .await
}

/// Inserts a post of `video` directly (the posts API has its own tests).
async fn insert_post(app: &TestApp, acct: &Account, video: &str, status: PostStatus) -> PostId {
    let scope =
        renum_db::OrgScope::trusted(acct.organization_id.parse::<OrganizationId>().unwrap());
    let user_id: UserId = acct.user_id.parse().unwrap();
    let mut conn = app.db().conn().await.unwrap();
    let published = status == PostStatus::Published;
    let id = conn
        .posts(&scope)
        .insert(&PostInsert {
            id: PostId::new(),
            video_id: video.parse::<VideoId>().unwrap(),
            created_by: user_id,
            platform: Platform::X,
            description: String::new(),
            hashtags: StringList::default(),
            scheduled_at: Timestamp::now(),
            status: if published {
                PostStatus::Publishing
            } else {
                status
            },
        })
        .await
        .unwrap()
        .id;
    if published {
        let done = PostUpdate {
            status: Some(status),
            published_at: Some(Some(Timestamp::now())),
            external_post_id: Some(Some(id.to_string())),
            ..PostUpdate::default()
        };
        conn.posts(&scope).update(id, &done).await.unwrap();
    }
    id
}

api_test! {
    async fn videos_are_created_as_drafts_and_listed_newest_first_with_filters(app) {
        let acct = app.signup("v@example.com", "Videos").await;
        let (status, body) = app.call(Method::POST, "/v1/videos", Some(&acct.token), Some(json!({"title": "  "}))).await;
        assert_eq!(error_code(status, &body, StatusCode::BAD_REQUEST), "invalid_field");
        let first = create_video(app, &acct, "First", json!({"module_type": "upload"})).await;
        let second = create_video(app, &acct, "Second", json!({"module_type": "clip"})).await;
        assert_eq!(first["status"], "draft");
        assert_eq!(first["user_id"], acct.user_id.as_str());

        let (_, page) = app.call(Method::GET, "/v1/videos", Some(&acct.token), None).await;
        let titles: Vec<_> = page["items"].as_array().unwrap().iter().map(|v| v["title"].as_str().unwrap()).collect();
        assert_eq!(titles, ["Second", "First"]);
        let (_, page) = app.call(Method::GET, "/v1/videos?module_type=upload", Some(&acct.token), None).await;
        assert_eq!(page["items"].as_array().unwrap().len(), 1);
        assert_eq!(page["items"][0]["id"], first["id"]);
        set_status(app, &acct, second["id"].as_str().unwrap(), "processing").await;
        let (_, page) = app.call(Method::GET, "/v1/videos?status=processing", Some(&acct.token), None).await;
        assert_eq!(page["items"].as_array().unwrap().len(), 1);
        assert_eq!(page["items"][0]["id"], second["id"]);
        let (status, body) = app.call(Method::GET, "/v1/videos?status=bogus", Some(&acct.token), None).await;
        assert_eq!(error_code(status, &body, StatusCode::BAD_REQUEST), "invalid_query");

        let (status, got) = app.call(Method::GET, &format!("/v1/videos/{}", first["id"].as_str().unwrap()), Some(&acct.token), None).await;
        assert_eq!((status, &got["title"]), (StatusCode::OK, &json!("First")));
        let path = format!("/v1/videos/{}", first["id"].as_str().unwrap());
        let (_, v) = app.call(Method::PATCH, &path, Some(&acct.token), Some(json!({"title": "Renamed", "script": "hello"}))).await;
        assert_eq!((v["title"].as_str(), v["script"].as_str()), (Some("Renamed"), Some("hello")));
        let (_, v) = app.call(Method::PATCH, &path, Some(&acct.token), Some(json!({"script": null}))).await;
        assert_eq!((v["title"].as_str(), &v["script"]), (Some("Renamed"), &Value::Null), "null clears, absent keeps");
    }

    async fn video_pages_have_no_duplicates_or_gaps_while_videos_are_added(app) {
        let acct = app.signup("p@example.com", "Pages").await;
        let mut expected = Vec::new();
        for i in 0..7 {
            expected.push(create_video(app, &acct, &format!("v{i}"), json!({})).await["id"].as_str().unwrap().to_owned());
        }
        expected.reverse();
        let mut seen = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let path = match &cursor {
                Some(c) => format!("/v1/videos?limit=3&cursor={c}"),
                None => "/v1/videos?limit=3".to_owned(),
            };
            let (status, page) = app.call(Method::GET, &path, Some(&acct.token), None).await;
            assert_eq!(status, StatusCode::OK, "{page}");
            seen.extend(page["items"].as_array().unwrap().iter().map(|v| v["id"].as_str().unwrap().to_owned()));
            // A newer video lands on an earlier page: the walk must not see it nor skip any.
            create_video(app, &acct, "late", json!({})).await;
            match page["next_cursor"].as_str() {
                Some(c) => cursor = Some(c.to_owned()),
                None => break,
            }
        }
        assert_eq!(seen, expected);
        let (status, body) = app.call(Method::GET, "/v1/videos?cursor=garbage", Some(&acct.token), None).await;
        assert_eq!(error_code(status, &body, StatusCode::BAD_REQUEST), "invalid_query");
        let (status, body) = app.call(Method::GET, "/v1/videos?limit=201", Some(&acct.token), None).await;
        assert_eq!(error_code(status, &body, StatusCode::BAD_REQUEST), "invalid_query");
    }

    async fn status_changes_follow_the_state_machine_and_illegal_ones_name_both_states(app) {
        let acct = app.signup("s@example.com", "States").await;
        let v = create_video(app, &acct, "S", json!({})).await;
        let id = v["id"].as_str().unwrap();
        let (status, body) = set_status(app, &acct, id, "ready").await;
        assert_eq!(error_code(status, &body, StatusCode::CONFLICT), "illegal_transition");
        let message = body["error"]["message"].as_str().unwrap();
        assert!(message.contains("draft") && message.contains("ready"), "{message}");
        for next in ["processing", "ready", "posted"] {
            let (status, body) = set_status(app, &acct, id, next).await;
            assert_eq!((status, body["status"].as_str()), (StatusCode::OK, Some(next)), "{body}");
        }
        let (status, body) = set_status(app, &acct, id, "processing").await;
        assert_eq!(error_code(status, &body, StatusCode::CONFLICT), "illegal_transition", "posted is final but for failed");
        let (status, _) = set_status(app, &acct, id, "failed").await;
        assert_eq!(status, StatusCode::OK, "any status may fail");
        let (status, body) = set_status(app, &acct, id, "ready").await;
        assert_eq!(error_code(status, &body, StatusCode::CONFLICT), "illegal_transition", "failed only retries into processing");
        let (status, body) = set_status(app, &acct, id, "processing").await;
        assert_eq!((status, body["status"].as_str()), (StatusCode::OK, Some("processing")));
        let (status, _) = set_status(app, &acct, id, "draft").await;
        assert_eq!(status, StatusCode::CONFLICT, "nothing goes back to draft");
    }

    async fn a_video_with_sent_posts_is_kept_and_a_draft_only_video_goes_with_its_posts(app) {
        let acct = app.signup("d@example.com", "Deletes").await;
        for blocking in [PostStatus::Scheduled, PostStatus::Publishing, PostStatus::Published] {
            let v = create_video(app, &acct, "kept", json!({})).await;
            let id = v["id"].as_str().unwrap();
            insert_post(app, &acct, id, PostStatus::Draft).await;
            insert_post(app, &acct, id, blocking).await;
            let (status, body) = app.call(Method::DELETE, &format!("/v1/videos/{id}"), Some(&acct.token), None).await;
            assert_eq!(error_code(status, &body, StatusCode::CONFLICT), "video_has_posts", "{blocking}");
            let (status, _) = app.call(Method::GET, &format!("/v1/videos/{id}"), Some(&acct.token), None).await;
            assert_eq!(status, StatusCode::OK);
        }
        assert_eq!(count(app.db(), "SELECT count(*) FROM posts").await, 6, "a refused delete removes nothing");

        let v = create_video(app, &acct, "gone", json!({})).await;
        let id = v["id"].as_str().unwrap();
        for unsent in [PostStatus::Draft, PostStatus::Draft, PostStatus::Failed, PostStatus::Cancelled] {
            insert_post(app, &acct, id, unsent).await;
        }
        let (status, _) = app.call(Method::DELETE, &format!("/v1/videos/{id}"), Some(&acct.token), None).await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        let (status, _) = app.call(Method::GET, &format!("/v1/videos/{id}"), Some(&acct.token), None).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert_eq!(count(app.db(), "SELECT count(*) FROM posts").await, 6, "its draft, failed and cancelled posts went with it");
        let (status, _) = app.call(Method::DELETE, &format!("/v1/videos/{id}"), Some(&acct.token), None).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }
}
