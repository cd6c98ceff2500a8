//! Posts: scheduling, the calendar window and filters, keyset pages, the user-facing state
//! machine, per-platform limits, and one statement per list page.

use renum_db::Access;
use renum_db::enums::PostStatus;
use renum_db::ids::{OrganizationId, PostId};
use renum_db::models::PostUpdate;
use renum_db::sql_types::Timestamp;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{Account, TestApp, count, error_code};
use crate::statements;
use crate::videos::create_video;

fn at(hours: i64) -> String {
    (chrono::Utc::now() + chrono::Duration::hours(hours)).to_rfc3339()
}

pub async fn create_post(app: &TestApp, acct: &Account, video: &Value, body: Value) -> Value {
    let mut req = json!({"video_id": video["id"], "platform": "instagram", "description": "d", "scheduled_at": at(1)});
    req.as_object_mut()
        .unwrap()
        .extend(body.as_object().unwrap().clone());
    let (status, post) = app
        .call(Method::POST, "/v1/posts", Some(&acct.token), Some(req))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{post}");
    post
}

/// Moves a post to a status only the scheduler sets (tests only).
async fn force(app: &TestApp, acct: &Account, post: &Value, status: PostStatus) {
    let scope =
        renum_db::OrgScope::trusted(acct.organization_id.parse::<OrganizationId>().unwrap());
    let id: PostId = post["id"].as_str().unwrap().parse().unwrap();
    let mut update = PostUpdate {
        status: Some(status),
        ..PostUpdate::default()
    };
    if status == PostStatus::Published {
        update.published_at = Some(Some(Timestamp::now()));
        update.external_post_id = Some(Some(id.to_string()));
    }
    let mut conn = app.db().conn().await.unwrap();
    conn.posts(&scope).update(id, &update).await.unwrap();
}

async fn action(app: &TestApp, acct: &Account, post: &Value, what: &str) -> (StatusCode, Value) {
    let path = format!("/v1/posts/{}/{what}", post["id"].as_str().unwrap());
    app.call(Method::POST, &path, Some(&acct.token), None).await
}

async fn ids(app: &TestApp, acct: &Account, query: &str) -> Vec<String> {
    let (status, page) = app
        .call(
            Method::GET,
            &format!("/v1/posts{query}"),
            Some(&acct.token),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap().to_owned())
        .collect()
}

api_test! {
    async fn a_post_is_scheduled_in_the_future_with_its_video_and_times_come_back_in_utc(app) {
        let acct = app.signup("p@example.com", "Posts").await;
        let video = create_video(app, &acct, "Launch", json!({"module_type": "clip"})).await;
        let post = create_post(app, &acct, &video, json!({
            "scheduled_at": "2099-06-01T12:00:00+02:00", "hashtags": ["#launch", "rust"], "platform": "x"
        })).await;
        assert_eq!(post["status"], "scheduled");
        assert_eq!(post["scheduled_at"], "2099-06-01T10:00:00Z");
        assert_eq!(post["hashtags"], json!(["launch", "rust"]));
        assert_eq!(post["video"]["title"], "Launch");
        assert_eq!(post["video"]["module_type"], "clip");
        let (status, got) = app.call(Method::GET, &format!("/v1/posts/{}", post["id"].as_str().unwrap()), Some(&acct.token), None).await;
        assert_eq!((status, &got), (StatusCode::OK, &post));

        let req = |scheduled_at: &str, status: &str| json!({"video_id": video["id"], "platform": "x", "scheduled_at": scheduled_at, "status": status});
        let (status, body) = app.call(Method::POST, "/v1/posts", Some(&acct.token), Some(req(&at(-1), "scheduled"))).await;
        assert_eq!(error_code(status, &body, StatusCode::BAD_REQUEST), "invalid_field");
        assert!(body["error"]["message"].as_str().unwrap().starts_with("scheduled_at"), "{body}");
        let (status, body) = app.call(Method::POST, "/v1/posts", Some(&acct.token), Some(req(&at(-1), "draft"))).await;
        assert_eq!((status, body["status"].as_str()), (StatusCode::CREATED, Some("draft")), "a draft may sit in the past");
        let (status, body) = app.call(Method::POST, "/v1/posts", Some(&acct.token), Some(req("2099-06-01T12:00:00", "draft"))).await;
        assert_eq!(error_code(status, &body, StatusCode::BAD_REQUEST), "invalid_field", "an offset is required");
        let (status, body) = app.call(Method::POST, "/v1/posts", Some(&acct.token), Some(req(&at(1), "published"))).await;
        assert_eq!(error_code(status, &body, StatusCode::BAD_REQUEST), "invalid_field");
        let missing = json!({"video_id": uuid::Uuid::now_v7(), "platform": "x", "scheduled_at": at(1)});
        let (status, body) = app.call(Method::POST, "/v1/posts", Some(&acct.token), Some(missing)).await;
        assert_eq!(error_code(status, &body, StatusCode::NOT_FOUND), "not_found");
    }

    async fn each_platform_enforces_its_description_and_hashtag_limits(app) {
        let acct = app.signup("l@example.com", "Limits").await;
        let video = create_video(app, &acct, "L", json!({})).await;
        for (platform, chars, tags) in [("x", 280, 10), ("instagram", 2200, 30), ("tiktok", 2200, 30),
                                        ("linkedin", 3000, 30), ("facebook", 63206, 30), ("youtube", 5000, 15)] {
            let tags_of = |n: usize| (0..n).map(|i| format!("t{i}")).collect::<Vec<_>>();
            let ok = json!({"platform": platform, "description": "é".repeat(chars), "hashtags": tags_of(tags)});
            create_post(app, &acct, &video, ok).await;
            for over in [json!({"description": "é".repeat(chars + 1)}), json!({"hashtags": tags_of(tags + 1)})] {
                let mut req = json!({"video_id": video["id"], "platform": platform, "scheduled_at": at(1)});
                req.as_object_mut().unwrap().extend(over.as_object().unwrap().clone());
                let (status, body) = app.call(Method::POST, "/v1/posts", Some(&acct.token), Some(req)).await;
                assert_eq!(error_code(status, &body, StatusCode::BAD_REQUEST), "invalid_field", "{platform}");
                assert!(body["error"]["message"].as_str().unwrap().contains(platform), "{body}");
            }
        }
        let post = create_post(app, &acct, &video, json!({"platform": "x"})).await;
        let path = format!("/v1/posts/{}", post["id"].as_str().unwrap());
        let (status, body) = app.call(Method::PATCH, &path, Some(&acct.token), Some(json!({"description": "a".repeat(281)}))).await;
        assert_eq!(error_code(status, &body, StatusCode::BAD_REQUEST), "invalid_field", "edits are checked too");
    }

    async fn the_post_state_machine_allows_only_its_rules(app) {
        let acct = app.signup("s@example.com", "States").await;
        let video = create_video(app, &acct, "S", json!({})).await;
        let draft = create_post(app, &acct, &video, json!({"status": "draft"})).await;
        let path = format!("/v1/posts/{}", draft["id"].as_str().unwrap());
        // draft -> scheduled (in the future only) -> draft, by PATCH.
        let (status, body) = app.call(Method::PATCH, &path, Some(&acct.token), Some(json!({"status": "scheduled", "scheduled_at": at(-1)}))).await;
        assert_eq!(error_code(status, &body, StatusCode::BAD_REQUEST), "invalid_field");
        let (_, body) = app.call(Method::PATCH, &path, Some(&acct.token), Some(json!({"status": "scheduled", "scheduled_at": at(2), "description": "new"}))).await;
        assert_eq!((body["status"].as_str(), body["description"].as_str()), (Some("scheduled"), Some("new")), "{body}");
        let (_, body) = app.call(Method::PATCH, &path, Some(&acct.token), Some(json!({"status": "draft"}))).await;
        assert_eq!(body["status"], "draft");
        let (status, body) = app.call(Method::PATCH, &path, Some(&acct.token), Some(json!({"status": "published"}))).await;
        assert_eq!(error_code(status, &body, StatusCode::CONFLICT), "illegal_transition");

        // retry is for failed posts only; it schedules them again with fresh attempts.
        let (status, body) = action(app, &acct, &draft, "retry").await;
        assert_eq!(error_code(status, &body, StatusCode::CONFLICT), "illegal_transition");
        assert!(body["error"]["message"].as_str().unwrap().contains("draft"), "{body}");
        force(app, &acct, &draft, PostStatus::Failed).await;
        let (status, body) = app.call(Method::PATCH, &path, Some(&acct.token), Some(json!({"description": "x"}))).await;
        assert_eq!(error_code(status, &body, StatusCode::CONFLICT), "illegal_transition", "a failed post is not edited");
        let (status, body) = action(app, &acct, &draft, "retry").await;
        assert_eq!((status, body["status"].as_str(), body["attempts"].as_i64()), (StatusCode::OK, Some("scheduled"), Some(0)), "{body}");

        // cancel: from draft, scheduled or failed; never from publishing, published, cancelled.
        for (from, ok) in [(PostStatus::Draft, true), (PostStatus::Scheduled, true), (PostStatus::Failed, true),
                           (PostStatus::Publishing, false), (PostStatus::Published, false), (PostStatus::Cancelled, false)] {
            let post = create_post(app, &acct, &video, json!({"status": "draft"})).await;
            force(app, &acct, &post, from).await;
            let (status, body) = action(app, &acct, &post, "cancel").await;
            if ok {
                assert_eq!((status, body["status"].as_str()), (StatusCode::OK, Some("cancelled")), "{from}");
            } else {
                assert_eq!(error_code(status, &body, StatusCode::CONFLICT), "illegal_transition", "{from}");
                let (status, _) = action(app, &acct, &post, "retry").await;
                assert_eq!(status, StatusCode::CONFLICT, "{from} cannot be retried");
                let p = format!("/v1/posts/{}", post["id"].as_str().unwrap());
                let (status, _) = app.call(Method::PATCH, &p, Some(&acct.token), Some(json!({"description": "z"}))).await;
                assert_eq!(status, StatusCode::CONFLICT, "{from} is not edited");
            }
        }
    }

    async fn the_calendar_filters_by_window_status_and_platform(app) {
        let acct = app.signup("c@example.com", "Calendar").await;
        let video = create_video(app, &acct, "C", json!({})).await;
        let june = create_post(app, &acct, &video, json!({"scheduled_at": "2099-06-15T09:00:00+00:00"})).await;
        let july = create_post(app, &acct, &video, json!({"scheduled_at": "2099-07-15T09:00:00+00:00", "platform": "x"})).await;
        let draft = create_post(app, &acct, &video, json!({"scheduled_at": "2099-06-20T09:00:00+00:00", "status": "draft"})).await;
        let id = |p: &Value| p["id"].as_str().unwrap().to_owned();
        // The window is [from, to) on scheduled_at; offsets are honoured (+02:00 = 22:00Z).
        let window = "?from=2099-06-01T00%3A00%3A00%2B02%3A00&to=2099-07-01T00%3A00%3A00Z";
        assert_eq!(ids(app, &acct, window).await, [id(&draft), id(&june)]);
        assert_eq!(ids(app, &acct, &format!("{window}&status=scheduled")).await, [id(&june)]);
        assert_eq!(ids(app, &acct, "?platform=x").await, [id(&july)]);
        assert_eq!(ids(app, &acct, "").await, [id(&july), id(&draft), id(&june)]);
        let (status, body) = app.call(Method::GET, "/v1/posts?from=yesterday", Some(&acct.token), None).await;
        assert_eq!(error_code(status, &body, StatusCode::BAD_REQUEST), "invalid_query");
    }

    async fn post_pages_have_no_duplicates_or_gaps_while_posts_are_added(app) {
        let acct = app.signup("g@example.com", "Pages").await;
        let video = create_video(app, &acct, "P", json!({})).await;
        let mut expected = Vec::new();
        // Pairs share a scheduled_at, so the id breaks ties across page boundaries.
        for i in 0..8 {
            let when = format!("2099-01-{:02}T00:00:00Z", 10 + i / 2);
            expected.push(create_post(app, &acct, &video, json!({"scheduled_at": when})).await);
        }
        expected.sort_by_key(|p| (p["scheduled_at"].as_str().unwrap().to_owned(), p["id"].as_str().unwrap().to_owned()));
        let expected: Vec<String> = expected.iter().rev().map(|p| p["id"].as_str().unwrap().to_owned()).collect();
        let mut seen = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let query = match &cursor {
                Some(c) => format!("?limit=3&cursor={c}"),
                None => "?limit=3".to_owned(),
            };
            let (status, page) = app.call(Method::GET, &format!("/v1/posts{query}"), Some(&acct.token), None).await;
            assert_eq!(status, StatusCode::OK, "{page}");
            seen.extend(page["items"].as_array().unwrap().iter().map(|p| p["id"].as_str().unwrap().to_owned()));
            // A later post lands on an earlier page: the walk neither repeats nor skips.
            create_post(app, &acct, &video, json!({"scheduled_at": "2099-12-31T00:00:00Z"})).await;
            match page["next_cursor"].as_str() {
                Some(c) => cursor = Some(c.to_owned()),
                None => break,
            }
        }
        assert_eq!(seen, expected);
    }

    async fn a_calendar_page_costs_the_same_statements_for_one_post_or_forty(app) {
        let acct = app.signup("n@example.com", "NPlusOne").await;
        let first = create_video(app, &acct, "V0", json!({})).await;
        create_post(app, &acct, &first, json!({})).await;
        let one = statements::during(app, &acct.token, "/v1/posts?limit=200").await;
        for i in 1..40 {
            let video = create_video(app, &acct, &format!("V{i}"), json!({})).await;
            create_post(app, &acct, &video, json!({})).await;
        }
        let forty = statements::during(app, &acct.token, "/v1/posts?limit=200").await;
        // The session check is a statement on SQLite, and on PostgreSQL until the session
        // cache's listener is current (then it is served from the cache).
        assert!((1..=2).contains(&one.statements), "the list, maybe the session check: {one:?}");
        assert!(forty.statements <= one.statements, "one list statement whatever the page holds: {forty:?}");
        assert_eq!(forty.acquires, 1, "the session check and the list share one connection");
        assert_eq!(count(app.db(), "SELECT count(*) FROM posts").await, 40);
    }

    async fn every_read_route_checks_the_session_and_reads_on_one_connection(app) {
        let acct = app.signup("r@example.com", "Reader").await;
        let video = create_video(app, &acct, "V", json!({})).await;
        let post = create_post(app, &acct, &video, json!({})).await;
        let (v, p) = (video["id"].as_str().unwrap(), post["id"].as_str().unwrap());
        for path in [
            "/v1/me".to_owned(),
            "/v1/organization".to_owned(),
            "/v1/organization/members".to_owned(),
            "/v1/videos".to_owned(),
            format!("/v1/videos/{v}"),
            format!("/v1/videos/{v}/clips"),
            format!("/v1/videos/{v}/clip-projects"),
            "/v1/posts".to_owned(),
            format!("/v1/posts/{p}"),
            "/v1/api-logs".to_owned(),
        ] {
            let c = statements::during(app, &acct.token, &path).await;
            assert_eq!(c.acquires, 1, "{path}: one pool checkout, not one per step: {c:?}");
            assert!(c.statements >= 1, "{path}: the read: {c:?}");
        }
    }
}
