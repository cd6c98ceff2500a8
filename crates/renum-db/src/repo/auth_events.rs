//! The authentication audit trail: appending an event, reading an account's recent failed
//! sign-ins for the throttle, and retention (global, because failed sign-ins belong to no
//! organization); `OrgAuthEvents` reads one organization's trail.

use crate::db::{Executor, on_engine};
use crate::enums::AuthEventKind;
use crate::error::Result;
use crate::ids::{AuthEventId, UserId};
use crate::models::{AuthEventInsert, AuthEventRow, Page, SigninFailure};
use crate::repo::{keyset, next_key, page_limit};
use crate::scope::OrgScope;
use crate::sql_types::Timestamp;

/// The authentication audit trail. Global: failed sign-ins belong to no organization.
pub struct AuthEvents<'c> {
    ex: Executor<'c>,
}

impl<'c> AuthEvents<'c> {
    pub(crate) fn new(ex: Executor<'c>) -> Self {
        Self { ex }
    }

    pub async fn insert(&mut self, e: &AuthEventInsert) -> Result<()> {
        on_engine!(&mut self.ex, |c, q| {
            sqlx::query(q::auth_events::INSERT)
                .bind(e.id)
                .bind(e.organization_id)
                .bind(e.user_id)
                .bind(e.actor_id)
                .bind(e.kind)
                .bind(&e.email_hash)
                .bind(&e.ip)
                .bind(&e.detail)
                .bind(e.created_at)
                .execute(&mut **c)
                .await?
                .rows_affected()
        });
        Ok(())
    }

    /// Failed sign-ins of one account since `since`, newest first, at most `limit`.
    pub async fn recent_signin_failures(
        &mut self,
        email_hash: &[u8],
        since: Timestamp,
        limit: i64,
    ) -> Result<Vec<SigninFailure>> {
        Ok(on_engine!(&mut self.ex, |c, q| {
            sqlx::query_as(q::auth_events::RECENT_SIGNIN_FAILURES)
                .bind(email_hash)
                .bind(since)
                .bind(limit)
                .fetch_all(&mut **c)
                .await?
        }))
    }

    /// Deletes up to `limit` of the events created before `before`, oldest first; returns how
    /// many (fewer than `limit`: none are left).
    pub async fn delete_older_batch(&mut self, before: Timestamp, limit: i64) -> Result<u64> {
        Ok(on_engine!(&mut self.ex, |c, q| {
            sqlx::query(q::auth_events::DELETE_OLDER_BATCH)
                .bind(before)
                .bind(limit)
                .execute(&mut **c)
                .await?
                .rows_affected()
        }))
    }

    /// Up to `limit` events created before `before` whose address is still whole, oldest
    /// first, with that address.
    pub async fn whole_ips_older(
        &mut self,
        before: Timestamp,
        limit: i64,
    ) -> Result<Vec<(AuthEventId, String)>> {
        Ok(on_engine!(&mut self.ex, |c, q| {
            sqlx::query_as(q::auth_events::WHOLE_IPS_OLDER)
                .bind(before)
                .bind(limit)
                .fetch_all(&mut **c)
                .await?
        }))
    }

    /// Replaces an event's address (retention's cut).
    pub async fn set_ip(&mut self, id: AuthEventId, ip: Option<&str>) -> Result<()> {
        on_engine!(&mut self.ex, |c, q| {
            sqlx::query(q::auth_events::SET_IP)
                .bind(id)
                .bind(ip)
                .execute(&mut **c)
                .await?
                .rows_affected()
        });
        Ok(())
    }
}

/// Key of an organization's trail (newest first): the last row's (created_at, id).
pub type AuthEventKey = (Timestamp, AuthEventId);

/// Filters of an organization's trail.
#[derive(Debug, Clone, Copy, Default)]
pub struct AuthEventFilter {
    pub kind: Option<AuthEventKind>,
    /// The member who acted (`actor_id`, or the subject when the event has no actor).
    pub actor: Option<UserId>,
}

/// Reading one organization's audit trail.
pub struct OrgAuthEvents<'c> {
    ex: Executor<'c>,
    scope: &'c OrgScope,
}

impl<'c> OrgAuthEvents<'c> {
    pub(crate) fn new(ex: Executor<'c>, scope: &'c OrgScope) -> Self {
        Self { ex, scope }
    }

    /// A page of the organization's events matching `filter`, newest first, after `after`.
    pub async fn list(
        &mut self,
        filter: &AuthEventFilter,
        after: Option<AuthEventKey>,
        limit: i64,
    ) -> Result<Page<AuthEventRow, AuthEventKey>> {
        let org = self.scope.organization_id();
        let (at, id) = after.unwrap_or((keyset::max_timestamp(), AuthEventId(keyset::max_uuid())));
        let limit = page_limit(limit);
        let items: Vec<AuthEventRow> = match (filter.kind, filter.actor) {
            (None, None) => on_engine!(&mut self.ex, |c, q| {
                sqlx::query_as(q::auth_events::LIST)
                    .bind(org)
                    .bind(at)
                    .bind(id)
                    .bind(limit)
                    .fetch_all(&mut **c)
                    .await?
            }),
            (Some(kind), None) => on_engine!(&mut self.ex, |c, q| {
                sqlx::query_as(q::auth_events::LIST_BY_KIND)
                    .bind(org)
                    .bind(kind)
                    .bind(at)
                    .bind(id)
                    .bind(limit)
                    .fetch_all(&mut **c)
                    .await?
            }),
            (kind, Some(actor)) => on_engine!(&mut self.ex, |c, q| {
                sqlx::query_as(q::auth_events::LIST_BY_ACTOR)
                    .bind(org)
                    .bind(actor)
                    .bind(kind)
                    .bind(at)
                    .bind(id)
                    .bind(limit)
                    .fetch_all(&mut **c)
                    .await?
            }),
        };
        let next = next_key(&items, limit, |e| (e.created_at, e.id));
        Ok(Page { items, next })
    }
}
