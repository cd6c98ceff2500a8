//! Hostile input: a NUL or another control character in a request never costs an API log
//! record (the log stores it, marked), and never reaches a tenant table: every free-text field
//! refuses control characters with a 400 naming it, on both engines.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{Account, TestApp, count, error_code};
use crate::videos::create_video;

/// One batch of every kind of record: the flush interval is long, so everything is written
/// by the shutdown's drain, in one batch per thousand records. Before the fix a single NUL made
/// PostgreSQL refuse the whole batch, and every other tenant's records went with it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nul_bearing_requests_lose_no_api_log_record() {
    for engine in [renum_db::Engine::Sqlite, renum_db::Engine::Postgres] {
        let mut app = TestApp::spawn(engine, &["--log-flush-ms", "600000"]).await;
        let a = app.signup("nul-a@example.com", "Nul A").await;
        let b = app.signup("nul-b@example.com", "Nul B").await;
        let video = create_video(&app, &a, "Clip", json!({})).await;
        let video = video["id"].as_str().unwrap();
        let nul = json!({"title": "a\u{0}b", "\u{0}key": ["\u{0}"]});
        let (mut sent, mut marked) = (3, 0);
        for _ in 0..3 {
            for (method, path) in [
                (Method::POST, "/v1/videos".to_owned()),
                (Method::PATCH, format!("/v1/videos/{video}")),
                (Method::POST, "/v1/posts".to_owned()),
                (Method::PATCH, "/v1/organization".to_owned()),
            ] {
                let (status, body) = app.call(method, &path, None, Some(nul.clone())).await;
                error_code(status, &body, StatusCode::UNAUTHORIZED);
                (sent, marked) = (sent + 1, marked + 1);
            }
            let (status, body) = app.call(Method::GET, "/v1/me", Some(&b.token), None).await;
            assert_eq!(status, StatusCode::OK, "{body}");
            sent += 1;
            // Authenticated: a NUL in a field is a 400, and serde's message echoes an unknown
            // field's name, NUL included, into the stored response body.
            let script = json!({"title": "t", "script": "x\u{0}y"});
            let (status, body) = app
                .call(Method::POST, "/v1/videos", Some(&a.token), Some(script))
                .await;
            error_code(status, &body, StatusCode::BAD_REQUEST);
            let unknown = json!({"title": "t", "\u{0}": 1});
            let (status, body) = app
                .call(Method::POST, "/v1/videos", Some(&b.token), Some(unknown))
                .await;
            error_code(status, &body, StatusCode::BAD_REQUEST);
            (sent, marked) = (sent + 2, marked + 2);
            let (status, body) = app
                .call(
                    Method::PATCH,
                    &format!("/v1/videos/{video}"),
                    Some(&a.token),
                    Some(json!({"title": "renamed"})),
                )
                .await;
            assert_eq!(status, StatusCode::OK, "{body}");
            sent += 1;
        }

        let m = app.shutdown().await.unwrap();
        assert_eq!(
            renum::api_log::sink::NUL_MARK,
            "\u{2400}",
            "the mark the SQL below finds"
        );
        assert_eq!(
            (m.recorded, m.written, m.failed, m.refused, m.dropped),
            (sent as u64, sent as u64, 0, 0, 0),
            "{engine:?}"
        );
        assert_eq!(count(app.db(), "SELECT count(*) FROM api_logs").await, sent);
        let marked_rows = count(
            app.db(),
            "SELECT count(*) FROM api_logs WHERE CAST(request_body AS TEXT) LIKE '%\u{2400}%'",
        )
        .await;
        assert_eq!(marked_rows, marked, "{engine:?}: every NUL is marked");
        let echoed = count(
            app.db(),
            "SELECT count(*) FROM api_logs WHERE status_code = 400 AND CAST(response_body AS TEXT) LIKE '%\u{2400}%'",
        )
        .await;
        assert_eq!(echoed, 3, "{engine:?}: the echoed field name is marked too");
        let others = count(
            app.db(),
            "SELECT count(*) FROM api_logs WHERE endpoint = '/v1/me' AND status_code = 200",
        )
        .await;
        assert_eq!(others, 3, "{engine:?}: the other tenant's records landed");
        app.stop().await;
    }
}

/// Sends `body` and expects a 400 naming `field`.
async fn refused(
    app: &TestApp,
    method: Method,
    path: &str,
    acct: Option<&Account>,
    body: Value,
    field: &str,
) {
    let (status, resp) = app
        .call(method, path, acct.map(|a| a.token.as_str()), Some(body))
        .await;
    assert_eq!(
        error_code(status, &resp, StatusCode::BAD_REQUEST),
        "invalid_field",
        "{path} {field}"
    );
    let message = resp["error"]["message"].as_str().unwrap();
    assert!(
        message.starts_with(&format!("{field}: ")),
        "{path}: {message}"
    );
}

api_test! {
    async fn video_text_and_urls_refuse_control_characters(app) {
        let acct = app.signup("ctl-videos@example.com", "Ctl Videos").await;
        for (field, value) in [
            ("title", "a\u{7}b"),
            ("script", "x\u{0}y"),
            ("video_raw_url", "https://cdn.example/a\u{0}.mp4"),
            ("thumbnail_url", "https://cdn.example/\u{1b}.jpg"),
        ] {
            let mut body = json!({"title": "ok"});
            body[field] = json!(value);
            refused(app, Method::POST, "/v1/videos", Some(&acct), body, field).await;
        }
        let video = create_video(app, &acct, "ok", json!({"script": "line one\r\nline two\tend\n"})).await;
        assert_eq!(video["script"], "line one\r\nline two\tend\n", "scripts keep line breaks and tabs");
        let path = format!("/v1/videos/{}", video["id"].as_str().unwrap());
        for (field, value) in [
            ("script", "\u{85}"),
            ("video_processed_url", "https://cdn.example/\u{0}"),
            ("title", "\u{9f}"),
        ] {
            refused(app, Method::PATCH, &path, Some(&acct), json!({ field: value }), field).await;
        }
        assert_eq!(count(app.db(), "SELECT count(*) FROM videos").await, 1);
    }

    async fn post_captions_and_hashtags_refuse_control_characters(app) {
        let acct = app.signup("ctl-posts@example.com", "Ctl Posts").await;
        let video = create_video(app, &acct, "v", json!({})).await;
        let at = "2099-01-01T00:00:00Z";
        let post = |extra: Value| {
            let mut body = json!({"video_id": video["id"], "platform": "x", "scheduled_at": at});
            body.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
            body
        };
        refused(app, Method::POST, "/v1/posts", Some(&acct), post(json!({"description": "hi\u{0}"})), "description").await;
        refused(app, Method::POST, "/v1/posts", Some(&acct), post(json!({"hashtags": ["ok", "b\u{1}"]})), "hashtags").await;
        let (status, created) = app.call(Method::POST, "/v1/posts", Some(&acct.token), Some(post(json!({"description": "two\nlines\t#rust"})))).await;
        assert_eq!(status, StatusCode::CREATED, "{created}");
        let path = format!("/v1/posts/{}", created["id"].as_str().unwrap());
        refused(app, Method::PATCH, &path, Some(&acct), json!({"description": "\u{7f}"}), "description").await;
        refused(app, Method::PATCH, &path, Some(&acct), json!({"hashtags": ["\u{0}"]}), "hashtags").await;
        assert_eq!(count(app.db(), "SELECT count(*) FROM posts").await, 1);
    }

    async fn names_emails_and_keys_refuse_control_characters(app) {
        let owner = app.signup("ctl-org@example.com", "Ctl Org").await;
        refused(app, Method::PATCH, "/v1/organization", Some(&owner), json!({"name": "Acme\u{0}"}), "name").await;
        let member = |email: &str, full_name: &str| json!({
            "email": email, "full_name": full_name, "role": "member", "temporary_password": "temporary password 1"
        });
        refused(app, Method::POST, "/v1/organization/members", Some(&owner), member("m\u{0}@example.com", "M"), "email").await;
        refused(app, Method::POST, "/v1/organization/members", Some(&owner), member("m@example.com", "M\u{0}"), "full_name").await;
        refused(app, Method::PUT, "/v1/organization/integrations/opusclip", Some(&owner), json!({"api_key": "k\u{0}ey"}), "api_key").await;
        let signup = |email: &str, full_name: &str, org: &str| json!({
            "email": email, "password": crate::helpers::PASSWORD, "full_name": full_name, "organization_name": org
        });
        refused(app, Method::POST, "/v1/auth/signup", None, signup("s\u{0}@example.com", "S", "S"), "email").await;
        refused(app, Method::POST, "/v1/auth/signup", None, signup("s@example.com", "S\u{0}", "S"), "full_name").await;
        refused(app, Method::POST, "/v1/auth/signup", None, signup("s@example.com", "S", "S\u{1b}"), "organization_name").await;
        assert_eq!(count(app.db(), "SELECT count(*) FROM users").await, 1);
        assert_eq!(count(app.db(), "SELECT count(*) FROM organizations").await, 1);
    }

    async fn clip_options_and_log_filters_refuse_control_characters(app) {
        let acct = app.signup("ctl-clips@example.com", "Ctl Clips").await;
        let video = create_video(app, &acct, "v", json!({"video_raw_url": "https://cdn.example/v.mp4"})).await;
        let path = format!("/v1/videos/{}/clip-projects", video["id"].as_str().unwrap());
        refused(app, Method::POST, &path, Some(&acct), json!({"keywords": ["ok", "a\u{0}"]}), "keywords").await;
        refused(app, Method::POST, &path, Some(&acct), json!({"brand_template_id": "t\u{0}"}), "brand_template_id").await;
        assert_eq!(count(app.db(), "SELECT count(*) FROM clip_projects").await, 0);
        let (status, body) = app.call(Method::GET, "/v1/api-logs?service=re%00num", Some(&acct.token), None).await;
        error_code(status, &body, StatusCode::BAD_REQUEST);
        assert!(body["error"]["message"].as_str().unwrap().starts_with("service: "), "{body}");
    }

    async fn extreme_numbers_in_a_body_leave_the_api_logs_readable(app, ["--log-flush-ms", "20"]) {
        // PostgreSQL's jsonb keeps each number as an exact decimal (f64::MAX is 309 digits),
        // which the log's reader must parse back: a client could otherwise make its
        // organization's logs answer 500 for as long as the record is kept.
        let acct = app.signup("numbers@example.com", "Numbers").await;
        let extremes = [f64::MAX, f64::MIN, 5e-324, 2.2250738585072014e-308, 1.2345678901234567e300];
        for n in extremes {
            let (status, body) = app.call(Method::POST, "/v1/videos", Some(&acct.token), Some(json!({"title": "n", "junk": n}))).await;
            error_code(status, &body, StatusCode::BAD_REQUEST);
        }
        let mut logged = Vec::new();
        for _ in 0..250 {
            let (status, page) = app.call(Method::GET, "/v1/api-logs?limit=200", Some(&acct.token), None).await;
            assert_eq!(status, StatusCode::OK, "{page}");
            logged = page["items"].as_array().unwrap().iter()
                .filter_map(|r| r["request_body"]["junk"].as_f64())
                .collect();
            if logged.len() == extremes.len() {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        logged.sort_by(f64::total_cmp);
        let mut expected = extremes.to_vec();
        expected.sort_by(f64::total_cmp);
        assert_eq!(logged, expected, "every number reads back as sent");
    }
}
