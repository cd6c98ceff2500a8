//! Password reset and change end to end: the link read from the mail a real SMTP server
//! received, its single use and expiry, sessions revoked, non-disclosure (same answer, same
//! time) and the throttles.

use std::time::{Duration, Instant};

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{PASSWORD, TestApp, error_code};
use crate::mail::Pump;
use crate::smtp::{Received, SmtpSink};

const NEW_PASSWORD: &str = "a much better passphrase";

/// The reset messages among the `n` the sink received (signup mails a verification link too).
async fn resets(sink: &SmtpSink, n: usize) -> Vec<Received> {
    let all = sink.wait_for(n).await;
    all.into_iter()
        .filter(|m| m.header("Subject").as_deref() == Some("Reset your renum password"))
        .collect()
}

async fn request_reset(app: &TestApp, email: &str) -> (StatusCode, Value) {
    app.call(
        Method::POST,
        "/v1/auth/password-reset",
        None,
        Some(json!({ "email": email })),
    )
    .await
}

async fn confirm(app: &TestApp, token: &str, password: &str) -> (StatusCode, Value) {
    app.call(
        Method::POST,
        "/v1/auth/password-reset/confirm",
        None,
        Some(json!({ "token": token, "new_password": password })),
    )
    .await
}

async fn signin(app: &TestApp, email: &str, password: &str) -> (StatusCode, Value) {
    app.call(
        Method::POST,
        "/v1/auth/signin",
        None,
        Some(json!({ "email": email, "password": password })),
    )
    .await
}

api_test! {
    async fn a_mailed_reset_link_sets_the_password_once_and_signs_out_everywhere(app) {
        let sink = SmtpSink::start().await;
        let _pump = Pump::start(app.db(), &sink);
        let owner = app.signup("ada@example.com", "Acme").await;
        let (_, other) = signin(app, "ada@example.com", PASSWORD).await;
        let other = other["session"]["token"].as_str().unwrap().to_owned();

        let (status, body) = request_reset(app, "Ada@Example.com ").await;
        assert_eq!(status, StatusCode::ACCEPTED, "{body}");
        let mail = &resets(&sink, 2).await[0];
        assert_eq!(mail.to, ["ada@example.com"]);
        assert!(mail.part("text/plain").contains("Hello Ada Lovelace,"));
        let token = mail.token();
        assert!(mail.part("text/html").contains(&format!("#token={token}")));

        // The policy of sign-up holds; a refused password does not spend the token.
        let (status, body) = confirm(app, &token, "short").await;
        assert_eq!(error_code(status, &body, StatusCode::BAD_REQUEST), "invalid_field");
        let (status, body) = confirm(app, &token, NEW_PASSWORD).await;
        assert_eq!(status, StatusCode::NO_CONTENT, "{body}");

        // Every session is gone; the old password no longer works, the new one does.
        for session in [&owner.token, &other] {
            let (status, _) = app.call(Method::GET, "/v1/me", Some(session), None).await;
            assert_eq!(status, StatusCode::UNAUTHORIZED);
        }
        assert_eq!(signin(app, "ada@example.com", PASSWORD).await.0, StatusCode::UNAUTHORIZED);
        assert_eq!(signin(app, "ada@example.com", NEW_PASSWORD).await.0, StatusCode::OK);

        // Single use.
        let (status, body) = confirm(app, &token, "yet another passphrase").await;
        assert_eq!(error_code(status, &body, StatusCode::BAD_REQUEST), "invalid_token");
        assert_eq!(signin(app, "ada@example.com", NEW_PASSWORD).await.0, StatusCode::OK);
    }

    async fn a_newer_link_supersedes_an_older_one_and_links_expire(app) {
        let sink = SmtpSink::start().await;
        let _pump = Pump::start(app.db(), &sink);
        app.signup("ada@example.com", "Acme").await;
        request_reset(app, "ada@example.com").await;
        let first = resets(&sink, 2).await[0].token();
        request_reset(app, "ada@example.com").await;
        let second = resets(&sink, 3).await[1].token();
        assert_ne!(first, second);
        let (status, body) = confirm(app, &first, NEW_PASSWORD).await;
        assert_eq!(error_code(status, &body, StatusCode::BAD_REQUEST), "invalid_token");

        // An hour later the newer one is dead too.
        renum_db::raw!(
            app.db(),
            "UPDATE email_tokens SET expires_at = $1",
            renum_db::sql_types::Timestamp::from(chrono::Utc::now() - chrono::Duration::seconds(1))
        )
        .unwrap();
        let (status, body) = confirm(app, &second, NEW_PASSWORD).await;
        assert_eq!(error_code(status, &body, StatusCode::BAD_REQUEST), "invalid_token");
        // A token of the wrong shape, or a session token, is refused the same way.
        let (status, body) = confirm(app, "not-a-token", NEW_PASSWORD).await;
        assert_eq!(error_code(status, &body, StatusCode::BAD_REQUEST), "invalid_token");
        assert_eq!(signin(app, "ada@example.com", PASSWORD).await.0, StatusCode::OK);
    }

    async fn a_reset_request_answers_alike_for_unknown_addresses_and_in_the_same_time(app, [
        "--password-reset-per-minute", "100000", "--password-reset-burst", "100000",
        "--password-reset-per-email-per-hour", "100000", "--password-reset-per-email-burst", "100000",
    ]) {
        let sink = SmtpSink::start().await;
        app.signup("ada@example.com", "Acme").await;
        let known = request_reset(app, "ada@example.com").await;
        let unknown = request_reset(app, "nobody@example.com").await;
        assert_eq!(known, unknown);
        assert_eq!(known.0, StatusCode::ACCEPTED);

        // Interleaved, so both see the same machine; medians, so one hiccup does not count.
        let (mut a, mut b) = (Vec::new(), Vec::new());
        for _ in 0..40 {
            for (email, times) in [("ada@example.com", &mut a), ("nobody@example.com", &mut b)] {
                let started = Instant::now();
                let (status, _) = request_reset(app, email).await;
                times.push(started.elapsed());
                assert_eq!(status, StatusCode::ACCEPTED);
            }
        }
        a.sort();
        b.sort();
        let (known, unknown) = (a[a.len() / 2], b[b.len() / 2]);
        println!("password reset median: existing {known:?}, unknown {unknown:?}");
        let gap = known.abs_diff(unknown);
        assert!(
            gap <= Duration::from_millis(3).max(known.min(unknown) / 2),
            "existing {known:?} vs unknown {unknown:?}"
        );

        // Mail went only to the account, once per request (and its signup's verification).
        let _pump = Pump::start(app.db(), &sink);
        let got = resets(&sink, 42).await;
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert_eq!(sink.received().len(), 42);
        assert_eq!(got.len(), 41);
        assert!(got.iter().all(|m| m.to == ["ada@example.com"]));
    }

    async fn reset_requests_are_throttled_per_source_and_per_address_known_or_not(app, [
        "--password-reset-per-minute", "100000", "--password-reset-burst", "100000",
    ]) {
        app.signup("ada@example.com", "Acme").await;
        for email in ["ada@example.com", "nobody@example.com"] {
            for _ in 0..3 {
                assert_eq!(request_reset(app, email).await.0, StatusCode::ACCEPTED);
            }
            let (status, body) = request_reset(app, email).await;
            assert_eq!(error_code(status, &body, StatusCode::TOO_MANY_REQUESTS), "rate_limited");
        }
        // A malformed address is a 400 (it says nothing about any account).
        let (status, body) = request_reset(app, "not an email").await;
        assert_eq!(error_code(status, &body, StatusCode::BAD_REQUEST), "invalid_field");
    }

    async fn reset_requests_per_source_are_throttled(app) {
        let mut last = StatusCode::ACCEPTED;
        for i in 0..6 {
            last = request_reset(app, &format!("user{i}@example.com")).await.0;
        }
        assert_eq!(last, StatusCode::TOO_MANY_REQUESTS);
    }

    async fn a_password_change_needs_the_current_one_and_keeps_only_this_session(app) {
        let owner = app.signup("ada@example.com", "Acme").await;
        let (_, other) = signin(app, "ada@example.com", PASSWORD).await;
        let other = other["session"]["token"].as_str().unwrap().to_owned();
        let change = |current: &str, new: &str| {
            json!({ "current_password": current, "new_password": new })
        };
        let (status, body) = app
            .call(Method::POST, "/v1/me/password", Some(&owner.token), Some(change("wrong password!", NEW_PASSWORD)))
            .await;
        assert_eq!(error_code(status, &body, StatusCode::FORBIDDEN), "wrong_password");
        let (status, body) = app
            .call(Method::POST, "/v1/me/password", Some(&owner.token), Some(change(PASSWORD, "password")))
            .await;
        assert_eq!(error_code(status, &body, StatusCode::BAD_REQUEST), "invalid_field");
        let (status, _) = app.call(Method::GET, "/v1/me", Some(&other), None).await;
        assert_eq!(status, StatusCode::OK, "refused changes revoke nothing");

        let (status, body) = app
            .call(Method::POST, "/v1/me/password", Some(&owner.token), Some(change(PASSWORD, NEW_PASSWORD)))
            .await;
        assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
        let (status, _) = app.call(Method::GET, "/v1/me", Some(&owner.token), None).await;
        assert_eq!(status, StatusCode::OK, "the session that changed it stays");
        let (status, _) = app.call(Method::GET, "/v1/me", Some(&other), None).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "every other session is revoked");
        assert_eq!(signin(app, "ada@example.com", PASSWORD).await.0, StatusCode::UNAUTHORIZED);
        assert_eq!(signin(app, "ada@example.com", NEW_PASSWORD).await.0, StatusCode::OK);
        let (status, _) = app
            .call(Method::POST, "/v1/me/password", None, Some(change(NEW_PASSWORD, PASSWORD)))
            .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
}
