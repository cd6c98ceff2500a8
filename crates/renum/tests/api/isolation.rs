//! Tenant isolation: organization A's token on organization B's ids gets 404 (exactly like a
//! missing id) or 403, and changes nothing.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::helpers::count;
use crate::posts::create_post;
use crate::videos::create_video;

api_test! {
    async fn another_organizations_ids_are_not_found_and_nothing_changes(app) {
        let a = app.signup("a@example.com", "Alpha").await;
        let b = app.signup("b@example.com", "Bravo").await;
        let (status, member) = app.call(Method::POST, "/v1/organization/members", Some(&b.token), Some(json!({
            "email": "bm@example.com", "full_name": "B Member", "role": "member",
            "temporary_password": "temporary password 1"
        }))).await;
        assert_eq!(status, StatusCode::CREATED, "{member}");
        let b_member = member["id"].as_str().unwrap();
        let missing = uuid::Uuid::now_v7().to_string();

        for target in [b.user_id.as_str(), b_member] {
            for (method, body) in [(Method::PATCH, Some(json!({"role": "admin"}))), (Method::DELETE, None)] {
                let path = format!("/v1/organization/members/{target}");
                let (status, resp) = app.call(method.clone(), &path, Some(&a.token), body.clone()).await;
                assert_eq!(status, StatusCode::NOT_FOUND, "{method} {path}: {resp}");
                let (missing_status, missing_resp) = app.call(method.clone(), &format!("/v1/organization/members/{missing}"), Some(&a.token), body).await;
                assert_eq!((status, &resp), (missing_status, &missing_resp), "indistinguishable from a missing id");
            }
        }

        let (_, members) = app.call(Method::GET, "/v1/organization/members", Some(&a.token), None).await;
        let ids: Vec<_> = members["items"].as_array().unwrap().iter().map(|m| m["id"].as_str().unwrap().to_owned()).collect();
        assert_eq!(ids, vec![a.user_id.clone()], "only A's members are listed");

        let (_, org) = app.call(Method::GET, "/v1/organization", Some(&a.token), None).await;
        assert_eq!(org["id"], a.organization_id.as_str());
        let (status, _) = app.call(Method::PATCH, "/v1/organization", Some(&a.token), Some(json!({"name": "Alpha 2"}))).await;
        assert_eq!(status, StatusCode::OK);

        // B is untouched: names, roles, memberships, sessions.
        let (_, b_org) = app.call(Method::GET, "/v1/organization", Some(&b.token), None).await;
        assert_eq!(b_org["name"], "Bravo");
        assert_eq!(count(app.db(), "SELECT count(*) FROM users WHERE deleted_at IS NULL").await, 3);
        assert_eq!(count(app.db(), "SELECT count(*) FROM users WHERE role = 'owner'").await, 2);
        assert_eq!(count(app.db(), "SELECT count(*) FROM users WHERE role = 'member'").await, 1);
        let (status, _) = app.call(Method::GET, "/v1/me", Some(&b.token), None).await;
        assert_eq!(status, StatusCode::OK);
    }

    async fn another_organizations_videos_and_posts_are_not_found_and_nothing_changes(app) {
        let a = app.signup("a@example.com", "Alpha").await;
        let b = app.signup("b@example.com", "Bravo").await;
        let video = create_video(app, &b, "B's video", json!({})).await;
        let post = create_post(app, &b, &video, json!({"status": "draft"})).await;
        let (v, p) = (video["id"].as_str().unwrap(), post["id"].as_str().unwrap());
        let missing = uuid::Uuid::now_v7().to_string();
        let attempts = [
            (Method::GET, format!("/v1/videos/{v}"), None),
            (Method::PATCH, format!("/v1/videos/{v}"), Some(json!({"title": "stolen", "status": "processing"}))),
            (Method::DELETE, format!("/v1/videos/{v}"), None),
            (Method::GET, format!("/v1/posts/{p}"), None),
            (Method::PATCH, format!("/v1/posts/{p}"), Some(json!({"description": "stolen"}))),
            (Method::POST, format!("/v1/posts/{p}/cancel"), None),
            (Method::POST, format!("/v1/posts/{p}/retry"), None),
        ];
        for (method, path, body) in attempts {
            let (status, resp) = app.call(method.clone(), &path, Some(&a.token), body.clone()).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{method} {path}: {resp}");
            let missing_path = path.replace(v, &missing).replace(p, &missing);
            let (missing_status, missing_resp) = app.call(method.clone(), &missing_path, Some(&a.token), body).await;
            assert_eq!((status, &resp), (missing_status, &missing_resp), "indistinguishable from a missing id");
        }
        let (status, _) = app.call(Method::POST, "/v1/posts", Some(&a.token), Some(json!({
            "video_id": v, "platform": "x", "scheduled_at": "2099-01-01T00:00:00Z"
        }))).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "A cannot post B's video");
        for list in ["/v1/videos", "/v1/posts"] {
            let (_, page) = app.call(Method::GET, list, Some(&a.token), None).await;
            assert_eq!(page["items"], json!([]), "{list}");
        }
        let (_, still) = app.call(Method::GET, &format!("/v1/videos/{v}"), Some(&b.token), None).await;
        assert_eq!((still["title"].as_str(), still["status"].as_str()), (Some("B's video"), Some("draft")));
        let (_, still) = app.call(Method::GET, &format!("/v1/posts/{p}"), Some(&b.token), None).await;
        assert_eq!((still["description"].as_str(), still["status"].as_str()), (Some("d"), Some("draft")));
        assert_eq!(count(app.db(), "SELECT count(*) FROM posts").await, 1);
    }
}
