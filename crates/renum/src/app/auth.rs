//! Authentication: the seed's signUp / signIn / signOut / getCurrentUser / updateLastLogin.
//!
//! Sessions are rows in `sessions`; the bearer token is shown once and stored as SHA-256.
//! A session dies when revoked, after `absolute_lifetime`, or after `idle_timeout` without use.

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use renum_db::enums::{AuthEventKind, Plan, Role};
use renum_db::ids::{AuthEventId, OrganizationId, SessionId, UserId};
use renum_db::models::{
    AuthEventInsert, OrganizationInsert, OrganizationRow, Page, SessionAuth, SessionInsert,
    SessionRow, UserInsert, UserRow, UserUpdate, UserWithOrganization,
};
use renum_db::repo::SessionKey;
use renum_db::sql_types::{Json, Timestamp};
use renum_db::{Access, Conn, Db, OrgScope, Tx};

use super::account;
use super::passwords::{self, Hasher};
use super::session_cache::SessionCache;
use super::throttle::{AccountPolicy, IpLimiter, source_of};
use super::{AppError, tokens, validate};
use crate::mail::Links;

#[derive(Clone, Debug)]
pub struct AuthConfig {
    pub idle_timeout: Duration,
    pub absolute_lifetime: Duration,
    /// How stale `last_seen_at` may get before a request refreshes it (one write per
    /// session per interval instead of one per request). Capped at a quarter of
    /// `idle_timeout` by [`Auth::new`], so a session in use never looks idle.
    pub touch_interval: Duration,
    pub signin_per_ip_per_minute: u32,
    pub signin_per_ip_burst: u32,
    pub signup_per_ip_per_minute: u32,
    pub signup_per_ip_burst: u32,
    pub account: AccountPolicy,
    /// Password hashes run at once (default: one per core) and waiting (default: four per
    /// worker); see [`Hasher`].
    pub hash_workers: Option<usize>,
    pub hash_queue: Option<usize>,
    /// Where the links of the verification mail sent at signup point.
    pub links: Links,
}

impl Default for AuthConfig {
    fn default() -> Self {
        Self {
            idle_timeout: Duration::from_secs(7 * 24 * 3600),
            absolute_lifetime: Duration::from_secs(30 * 24 * 3600),
            touch_interval: Duration::from_secs(60),
            signin_per_ip_per_minute: 30,
            signin_per_ip_burst: 10,
            signup_per_ip_per_minute: 5,
            signup_per_ip_burst: 5,
            account: AccountPolicy::default(),
            hash_workers: None,
            hash_queue: None,
            links: Links {
                app_url: "http://localhost:3000".into(),
            },
        }
    }
}

/// Who made a request: the result of a live session. Its `scope` is the only door to the
/// organization's data.
#[derive(Clone, Debug)]
pub struct Caller {
    pub session_id: SessionId,
    pub user_id: UserId,
    pub role: Role,
    pub scope: OrgScope,
}

impl Caller {
    fn of(auth: SessionAuth) -> Self {
        Self {
            session_id: auth.session_id,
            user_id: auth.user_id,
            role: auth.role,
            scope: OrgScope::trusted(auth.organization_id),
        }
    }
}

/// Where a request came from, for the audit trail and the throttles.
#[derive(Clone, Debug, Default)]
pub struct ClientMeta {
    pub ip: Option<IpAddr>,
    pub user_agent: Option<String>,
}

/// A new session: the token (shown once) and when it expires.
#[derive(Clone, Debug)]
pub struct IssuedSession {
    pub token: String,
    pub expires_at: Timestamp,
}

/// What signup and signin return.
#[derive(Clone, Debug)]
pub struct SignedIn {
    pub user: UserRow,
    pub organization: OrganizationRow,
    pub session: IssuedSession,
}

pub struct SignupInput {
    pub email: String,
    pub password: String,
    pub full_name: String,
    pub organization_name: String,
}

pub struct Auth {
    db: Db,
    config: AuthConfig,
    signin_ip: IpLimiter,
    signup_ip: IpLimiter,
    hasher: Hasher,
    cache: Arc<SessionCache>,
}

impl Auth {
    pub fn new(db: Db, mut config: AuthConfig) -> Self {
        let signin_ip = IpLimiter::new(config.signin_per_ip_per_minute, config.signin_per_ip_burst);
        let signup_ip = IpLimiter::new(config.signup_per_ip_per_minute, config.signup_per_ip_burst);
        config.touch_interval = config.touch_interval.min(config.idle_timeout / 4);
        let hasher = Hasher::sized(config.hash_workers, config.hash_queue);
        Self {
            db,
            config,
            signin_ip,
            signup_ip,
            hasher,
            cache: Arc::default(),
        }
    }

    /// The process's password hasher (member routes hash temporary passwords through it).
    pub fn hasher(&self) -> &Hasher {
        &self.hasher
    }

    /// Creates the organization, its owner, a session and the mail with the email verification
    /// link in one transaction: on any failure nothing is left behind. An email already in use
    /// answers 409 `email_taken` (see docs/SECURITY.md for why signup, unlike signin, says so).
    pub async fn signup(
        &self,
        input: SignupInput,
        meta: &ClientMeta,
    ) -> Result<SignedIn, AppError> {
        if let Some(ip) = meta.ip {
            self.signup_ip.check(ip)?;
        }
        let email = validate::email(&input.email)?;
        passwords::check_policy("password", &input.password)?;
        let full_name = validate::name("full_name", &input.full_name, 200)?;
        let organization_name = validate::name("organization_name", &input.organization_name, 200)?;
        let password_hash = self.hasher.hash(input.password).await?;
        let base_slug = validate::slug_from(&organization_name);

        // A taken slug gets a random suffix; the email conflict is final.
        for attempt in 0..5 {
            let slug = if attempt == 0 {
                base_slug.clone()
            } else {
                format!(
                    "{}-{}",
                    base_slug,
                    &UserId::new().0.simple().to_string()[26..32]
                )
            };
            let mut tx = self.db.begin().await?;
            let org = tx
                .organizations()
                .insert(&OrganizationInsert {
                    id: OrganizationId::new(),
                    name: organization_name.clone(),
                    slug,
                    plan: Plan::Free,
                })
                .await;
            let org = match org {
                Err(err) if err.constraint() == Some("organizations_slug_key") => continue,
                other => other?,
            };
            let scope = OrgScope::trusted(org.id);
            let user = tx
                .users(&scope)
                .insert(&UserInsert {
                    id: UserId::new(),
                    email: email.clone(),
                    password_hash: password_hash.clone(),
                    full_name: full_name.clone(),
                    role: Role::Owner,
                })
                .await?;
            let session = self
                .issue_session(&mut tx, &user, meta, Timestamp::now())
                .await?;
            account::mail_verification_link(&mut tx, &user, &self.config.links).await?;
            let event = AuditEvent {
                email: Some(&email),
                ..AuditEvent::about(&user)
            };
            audit(&mut tx, AuthEventKind::Signup, event, meta).await?;
            tx.commit().await?;
            return Ok(SignedIn {
                user,
                organization: org,
                session,
            });
        }
        Err(AppError::conflict(
            "slug_taken",
            "could not find a free slug for this organization name",
        ))
    }

    /// Signs in with email and password. Unknown email and wrong password give the same
    /// error after the same argon2 work. Throttled per source and per account (429). No
    /// pooled connection is held while argon2 runs: a storm of sign-ins waits for the
    /// [`Hasher`], never for the database that every other request needs.
    pub async fn signin(
        &self,
        email: &str,
        password: String,
        meta: &ClientMeta,
    ) -> Result<SignedIn, AppError> {
        if let Some(addr) = meta.ip {
            self.signin_ip.check(addr)?;
        }
        let email = validate::email(email).map_err(|_| invalid_credentials())?;
        let user = self.admit_signin(&email, meta).await?;
        let ok = self
            .hasher
            .verify(password, user.as_ref().map(|u| u.password_hash.clone()))
            .await?;
        let user = match (ok, user) {
            (true, Some(user)) => user,
            (_, user) => {
                let event = AuditEvent {
                    email: Some(&email),
                    ..user.as_ref().map(AuditEvent::about).unwrap_or_default()
                };
                let mut conn = self.db.conn().await?;
                audit(&mut conn, AuthEventKind::SigninFailure, event, meta).await?;
                return Err(invalid_credentials());
            }
        };

        let scope = OrgScope::trusted(user.organization_id);
        let mut tx = self.db.begin().await?;
        let organization = match tx.organization(&scope).get().await {
            Err(renum_db::Error::NotFound) => return Err(invalid_credentials()),
            other => other?,
        };
        let now = Timestamp::now();
        let session = self.issue_session(&mut tx, &user, meta, now).await?;
        tx.users(&scope).set_last_login(user.id, now).await?;
        let event = AuditEvent {
            email: Some(&email),
            ..AuditEvent::about(&user)
        };
        audit(&mut tx, AuthEventKind::SigninSuccess, event, meta).await?;
        tx.commit().await?;
        let user = UserRow {
            last_login_at: Some(now),
            ..user
        };
        Ok(SignedIn {
            user,
            organization,
            session,
        })
    }

    /// The account rule (`throttle.rs`), then the account itself, on one short-lived
    /// connection. An account over its failure ceiling is slowed for every source except
    /// those its user holds live sessions from.
    async fn admit_signin(
        &self,
        email: &str,
        meta: &ClientMeta,
    ) -> Result<Option<UserRow>, AppError> {
        let now = Timestamp::now();
        let policy = &self.config.account;
        let source = meta.ip.map(source_of);
        let mut conn = self.db.conn().await?;
        let (lookback, limit) = policy.lookback();
        let failures = conn
            .auth_events()
            .recent_signin_failures(&tokens::email_hash(email), ago(now, lookback), limit)
            .await?;
        policy.check_source(&failures, source, now)?;
        let user = conn.accounts().find_by_email(email).await?;
        if let Some(slowed) = policy.slowed(&failures, now) {
            let known = match (&user, source) {
                (Some(user), Some(source)) => conn
                    .sessions()
                    .live_ips(user.id, now)
                    .await?
                    .iter()
                    .filter_map(|ip| ip.parse().ok())
                    .any(|ip| source_of(ip) == source),
                _ => false,
            };
            if !known {
                return Err(slowed);
            }
        }
        Ok(user)
    }

    /// The caller behind a bearer token, or 401. From the session cache when it holds the
    /// session and it needs no touch (PostgreSQL, `session_cache.rs`); otherwise one query
    /// on `conn` (the request's connection, so a read handler runs on the same one), plus, at
    /// most once per `touch_interval`, a write of `last_seen_at`.
    ///
    /// The session check is a request's first statement, so it is where a pooled connection
    /// that died since its last use (the database restarted) shows. The check is a read plus a
    /// touch that sets `last_seen_at` to a time, harmless to repeat, so it runs once more on a
    /// fresh connection, which replaces `conn`, rather than failing the request.
    pub async fn authenticate(&self, conn: &mut Conn, token: &str) -> Result<Caller, AppError> {
        if !tokens::well_formed(token) {
            return Err(AppError::Unauthorized("invalid or expired session"));
        }
        let token_hash = tokens::hash(token);
        let now = Timestamp::now();
        if let Some(auth) = self.cache.get(&token_hash)
            && auth.expires_at > now
            && auth.last_seen_at >= ago(now, self.config.touch_interval)
        {
            return Ok(Caller::of(auth));
        }
        let generation = self.cache.generation();
        let auth = match self.check_session(conn, &token_hash).await {
            Err(err) if err.is_lost_connection() => {
                tracing::warn!(error = %err, "the session check's connection was gone; retrying on a fresh one");
                *conn = self.db.conn().await?;
                self.check_session(conn, &token_hash).await?
            }
            checked => checked?,
        }
        .ok_or(AppError::Unauthorized("invalid or expired session"))?;
        self.cache.put(generation, token_hash, auth.clone());
        Ok(Caller::of(auth))
    }

    /// The process's session cache, for the listener `serve` runs beside it.
    pub fn session_cache(&self) -> Arc<SessionCache> {
        self.cache.clone()
    }

    /// Drops the cached sessions of a session, user or organization this process just
    /// changed, so its next request does not wait for the change's notification.
    pub fn forget(&self, id: uuid::Uuid) {
        self.cache.forget(id);
    }

    /// The live session behind a token hash, its `last_seen_at` refreshed when stale.
    async fn check_session(
        &self,
        conn: &mut Conn,
        token_hash: &[u8],
    ) -> Result<Option<SessionAuth>, renum_db::Error> {
        let now = Timestamp::now();
        let idle_since = ago(now, self.config.idle_timeout);
        let mut auth = conn
            .sessions()
            .authenticate(token_hash, now, idle_since)
            .await?;
        if let Some(auth) = &mut auth
            && auth.last_seen_at < ago(now, self.config.touch_interval)
        {
            conn.sessions().touch(auth.session_id, now).await?;
            auth.last_seen_at = now;
        }
        Ok(auth)
    }

    /// Revokes the caller's session.
    pub async fn signout(&self, caller: &Caller, meta: &ClientMeta) -> Result<(), AppError> {
        let mut tx = self.db.begin().await?;
        tx.sessions()
            .revoke(caller.session_id, Timestamp::now())
            .await?;
        audit(
            &mut tx,
            AuthEventKind::Signout,
            AuditEvent::of(caller),
            meta,
        )
        .await?;
        tx.commit().await?;
        self.forget(caller.session_id.0);
        Ok(())
    }

    /// Revokes every session of the caller.
    pub async fn signout_all(&self, caller: &Caller, meta: &ClientMeta) -> Result<u64, AppError> {
        let mut tx = self.db.begin().await?;
        let revoked = tx
            .sessions()
            .revoke_all_for_user(caller.user_id, Timestamp::now())
            .await?;
        audit(
            &mut tx,
            AuthEventKind::SignoutAll,
            AuditEvent::of(caller),
            meta,
        )
        .await?;
        tx.commit().await?;
        self.forget(caller.user_id.0);
        Ok(revoked)
    }

    /// A page of the caller's live sessions, newest first: the ones `authenticate` would
    /// accept now.
    pub async fn my_sessions(
        &self,
        conn: &mut Conn,
        caller: &Caller,
        after: Option<SessionKey>,
        limit: i64,
    ) -> Result<Page<SessionRow, SessionKey>, AppError> {
        let now = Timestamp::now();
        Ok(conn
            .sessions()
            .list_live_for_user(
                caller.user_id,
                now,
                ago(now, self.config.idle_timeout),
                after,
                limit,
            )
            .await?)
    }

    /// Revokes one of the caller's live sessions, the current one included (that signs the
    /// caller out). Another user's session answers 404 like a missing one.
    pub async fn revoke_my_session(
        &self,
        caller: &Caller,
        id: SessionId,
        meta: &ClientMeta,
    ) -> Result<(), AppError> {
        let now = Timestamp::now();
        let mut tx = self.db.begin().await?;
        tx.sessions()
            .revoke_for_user(caller.user_id, id, now, ago(now, self.config.idle_timeout))
            .await?;
        let event = AuditEvent {
            detail: Some(serde_json::json!({ "session_id": id })),
            ..AuditEvent::of(caller)
        };
        audit(&mut tx, AuthEventKind::Signout, event, meta).await?;
        tx.commit().await?;
        self.forget(id.0);
        Ok(())
    }

    pub(crate) async fn issue_session(
        &self,
        tx: &mut Tx,
        user: &UserRow,
        meta: &ClientMeta,
        now: Timestamp,
    ) -> Result<IssuedSession, AppError> {
        let (token, token_hash) = tokens::generate();
        let expires_at = later(now, self.config.absolute_lifetime);
        tx.sessions()
            .insert(&SessionInsert {
                id: SessionId::new(),
                user_id: user.id,
                token_hash,
                expires_at,
                ip: meta.ip.map(|ip| ip.to_string()),
                user_agent: meta
                    .user_agent
                    .as_deref()
                    .map(|ua| ua.chars().take(512).collect()),
            })
            .await?;
        Ok(IssuedSession { token, expires_at })
    }
}

/// The seed's getCurrentUser: the caller with its organization, in one query.
pub async fn me(conn: &mut Conn, caller: &Caller) -> Result<UserWithOrganization, AppError> {
    Ok(conn
        .users(&caller.scope)
        .with_organization(caller.user_id)
        .await?)
}

/// What a user may change of their own profile: the profile fields of `users` (only the
/// name today). The email is not here: changing it needs the new address verified first.
pub struct ProfilePatch {
    pub full_name: Option<String>,
}

/// Updates the caller's own profile, validated as at signup, and returns it as `me` does;
/// both in one transaction, so the answer is what was written.
pub async fn update_me(
    db: &Db,
    caller: &Caller,
    patch: ProfilePatch,
) -> Result<UserWithOrganization, AppError> {
    let full_name = patch
        .full_name
        .map(|n| validate::name("full_name", &n, 200))
        .transpose()?;
    let mut tx = db.begin().await?;
    let mut users = tx.users(&caller.scope);
    users
        .update(
            caller.user_id,
            &UserUpdate {
                full_name,
                role: None,
                password_hash: None,
            },
        )
        .await?;
    let me = users.with_organization(caller.user_id).await?;
    tx.commit().await?;
    Ok(me)
}

fn invalid_credentials() -> AppError {
    AppError::Unauthorized("invalid email or password")
}

/// `t` minus `d` (the idle and touch cutoffs; the bench binds the same idle cutoff).
pub fn ago(t: Timestamp, d: Duration) -> Timestamp {
    (t.as_datetime() - chrono::Duration::from_std(d).unwrap_or(chrono::Duration::MAX)).into()
}

fn later(t: Timestamp, d: Duration) -> Timestamp {
    (t.as_datetime() + chrono::Duration::from_std(d).unwrap_or(chrono::Duration::zero())).into()
}

/// One entry for the audit trail: `subject` is the user the event is about (none for a
/// failed sign-in of an unknown email), `actor` the member who acted when it is someone else.
#[derive(Default)]
pub struct AuditEvent<'a> {
    pub organization_id: Option<OrganizationId>,
    pub subject: Option<UserId>,
    pub actor: Option<UserId>,
    pub email: Option<&'a str>,
    pub detail: Option<serde_json::Value>,
}

impl AuditEvent<'_> {
    /// An event about the caller, acting on itself.
    pub fn of(caller: &Caller) -> Self {
        AuditEvent {
            organization_id: Some(caller.scope.organization_id()),
            subject: Some(caller.user_id),
            ..AuditEvent::default()
        }
    }

    /// An event about `user` (its organization and id).
    pub fn about(user: &UserRow) -> Self {
        AuditEvent {
            organization_id: Some(user.organization_id),
            subject: Some(user.id),
            ..AuditEvent::default()
        }
    }
}

/// Appends to the audit trail, in the caller's transaction when there is one.
pub async fn audit(
    access: &mut impl Access,
    kind: AuthEventKind,
    event: AuditEvent<'_>,
    meta: &ClientMeta,
) -> Result<(), AppError> {
    access
        .auth_events()
        .insert(&AuthEventInsert {
            id: AuthEventId::new(),
            organization_id: event.organization_id,
            user_id: event.subject,
            actor_id: event.actor,
            kind,
            email_hash: event.email.map(tokens::email_hash),
            ip: meta.ip.map(|ip| ip.to_string()),
            detail: event.detail.map(Json),
            created_at: Timestamp::now(),
        })
        .await?;
    Ok(())
}
