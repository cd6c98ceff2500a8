//! users: `Users`, the caller's organization's members (soft-deleted ones invisible), and
//! `Accounts`, the sign-in lookup by email that precedes any scope.

use crate::db::{Executor, on_engine};
use crate::error::{Error, Result};
use crate::ids::UserId;
use crate::models::{Page, UserInsert, UserRow, UserUpdate, UserWithOrganization};
use crate::repo::{found, keyset, next_key, page_limit};
use crate::scope::OrgScope;
use crate::sql_types::Timestamp;

/// Members of the caller's organization (soft-deleted users are invisible here).
pub struct Users<'c> {
    ex: Executor<'c>,
    scope: &'c OrgScope,
}

/// Key of the members list (oldest first): the last row's (created_at, id).
pub type UserKey = (Timestamp, UserId);

impl<'c> Users<'c> {
    pub(crate) fn new(ex: Executor<'c>, scope: &'c OrgScope) -> Self {
        Self { ex, scope }
    }

    pub async fn insert(&mut self, user: &UserInsert) -> Result<UserRow> {
        let org = self.scope.organization_id();
        Ok(on_engine!(&mut self.ex, |c, q| {
            sqlx::query_as(q::users::INSERT)
                .bind(org)
                .bind(user.id)
                .bind(&user.email)
                .bind(&user.password_hash)
                .bind(&user.full_name)
                .bind(user.role)
                .fetch_one(&mut **c)
                .await?
        }))
    }

    pub async fn get(&mut self, id: UserId) -> Result<UserRow> {
        let org = self.scope.organization_id();
        let row = on_engine!(&mut self.ex, |c, q| {
            sqlx::query_as(q::users::GET)
                .bind(org)
                .bind(id)
                .fetch_optional(&mut **c)
                .await?
        });
        row.ok_or(Error::NotFound)
    }

    pub async fn list(
        &mut self,
        after: Option<UserKey>,
        limit: i64,
    ) -> Result<Page<UserRow, UserKey>> {
        let org = self.scope.organization_id();
        let (at, id) = after.unwrap_or((keyset::min_timestamp(), UserId(keyset::min_uuid())));
        let limit = page_limit(limit);
        let items: Vec<UserRow> = on_engine!(&mut self.ex, |c, q| {
            sqlx::query_as(q::users::LIST)
                .bind(org)
                .bind(at)
                .bind(id)
                .bind(limit)
                .fetch_all(&mut **c)
                .await?
        });
        let next = next_key(&items, limit, |u| (u.created_at, u.id));
        Ok(Page { items, next })
    }

    pub async fn update(&mut self, id: UserId, patch: &UserUpdate) -> Result<UserRow> {
        let org = self.scope.organization_id();
        let row = on_engine!(&mut self.ex, |c, q| {
            sqlx::query_as(q::users::UPDATE)
                .bind(org)
                .bind(id)
                .bind(&patch.full_name)
                .bind(patch.role)
                .bind(&patch.password_hash)
                .bind(Timestamp::now())
                .fetch_optional(&mut **c)
                .await?
        });
        row.ok_or(Error::NotFound)
    }

    /// Marks the address verified; false when it already was (or the user is gone).
    pub async fn set_email_verified(&mut self, id: UserId, at: Timestamp) -> Result<bool> {
        let done = on_engine!(&mut self.ex, |c, q| {
            sqlx::query(q::users::SET_EMAIL_VERIFIED)
                .bind(self.scope.organization_id())
                .bind(id)
                .bind(at)
                .execute(&mut **c)
                .await?
                .rows_affected()
        });
        Ok(done == 1)
    }

    /// The seed's `updateLastLogin`.
    pub async fn set_last_login(&mut self, id: UserId, at: Timestamp) -> Result<()> {
        let org = self.scope.organization_id();
        let done = on_engine!(&mut self.ex, |c, q| {
            sqlx::query(q::users::SET_LAST_LOGIN)
                .bind(org)
                .bind(id)
                .bind(at)
                .execute(&mut **c)
                .await?
                .rows_affected()
        });
        found(done)
    }

    pub async fn soft_delete(&mut self, id: UserId, at: Timestamp) -> Result<()> {
        let org = self.scope.organization_id();
        let done = on_engine!(&mut self.ex, |c, q| {
            sqlx::query(q::users::SOFT_DELETE)
                .bind(org)
                .bind(id)
                .bind(at)
                .execute(&mut **c)
                .await?
                .rows_affected()
        });
        found(done)
    }

    /// The seed's `getCurrentUser`: the user and its organization in one query.
    pub async fn with_organization(&mut self, id: UserId) -> Result<UserWithOrganization> {
        let org = self.scope.organization_id();
        let row = on_engine!(&mut self.ex, |c, q| {
            sqlx::query_as(q::users::WITH_ORGANIZATION)
                .bind(org)
                .bind(id)
                .fetch_optional(&mut **c)
                .await?
        });
        row.ok_or(Error::NotFound)
    }
}

/// The account lookup that precedes any scope: sign-in by email.
pub struct Accounts<'c> {
    ex: Executor<'c>,
}

impl<'c> Accounts<'c> {
    pub(crate) fn new(ex: Executor<'c>) -> Self {
        Self { ex }
    }

    /// The live user with this (already normalized) email, if any.
    pub async fn find_by_email(&mut self, email: &str) -> Result<Option<UserRow>> {
        Ok(on_engine!(&mut self.ex, |c, q| {
            sqlx::query_as(q::accounts::FIND_BY_EMAIL)
                .bind(email)
                .fetch_optional(&mut **c)
                .await?
        }))
    }
}
