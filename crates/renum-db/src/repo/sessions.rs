//! sessions: issuing, the per-request check by token hash, touching and revoking. Global,
//! because a session is looked up before any organization is known; the check's answer
//! names the organization.

use crate::db::{Executor, on_engine};
use crate::error::Result;
use crate::ids::{SessionId, UserId};
use crate::models::{Page, SessionAuth, SessionInsert, SessionRow};
use crate::repo::{found, keyset, next_key, page_limit};
use crate::sql_types::Timestamp;

/// Key of a user's session list (newest first): the last row's (created_at, id).
pub type SessionKey = (Timestamp, SessionId);

/// Sessions are looked up by token hash before any organization is known, so they are a
/// global table keyed by user.
pub struct Sessions<'c> {
    ex: Executor<'c>,
}

impl<'c> Sessions<'c> {
    pub(crate) fn new(ex: Executor<'c>) -> Self {
        Self { ex }
    }

    pub async fn insert(&mut self, session: &SessionInsert) -> Result<SessionRow> {
        Ok(on_engine!(&mut self.ex, |c, q| {
            sqlx::query_as(q::sessions::INSERT)
                .bind(session.id)
                .bind(session.user_id)
                .bind(&session.token_hash)
                .bind(session.expires_at)
                .bind(&session.ip)
                .bind(&session.user_agent)
                .fetch_one(&mut **c)
                .await?
        }))
    }

    pub async fn get_by_token_hash(&mut self, token_hash: &[u8]) -> Result<Option<SessionRow>> {
        Ok(on_engine!(&mut self.ex, |c, q| {
            sqlx::query_as(q::sessions::GET_BY_TOKEN_HASH)
                .bind(token_hash)
                .fetch_optional(&mut **c)
                .await?
        }))
    }

    /// Distinct addresses of `user`'s unrevoked, unexpired sessions (at most 100).
    pub async fn live_ips(&mut self, user: UserId, now: Timestamp) -> Result<Vec<String>> {
        Ok(on_engine!(&mut self.ex, |c, q| {
            sqlx::query_scalar(q::sessions::LIVE_IPS_FOR_USER)
                .bind(user)
                .bind(now)
                .fetch_all(&mut **c)
                .await?
        }))
    }

    /// The live session behind a token hash, if any (see `sessions.AUTHENTICATE`).
    pub async fn authenticate(
        &mut self,
        token_hash: &[u8],
        now: Timestamp,
        idle_since: Timestamp,
    ) -> Result<Option<SessionAuth>> {
        Ok(on_engine!(&mut self.ex, |c, q| {
            sqlx::query_as(q::sessions::AUTHENTICATE)
                .bind(token_hash)
                .bind(now)
                .bind(idle_since)
                .fetch_optional(&mut **c)
                .await?
        }))
    }

    pub async fn touch(&mut self, id: SessionId, at: Timestamp) -> Result<()> {
        let done = on_engine!(&mut self.ex, |c, q| {
            sqlx::query(q::sessions::TOUCH)
                .bind(id)
                .bind(at)
                .execute(&mut **c)
                .await?
                .rows_affected()
        });
        found(done)
    }

    /// Revokes one session; revoking an already revoked session is `NotFound`.
    pub async fn revoke(&mut self, id: SessionId, at: Timestamp) -> Result<()> {
        let done = on_engine!(&mut self.ex, |c, q| {
            sqlx::query(q::sessions::REVOKE)
                .bind(id)
                .bind(at)
                .execute(&mut **c)
                .await?
                .rows_affected()
        });
        found(done)
    }

    /// A page of `user`'s live sessions (unrevoked, unexpired, used since `idle_since`), newest
    /// first, after `after`.
    pub async fn list_live_for_user(
        &mut self,
        user: UserId,
        now: Timestamp,
        idle_since: Timestamp,
        after: Option<SessionKey>,
        limit: i64,
    ) -> Result<Page<SessionRow, SessionKey>> {
        let (at, id) = after.unwrap_or((keyset::max_timestamp(), SessionId(keyset::max_uuid())));
        let limit = page_limit(limit);
        let items: Vec<SessionRow> = on_engine!(&mut self.ex, |c, q| {
            sqlx::query_as(q::sessions::LIST_LIVE_FOR_USER)
                .bind(user)
                .bind(now)
                .bind(idle_since)
                .bind(at)
                .bind(id)
                .bind(limit)
                .fetch_all(&mut **c)
                .await?
        });
        let next = next_key(&items, limit, |s| (s.created_at, s.id));
        Ok(Page { items, next })
    }

    /// Revokes one of `user`'s live sessions; another user's session, a missing one and one
    /// no longer live are all `NotFound`.
    pub async fn revoke_for_user(
        &mut self,
        user: UserId,
        id: SessionId,
        now: Timestamp,
        idle_since: Timestamp,
    ) -> Result<()> {
        let done = on_engine!(&mut self.ex, |c, q| {
            sqlx::query(q::sessions::REVOKE_FOR_USER)
                .bind(user)
                .bind(id)
                .bind(now)
                .bind(idle_since)
                .execute(&mut **c)
                .await?
                .rows_affected()
        });
        found(done)
    }

    /// Revokes every live session of a user but `keep`; returns how many.
    pub async fn revoke_others_for_user(
        &mut self,
        user_id: UserId,
        keep: SessionId,
        at: Timestamp,
    ) -> Result<u64> {
        Ok(on_engine!(&mut self.ex, |c, q| {
            sqlx::query(q::sessions::REVOKE_OTHERS_FOR_USER)
                .bind(user_id)
                .bind(keep)
                .bind(at)
                .execute(&mut **c)
                .await?
                .rows_affected()
        }))
    }

    /// Revokes every live session of a user; returns how many.
    pub async fn revoke_all_for_user(&mut self, user_id: UserId, at: Timestamp) -> Result<u64> {
        Ok(on_engine!(&mut self.ex, |c, q| {
            sqlx::query(q::sessions::REVOKE_ALL_FOR_USER)
                .bind(user_id)
                .bind(at)
                .execute(&mut **c)
                .await?
                .rows_affected()
        }))
    }
}
