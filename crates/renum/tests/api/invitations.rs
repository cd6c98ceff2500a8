//! Invitations end to end: an admin invites, the invitee's mail is read from a real SMTP
//! server, its link's token creates the member (with the invited role, a verified address and
//! the chosen password) and signs them in; the token works once; expired, revoked and
//! superseded invitations are refused with one answer; inviting an address that already has
//! an account (in another organization) answers exactly as for a new one.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{NO_MEMBER_PASSWORDS, PASSWORD, TestApp, count, error_code};
use crate::mail::Pump;
use crate::smtp::SmtpSink;

const CHOSEN: &str = "a passphrase of my own";

async fn invite(app: &TestApp, session: &str, email: &str, role: &str) -> (StatusCode, Value) {
    app.call(
        Method::POST,
        "/v1/organization/invitations",
        Some(session),
        Some(json!({"email": email, "role": role})),
    )
    .await
}

async fn accept(app: &TestApp, token: &str, full_name: &str) -> (StatusCode, Value) {
    app.call(
        Method::POST,
        "/v1/invitations/accept",
        None,
        Some(json!({"token": token, "password": CHOSEN, "full_name": full_name})),
    )
    .await
}

/// The keys of a JSON object, sorted: what "the same body shape" compares.
fn shape(body: &Value) -> Vec<String> {
    let mut keys: Vec<String> = body.as_object().unwrap().keys().cloned().collect();
    keys.sort();
    keys
}

api_test! {
    async fn an_invited_member_joins_with_their_own_password_once(app) {
        let sink = SmtpSink::start().await;
        let _pump = Pump::start(app.db(), &sink);
        let owner = app.signup("owner@example.com", "Acme").await;
        sink.wait_for(1).await; // the owner's verification link

        // The owner invites an admin, who accepts; the admin then invites a member.
        let (status, body) = invite(app, &owner.token, "Admin@Example.com", "admin").await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        assert_eq!(body["email"], "admin@example.com");
        assert_eq!(body["role"], "admin");
        assert_eq!(body["invited_by"], owner.user_id.as_str());
        assert_eq!(shape(&body), ["created_at", "email", "expires_at", "id", "invited_by", "role"]);
        let mail = &sink.wait_for(2).await[1];
        assert_eq!(mail.to, ["admin@example.com"]);
        assert_eq!(mail.header("Subject").unwrap(), "You are invited to join a team on renum");
        assert!(mail.part("text/plain").contains("Ada Lovelace invites you to join Acme on renum as admin"));
        assert!(mail.part("text/plain").contains("/accept-invitation#token="));
        let (status, admin) = accept(app, &mail.token(), "Grace <Hopper>").await;
        assert_eq!(status, StatusCode::CREATED, "{admin}");
        assert_eq!(admin["user"]["role"], "admin");
        assert_eq!(admin["organization"]["id"], owner.organization_id.as_str());
        let admin_token = admin["session"]["token"].as_str().unwrap().to_owned();
        let (_, me) = app.call(Method::GET, "/v1/me", Some(&admin_token), None).await;
        assert!(me["email_verified_at"].is_string(), "{me}");

        let (status, body) = invite(app, &admin_token, "member@example.com", "member").await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        let invitation_id = body["id"].as_str().unwrap().to_owned();
        let (status, list) = app.call(Method::GET, "/v1/organization/invitations", Some(&owner.token), None).await;
        assert_eq!(status, StatusCode::OK, "{list}");
        assert_eq!(list["items"].as_array().unwrap().len(), 1, "{list}");
        assert_eq!(list["items"][0]["id"], invitation_id.as_str());
        assert!(!list.to_string().contains("token"), "{list}");
        let token = sink.wait_for(3).await[2].token();
        assert!(!list.to_string().contains(&token));

        let (status, member) = accept(app, &token, "Mary").await;
        assert_eq!(status, StatusCode::CREATED, "{member}");
        assert_eq!(member["user"]["role"], "member");
        // The member signs in with the password they chose.
        let (status, body) = app
            .call(Method::POST, "/v1/auth/signin", None, Some(json!({"email": "member@example.com", "password": CHOSEN})))
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["user"]["role"], "member");

        // Once only; an accepted invitation is no longer pending.
        let (status, body) = accept(app, &token, "Mary again").await;
        assert_eq!(error_code(status, &body, StatusCode::BAD_REQUEST), "invalid_token");
        let (_, list) = app.call(Method::GET, "/v1/organization/invitations", Some(&owner.token), None).await;
        assert_eq!(list["items"], json!([]), "{list}");
        // Nor a malformed or unknown token.
        for bad in ["not-a-token", "rnm_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"] {
            let (status, body) = accept(app, bad, "X").await;
            assert_eq!(error_code(status, &body, StatusCode::BAD_REQUEST), "invalid_token");
        }
        // A member may not invite, nor list.
        let member_token = member["session"]["token"].as_str().unwrap();
        let (status, body) = invite(app, member_token, "x@example.com", "member").await;
        assert_eq!(error_code(status, &body, StatusCode::FORBIDDEN), "forbidden");
        let (status, _) = app.call(Method::GET, "/v1/organization/invitations", Some(member_token), None).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        // Nobody is invited as the owner.
        let (status, body) = invite(app, &owner.token, "x@example.com", "owner").await;
        assert_eq!(error_code(status, &body, StatusCode::BAD_REQUEST), "invalid_field");
        assert_eq!(count(app.db(), "SELECT count(*) FROM auth_events WHERE kind = 'member_added'").await, 2);
        assert_eq!(count(app.db(), "SELECT count(*) FROM auth_events WHERE kind = 'invitation_sent' AND actor_id IS NOT NULL AND email_hash IS NOT NULL").await, 2);
    }

    async fn expired_revoked_and_superseded_invitations_are_refused(app) {
        let sink = SmtpSink::start().await;
        let _pump = Pump::start(app.db(), &sink);
        let owner = app.signup("owner@example.com", "Acme").await;
        let other = app.signup("other@example.com", "Other").await;
        sink.wait_for(2).await;

        // Expired.
        invite(app, &owner.token, "late@example.com", "member").await;
        let expired = sink.wait_for(3).await[2].token();
        renum_db::raw!(
            app.db(),
            "UPDATE invitations SET expires_at = $1 WHERE email = 'late@example.com'",
            renum_db::sql_types::Timestamp::from(chrono::Utc::now() - chrono::Duration::seconds(1))
        )
        .unwrap();
        let (status, body) = accept(app, &expired, "Late").await;
        assert_eq!(error_code(status, &body, StatusCode::BAD_REQUEST), "invalid_token");

        // Revoked; another organization's id is not found, and revoking twice neither.
        let (_, body) = invite(app, &owner.token, "gone@example.com", "member").await;
        let revoked = sink.wait_for(4).await[3].token();
        let path = format!("/v1/organization/invitations/{}", body["id"].as_str().unwrap());
        let (status, body) = app.call(Method::DELETE, &path, Some(&other.token), None).await;
        assert_eq!(error_code(status, &body, StatusCode::NOT_FOUND), "not_found");
        let (status, _) = app.call(Method::DELETE, &path, Some(&owner.token), None).await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        let (status, body) = app.call(Method::DELETE, &path, Some(&owner.token), None).await;
        assert_eq!(error_code(status, &body, StatusCode::NOT_FOUND), "not_found");
        assert_eq!(count(app.db(), "SELECT count(*) FROM auth_events WHERE kind = 'invitation_revoked'").await, 1);
        let (status, body) = accept(app, &revoked, "Gone").await;
        assert_eq!(error_code(status, &body, StatusCode::BAD_REQUEST), "invalid_token");

        // Superseded: a second invitation to the address revokes the first.
        invite(app, &owner.token, "twice@example.com", "member").await;
        invite(app, &owner.token, "twice@example.com", "admin").await;
        let mails = sink.wait_for(6).await;
        let (first, second) = (mails[4].token(), mails[5].token());
        let (status, body) = accept(app, &first, "Twice").await;
        assert_eq!(error_code(status, &body, StatusCode::BAD_REQUEST), "invalid_token");
        let (status, body) = accept(app, &second, "Twice").await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        assert_eq!(body["user"]["role"], "admin");
    }

    async fn inviting_an_address_with_an_account_elsewhere_answers_as_for_a_new_one(app) {
        let sink = SmtpSink::start().await;
        let _pump = Pump::start(app.db(), &sink);
        let owner = app.signup("owner@example.com", "Acme").await;
        app.signup("taken@example.com", "Elsewhere").await;
        sink.wait_for(2).await;

        let (new_status, new_body) = invite(app, &owner.token, "fresh@example.com", "member").await;
        let (taken_status, taken_body) = invite(app, &owner.token, "taken@example.com", "member").await;
        assert_eq!(new_status, StatusCode::CREATED, "{new_body}");
        assert_eq!(taken_status, new_status);
        assert_eq!(shape(&taken_body), shape(&new_body));
        for key in ["role", "invited_by"] {
            assert_eq!(taken_body[key], new_body[key]);
        }
        // Both are mailed alike; the clash shows only to the mailbox's holder, at acceptance,
        // and does not spend the invitation.
        let mails = sink.wait_for(4).await;
        let taken = mails[2..].iter().find(|m| m.to == ["taken@example.com"]).unwrap().token();
        let (status, body) = accept(app, &taken, "Taken").await;
        assert_eq!(error_code(status, &body, StatusCode::CONFLICT), "email_taken");
        assert_eq!(count(app.db(), "SELECT count(*) FROM invitations WHERE accepted_at IS NOT NULL").await, 0);
        // The existing account is untouched: its password still signs it in.
        let (status, _) = app
            .call(Method::POST, "/v1/auth/signin", None, Some(json!({"email": "taken@example.com", "password": PASSWORD})))
            .await;
        assert_eq!(status, StatusCode::OK);
    }

    async fn invitations_are_throttled_per_inviter(app) {
        let owner = app.signup("owner@example.com", "Acme").await;
        for i in 0..20 {
            let (status, body) = invite(app, &owner.token, &format!("m{i}@example.com"), "member").await;
            assert_eq!(status, StatusCode::CREATED, "{body}");
        }
        let (status, body) = invite(app, &owner.token, "m20@example.com", "member").await;
        assert_eq!(error_code(status, &body, StatusCode::TOO_MANY_REQUESTS), "rate_limited");
        assert_eq!(count(app.db(), "SELECT count(*) FROM invitations").await, 20);
    }

    async fn chosen_member_passwords_are_off_by_default(app, [NO_MEMBER_PASSWORDS]) {
        let owner = app.signup("owner@example.com", "Acme").await;
        let member = json!({"email": "m@example.com", "full_name": "M", "role": "member", "temporary_password": "temporary passphrase"});
        let (status, body) = app.call(Method::POST, "/v1/organization/members", Some(&owner.token), Some(member)).await;
        assert_eq!(error_code(status, &body, StatusCode::NOT_FOUND), "not_found");
        assert_eq!(count(app.db(), "SELECT count(*) FROM users").await, 1);
    }

    async fn with_the_flag_only_the_owner_adds_a_member_with_a_chosen_password(app) {
        let sink = SmtpSink::start().await;
        let _pump = Pump::start(app.db(), &sink);
        let owner = app.signup("owner@example.com", "Acme").await;
        invite(app, &owner.token, "admin@example.com", "admin").await;
        let (_, admin) = accept(app, &sink.wait_for(2).await[1].token(), "Admin").await;
        let admin_token = admin["session"]["token"].as_str().unwrap();
        let member = |email: &str| json!({"email": email, "full_name": "M", "role": "member", "temporary_password": "temporary passphrase"});
        let (status, body) = app.call(Method::POST, "/v1/organization/members", Some(admin_token), Some(member("a@example.com"))).await;
        assert_eq!(error_code(status, &body, StatusCode::FORBIDDEN), "forbidden");
        let (status, body) = app.call(Method::POST, "/v1/organization/members", Some(&owner.token), Some(member("o@example.com"))).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }

    async fn an_unverified_owner_may_not_invite(app) {
        let (status, body) = app
            .call(Method::POST, "/v1/auth/signup", None, Some(json!({"email": "new@example.com", "password": PASSWORD, "full_name": "N", "organization_name": "New"})))
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        let session = body["session"]["token"].as_str().unwrap();
        let (status, body) = invite(app, session, "x@example.com", "member").await;
        assert_eq!(error_code(status, &body, StatusCode::FORBIDDEN), "email_not_verified");
    }
}
