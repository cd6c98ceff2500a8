//! Hard deletion, after the grace period, of soft-deleted organizations (their child tables
//! emptied in FK order) and members (deleted, or anonymized when they authored rows), in
//! bounded batches so no statement holds locks for long. Run by `renum purge-deleted`.

use crate::db::{Executor, on_engine};
use crate::error::Result;
use crate::ids::{OrganizationId, UserId};
use crate::scope::OrgScope;
use crate::sql_types::Timestamp;

/// Hard deletion of soft-deleted tenants and members after their grace period, in bounded
/// batches (each call is one short statement; the caller commits between calls).
pub struct Purge<'c> {
    ex: Executor<'c>,
}

/// The child tables of an organization, in the order the purge empties them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TenantTable {
    Posts,
    ClipProjects,
    Videos,
    Users,
}

impl TenantTable {
    pub const ORDER: [TenantTable; 4] = [
        TenantTable::Posts,
        TenantTable::ClipProjects,
        TenantTable::Videos,
        TenantTable::Users,
    ];

    pub fn name(self) -> &'static str {
        match self {
            TenantTable::Posts => "posts",
            TenantTable::ClipProjects => "clip_projects",
            TenantTable::Videos => "videos",
            TenantTable::Users => "users",
        }
    }
}

impl<'c> Purge<'c> {
    pub(crate) fn new(ex: Executor<'c>) -> Self {
        Self { ex }
    }

    pub async fn deleted_organizations(
        &mut self,
        before: Timestamp,
        limit: i64,
    ) -> Result<Vec<OrganizationId>> {
        Ok(on_engine!(&mut self.ex, |c, q| {
            sqlx::query_scalar(q::purge::DELETED_ORGANIZATIONS)
                .bind(before)
                .bind(limit)
                .fetch_all(&mut **c)
                .await?
        }))
    }

    /// Deletes up to `limit` rows of `table` for the organization; returns how many.
    pub async fn delete_batch(
        &mut self,
        scope: &OrgScope,
        table: TenantTable,
        limit: i64,
    ) -> Result<u64> {
        let org = scope.organization_id();
        Ok(on_engine!(&mut self.ex, |c, q| {
            let sql = match table {
                TenantTable::Posts => q::purge::POSTS_BATCH,
                TenantTable::ClipProjects => q::purge::CLIP_PROJECTS_BATCH,
                TenantTable::Videos => q::purge::VIDEOS_BATCH,
                TenantTable::Users => q::purge::USERS_BATCH,
            };
            sqlx::query(sql)
                .bind(org)
                .bind(limit)
                .execute(&mut **c)
                .await?
                .rows_affected()
        }))
    }

    /// Deletes the (soft-deleted, emptied) organization row.
    pub async fn delete_organization(&mut self, scope: &OrgScope) -> Result<u64> {
        let org = scope.organization_id();
        Ok(on_engine!(&mut self.ex, |c, q| {
            sqlx::query(q::purge::ORGANIZATION)
                .bind(org)
                .execute(&mut **c)
                .await?
                .rows_affected()
        }))
    }

    pub async fn deleted_users(
        &mut self,
        before: Timestamp,
        limit: i64,
    ) -> Result<Vec<(OrganizationId, UserId)>> {
        Ok(on_engine!(&mut self.ex, |c, q| {
            sqlx::query_as(q::purge::DELETED_USERS)
                .bind(before)
                .bind(limit)
                .fetch_all(&mut **c)
                .await?
        }))
    }

    /// Removes a soft-deleted member: deleted outright when it authored nothing, otherwise
    /// anonymized so the organization's videos and posts stay attributed. Returns true when
    /// the row was deleted.
    pub async fn remove_user(
        &mut self,
        scope: &OrgScope,
        id: UserId,
        now: Timestamp,
    ) -> Result<bool> {
        let org = scope.organization_id();
        let anonymous_email = format!("deleted+{}@invalid.renum", id.0.simple());
        Ok(on_engine!(&mut self.ex, |c, q| {
            let has_content: bool = sqlx::query_scalar(q::purge::USER_HAS_CONTENT)
                .bind(org)
                .bind(id)
                .fetch_one(&mut **c)
                .await?;
            if has_content {
                sqlx::query(q::purge::ANONYMIZE_USER)
                    .bind(org)
                    .bind(id)
                    .bind(&anonymous_email)
                    .bind(now)
                    .execute(&mut **c)
                    .await?;
                false
            } else {
                sqlx::query(q::purge::USER)
                    .bind(org)
                    .bind(id)
                    .execute(&mut **c)
                    .await?;
                true
            }
        }))
    }
}
