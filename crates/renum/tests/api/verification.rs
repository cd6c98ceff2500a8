//! Email verification end to end: signup mails a link (read from a real SMTP server), an
//! unverified account works but may not add members nor set the OpusClip key, the link
//! verifies once, a resent link supersedes the older ones, and resends are throttled.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{PASSWORD, TestApp, count, error_code};
use crate::mail::Pump;
use crate::smtp::SmtpSink;

/// A signup as a client makes it (the `TestApp::signup` helper verifies the address).
async fn signup(app: &TestApp, email: &str) -> String {
    let (status, body) = app
        .call(
            Method::POST,
            "/v1/auth/signup",
            None,
            Some(json!({"email": email, "password": PASSWORD, "full_name": "Grace <Hopper>", "organization_name": "Navy"})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body["session"]["token"].as_str().unwrap().to_owned()
}

async fn verify(app: &TestApp, token: &str) -> (StatusCode, Value) {
    app.call(
        Method::POST,
        "/v1/auth/verify-email",
        None,
        Some(json!({ "token": token })),
    )
    .await
}

/// The two things an unverified account may not do.
async fn gated(app: &TestApp, session: &str) -> [(StatusCode, Value); 2] {
    let member = json!({"email": "new@example.com", "full_name": "New", "role": "member", "temporary_password": "temporary passphrase"});
    [
        app.call(
            Method::POST,
            "/v1/organization/members",
            Some(session),
            Some(member),
        )
        .await,
        app.call(
            Method::PUT,
            "/v1/organization/integrations/opusclip",
            Some(session),
            Some(json!({"api_key": "k"})),
        )
        .await,
    ]
}

api_test! {
    async fn signup_mails_a_link_that_verifies_the_address_once(app) {
        let sink = SmtpSink::start().await;
        let _pump = Pump::start(app.db(), &sink);
        let session = signup(app, "grace@example.com").await;
        let mail = &sink.wait_for(1).await[0];
        assert_eq!(mail.to, ["grace@example.com"]);
        assert_eq!(mail.header("Subject").unwrap(), "Confirm your email address for renum");
        assert!(mail.part("text/html").contains("Hello Grace &lt;Hopper&gt;,"));
        let token = mail.token();

        // Unverified: the account works, but may not invite nor set the OpusClip key.
        let (status, me) = app.call(Method::GET, "/v1/me", Some(&session), None).await;
        assert_eq!(status, StatusCode::OK);
        assert!(me["email_verified_at"].is_null(), "{me}");
        for (status, body) in gated(app, &session).await {
            assert_eq!(error_code(status, &body, StatusCode::FORBIDDEN), "email_not_verified");
        }

        let (status, body) = verify(app, &token).await;
        assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
        let (_, me) = app.call(Method::GET, "/v1/me", Some(&session), None).await;
        assert!(me["email_verified_at"].is_string(), "{me}");
        let [(member, body), (key, _)] = gated(app, &session).await;
        assert_eq!(member, StatusCode::CREATED, "{body}");
        assert_eq!(key, StatusCode::NO_CONTENT);

        // Once only; and there is nothing left to resend.
        let (status, body) = verify(app, &token).await;
        assert_eq!(error_code(status, &body, StatusCode::BAD_REQUEST), "invalid_token");
        let (status, body) = app.call(Method::POST, "/v1/me/verification-email", Some(&session), None).await;
        assert_eq!(error_code(status, &body, StatusCode::CONFLICT), "already_verified");
        // Nor is a malformed token, nor a password reset token (each purpose its own).
        let (status, body) = verify(app, "not-a-token").await;
        assert_eq!(error_code(status, &body, StatusCode::BAD_REQUEST), "invalid_token");
        let (status, _) = app
            .call(Method::POST, "/v1/auth/password-reset", None, Some(json!({"email": "grace@example.com"})))
            .await;
        assert_eq!(status, StatusCode::ACCEPTED);
        let reset = sink.wait_for(2).await[1].token();
        let (status, body) = verify(app, &reset).await;
        assert_eq!(error_code(status, &body, StatusCode::BAD_REQUEST), "invalid_token");

        // A refused signup (the email is taken) enqueues nothing: the mail is in its transaction.
        let (status, _) = app
            .call(Method::POST, "/v1/auth/signup", None, Some(json!({"email": "grace@example.com", "password": PASSWORD, "full_name": "G", "organization_name": "Other"})))
            .await;
        assert_eq!(status, StatusCode::CONFLICT);
        assert_eq!(count(app.db(), "SELECT count(*) FROM mail_outbox").await, 2);
    }

    async fn a_resent_link_supersedes_the_older_ones_and_resends_are_throttled(app) {
        let sink = SmtpSink::start().await;
        let _pump = Pump::start(app.db(), &sink);
        let session = signup(app, "grace@example.com").await;
        sink.wait_for(1).await;
        for _ in 0..3 {
            let (status, body) = app.call(Method::POST, "/v1/me/verification-email", Some(&session), None).await;
            assert_eq!(status, StatusCode::ACCEPTED, "{body}");
        }
        let (status, body) = app.call(Method::POST, "/v1/me/verification-email", Some(&session), None).await;
        assert_eq!(error_code(status, &body, StatusCode::TOO_MANY_REQUESTS), "rate_limited");
        let mails = sink.wait_for(4).await;
        let tokens: Vec<_> = mails.iter().map(|m| m.token()).collect();
        for older in &tokens[..3] {
            let (status, body) = verify(app, older).await;
            assert_eq!(error_code(status, &body, StatusCode::BAD_REQUEST), "invalid_token");
        }
        let (status, body) = verify(app, &tokens[3]).await;
        assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
        let (status, _) = app.call(Method::POST, "/v1/me/verification-email", None, None).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
}
