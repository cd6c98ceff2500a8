//! The account's own credentials by mail: password reset (request and confirm) and password
//! change; email verification (sign-up's link, verify, resend).
//!
//! Tokens are single use and 256 bits (`tokens::generate`), mailed in a link and stored only
//! as their SHA-256 in `email_tokens`; the mail is enqueued in the transaction that stores the
//! token, so there is never a token without its mail or a mail without its token.
//!
//! A reset request answers the same whether the address has an account or not, and in the
//! same time: the request is checked and throttled (by source and by the address itself,
//! known or not) and then answered; looking the account up, storing a token and enqueueing the
//! mail happen after the answer, on a task of their own.

use std::sync::Arc;
use std::time::Duration;

use renum_db::enums::TokenPurpose;
use renum_db::ids::{EmailTokenId, UserId};
use renum_db::models::{EmailTokenInsert, UserRow, UserUpdate};
use renum_db::sql_types::Timestamp;
use renum_db::{Access, Db, OrgScope, Tx};

use super::auth::{Caller, ClientMeta};
use super::passwords::{self, Hasher};
use super::session_cache::SessionCache;
use super::throttle::{IpLimiter, KeyLimiter};
use super::{AppError, tokens, validate};
use crate::mail::{EMAIL_VERIFICATION, Links, PASSWORD_RESET, Template};

mod invitations;

pub use invitations::{Acceptance, NewInvitation};

/// How long an email verification link works.
pub const VERIFICATION_LIFETIME: Duration = Duration::from_secs(48 * 3600);

#[derive(Clone, Debug)]
pub struct AccountConfig {
    /// Where the links in messages point.
    pub links: Links,
    pub reset_token_lifetime: Duration,
    /// Reset requests per minute per client source (bursts of `reset_per_ip_burst`).
    pub reset_per_ip_per_minute: u32,
    pub reset_per_ip_burst: u32,
    /// Reset requests per hour per email address, known or not (bursts of
    /// `reset_per_email_burst`): one inbox cannot be flooded.
    pub reset_per_email_per_hour: u32,
    pub reset_per_email_burst: u32,
    /// Attempts per minute per source at spending a token or checking a current password
    /// (each costs an argon2 hash).
    pub confirm_per_ip_per_minute: u32,
    pub confirm_per_ip_burst: u32,
    /// How long an invitation link works.
    pub invitation_lifetime: Duration,
    /// Invitations per hour per inviter (bursts of as many): one account cannot turn the
    /// server into a mailer.
    pub invitations_per_inviter_per_hour: u32,
}

impl Default for AccountConfig {
    fn default() -> Self {
        Self {
            links: Links {
                app_url: "http://localhost:3000".into(),
            },
            reset_token_lifetime: Duration::from_secs(3600),
            reset_per_ip_per_minute: 5,
            reset_per_ip_burst: 5,
            reset_per_email_per_hour: 3,
            reset_per_email_burst: 3,
            confirm_per_ip_per_minute: 10,
            confirm_per_ip_burst: 10,
            invitation_lifetime: Duration::from_secs(7 * 24 * 3600),
            invitations_per_inviter_per_hour: 20,
        }
    }
}

pub struct AccountService {
    db: Db,
    hasher: Hasher,
    /// This process's session cache (`Auth::session_cache`), told right after a commit that
    /// revoked sessions, so its next request does not wait for the notification.
    sessions: Arc<SessionCache>,
    config: AccountConfig,
    reset_ip: IpLimiter,
    reset_email: KeyLimiter<Vec<u8>>,
    confirm_ip: IpLimiter,
    change_user: KeyLimiter<UserId>,
    resend_user: KeyLimiter<UserId>,
    invite_user: KeyLimiter<UserId>,
}

impl AccountService {
    /// `hasher` is the server's one bounded door to argon2 (`Auth::hasher`).
    pub fn new(db: Db, hasher: Hasher, sessions: Arc<SessionCache>, config: AccountConfig) -> Self {
        Self {
            reset_ip: IpLimiter::new(config.reset_per_ip_per_minute, config.reset_per_ip_burst),
            reset_email: KeyLimiter::per_hour(
                config.reset_per_email_per_hour,
                config.reset_per_email_burst,
            ),
            confirm_ip: IpLimiter::new(
                config.confirm_per_ip_per_minute,
                config.confirm_per_ip_burst,
            ),
            change_user: KeyLimiter::per_hour(20, 10),
            resend_user: KeyLimiter::per_hour(3, 3),
            invite_user: KeyLimiter::per_hour(
                config.invitations_per_inviter_per_hour,
                config.invitations_per_inviter_per_hour,
            ),
            db,
            hasher,
            sessions,
            config,
        }
    }

    /// `POST /v1/auth/password-reset`: accepted whether or not the address has an account;
    /// only a malformed address (400) or a throttle (429, the same for any address) says
    /// otherwise. The work happens after the answer (see the module's doc).
    pub fn request_reset(self: &Arc<Self>, email: &str, meta: &ClientMeta) -> Result<(), AppError> {
        if let Some(ip) = meta.ip {
            self.reset_ip.check(ip)?;
        }
        let email = validate::email(email)?;
        self.reset_email.check(&tokens::email_hash(&email))?;
        let this = Arc::clone(self);
        tokio::spawn(async move {
            if let Err(err) = this.mail_reset_link(&email).await {
                tracing::error!(error = %err, "storing a password reset link failed");
            }
        });
        Ok(())
    }

    async fn mail_reset_link(&self, email: &str) -> Result<(), AppError> {
        let mut tx = self.db.begin().await?;
        let Some(user) = tx.accounts().find_by_email(email).await? else {
            return Ok(());
        };
        let lifetime = self.config.reset_token_lifetime;
        let link = Link {
            links: &self.config.links,
            page: "reset-password",
        };
        mail_token(
            &mut tx,
            &user,
            TokenPurpose::PasswordReset,
            lifetime,
            &PASSWORD_RESET,
            link,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// `POST /v1/auth/password-reset/confirm`: spends the token, sets the password (the
    /// sign-up policy) and revokes every session of the account, in one transaction. A used,
    /// superseded, expired or unknown token is refused with one answer.
    pub async fn confirm_reset(
        &self,
        token: &str,
        new_password: String,
        meta: &ClientMeta,
    ) -> Result<(), AppError> {
        if let Some(ip) = meta.ip {
            self.confirm_ip.check(ip)?;
        }
        passwords::check_policy("new_password", &new_password)?;
        if !tokens::well_formed(token) {
            return Err(invalid_token());
        }
        let password_hash = self.hasher.hash(new_password).await?;
        let now = Timestamp::now();
        let mut tx = self.db.begin().await?;
        let owner = tx
            .email_tokens()
            .consume(&tokens::hash(token), TokenPurpose::PasswordReset, now)
            .await?
            .ok_or_else(invalid_token)?;
        // The token is a bearer credential for this one user, like a session token.
        let scope = OrgScope::trusted(owner.organization_id);
        let update = UserUpdate {
            password_hash: Some(password_hash),
            ..UserUpdate::default()
        };
        tx.users(&scope).update(owner.user_id, &update).await?;
        tx.sessions()
            .revoke_all_for_user(owner.user_id, now)
            .await?;
        tx.commit().await?;
        self.sessions.forget(owner.user_id.0);
        Ok(())
    }

    /// `POST /v1/me/password`: checks the current password, sets the new one (the sign-up
    /// policy) and revokes every other session of the caller; the caller's own stays.
    pub async fn change_password(
        &self,
        caller: &Caller,
        current_password: String,
        new_password: String,
        meta: &ClientMeta,
    ) -> Result<(), AppError> {
        if let Some(ip) = meta.ip {
            self.confirm_ip.check(ip)?;
        }
        self.change_user.check(&caller.user_id)?;
        passwords::check_policy("new_password", &new_password)?;
        let user = self
            .db
            .conn()
            .await?
            .users(&caller.scope)
            .get(caller.user_id)
            .await?;
        if !self
            .hasher
            .verify(current_password, Some(user.password_hash))
            .await?
        {
            return Err(AppError::Denied {
                code: "wrong_password",
                message: "current_password is not the account's password",
            });
        }
        let password_hash = self.hasher.hash(new_password).await?;
        let now = Timestamp::now();
        let mut tx = self.db.begin().await?;
        let update = UserUpdate {
            password_hash: Some(password_hash),
            ..UserUpdate::default()
        };
        tx.users(&caller.scope)
            .update(caller.user_id, &update)
            .await?;
        tx.sessions()
            .revoke_others_for_user(caller.user_id, caller.session_id, now)
            .await?;
        tx.commit().await?;
        self.sessions.forget(caller.user_id.0);
        Ok(())
    }
}

impl AccountService {
    /// `POST /v1/auth/verify-email`: spends the token and marks the address verified. A used,
    /// superseded, expired or unknown token is refused with one answer.
    pub async fn verify_email(&self, token: &str, meta: &ClientMeta) -> Result<(), AppError> {
        if let Some(ip) = meta.ip {
            self.confirm_ip.check(ip)?;
        }
        if !tokens::well_formed(token) {
            return Err(invalid_token());
        }
        let now = Timestamp::now();
        let mut tx = self.db.begin().await?;
        let owner = tx
            .email_tokens()
            .consume(&tokens::hash(token), TokenPurpose::EmailVerification, now)
            .await?
            .ok_or_else(invalid_token)?;
        // The token is a bearer credential for this one user, like a session token.
        let scope = OrgScope::trusted(owner.organization_id);
        tx.users(&scope)
            .set_email_verified(owner.user_id, now)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// `POST /v1/me/verification-email`: a new link (the older ones stop working); 409
    /// `already_verified` when there is nothing to verify. Throttled per user.
    pub async fn resend_verification(&self, caller: &Caller) -> Result<(), AppError> {
        self.resend_user.check(&caller.user_id)?;
        let mut tx = self.db.begin().await?;
        let user = tx.users(&caller.scope).get(caller.user_id).await?;
        if user.email_verified_at.is_some() {
            return Err(AppError::conflict(
                "already_verified",
                "the email address is already verified",
            ));
        }
        mail_verification_link(&mut tx, &user, &self.config.links).await?;
        tx.commit().await?;
        Ok(())
    }
}

/// Where a mailed token's link opens: the web app's page for it.
pub struct Link<'a> {
    pub links: &'a Links,
    pub page: &'a str,
}

/// Stores a new token for `user` (superseding its unused ones of the same purpose) and
/// enqueues the message carrying its link, in the caller's transaction.
pub async fn mail_token(
    tx: &mut Tx,
    user: &UserRow,
    purpose: TokenPurpose,
    lifetime: Duration,
    template: &Template,
    link: Link<'_>,
) -> Result<(), AppError> {
    let now = Timestamp::now();
    let (token, token_hash) = tokens::generate();
    tx.email_tokens().supersede(user.id, purpose, now).await?;
    tx.email_tokens()
        .insert(&EmailTokenInsert {
            id: EmailTokenId::new(),
            user_id: user.id,
            purpose,
            token_hash,
            expires_at: later(now, lifetime),
        })
        .await?;
    let link = link.links.to(link.page, &token);
    let mail = template.render(&user.email, &[("name", &user.full_name), ("link", &link)]);
    tx.mail_outbox().enqueue(&mail).await?;
    Ok(())
}

/// The verification link of `user`'s address (signup, resend), in the caller's transaction.
pub async fn mail_verification_link(
    tx: &mut Tx,
    user: &UserRow,
    links: &Links,
) -> Result<(), AppError> {
    let link = Link {
        links,
        page: "verify-email",
    };
    mail_token(
        tx,
        user,
        TokenPurpose::EmailVerification,
        VERIFICATION_LIFETIME,
        &EMAIL_VERIFICATION,
        link,
    )
    .await
}

/// Refuses a caller whose address is not verified yet (inviting members, setting the
/// OpusClip key): 403 `email_not_verified`.
pub async fn require_verified(db: &Db, caller: &Caller) -> Result<(), AppError> {
    let user = db
        .conn()
        .await?
        .users(&caller.scope)
        .get(caller.user_id)
        .await?;
    if user.email_verified_at.is_none() {
        return Err(AppError::Denied {
            code: "email_not_verified",
            message: "verify your email address first: follow the link mailed to it \
                      (POST /v1/me/verification-email sends a new one)",
        });
    }
    Ok(())
}

fn invalid_token() -> AppError {
    AppError::BadRequest {
        code: "invalid_token",
        message: "the link is invalid, expired or already used",
    }
}

fn later(t: Timestamp, d: Duration) -> Timestamp {
    (t.as_datetime() + chrono::Duration::from_std(d).unwrap_or(chrono::Duration::zero())).into()
}
