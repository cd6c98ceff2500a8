//! `GET /v1/organization/audit-events` over HTTP: owners and admins read their organization's
//! trail in pages that cover it once, filtered by kind and actor; members get 403, and another
//! organization's events never appear.

use std::collections::BTreeSet;

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{TestApp, error_code};

/// Every event `query` selects, following the cursor with pages of `limit`.
async fn all_events(app: &TestApp, token: &str, query: &str, limit: usize) -> Vec<Value> {
    let mut items = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut path = format!("/v1/organization/audit-events?limit={limit}{query}");
        if let Some(c) = &cursor {
            path.push_str(&format!("&cursor={c}"));
        }
        let (status, body) = app.call(Method::GET, &path, Some(token), None).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        items.extend(body["items"].as_array().unwrap().iter().cloned());
        match body["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => return items,
        }
    }
}

api_test! {
    async fn managers_page_through_their_organizations_trail_and_members_are_refused(app) {
        let app: &TestApp = app;
        let owner = app.signup("audit-owner@example.com", "Audit").await;
        let other = app.signup("audit-other@example.com", "Elsewhere").await;
        let (status, admin) = app.call(Method::POST, "/v1/organization/members", Some(&owner.token), Some(json!({
            "email": "audit-admin@example.com", "full_name": "Admin", "role": "admin", "temporary_password": "temporary password 1"
        }))).await;
        assert_eq!(status, StatusCode::CREATED, "{admin}");
        let admin_id = admin["id"].as_str().unwrap().to_owned();
        app.call(Method::POST, "/v1/organization/members", Some(&owner.token), Some(json!({
            "email": "audit-member@example.com", "full_name": "Member", "role": "member", "temporary_password": "temporary password 2"
        }))).await;
        let signin = |email: &'static str, password: &'static str| async move {
            let (status, body) = app.call(Method::POST, "/v1/auth/signin", None, Some(json!({"email": email, "password": password}))).await;
            assert_eq!(status, StatusCode::OK, "{body}");
            body["session"]["token"].as_str().unwrap().to_owned()
        };
        let admin_token = signin("audit-admin@example.com", "temporary password 1").await;
        let member_token = signin("audit-member@example.com", "temporary password 2").await;
        for _ in 0..3 {
            signin("audit-owner@example.com", crate::helpers::PASSWORD).await;
            signin("audit-other@example.com", crate::helpers::PASSWORD).await;
        }
        // The admin changes the member's role: an event whose actor is the admin.
        let (_, members) = app.call(Method::GET, "/v1/organization/members", Some(&owner.token), None).await;
        let member_id = members["items"].as_array().unwrap().iter()
            .find(|m| m["email"] == "audit-member@example.com").unwrap()["id"].as_str().unwrap().to_owned();
        let (status, body) = app.call(Method::PATCH, &format!("/v1/organization/members/{member_id}"), Some(&admin_token), Some(json!({"role": "admin"}))).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let (status, body) = app.call(Method::PATCH, &format!("/v1/organization/members/{member_id}"), Some(&owner.token), Some(json!({"role": "member"}))).await;
        assert_eq!(status, StatusCode::OK, "{body}");

        let (status, body) = app.call(Method::GET, "/v1/organization/audit-events", Some(&member_token), None).await;
        assert_eq!(error_code(status, &body, StatusCode::FORBIDDEN), "forbidden");

        let stored = crate::helpers::count(app.db(), "SELECT count(*) FROM auth_events").await;
        let whole = all_events(app, &owner.token, "", 200).await;
        let by_three = all_events(app, &admin_token, "", 3).await;
        assert_eq!(whole, by_three, "pages of three are the same trail, owner or admin");
        let ids: BTreeSet<&str> = whole.iter().map(|e| e["id"].as_str().unwrap()).collect();
        assert_eq!(ids.len(), whole.len(), "each event once");
        // signup, 2 members added, 2 member sign-ins, 3 owner sign-ins, 2 role changes.
        assert_eq!(whole.len(), 10, "{whole:#?}");
        assert!(stored > 10, "the other organization's events are stored, just not shown");
        let other_id = other.user_id.as_str();
        assert!(whole.iter().all(|e| e["user_id"] != other_id && e["actor_id"] != other_id), "never another organization's");
        assert!(whole.iter().all(|e| e["ip"] == "127.0.0.1"), "whole addresses for 30 days");
        let text = serde_json::to_string(&whole).unwrap();
        assert!(!text.contains("email_hash") && !text.contains("audit-"), "no emails or their hashes: {text}");

        let changes = all_events(app, &owner.token, "&kind=role_change", 200).await;
        assert_eq!(changes.len(), 2);
        let by_admin = all_events(app, &owner.token, &format!("&actor={admin_id}"), 200).await;
        let kinds: Vec<&str> = by_admin.iter().map(|e| e["kind"].as_str().unwrap()).collect();
        // The admin's own sign-in and the change it made; not its addition, which the owner did.
        assert_eq!(kinds, ["role_change", "signin_success"], "newest first: {by_admin:#?}");
        let both = all_events(app, &owner.token, &format!("&actor={admin_id}&kind=role_change"), 200).await;
        assert_eq!(both.len(), 1);
        assert_eq!(both[0]["user_id"], member_id.as_str());
        assert_eq!(both[0]["actor_id"], admin_id.as_str());
        let theirs = all_events(app, &other.token, "", 200).await;
        assert_eq!(theirs.len(), 4, "the other organization sees only its own signup and sign-ins");

        for bad in ["kind=nope", "actor=not-a-uuid", "limit=0", "cursor=garbage"] {
            let (status, body) = app.call(Method::GET, &format!("/v1/organization/audit-events?{bad}"), Some(&owner.token), None).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}: {body}");
        }
    }
}
