//! Inbound API logging through the real server: every /v1 request becomes one record, with
//! its route template and caller, queued without a database round trip and drained on a
//! graceful stop.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::helpers::{TestApp, count};

api_test! {
    async fn n_requests_then_a_graceful_stop_leave_n_records(app) {
        let acct = app.signup("logs@example.com", "Logs").await;
        let missing = uuid::Uuid::now_v7();
        let mut sent = 1; // the signup
        for _ in 0..10 {
            let (status, _) = app.call(Method::GET, "/v1/me", Some(&acct.token), None).await;
            assert_eq!(status, StatusCode::OK);
            sent += 1;
        }
        for _ in 0..5 {
            let (status, _) = app.call(Method::PATCH, &format!("/v1/organization/members/{missing}"), Some(&acct.token), Some(json!({"role": "admin"}))).await;
            assert_eq!(status, StatusCode::NOT_FOUND);
            sent += 1;
        }
        let (status, _) = app.call(Method::GET, "/v1/me", None, None).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        sent += 1;
        app.call(Method::GET, "/healthz", None, None).await; // not under /v1: not logged

        let metrics = app.shutdown().await.unwrap();
        assert_eq!(metrics.dropped, 0);
        assert_eq!(count(app.db(), "SELECT count(*) FROM api_logs").await, sent);
        assert_eq!(count(app.db(), "SELECT count(*) FROM api_logs WHERE endpoint = '/v1/organization/members/{id}' AND status_code = 404 AND method = 'PATCH'").await, 5, "route templates, not raw paths");
        assert_eq!(count(app.db(), "SELECT count(*) FROM api_logs WHERE endpoint = '/v1/me' AND organization_id IS NOT NULL AND user_id IS NOT NULL AND request_id IS NOT NULL").await, 10);
        assert_eq!(count(app.db(), "SELECT count(*) FROM api_logs WHERE endpoint = '/v1/me' AND status_code = 401 AND user_id IS NULL").await, 1);
        assert_eq!(count(app.db(), "SELECT count(*) FROM api_logs WHERE endpoint = '/v1/auth/signup' AND request_body IS NULL AND response_body IS NULL").await, 1, "auth bodies are never stored");
        // The default policy: a success's response body is not stored, an error's is.
        assert_eq!(count(app.db(), "SELECT count(*) FROM api_logs WHERE endpoint = '/v1/me' AND status_code = 200 AND response_body IS NULL").await, 10);
        assert_eq!(count(app.db(), "SELECT count(*) FROM api_logs WHERE status_code = 404 AND request_body IS NOT NULL AND response_body IS NOT NULL").await, 5);
        assert_eq!(count(app.db(), "SELECT count(*) FROM api_logs WHERE status_code = 401 AND response_body IS NOT NULL").await, 1);
    }

    async fn api_logs_are_readable_by_managers_of_the_organization_only(app) {
        let owner = app.signup("reader@example.com", "Reader").await;
        let other = app.signup("other@example.com", "Other").await;
        app.call(Method::POST, "/v1/organization/members", Some(&owner.token), Some(json!({
            "email": "member@example.com", "full_name": "M", "role": "member", "temporary_password": "temporary password 1"
        }))).await;
        app.call(Method::GET, "/v1/me", Some(&other.token), None).await;
        let (_, signin) = app.call(Method::POST, "/v1/auth/signin", None,
            Some(json!({"email": "member@example.com", "password": "temporary password 1"}))).await;
        let member = signin["session"]["token"].as_str().unwrap().to_owned();
        let (status, _) = app.call(Method::GET, "/v1/api-logs", Some(&member), None).await;
        assert_eq!(status, StatusCode::FORBIDDEN);

        // The writer flushes within its interval; wait until the owner's records are in.
        let mut page = json!(null);
        for _ in 0..50 {
            let (status, body) = app.call(Method::GET, "/v1/api-logs?status=2xx&direction=inbound", Some(&owner.token), None).await;
            assert_eq!(status, StatusCode::OK, "{body}");
            if body["items"].as_array().unwrap().len() >= 2 {
                page = body;
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        let items = page["items"].as_array().expect("records arrived");
        assert!(items.iter().all(|r| r["organization_id"] == owner.organization_id.as_str()), "only this organization's: {items:?}");
        assert!(items.iter().all(|r| (200..300).contains(&r["status_code"].as_i64().unwrap())));
        let text = page.to_string();
        assert!(!text.contains("temporary password 1") && !text.contains("member@example.com"), "redacted: {text}");
        let (status, _) = app.call(Method::GET, "/v1/api-logs?status=6xx", Some(&owner.token), None).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);

        let metrics = app.client.get(format!("{}/metrics", app.base)).send().await.unwrap().text().await.unwrap();
        assert!(metrics.contains("renum_api_logs_written"), "{metrics}");
    }
}

/// `--log-inbound-response-bodies all` stores successful responses too, redacted; `none`
/// stores no response body, not even an error's.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_response_body_policy_is_configurable() {
    for (policy, ok_bodies, error_bodies) in [("all", 1, 1), ("none", 0, 0)] {
        let mut app = TestApp::spawn(
            renum_db::Engine::Sqlite,
            &["--log-inbound-response-bodies", policy],
        )
        .await;
        let acct = app.signup("bodies@example.com", "Bodies").await;
        let (status, _) = app
            .call(Method::GET, "/v1/me", Some(&acct.token), None)
            .await;
        assert_eq!(status, StatusCode::OK);
        let (status, _) = app.call(Method::GET, "/v1/me", None, None).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        app.shutdown().await.unwrap();
        let ok = count(app.db(), "SELECT count(*) FROM api_logs WHERE endpoint = '/v1/me' AND status_code = 200 AND response_body IS NOT NULL").await;
        let error = count(app.db(), "SELECT count(*) FROM api_logs WHERE endpoint = '/v1/me' AND status_code = 401 AND response_body IS NOT NULL").await;
        assert_eq!((ok, error), (ok_bodies, error_bodies), "policy {policy}");
        if policy == "all" {
            let stored = count(app.db(), "SELECT count(*) FROM api_logs WHERE status_code = 200 AND response_body LIKE '%bodies@example.com%'").await;
            assert_eq!(stored, 0, "a stored response is redacted");
            let masked = count(app.db(), "SELECT count(*) FROM api_logs WHERE status_code = 200 AND endpoint = '/v1/me' AND response_body LIKE '%[EMAIL]%'").await;
            assert_eq!(
                masked, 1,
                "the stored body is the response, its email masked"
            );
        }
        app.stop().await;
    }
}
