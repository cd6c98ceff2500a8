//! `email_tokens`: single-use tokens mailed to a user, kept as their SHA-256.

use crate::enums::TokenPurpose;
use crate::ids::{EmailTokenId, OrganizationId, UserId};
use crate::sql_types::Timestamp;

#[derive(Debug, Clone)]
pub struct EmailTokenInsert {
    pub id: EmailTokenId,
    pub user_id: UserId,
    pub purpose: TokenPurpose,
    /// SHA-256 of the token (not the token).
    pub token_hash: Vec<u8>,
    pub expires_at: Timestamp,
}

/// Whose a spent token was (`email_tokens.CONSUME`).
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct TokenOwner {
    pub user_id: UserId,
    pub organization_id: OrganizationId,
}
