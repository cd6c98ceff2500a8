//! Sign-up, sign-in, sessions and throttles.

use std::time::{Duration, Instant};

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::helpers::{PASSWORD, TestApp, count, error_code};

api_test! {
    async fn signup_me_signin_signout_and_the_old_token_is_rejected(app) {
        let acct = app.signup("Ada@Example.com", "Analytical Engines").await;
        assert_eq!(acct.slug, "analytical-engines");

        let (status, me) = app.call(Method::GET, "/v1/me", Some(&acct.token), None).await;
        assert_eq!(status, StatusCode::OK, "{me}");
        assert_eq!(me["email"], "ada@example.com", "stored normalized");
        assert_eq!(me["role"], "owner");
        assert_eq!(me["organization_slug"], "analytical-engines");
        assert_eq!(me["organization_has_opusclip_key"], false);
        let text = me.to_string();
        assert!(!text.contains("argon2") && !text.contains("password") && !text.contains("ciphertext"), "{text}");

        let (status, signed_in) = app.call(Method::POST, "/v1/auth/signin", None,
            Some(json!({"email": "ADA@example.com ", "password": PASSWORD}))).await;
        assert_eq!(status, StatusCode::OK, "{signed_in}");
        let second = signed_in["session"]["token"].as_str().unwrap().to_owned();
        assert_ne!(second, acct.token);
        assert!(signed_in["user"]["last_login_at"].is_string(), "updateLastLogin");
        let (_, me) = app.call(Method::GET, "/v1/me", Some(&second), None).await;
        assert!(me["last_login_at"].is_string());

        let (status, _) = app.call(Method::POST, "/v1/auth/signout", Some(&second), None).await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        let (status, body) = app.call(Method::GET, "/v1/me", Some(&second), None).await;
        assert_eq!(error_code(status, &body, StatusCode::UNAUTHORIZED), "unauthorized");
        let (status, _) = app.call(Method::GET, "/v1/me", Some(&acct.token), None).await;
        assert_eq!(status, StatusCode::OK, "signing out one session leaves the others");

        let (status, _) = app.call(Method::POST, "/v1/auth/signout-all", Some(&acct.token), None).await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        let (status, _) = app.call(Method::GET, "/v1/me", Some(&acct.token), None).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);

        let kinds = count(app.db(), "SELECT count(*) FROM auth_events WHERE kind IN ('signup', 'signin_success', 'signout', 'signout_all')").await;
        assert_eq!(kinds, 4, "the audit trail recorded each step");
        let stored = count(app.db(), "SELECT count(*) FROM sessions WHERE length(token_hash) = 32").await;
        assert_eq!(stored, 2, "sessions store hashes only");
    }

    async fn unknown_email_and_wrong_password_look_the_same(app) {
        app.signup("grace@example.com", "Navy").await;
        let mut timings = [Vec::new(), Vec::new()];
        let mut bodies = Vec::new();
        for round in 0..4 {
            for (i, email) in ["grace@example.com", "nobody@example.com"].into_iter().enumerate() {
                let started = Instant::now();
                let (status, body) = app.call(Method::POST, "/v1/auth/signin", None,
                    Some(json!({"email": email, "password": format!("wrong password {round}")}))).await;
                timings[i].push(started.elapsed());
                assert_eq!(status, StatusCode::UNAUTHORIZED);
                bodies.push(body);
            }
        }
        assert!(bodies.windows(2).all(|w| w[0] == w[1]), "identical bodies: {bodies:?}");
        let median = |v: &mut Vec<Duration>| { v.sort(); v[v.len() / 2] };
        let (known, unknown) = (median(&mut timings[0].clone()), median(&mut timings[1].clone()));
        let ratio = known.as_secs_f64() / unknown.as_secs_f64();
        assert!((0.25..4.0).contains(&ratio), "both paths run argon2: known {known:?}, unknown {unknown:?}");
    }

    async fn twenty_concurrent_signups_with_one_email_create_exactly_one_account(app) {
        let attempts = (0..20).map(|i| {
            let client = app.client.clone();
            let url = format!("{}/v1/auth/signup", app.base);
            async move {
                let resp = client.post(url).json(&json!({
                    "email": "race@example.com", "password": PASSWORD,
                    "full_name": "Racer", "organization_name": format!("Race {i}"),
                })).send().await.unwrap();
                let status = resp.status();
                (status, resp.json::<serde_json::Value>().await.unwrap())
            }
        });
        let results = concurrently(attempts).await;
        let created = results.iter().filter(|(s, _)| *s == StatusCode::CREATED).count();
        assert_eq!(created, 1, "{results:?}");
        for (status, body) in results.iter().filter(|(s, _)| *s != StatusCode::CREATED) {
            assert_eq!(error_code(*status, body, StatusCode::CONFLICT), "email_taken");
        }
        assert_eq!(count(app.db(), "SELECT count(*) FROM users").await, 1);
        assert_eq!(count(app.db(), "SELECT count(*) FROM organizations").await, 1, "losers left no organization behind");
    }

    async fn weak_passwords_and_bad_fields_are_refused_naming_the_field(app) {
        for (body, field) in [
            (json!({"email": "a@example.com", "password": "short", "full_name": "A", "organization_name": "O"}), "password"),
            (json!({"email": "a@example.com", "password": "password123", "full_name": "A", "organization_name": "O"}), "password"),
            (json!({"email": "a@example.com", "password": "x".repeat(129), "full_name": "A", "organization_name": "O"}), "password"),
            (json!({"email": "not-an-email", "password": PASSWORD, "full_name": "A", "organization_name": "O"}), "email"),
            (json!({"email": "a@example.com", "password": PASSWORD, "full_name": "  ", "organization_name": "O"}), "full_name"),
            (json!({"email": "a@example.com", "password": PASSWORD, "full_name": "A", "organization_name": ""}), "organization_name"),
        ] {
            let (status, resp) = app.call(Method::POST, "/v1/auth/signup", None, Some(body)).await;
            assert_eq!(error_code(status, &resp, StatusCode::BAD_REQUEST), "invalid_field");
            assert!(resp["error"]["message"].as_str().unwrap().starts_with(field), "{resp}");
        }
        assert_eq!(count(app.db(), "SELECT count(*) FROM organizations").await, 0, "nothing half-created");
    }

    async fn repeated_wrong_passwords_throttle_that_account_but_not_others(app) {
        let victim = app.signup("victim@example.com", "Victim").await;
        let other = app.signup("other@example.com", "Other").await;
        for _ in 0..5 {
            let (status, _) = app.call(Method::POST, "/v1/auth/signin", None,
                Some(json!({"email": victim.email, "password": "not the password"}))).await;
            assert_eq!(status, StatusCode::UNAUTHORIZED);
        }
        let resp = app.client.post(format!("{}/v1/auth/signin", app.base))
            .json(&json!({"email": victim.email, "password": PASSWORD})).send().await.unwrap();
        assert_eq!(resp.status(), StatusCode::TOO_MANY_REQUESTS, "even the right password waits");
        let retry: u64 = resp.headers()["retry-after"].to_str().unwrap().parse().unwrap();
        assert!((1..=900).contains(&retry), "bounded wait: {retry}");
        let (status, _) = app.call(Method::POST, "/v1/auth/signin", None,
            Some(json!({"email": other.email, "password": PASSWORD}))).await;
        assert_eq!(status, StatusCode::OK, "another account is unaffected");
    }
}

/// Runs the futures as separate tasks, all at once, and collects their outputs in order.
async fn concurrently<F>(futures: impl IntoIterator<Item = F>) -> Vec<F::Output>
where
    F: std::future::Future + Send + 'static,
    F::Output: Send + 'static,
{
    let handles: Vec<_> = futures.into_iter().map(tokio::spawn).collect();
    let mut out = Vec::new();
    for h in handles {
        out.push(h.await.unwrap());
    }
    out
}

#[tokio::test]
async fn signins_from_one_address_are_throttled_with_retry_after() {
    let app = TestApp::spawn(
        renum_db::Engine::Sqlite,
        &["--signin-per-minute", "1", "--signin-burst", "3"],
    )
    .await;
    let mut statuses = Vec::new();
    for _ in 0..4 {
        let resp = app
            .client
            .post(format!("{}/v1/auth/signin", app.base))
            .json(&json!({"email": "x@example.com", "password": "whatever pass"}))
            .send()
            .await
            .unwrap();
        statuses.push((resp.status(), resp.headers().get("retry-after").cloned()));
    }
    assert!(
        statuses[..3]
            .iter()
            .all(|(s, _)| *s == StatusCode::UNAUTHORIZED),
        "{statuses:?}"
    );
    assert_eq!(statuses[3].0, StatusCode::TOO_MANY_REQUESTS);
    assert!(statuses[3].1.is_some(), "Retry-After is set");
    app.stop().await;
}
