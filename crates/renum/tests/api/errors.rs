//! Every class of bad input gets the API's error shape and the right status.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::helpers::{TestApp, error_code};

api_test! {
    async fn bad_requests_get_json_errors_with_the_right_status(app) {
        let acct = app.signup("e@example.com", "Errors").await;
        let url = format!("{}/v1/auth/signin", app.base);

        let resp = app.client.post(&url).header("content-type", "application/json").body("{not json").send().await.unwrap();
        let status = resp.status();
        assert_eq!(error_code(status, &resp.json().await.unwrap(), StatusCode::BAD_REQUEST), "malformed_json");

        let (status, body) = app.call(Method::POST, "/v1/auth/signin", None, Some(json!({"email": "e@example.com"}))).await;
        assert_eq!(error_code(status, &body, StatusCode::BAD_REQUEST), "invalid_field");
        assert!(body["error"]["message"].as_str().unwrap().contains("password"), "names the field: {body}");

        let (status, body) = app.call(Method::POST, "/v1/auth/signin", None, Some(json!({"email": 5, "password": "x"}))).await;
        assert_eq!(error_code(status, &body, StatusCode::BAD_REQUEST), "invalid_field");

        let (status, body) = app.call(Method::PATCH, "/v1/organization", Some(&acct.token), Some(json!({"plan": "platinum"}))).await;
        assert_eq!(error_code(status, &body, StatusCode::BAD_REQUEST), "invalid_field");

        let resp = app.client.post(&url).body("{}").send().await.unwrap();
        let status = resp.status();
        assert_eq!(error_code(status, &resp.json().await.unwrap(), StatusCode::UNSUPPORTED_MEDIA_TYPE), "unsupported_media_type");

        let (status, body) = app.call(Method::GET, "/v1/me", None, None).await;
        assert_eq!(error_code(status, &body, StatusCode::UNAUTHORIZED), "unauthorized");
        let (status, body) = app.call(Method::GET, "/v1/me", Some("rnm_forged"), None).await;
        assert_eq!(error_code(status, &body, StatusCode::UNAUTHORIZED), "unauthorized");

        let (status, body) = app.call(Method::GET, "/v1/nowhere", None, None).await;
        assert_eq!(error_code(status, &body, StatusCode::NOT_FOUND), "not_found");
        let (status, body) = app.call(Method::PUT, "/v1/me", Some(&acct.token), None).await;
        assert_eq!(error_code(status, &body, StatusCode::METHOD_NOT_ALLOWED), "method_not_allowed");
        let (status, body) = app.call(Method::PATCH, "/v1/organization/members/not-a-uuid", Some(&acct.token), Some(json!({"role": "admin"}))).await;
        assert_eq!(error_code(status, &body, StatusCode::NOT_FOUND), "not_found");
        let (status, body) = app.call(Method::GET, "/v1/organization/members?limit=500", Some(&acct.token), None).await;
        assert_eq!(error_code(status, &body, StatusCode::BAD_REQUEST), "invalid_query");
        let (status, body) = app.call(Method::GET, "/v1/organization/members?cursor=garbage", Some(&acct.token), None).await;
        assert_eq!(error_code(status, &body, StatusCode::BAD_REQUEST), "invalid_query");
    }

    async fn every_response_carries_a_request_id_and_echoes_the_callers(app) {
        let resp = app.client.get(format!("{}/healthz", app.base)).send().await.unwrap();
        let generated = resp.headers()["x-request-id"].to_str().unwrap().to_owned();
        assert_eq!(generated.len(), 36, "a UUID: {generated}");
        let resp = app.client.get(format!("{}/v1/me", app.base)).header("x-request-id", "trace-me-42").send().await.unwrap();
        assert_eq!(resp.headers()["x-request-id"], "trace-me-42");
    }
}

#[tokio::test]
async fn oversized_bodies_get_413() {
    let app = TestApp::spawn(renum_db::Engine::Sqlite, &["--body-limit", "1024"]).await;
    let big = json!({"email": "x@example.com", "password": "p".repeat(4096)});
    let (status, body) = app
        .call(Method::POST, "/v1/auth/signin", None, Some(big))
        .await;
    assert_eq!(
        error_code(status, &body, StatusCode::PAYLOAD_TOO_LARGE),
        "payload_too_large"
    );
    app.stop().await;
}

#[tokio::test]
async fn readiness_reports_the_database_and_migrations() {
    let app = TestApp::spawn(renum_db::Engine::Postgres, &[]).await;
    let (status, body) = app.call(Method::GET, "/readyz", None, None).await;
    assert_eq!(
        (status, body["status"].as_str()),
        (StatusCode::OK, Some("ready"))
    );
    assert_eq!(body["newer_migrations"], serde_json::json!([]));
    // A newer release applied an (expand-only) migration during a rolling deploy.
    let renum_db::Db::Postgres(pool) = app.db() else {
        unreachable!()
    };
    sqlx::query(
        "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
         VALUES (99991231000000, 'from a newer release', true, '\\x00', 1)",
    )
    .execute(pool)
    .await
    .unwrap();
    let (status, body) = app.call(Method::GET, "/readyz", None, None).await;
    assert_eq!(
        (status, body["status"].as_str()),
        (StatusCode::OK, Some("ready")),
        "{body}"
    );
    assert_eq!(
        body["newer_migrations"],
        serde_json::json!([99991231000000i64])
    );
    sqlx::query("DELETE FROM _sqlx_migrations WHERE version = 99991231000000")
        .execute(pool)
        .await
        .unwrap();
    renum_db::migrate::down(app.db(), 0).await.unwrap();
    let (status, body) = app.call(Method::GET, "/readyz", None, None).await;
    assert_eq!(
        (status, body["status"].as_str()),
        (StatusCode::SERVICE_UNAVAILABLE, Some("migrations pending"))
    );
    app.stop().await;
}

/// A PostgreSQL restart ends every connection in the pool at once, and an idle connection
/// shows it only when a statement runs on it. The request that finds the first dead one runs
/// its session check again on a fresh connection, and from then on the pool pings the
/// connections idle since before that loss, so no read or write pays for a dead one.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_after_postgres_ended_every_pooled_connection_succeed() {
    use sqlx::Connection;
    const BURST: usize = 8;
    let app = TestApp::spawn(renum_db::Engine::Postgres, &[]).await;
    let acct = app.signup("restart@example.com", "Restart").await;
    let renum_db::Db::Postgres(pool) = app.db() else {
        unreachable!()
    };
    let mut admin = sqlx::PgConnection::connect(&app.t.url).await.unwrap();
    let write = json!({"title": "after the restart"});
    for (method, path, body, expected) in [
        (Method::GET, "/v1/me", None, StatusCode::OK),
        (Method::POST, "/v1/videos", Some(write), StatusCode::CREATED),
    ] {
        // A busy moment leaves the pool holding several idle connections.
        let mut burst = tokio::task::JoinSet::new();
        for _ in 0..BURST {
            let me = app
                .client
                .get(format!("{}/v1/me", app.base))
                .bearer_auth(&acct.token)
                .send();
            burst.spawn(me);
        }
        while let Some(answer) = burst.join_next().await {
            assert_eq!(answer.unwrap().unwrap().status(), StatusCode::OK);
        }
        let settled = tokio::time::timeout(std::time::Duration::from_secs(5), async {
            while pool.num_idle() < pool.size() as usize {
                tokio::time::sleep(std::time::Duration::from_millis(10)).await;
            }
        });
        settled
            .await
            .expect("the burst's connections went back to the pool");
        // Every backend at once, as a restart ends them: ended one by one (waiting for each),
        // the log writer could take and return a connection between two of them, which then
        // dies after the loss was noticed, a case a restart does not produce.
        let pids: Vec<i32> = sqlx::query_scalar(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() \
             AND usename = current_user AND pid <> pg_backend_pid()",
        )
        .fetch_all(&mut admin)
        .await
        .unwrap();
        let ended: i64 = sqlx::query_scalar(
            "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM unnest($1::int[]) AS pid",
        )
        .bind(&pids)
        .fetch_one(&mut admin)
        .await
        .unwrap();
        let gone = async {
            loop {
                let left: i64 =
                    sqlx::query_scalar("SELECT count(*) FROM pg_stat_activity WHERE pid = ANY($1)")
                        .bind(&pids)
                        .fetch_one(&mut admin)
                        .await
                        .unwrap();
                if left == 0 {
                    break;
                }
                tokio::time::sleep(std::time::Duration::from_millis(20)).await;
            }
        };
        tokio::time::timeout(std::time::Duration::from_secs(10), gone)
            .await
            .expect("the ended backends exited");
        assert!(ended >= 2, "the pool held {ended} connections");
        for _ in 0..BURST {
            let (status, answer) = app
                .call(method.clone(), path, Some(&acct.token), body.clone())
                .await;
            assert_eq!(
                status, expected,
                "{method} {path} after {ended} connections ended: {answer}"
            );
        }
    }
    admin.close().await.unwrap();
    app.stop().await;
}
