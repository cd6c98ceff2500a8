//! Hostile clients against the auth surface: sign-in storms, throttles that must not be
//! dodged or turned against users, the unauthenticated log budget, and session expiry.

use std::time::{Duration, Instant};

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::helpers::{PASSWORD, TestApp, count};

/// A sign-in as if from `from`, through the loopback proxy the test trusts.
async fn signin_from(app: &TestApp, email: &str, password: &str, from: &str) -> StatusCode {
    app.client
        .post(format!("{}/v1/auth/signin", app.base))
        .header("x-forwarded-for", from)
        .json(&json!({"email": email, "password": password}))
        .send()
        .await
        .unwrap()
        .status()
}

/// GET /v1/me, timed.
async fn timed_me(app: &TestApp, token: &str) -> (StatusCode, Duration) {
    let started = Instant::now();
    let (status, _) = app.call(Method::GET, "/v1/me", Some(token), None).await;
    (status, started.elapsed())
}

api_test! {
    async fn a_signin_storm_is_bounded_and_never_delays_other_requests(app,
        ["--password-hash-workers", "2", "--password-hash-queue", "4"]) {
        let acct = app.signup("steady@example.com", "Steady").await;
        let storm: Vec<_> = (0..20)
            .map(|i| {
                let client = app.client.clone();
                let url = format!("{}/v1/auth/signin", app.base);
                tokio::spawn(async move {
                    let resp = client.post(url)
                        .json(&json!({"email": format!("storm{i}@example.com"), "password": "wrong password"}))
                        .send().await.unwrap();
                    (resp.status(), resp.headers().contains_key("retry-after"))
                })
            })
            .collect();
        let mut reads = Vec::new();
        while !storm.iter().all(|h| h.is_finished()) {
            let (status, took) = timed_me(app, &acct.token).await;
            assert_eq!(status, StatusCode::OK);
            reads.push(took);
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        reads.sort();
        let mut refused = 0;
        for h in storm {
            match h.await.unwrap() {
                (StatusCode::UNAUTHORIZED, _) => {}
                (StatusCode::TOO_MANY_REQUESTS, retry_after) => {
                    assert!(retry_after, "a refused sign-in says when to retry");
                    refused += 1;
                }
                other => panic!("a sign-in answered {other:?}"),
            }
        }
        assert!(refused >= 1, "2 running + 4 waiting hashes: some of 20 are refused at once");
        let slowest = *reads.last().expect("at least one read during the storm");
        let p99 = reads[(reads.len() * 99).div_ceil(100) - 1];
        println!("GET /v1/me during a 20-sign-in storm: {} reads, p99 {p99:?}, slowest {slowest:?}", reads.len());
        assert!(slowest < Duration::from_secs(1), "GET /v1/me took {slowest:?} during the storm");
    }

    async fn ten_attacker_addresses_cannot_lock_the_user_out_of_their_own(app,
        ["--trusted-proxies", "127.0.0.1/32", "--signin-failures-per-source", "3",
         "--signin-failures-per-account", "10"]) {
        let acct = app.signup("owner@example.com", "Owned").await;
        let home = "198.51.100.7";
        assert_eq!(signin_from(app, &acct.email, PASSWORD, home).await, StatusCode::OK);
        for n in 1..=10 {
            let from = format!("203.0.113.{n}");
            for _ in 0..3 {
                let status = signin_from(app, &acct.email, "not the password", &from).await;
                // Past the account's ceiling the attack is slowed as well: 401 or 429.
                assert!(matches!(status, StatusCode::UNAUTHORIZED | StatusCode::TOO_MANY_REQUESTS), "{status}");
            }
            assert_eq!(
                signin_from(app, &acct.email, PASSWORD, &from).await,
                StatusCode::TOO_MANY_REQUESTS,
                "a source is refused after its 3 failures, even with the right password"
            );
        }
        assert!(
            count(app.db(), "SELECT count(*) FROM auth_events WHERE kind = 'signin_failure'").await >= 10,
            "the account is over its ceiling"
        );
        assert_eq!(
            signin_from(app, &acct.email, PASSWORD, "192.0.2.99").await,
            StatusCode::TOO_MANY_REQUESTS,
            "a new source is slowed while the attack goes on"
        );
        assert_eq!(
            signin_from(app, &acct.email, PASSWORD, home).await,
            StatusCode::OK,
            "the user's own address still signs in"
        );
    }

    async fn an_ipv6_subscriber_is_one_source_its_slash_64(app,
        ["--trusted-proxies", "127.0.0.1/32", "--signin-failures-per-source", "3"]) {
        let acct = app.signup("six@example.com", "Six").await;
        for host in 1..=3 {
            let from = format!("2001:db8:5:6::{host}");
            assert_eq!(signin_from(app, &acct.email, "not the password", &from).await, StatusCode::UNAUTHORIZED);
        }
        assert_eq!(
            signin_from(app, &acct.email, PASSWORD, "2001:db8:5:6:ffff::1").await,
            StatusCode::TOO_MANY_REQUESTS,
            "another address of the same /64 is the same source"
        );
        assert_eq!(signin_from(app, &acct.email, PASSWORD, "2001:db8:5:7::1").await, StatusCode::OK);
    }

    async fn a_forwarded_header_from_an_untrusted_peer_changes_nothing(app,
        ["--signin-failures-per-source", "2"]) {
        let acct = app.signup("direct@example.com", "Direct").await;
        for n in 0..2 {
            signin_from(app, &acct.email, "not the password", &format!("203.0.113.{n}")).await;
        }
        assert_eq!(
            signin_from(app, &acct.email, PASSWORD, "198.51.100.200").await,
            StatusCode::TOO_MANY_REQUESTS,
            "without trusted proxies every attempt is the loopback peer's"
        );
    }

    async fn unauthenticated_requests_are_logged_within_a_budget(app,
        ["--log-unauthenticated-per-minute", "5"]) {
        let acct = app.signup("budget@example.com", "Budget").await;
        for _ in 0..12 {
            let (status, _) = app.call(Method::GET, "/v1/videos", None, None).await;
            assert_eq!(status, StatusCode::UNAUTHORIZED);
        }
        for _ in 0..3 {
            let (status, _) = app.call(Method::GET, "/v1/me", Some(&acct.token), None).await;
            assert_eq!(status, StatusCode::OK);
        }
        let (_, metrics) = app.call(Method::GET, "/metrics", None, None).await;
        let metrics = metrics.as_str().unwrap().to_owned();
        assert!(
            metrics.contains("renum_api_logs_unauthenticated_unstored_total 8\n"),
            "the sign-up and 4 of the 12 fit the budget of 5: {metrics}"
        );
        app.shutdown().await;
        assert_eq!(count(app.db(), "SELECT count(*) FROM api_logs WHERE status_code = 401").await, 4);
        assert_eq!(count(app.db(), "SELECT count(*) FROM api_logs WHERE user_id IS NOT NULL").await, 3,
            "authenticated requests are always logged");
    }

    async fn a_session_in_use_outlives_the_idle_timeout_and_an_unused_one_dies(app,
        ["--session-idle-timeout", "2s"]) {
        let acct = app.signup("idle@example.com", "Idle").await;
        let started = Instant::now();
        while started.elapsed() < Duration::from_millis(3500) {
            let (status, _) = timed_me(app, &acct.token).await;
            assert_eq!(status, StatusCode::OK, "used every 0.7 s, at {:?}", started.elapsed());
            tokio::time::sleep(Duration::from_millis(700)).await;
        }
        tokio::time::sleep(Duration::from_millis(2300)).await;
        let (status, _) = timed_me(app, &acct.token).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "unused for 2.3 s of a 2 s idle timeout");
    }

    async fn a_session_dies_at_its_absolute_lifetime_however_active(app,
        ["--session-lifetime", "2s"]) {
        let acct = app.signup("lifetime@example.com", "Lifetime").await;
        let started = Instant::now();
        let mut last_ok = Duration::ZERO;
        let status = loop {
            let (status, _) = timed_me(app, &acct.token).await;
            if status != StatusCode::OK || started.elapsed() > Duration::from_secs(4) {
                break status;
            }
            last_ok = started.elapsed();
            tokio::time::sleep(Duration::from_millis(300)).await;
        };
        assert_eq!(status, StatusCode::UNAUTHORIZED, "still alive after 4 s of a 2 s lifetime");
        assert!(last_ok >= Duration::from_millis(1500), "alive until near its lifetime: {last_ok:?}");
    }
}
