//! invitations: `Invitations`, the caller's organization's (invite, supersede, list, revoke),
//! and `InvitationTokens`, accepting one by its token before any organization is known.

use crate::db::{Executor, on_engine};
use crate::error::Result;
use crate::ids::InvitationId;
use crate::models::{InvitationInsert, InvitationRow, Page};
use crate::repo::{found, keyset, next_key, page_limit};
use crate::scope::OrgScope;
use crate::sql_types::Timestamp;

/// Key of the pending list (oldest first): the last row's (created_at, id).
pub type InvitationKey = (Timestamp, InvitationId);

pub struct Invitations<'c> {
    ex: Executor<'c>,
    scope: &'c OrgScope,
}

impl<'c> Invitations<'c> {
    pub(crate) fn new(ex: Executor<'c>, scope: &'c OrgScope) -> Self {
        Self { ex, scope }
    }

    pub async fn insert(&mut self, invitation: &InvitationInsert) -> Result<InvitationRow> {
        let org = self.scope.organization_id();
        Ok(on_engine!(&mut self.ex, |c, q| {
            sqlx::query_as(q::invitations::INSERT)
                .bind(org)
                .bind(invitation.id)
                .bind(&invitation.email)
                .bind(invitation.role)
                .bind(invitation.invited_by)
                .bind(&invitation.token_hash)
                .bind(invitation.expires_at)
                .fetch_one(&mut **c)
                .await?
        }))
    }

    /// Revokes the pending invitation of `email`, if any; returns how many (0 or 1).
    pub async fn supersede(&mut self, email: &str, now: Timestamp) -> Result<u64> {
        let org = self.scope.organization_id();
        Ok(on_engine!(&mut self.ex, |c, q| {
            sqlx::query(q::invitations::SUPERSEDE)
                .bind(org)
                .bind(email)
                .bind(now)
                .execute(&mut **c)
                .await?
                .rows_affected()
        }))
    }

    /// Pending invitations (neither accepted nor revoked, not expired at `now`), oldest first.
    pub async fn list_pending(
        &mut self,
        now: Timestamp,
        after: Option<InvitationKey>,
        limit: i64,
    ) -> Result<Page<InvitationRow, InvitationKey>> {
        let org = self.scope.organization_id();
        let (at, id) = after.unwrap_or((keyset::min_timestamp(), InvitationId(keyset::min_uuid())));
        let limit = page_limit(limit);
        let items: Vec<InvitationRow> = on_engine!(&mut self.ex, |c, q| {
            sqlx::query_as(q::invitations::LIST_PENDING)
                .bind(org)
                .bind(now)
                .bind(at)
                .bind(id)
                .bind(limit)
                .fetch_all(&mut **c)
                .await?
        });
        let next = next_key(&items, limit, |i| (i.created_at, i.id));
        Ok(Page { items, next })
    }

    /// Revokes a pending invitation; `NotFound` when this organization has no such pending one.
    pub async fn revoke(&mut self, id: InvitationId, now: Timestamp) -> Result<()> {
        let org = self.scope.organization_id();
        let rows = on_engine!(&mut self.ex, |c, q| {
            sqlx::query(q::invitations::REVOKE)
                .bind(org)
                .bind(id)
                .bind(now)
                .execute(&mut **c)
                .await?
                .rows_affected()
        });
        found(rows)
    }
}

/// Invitations reached by token: the token is the credential, presented before any scope.
pub struct InvitationTokens<'c> {
    ex: Executor<'c>,
}

impl<'c> InvitationTokens<'c> {
    pub(crate) fn new(ex: Executor<'c>) -> Self {
        Self { ex }
    }

    /// Spends the invitation with this token hash if it is pending, unexpired, and its
    /// organization and inviter are live; `None` otherwise.
    pub async fn accept(
        &mut self,
        token_hash: &[u8],
        now: Timestamp,
    ) -> Result<Option<InvitationRow>> {
        Ok(on_engine!(&mut self.ex, |c, q| {
            sqlx::query_as(q::invitations::ACCEPT)
                .bind(token_hash)
                .bind(now)
                .fetch_optional(&mut **c)
                .await?
        }))
    }
}
