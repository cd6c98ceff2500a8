//! The authentication audit trail: appending an event, and reading an account's recent
//! failed sign-ins for the throttle. Global, because failed sign-ins belong to no
//! organization.

use crate::db::{Executor, on_engine};
use crate::error::Result;
use crate::models::{AuthEventInsert, SigninFailure};
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
}
