//! organizations: `Organizations` creates one at signup, the only unscoped statement on the
//! table; `Organization` is the caller's own (settings, the OpusClip key, and what deletion
//! does to its sessions, scheduled posts and running clip projects).

use crate::db::{Executor, on_engine};
use crate::error::{Error, Result};
use crate::models::{OrganizationInsert, OrganizationRow, OrganizationUpdate};
use crate::repo::found;
use crate::scope::OrgScope;
use crate::sql_types::Timestamp;

/// Creating organizations (signup): the only organization statement without a scope.
pub struct Organizations<'c> {
    ex: Executor<'c>,
}

impl<'c> Organizations<'c> {
    pub(crate) fn new(ex: Executor<'c>) -> Self {
        Self { ex }
    }

    pub async fn insert(&mut self, org: &OrganizationInsert) -> Result<OrganizationRow> {
        Ok(on_engine!(&mut self.ex, |c, q| {
            sqlx::query_as(q::organizations::INSERT)
                .bind(org.id)
                .bind(&org.name)
                .bind(&org.slug)
                .bind(org.plan)
                .fetch_one(&mut **c)
                .await?
        }))
    }
}

/// The caller's own organization.
pub struct Organization<'c> {
    ex: Executor<'c>,
    scope: &'c OrgScope,
}

impl<'c> Organization<'c> {
    pub(crate) fn new(ex: Executor<'c>, scope: &'c OrgScope) -> Self {
        Self { ex, scope }
    }

    /// The organization, unless soft-deleted.
    pub async fn get(&mut self) -> Result<OrganizationRow> {
        let id = self.scope.organization_id();
        let row = on_engine!(&mut self.ex, |c, q| {
            sqlx::query_as(q::organizations::GET)
                .bind(id)
                .fetch_optional(&mut **c)
                .await?
        });
        row.ok_or(Error::NotFound)
    }

    pub async fn update(&mut self, patch: &OrganizationUpdate) -> Result<OrganizationRow> {
        let id = self.scope.organization_id();
        let row = on_engine!(&mut self.ex, |c, q| {
            sqlx::query_as(q::organizations::UPDATE)
                .bind(id)
                .bind(&patch.name)
                .bind(patch.plan)
                .bind(Timestamp::now())
                .fetch_optional(&mut **c)
                .await?
        });
        row.ok_or(Error::NotFound)
    }

    /// Stores (or with `None` removes) the encrypted OpusClip API key.
    pub async fn set_opusclip_key_ciphertext(&mut self, ciphertext: Option<&[u8]>) -> Result<()> {
        let id = self.scope.organization_id();
        let done = on_engine!(&mut self.ex, |c, q| {
            sqlx::query(q::organizations::SET_OPUSCLIP_KEY)
                .bind(id)
                .bind(ciphertext)
                .bind(Timestamp::now())
                .execute(&mut **c)
                .await?
                .rows_affected()
        });
        found(done)
    }

    /// Marks the organization deleted; the purge removes its rows after the grace period.
    pub async fn soft_delete(&mut self, at: Timestamp) -> Result<()> {
        let id = self.scope.organization_id();
        let done = on_engine!(&mut self.ex, |c, q| {
            sqlx::query(q::organizations::SOFT_DELETE)
                .bind(id)
                .bind(at)
                .execute(&mut **c)
                .await?
                .rows_affected()
        });
        found(done)
    }

    /// Revokes every live session of every member; returns how many.
    pub async fn revoke_all_sessions(&mut self, at: Timestamp) -> Result<u64> {
        self.execute_at(Statement::RevokeAllSessions, at).await
    }

    /// Cancels the organization's scheduled posts and the ones being published; returns how
    /// many.
    pub async fn cancel_scheduled_posts(&mut self, at: Timestamp) -> Result<u64> {
        self.execute_at(Statement::CancelScheduledPosts, at).await
    }

    /// Fails the organization's processing clip projects so the poller stops; returns how many.
    pub async fn fail_processing_clip_projects(&mut self, at: Timestamp) -> Result<u64> {
        self.execute_at(Statement::FailProcessingClipProjects, at)
            .await
    }

    async fn execute_at(&mut self, statement: Statement, at: Timestamp) -> Result<u64> {
        let id = self.scope.organization_id();
        Ok(on_engine!(&mut self.ex, |c, q| {
            let sql = match statement {
                Statement::RevokeAllSessions => q::organizations::REVOKE_ALL_SESSIONS,
                Statement::CancelScheduledPosts => q::organizations::CANCEL_SCHEDULED_POSTS,
                Statement::FailProcessingClipProjects => {
                    q::organizations::FAIL_PROCESSING_CLIP_PROJECTS
                }
            };
            sqlx::query(sql)
                .bind(id)
                .bind(at)
                .execute(&mut **c)
                .await?
                .rows_affected()
        }))
    }
}

/// The organization-wide `(organization_id, at)` updates run when an organization is deleted.
#[derive(Clone, Copy)]
enum Statement {
    RevokeAllSessions,
    CancelScheduledPosts,
    FailProcessingClipProjects,
}
