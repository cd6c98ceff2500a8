//! Tenant isolation: organization A's token on organization B's ids gets 404 (exactly like a
//! missing id) or 403, and changes nothing.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::helpers::count;

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
}
