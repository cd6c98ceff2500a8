//! The current user's own account: its profile (`PATCH /v1/me`) and its sessions
//! (`/v1/me/sessions`).

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{TestApp, error_code};

/// Signs in again as `email`, sending `user_agent`; returns the new token.
async fn signin_with(app: &TestApp, email: &str, user_agent: &str) -> String {
    let resp = app
        .client
        .post(format!("{}/v1/auth/signin", app.base))
        .header("user-agent", user_agent)
        .json(&json!({"email": email, "password": crate::helpers::PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let body: Value = resp.json().await.unwrap();
    body["session"]["token"].as_str().unwrap().to_owned()
}

/// Every live session of `token`'s user, following the cursor with pages of `limit`.
async fn all_sessions(app: &TestApp, token: &str, limit: usize) -> Vec<Value> {
    let mut items = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("/v1/me/sessions?limit={limit}&cursor={c}"),
            None => format!("/v1/me/sessions?limit={limit}"),
        };
        let (status, body) = app.call(Method::GET, &path, Some(token), None).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let page = body["items"].as_array().unwrap();
        assert!(page.len() <= limit);
        items.extend(page.iter().cloned());
        match body["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => return items,
        }
    }
}

/// The id of the session `token` is.
async fn current_id(app: &TestApp, token: &str) -> String {
    let sessions = all_sessions(app, token, 200).await;
    let current: Vec<_> = sessions.iter().filter(|s| s["current"] == true).collect();
    assert_eq!(
        current.len(),
        1,
        "exactly one current session: {sessions:?}"
    );
    current[0]["id"].as_str().unwrap().to_owned()
}

api_test! {
    async fn my_sessions_list_every_live_one_once_with_the_address_prefix_only(app) {
        let acct = app.signup("sessions@example.com", "Sessions").await;
        let second = signin_with(app, &acct.email, "Agent/2").await;
        let third = signin_with(app, &acct.email, "Agent/3").await;
        let other = app.signup("someone@example.com", "Someone").await;

        let first_id = current_id(app, &acct.token).await;
        let third_id = current_id(app, &third).await;
        assert_ne!(first_id, third_id, "each token is its own session");

        // Pages of one and of two cover the same three sessions, newest first, each once.
        let by_one = all_sessions(app, &second, 1).await;
        let by_two = all_sessions(app, &second, 2).await;
        assert_eq!(by_one, by_two);
        assert_eq!(by_one.len(), 3, "{by_one:?}");
        let ids: Vec<&str> = by_one.iter().map(|s| s["id"].as_str().unwrap()).collect();
        assert_eq!(ids[0], third_id, "newest first");
        assert_eq!(ids[2], first_id);
        assert_eq!(by_one.iter().filter(|s| s["current"] == true).count(), 1);
        assert_eq!(by_one[1]["current"], true, "the second sign-in is this request's session");
        assert_eq!(by_one[1]["user_agent"], "Agent/2");
        for s in &by_one {
            assert_eq!(s["ip_prefix"], "127.0.0.0/24", "{s}");
            assert!(s["created_at"].is_string() && s["last_used_at"].is_string(), "{s}");
        }
        let text = serde_json::to_string(&by_one).unwrap();
        assert!(!text.contains("127.0.0.1"), "never the whole address: {text}");
        assert!(!text.contains("token"), "no token or token hash: {text}");

        // Another user sees only their own.
        assert_eq!(all_sessions(app, &other.token, 50).await.len(), 1);
        let (status, body) = app.call(Method::GET, "/v1/me/sessions?cursor=nope", Some(&second), None).await;
        assert_eq!(error_code(status, &body, StatusCode::BAD_REQUEST), "invalid_query");
        let (status, body) = app.call(Method::GET, "/v1/me/sessions?limit=201", Some(&second), None).await;
        assert_eq!(error_code(status, &body, StatusCode::BAD_REQUEST), "invalid_query");
    }

    async fn revoking_a_session_ends_it_and_another_users_session_is_a_404(app) {
        let acct = app.signup("revoke@example.com", "Revoke").await;
        let laptop = signin_with(app, &acct.email, "Laptop").await;
        let other = app.signup("bystander@example.com", "Bystander").await;
        let laptop_id = current_id(app, &laptop).await;
        let other_id = current_id(app, &other.token).await;

        // Someone else's session: the same 404 as a session that does not exist, and it lives on.
        let (status, theirs) = app.call(Method::DELETE, &format!("/v1/me/sessions/{other_id}"), Some(&acct.token), None).await;
        assert_eq!(error_code(status, &theirs, StatusCode::NOT_FOUND), "not_found");
        let missing = uuid::Uuid::now_v7();
        let (status, nobody) = app.call(Method::DELETE, &format!("/v1/me/sessions/{missing}"), Some(&acct.token), None).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert_eq!(theirs, nobody, "indistinguishable from a missing session");
        let (status, _) = app.call(Method::GET, "/v1/me", Some(&other.token), None).await;
        assert_eq!(status, StatusCode::OK, "the other user's session was not touched");
        let (status, _) = app.call(Method::DELETE, "/v1/me/sessions/not-a-uuid", Some(&acct.token), None).await;
        assert_eq!(status, StatusCode::NOT_FOUND);

        // One's own other session: gone at once, and gone from the list; a second revoke is a 404.
        let (status, body) = app.call(Method::DELETE, &format!("/v1/me/sessions/{laptop_id}"), Some(&acct.token), None).await;
        assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
        let (status, _) = app.call(Method::GET, "/v1/me", Some(&laptop), None).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert_eq!(all_sessions(app, &acct.token, 50).await.len(), 1);
        let (status, _) = app.call(Method::DELETE, &format!("/v1/me/sessions/{laptop_id}"), Some(&acct.token), None).await;
        assert_eq!(status, StatusCode::NOT_FOUND);

        // The current one: allowed, and it signs the caller out.
        let own_id = current_id(app, &acct.token).await;
        let (status, _) = app.call(Method::DELETE, &format!("/v1/me/sessions/{own_id}"), Some(&acct.token), None).await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        let (status, _) = app.call(Method::GET, "/v1/me/sessions", Some(&acct.token), None).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        let (status, _) = app.call(Method::GET, "/v1/me", Some(&other.token), None).await;
        assert_eq!(status, StatusCode::OK);
    }

    async fn a_user_updates_their_own_name_validated_as_at_signup_and_never_their_email(app) {
        let acct = app.signup("profile@example.com", "Profile").await;
        let other = app.signup("unrelated@example.com", "Unrelated").await;

        let (status, body) = app.call(Method::PATCH, "/v1/me", Some(&acct.token), Some(json!({"full_name": "  Grace Hopper  "}))).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["full_name"], "Grace Hopper", "trimmed like signup");
        assert_eq!(body["email"], "profile@example.com");
        assert_eq!(body["organization_name"], "Profile", "the same shape as GET /v1/me");
        let (_, me) = app.call(Method::GET, "/v1/me", Some(&acct.token), None).await;
        assert_eq!(me["full_name"], "Grace Hopper", "stored");
        let (_, theirs) = app.call(Method::GET, "/v1/me", Some(&other.token), None).await;
        assert_eq!(theirs["full_name"], "Ada Lovelace", "only the caller's own row");

        for bad in [json!({"full_name": "Grace\u{7}Hopper"}), json!({"full_name": "Grace\u{0}"}), json!({"full_name": "   "}), json!({"full_name": "x".repeat(201)})] {
            let (status, body) = app.call(Method::PATCH, "/v1/me", Some(&acct.token), Some(bad.clone())).await;
            assert_eq!(error_code(status, &body, StatusCode::BAD_REQUEST), "invalid_field", "{bad}");
            assert!(body["error"]["message"].as_str().unwrap().contains("full_name"), "names the field: {body}");
        }
        // The email is not a profile field here: refused, and unchanged.
        let (status, body) = app.call(Method::PATCH, "/v1/me", Some(&acct.token), Some(json!({"email": "new@example.com"}))).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        let (_, me) = app.call(Method::GET, "/v1/me", Some(&acct.token), None).await;
        assert_eq!((me["email"].as_str(), me["full_name"].as_str()), (Some("profile@example.com"), Some("Grace Hopper")));
        let (status, _) = app.call(Method::PATCH, "/v1/me", None, Some(json!({"full_name": "Nobody"}))).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
}
