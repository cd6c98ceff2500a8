//! The organization, its members' roles, the OpusClip key, and deletion.

use renum_db::Access;
use renum_db::enums::PostStatus;
use renum_db::ids::{OrganizationId, UserId};
use renum_db::sql_types::Timestamp;
use renum_db::testing::scheduled_posts;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{Account, TestApp, count, error_code};

async fn add(app: &TestApp, by: &Account, email: &str, role: &str) -> (StatusCode, Value) {
    app.call(Method::POST, "/v1/organization/members", Some(&by.token), Some(json!({
        "email": email, "full_name": "Someone", "role": role, "temporary_password": "temporary password 1"
    }))).await
}

async fn signin(app: &TestApp, email: &str) -> String {
    let (status, body) = app
        .call(
            Method::POST,
            "/v1/auth/signin",
            None,
            Some(json!({"email": email, "password": "temporary password 1"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["session"]["token"].as_str().unwrap().to_owned()
}

api_test! {
    async fn role_rules_hold_and_ownership_transfers_in_one_step(app) {
        let owner = app.signup("owner@example.com", "Roles").await;
        let (status, admin) = add(app, &owner, "admin@example.com", "admin").await;
        assert_eq!(status, StatusCode::CREATED, "{admin}");
        let (_, member) = add(app, &owner, "member@example.com", "member").await;
        let (status, body) = add(app, &owner, "member@example.com", "member").await;
        assert_eq!(error_code(status, &body, StatusCode::CONFLICT), "email_taken");
        let (status, body) = add(app, &owner, "second-owner@example.com", "owner").await;
        assert_eq!(error_code(status, &body, StatusCode::BAD_REQUEST), "invalid_field");

        let admin_token = signin(app, "admin@example.com").await;
        let member_token = signin(app, "member@example.com").await;
        let member_acct = Account { token: member_token.clone(), ..Account::clone_ids(&owner) };

        let (status, _) = add(app, &member_acct, "x@example.com", "member").await;
        assert_eq!(status, StatusCode::FORBIDDEN, "members cannot manage members");
        let owner_path = format!("/v1/organization/members/{}", owner.user_id);
        for (method, body) in [(Method::PATCH, Some(json!({"role": "member"}))), (Method::DELETE, None)] {
            let (status, resp) = app.call(method, &owner_path, Some(&admin_token), body).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "admins cannot touch the owner: {resp}");
        }
        let (status, _) = app.call(Method::DELETE, &owner_path, Some(&owner.token), None).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "the owner cannot be removed");
        let (status, _) = app.call(Method::PATCH, "/v1/organization", Some(&admin_token), Some(json!({"plan": "pro"}))).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "plan changes are the owner's");
        let (status, org) = app.call(Method::PATCH, "/v1/organization", Some(&owner.token), Some(json!({"plan": "pro", "name": "Roles Inc"}))).await;
        assert_eq!((status, org["plan"].as_str(), org["name"].as_str()), (StatusCode::OK, Some("pro"), Some("Roles Inc")));

        let member_path = format!("/v1/organization/members/{}", member["id"].as_str().unwrap());
        let (status, promoted) = app.call(Method::PATCH, &member_path, Some(&admin_token), Some(json!({"role": "admin"}))).await;
        assert_eq!((status, promoted["role"].as_str()), (StatusCode::OK, Some("admin")));
        let (status, _) = app.call(Method::PATCH, &member_path, Some(&admin_token), Some(json!({"role": "owner"}))).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "only the owner transfers ownership");

        let (status, new_owner) = app.call(Method::PATCH, &member_path, Some(&owner.token), Some(json!({"role": "owner"}))).await;
        assert_eq!((status, new_owner["role"].as_str()), (StatusCode::OK, Some("owner")), "{new_owner}");
        assert_eq!(count(app.db(), "SELECT count(*) FROM users WHERE role = 'owner'").await, 1);
        let (_, me) = app.call(Method::GET, "/v1/me", Some(&owner.token), None).await;
        assert_eq!(me["role"], "admin", "the previous owner became an admin");

        let (status, _) = app.call(Method::DELETE, &format!("/v1/organization/members/{}", admin["id"].as_str().unwrap()), Some(&member_token), None).await;
        assert_eq!(status, StatusCode::NO_CONTENT, "the new owner removes the admin");
        let (status, _) = app.call(Method::GET, "/v1/me", Some(&admin_token), None).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "the removed member's sessions are revoked");
        assert_eq!(count(app.db(), "SELECT count(*) FROM auth_events WHERE kind = 'ownership_transfer'").await, 1);
    }

    async fn the_opusclip_key_is_stored_encrypted_and_never_returned(app) {
        let owner = app.signup("keys@example.com", "Keys").await;
        let secret = "opus-secret-key-0123456789";
        let (status, _) = app.call(Method::PUT, "/v1/organization/integrations/opusclip", Some(&owner.token), Some(json!({"api_key": secret}))).await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        let (_, org) = app.call(Method::GET, "/v1/organization", Some(&owner.token), None).await;
        assert_eq!(org["has_opusclip_key"], true);
        assert!(!org.to_string().contains(secret));
        let (_, me) = app.call(Method::GET, "/v1/me", Some(&owner.token), None).await;
        assert_eq!(me["organization_has_opusclip_key"], true);
        assert!(!me.to_string().contains(secret));

        let stored: Vec<u8> = match app.db() {
            renum_db::Db::Postgres(p) => sqlx::query_scalar("SELECT opusclip_api_key_ciphertext FROM organizations").fetch_one(p).await.unwrap(),
            renum_db::Db::Sqlite(p) => sqlx::query_scalar("SELECT opusclip_api_key_ciphertext FROM organizations").fetch_one(p).await.unwrap(),
        };
        assert!(!stored.windows(secret.len()).any(|w| w == secret.as_bytes()), "ciphertext, not plaintext");
        assert!(stored.len() > secret.len() + 12, "nonce and tag included");

        let (status, _) = app.call(Method::DELETE, "/v1/organization/integrations/opusclip", Some(&owner.token), None).await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        let (_, org) = app.call(Method::GET, "/v1/organization", Some(&owner.token), None).await;
        assert_eq!(org["has_opusclip_key"], false);
    }

    async fn deleting_the_organization_signs_everyone_out_and_stops_scheduled_posts(app) {
        let owner = app.signup("del@example.com", "Doomed").await;
        let (_, _) = add(app, &owner, "m@example.com", "member").await;
        let member_token = signin(app, "m@example.com").await;
        let scope = renum_db::OrgScope::trusted(owner.organization_id.parse::<OrganizationId>().unwrap());
        let user_id: UserId = owner.user_id.parse().unwrap();
        let post = scheduled_posts(app.db(), &scope, user_id, 1, Timestamp::now()).await[0];

        let (status, body) = app.call(Method::DELETE, "/v1/organization", Some(&member_token), Some(json!({"confirm_slug": owner.slug}))).await;
        assert_eq!(error_code(status, &body, StatusCode::FORBIDDEN), "forbidden");
        let (status, body) = app.call(Method::DELETE, "/v1/organization", Some(&owner.token), Some(json!({"confirm_slug": "wrong"}))).await;
        assert_eq!(error_code(status, &body, StatusCode::BAD_REQUEST), "invalid_field");
        let (status, _) = app.call(Method::DELETE, "/v1/organization", Some(&owner.token), Some(json!({"confirm_slug": owner.slug}))).await;
        assert_eq!(status, StatusCode::NO_CONTENT);

        for token in [&owner.token, &member_token] {
            let (status, _) = app.call(Method::GET, "/v1/me", Some(token), None).await;
            assert_eq!(status, StatusCode::UNAUTHORIZED);
        }
        let (status, _) = app.call(Method::POST, "/v1/auth/signin", None, Some(json!({"email": owner.email, "password": owner.password}))).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "a deleted organization's users cannot sign in");
        let mut conn = app.db().conn().await.unwrap();
        assert_eq!(conn.posts(&scope).get(post).await.unwrap().status, PostStatus::Cancelled);
    }

    async fn members_are_listed_with_keyset_pages(app) {
        let owner = app.signup("pages@example.com", "Pages").await;
        for i in 0..4 {
            add(app, &owner, &format!("m{i}@example.com"), "member").await;
        }
        let mut seen = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let path = match &cursor {
                Some(c) => format!("/v1/organization/members?limit=2&cursor={c}"),
                None => "/v1/organization/members?limit=2".to_owned(),
            };
            let (status, page) = app.call(Method::GET, &path, Some(&owner.token), None).await;
            assert_eq!(status, StatusCode::OK, "{page}");
            seen.extend(page["items"].as_array().unwrap().iter().map(|m| m["email"].as_str().unwrap().to_owned()));
            match page["next_cursor"].as_str() {
                Some(next) => cursor = Some(next.to_owned()),
                None => break,
            }
        }
        assert_eq!(seen, ["pages@example.com", "m0@example.com", "m1@example.com", "m2@example.com", "m3@example.com"]);
    }
}
