//! email_tokens: storing a mailed token's hash, superseding a user's older ones, and spending
//! one. Global, like sessions: a token is presented before any organization is known.

use crate::db::{Executor, on_engine};
use crate::enums::TokenPurpose;
use crate::error::Result;
use crate::ids::UserId;
use crate::models::{EmailTokenInsert, TokenOwner};
use crate::sql_types::Timestamp;

pub struct EmailTokens<'c> {
    ex: Executor<'c>,
}

impl<'c> EmailTokens<'c> {
    pub(crate) fn new(ex: Executor<'c>) -> Self {
        Self { ex }
    }

    pub async fn insert(&mut self, token: &EmailTokenInsert) -> Result<()> {
        on_engine!(&mut self.ex, |c, q| {
            sqlx::query(q::email_tokens::INSERT)
                .bind(token.id)
                .bind(token.user_id)
                .bind(token.purpose)
                .bind(&token.token_hash)
                .bind(token.expires_at)
                .execute(&mut **c)
                .await?;
        });
        Ok(())
    }

    /// Marks `user`'s unused tokens of `purpose` used; returns how many.
    pub async fn supersede(
        &mut self,
        user: UserId,
        purpose: TokenPurpose,
        now: Timestamp,
    ) -> Result<u64> {
        Ok(on_engine!(&mut self.ex, |c, q| {
            sqlx::query(q::email_tokens::SUPERSEDE)
                .bind(user)
                .bind(purpose)
                .bind(now)
                .execute(&mut **c)
                .await?
                .rows_affected()
        }))
    }

    /// Spends the token with this hash if it is unused, unexpired, of `purpose`, and its user
    /// and organization are live; `None` otherwise.
    pub async fn consume(
        &mut self,
        token_hash: &[u8],
        purpose: TokenPurpose,
        now: Timestamp,
    ) -> Result<Option<TokenOwner>> {
        Ok(on_engine!(&mut self.ex, |c, q| {
            sqlx::query_as(q::email_tokens::CONSUME)
                .bind(token_hash)
                .bind(purpose)
                .bind(now)
                .fetch_optional(&mut **c)
                .await?
        }))
    }
}
